package drf

import (
	"encoding/json"
	"math"
	"testing"
)

// TestPyInt protects the reading of path ports and app ids as Python's int() reads them.
func TestPyInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"80", 80, true}, {" 80\t", 80, true}, {"+80", 80, true}, {"-80", -80, true}, {"007", 7, true},
		{"8_0", 80, true}, {"1_000_000", 1000000, true}, {"٨٠", 80, true}, {"８０", 80, true},
		{"99999999999999999999", math.MaxInt64, true}, {"-99999999999999999999", -math.MaxInt64, true},
		{"-9223372036854775808", -math.MaxInt64, true}, {"٨_٠", 80, true}, {"+-5", 0, false}, {" _5", 0, false},
		{"", 0, false}, {"-", 0, false}, {"_80", 0, false}, {"80_", 0, false}, {"8__0", 0, false},
		{"80.0", 0, false}, {"0x50", 0, false}, {"abc", 0, false}, {"1-2", 0, false}, {"--", 0, false},
	}
	for _, tt := range tests {
		got, ok := Int(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Int(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestDRFInteger protects DRF's IntegerField: str() of the JSON value, a trailing ".0" dropped.
func TestDRFInteger(t *testing.T) {
	tests := []struct {
		in   any
		want int64
		ok   bool
	}{
		{json.Number("80"), 80, true}, {json.Number("80.0"), 80, true}, {json.Number("8e1"), 80, true},
		{json.Number("-0"), 0, true}, {json.Number("-0.0"), 0, true}, {"80", 80, true}, {" 80.00 ", 80, true},
		{"80.", 80, true}, {json.Number("9999999999999998"), 9999999999999998, true},
		{json.Number("80.5"), 0, false}, {json.Number("1e16"), 0, false}, {json.Number("1e400"), 0, false},
		{"80.5", 0, false}, {true, 0, false}, {[]any{json.Number("80")}, 0, false}, {map[string]any{}, 0, false},
	}
	for _, tt := range tests {
		got, msg := Integer(tt.in)
		if (msg == "") != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("Integer(%#v) = %d, %q; want %d, ok %v", tt.in, got, msg, tt.want, tt.ok)
		}
	}
}

// TestPyNumberStr protects str() of a JSON number as Python prints it.
func TestPyNumberStr(t *testing.T) {
	for in, want := range map[string]string{
		"5": "5", "-0": "0", "5.0": "5.0", "5.25": "5.25", "1e16": "1e+16", "1.5e-5": "1.5e-05",
		"123456789012345.0": "123456789012345.0", "0.0001": "0.0001", "-0.0": "-0.0", "0.0": "0.0", "0e5": "0.0", "-1e400": "-inf", "1e400": "inf",
	} {
		if got := NumberStr(json.Number(in)); got != want {
			t.Errorf("NumberStr(%s) = %q, want %q", in, got, want)
		}
	}
}

// TestDRFBoolean protects DRF's BooleanField values.
func TestDRFBoolean(t *testing.T) {
	for _, in := range []any{true, "t", "Y", "yes", "TRUE", "on", "1", json.Number("1"), json.Number("1.0")} {
		if v, msg := Boolean(in); !v || msg != "" {
			t.Errorf("Boolean(%#v) = %v, %q; want true", in, v, msg)
		}
	}
	for _, in := range []any{false, "f", "N", "no", "False", "off", "0", json.Number("0"), json.Number("-0.0")} {
		if v, msg := Boolean(in); v || msg != "" {
			t.Errorf("Boolean(%#v) = %v, %q; want false", in, v, msg)
		}
	}
	for _, in := range []any{"", "null", "maybe", "TrUe", json.Number("2"), []any{}, map[string]any{}} {
		if _, msg := Boolean(in); msg == "" {
			t.Errorf("Boolean(%#v) accepted", in)
		}
	}
}
