// Package drf reads request bodies the way Django REST framework 3.14 does, for the fake Rainbond
// console: the parsers (JSONParser, FormParser, MultiPartParser), the field rules of
// rest_framework/fields.py (IntegerField, BooleanField, ChoiceField, CharField) and the Python
// builtins they lean on (int() over Unicode digits, str() of a number, str.strip()). The messages
// are DRF's zh-hans translations, as the console (LANGUAGE_CODE zh-hans) sends them.
package drf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// DRF's error messages.
const (
	MsgRequired     = "该字段是必填项。"
	MsgNull         = "该字段不能为 null。"
	msgBlank        = "该字段不能为空。"
	msgInteger      = "请填写合法的整数值。"
	msgStringTooBig = "字符串值太长。"
	msgBoolean      = "Must be a valid boolean."
	msgString       = "Not a valid string."
	msgNullChars    = "Null characters are not allowed."
	msgNoData       = "No data provided"
)

// Absent marks a field missing from the body (DRF's `empty`).
type Absent struct{}

// Body is a parsed request body: the fields by name, and whether it came from a form (DRF's
// "HTML input", with its own rules for missing and empty fields).
type Body struct {
	Fields map[string]any // JSON values (string, json.Number, bool, nil, []any, map[string]any) or form strings
	HTML   bool
	// NotObject is set when the JSON body is not an object: its Python type name, or "null".
	NotObject string
}

// ParseError is DRF's answer to a body it cannot parse: the status, the exception's detail and its
// class name (ParseError, UnsupportedMediaType).
type ParseError struct {
	Status       int
	Detail, Type string
}

// Parse reads a POST or PUT body of content type ctype as request.data does; a multipart body is
// parsed with at most maxMemory bytes in memory.
func Parse(ctype string, raw []byte, maxMemory int64) (*Body, *ParseError) {
	mediaType, params, _ := mime.ParseMediaType(ctype)
	form := mediaType == "application/x-www-form-urlencoded" || mediaType == "multipart/form-data"
	if len(raw) == 0 {
		// No body: DRF does not parse at all and gives {} (a QueryDict for a form media type).
		return &Body{Fields: map[string]any{}, HTML: form}, nil
	}
	switch mediaType {
	case "application/json":
		return parseJSON(raw)
	case "application/x-www-form-urlencoded":
		values, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, &ParseError{http.StatusBadRequest, "Malformed request.", "ParseError"}
		}
		return formBody(values), nil
	case "multipart/form-data":
		req := &http.Request{Header: http.Header{"Content-Type": {ctype}}, Body: io.NopCloser(bytes.NewReader(raw)), Method: http.MethodPost}
		if params["boundary"] == "" || req.ParseMultipartForm(maxMemory) != nil {
			return nil, &ParseError{http.StatusBadRequest, "Multipart form parse error - Invalid boundary in multipart: None", "ParseError"}
		}
		return formBody(req.MultipartForm.Value), nil
	}
	return nil, &ParseError{http.StatusUnsupportedMediaType, "不支持请求中的媒体类型 “" + ctype + "”。", "UnsupportedMediaType"}
}

// formBody is a QueryDict: a field's value is its last value.
func formBody(values map[string][]string) *Body {
	b := &Body{Fields: make(map[string]any, len(values)), HTML: true}
	for k, v := range values {
		if len(v) > 0 {
			b.Fields[k] = v[len(v)-1]
		}
	}
	return b
}

// parseJSON parses a JSON body as Python's json module (strict: no NaN, no trailing data, UTF-8).
func parseJSON(raw []byte) (*Body, *ParseError) {
	fail := func(detail string) (*Body, *ParseError) {
		return nil, &ParseError{http.StatusBadRequest, "JSON parse error - " + detail, "ParseError"}
	}
	if !utf8.Valid(raw) {
		return fail("'utf-8' codec can't decode bytes: invalid continuation byte")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		// Python's wording for the common cases.
		off := int64(len(raw)) + 1
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			off = syn.Offset
		}
		return fail(fmt.Sprintf("Expecting value: line 1 column %d (char %d)", off, off-1))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		off := int(dec.InputOffset())
		return fail(fmt.Sprintf("Extra data: line 1 column %d (char %d)", off+1, off))
	}
	if fields, ok := v.(map[string]any); ok {
		return &Body{Fields: fields}, nil
	}
	return &Body{NotObject: typeName(v)}, nil
}

// typeName is the Python type name of a JSON value other than an object, or "null".
func typeName(v any) string {
	switch x := v.(type) {
	case []any:
		return "list"
	case string:
		return "str"
	case bool:
		return "bool"
	case json.Number:
		if isIntLiteral(string(x)) {
			return "int"
		}
		return "float"
	}
	return "null"
}

// FieldErrors collects the validation errors of one serializer run, by field.
type FieldErrors map[string][]string

// Add records msg for field.
func (e FieldErrors) Add(field, msg string) { e[field] = append(e[field], msg) }

// Validate runs a serializer on b: the whole body must be an object, then fields reads the data
// field by field, recording what is wrong in errs. The errors are nil when the body is valid.
func Validate[T any](b *Body, fields func(errs FieldErrors) T) (data T, errs FieldErrors) {
	switch b.NotObject {
	case "":
	case "null":
		return data, FieldErrors{"non_field_errors": {msgNoData}}
	default:
		return data, FieldErrors{"non_field_errors": {"无效数据。期待为字典类型，得到的是 " + b.NotObject + " 。"}}
	}
	errs = FieldErrors{}
	if data = fields(errs); len(errs) > 0 {
		return data, errs
	}
	return data, nil
}

// Get returns a field's value as DRF's Field.get_value and validate_empty_values see it: Absent,
// nil (null) or a value. For form input a missing boolean is false and an empty string is null
// where the field allows null and not blank.
func (b *Body) Get(name string, htmlDefaultFalse, allowNull, allowBlank bool) any {
	v, ok := b.Fields[name]
	switch {
	case !ok && b.HTML && htmlDefaultFalse:
		return false
	case !ok:
		return Absent{}
	case b.HTML && v == "" && allowNull && !allowBlank:
		return nil
	}
	return v
}

// Required validates a required field that allows neither null nor blank with toInternal (Integer,
// Boolean, a Choice) and returns its value; a missing, null or invalid field is recorded in errs.
// htmlDefaultFalse is set for a BooleanField (see Get).
func Required[T any](b *Body, name string, htmlDefaultFalse bool, errs FieldErrors, toInternal func(any) (T, string)) (x T) {
	switch v := b.Get(name, htmlDefaultFalse, false, false).(type) {
	case Absent:
		errs.Add(name, MsgRequired)
	case nil:
		errs.Add(name, MsgNull)
	default:
		var msg string
		if x, msg = toInternal(v); msg != "" {
			errs.Add(name, msg)
		}
	}
	return x
}

// OptionalChoice validates an optional ChoiceField that allows null: def when absent, nil when
// null, else the choice.
func (b *Body) OptionalChoice(name string, choices []string, def string, errs FieldErrors) *string {
	return b.optional(name, &def, false, errs, func(v any) (string, string) { return Choice(v, choices) })
}

// OptionalChar validates an optional CharField that allows null, without a default: nil when
// absent (`.data` then reports null) or null.
func (b *Body) OptionalChar(name string, f CharField, errs FieldErrors) *string {
	return b.optional(name, nil, f.AllowBlank, errs, f.Run)
}

// optional validates an optional field that allows null with toInternal: def when absent, nil
// when null, else the value (and its error recorded in errs).
func (b *Body) optional(name string, def *string, allowBlank bool, errs FieldErrors, toInternal func(any) (string, string)) *string {
	v := b.Get(name, false, true, allowBlank)
	switch v.(type) {
	case Absent:
		return def
	case nil:
		return nil
	}
	s, msg := toInternal(v)
	if msg != "" {
		errs.Add(name, msg)
	}
	return &s
}

// Str is Python's str() of a JSON value, and whether str() is what DRF would use (a string or a
// number); other values (bool, list, dict) are reported as not stringable.
func Str(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return NumberStr(x), true
	}
	return "", false
}

// NumberStr is Python's str() of a JSON number: an int for an integer literal, else a float's
// repr (exponent form from 1e16 up or below 1e-4, with at least two exponent digits as Go's).
func NumberStr(n json.Number) string {
	s := string(n)
	if isIntLiteral(s) {
		if s == "-0" {
			return "0"
		}
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	switch abs := math.Abs(f); {
	case err != nil || math.IsInf(f, 0):
		if f < 0 {
			return "-inf"
		}
		return "inf"
	case abs >= 1e16 || abs != 0 && abs < 1e-4:
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	out := strconv.FormatFloat(f, 'f', -1, 64) // -0 too: "-0.0"
	if !strings.Contains(out, ".") {
		out += ".0"
	}
	return out
}

func isIntLiteral(s string) bool { return !strings.ContainsAny(s, ".eE") }

// reDecimal is IntegerField.re_decimal: a trailing ".0", "." or ".000" (and white space) is
// dropped. It is compiled on first use, not at package initialisation: portctl links the fakes.
var reDecimal = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\.0*\s*\n?$`) })

// Integer is IntegerField.to_internal_value: int(re_decimal.sub(”, str(data))), and the error
// message or "".
func Integer(v any) (int64, string) {
	if s, ok := v.(string); ok && utf8.RuneCountInString(s) > 1000 {
		return 0, msgStringTooBig
	}
	s, _ := Str(v) // "" for a bool, list or dict, which int() then refuses
	n, ok := Int(reDecimal().ReplaceAllString(s, ""))
	if !ok {
		return 0, msgInteger
	}
	return n, ""
}

// Int is Python's int(s) for a str: surrounding white space, a sign, decimal digits of any
// script, single underscores between digits. Values beyond int64 saturate (the console then
// finds them out of range).
func Int(s string) (int64, bool) {
	s = Strip(s)
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	if s == "" || s[0] == '_' || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return 0, false
	}
	var ascii strings.Builder
	for _, r := range s {
		d, ok := digitValue(r)
		if !ok && r != '_' {
			return 0, false
		}
		if ok {
			ascii.WriteByte(byte('0' + d))
		}
	}
	n, err := strconv.ParseInt(ascii.String(), 10, 64)
	if err != nil { // out of range: saturate
		n = math.MaxInt64
	}
	if neg {
		n = -n
	}
	return n, true
}

// digitValue is the value of a Unicode decimal digit (category Nd). Nd digits come in runs of ten,
// zero first, so the value is the distance from the start of the run modulo ten.
func digitValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if !unicode.IsDigit(r) {
		return 0, false
	}
	start := r
	for unicode.IsDigit(start - 1) {
		start--
	}
	return int(r-start) % 10, true
}

// Strip is Python's str.strip(): Unicode white space, plus the separators \x1c-\x1f.
func Strip(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) })
}

// Boolean is BooleanField.to_internal_value (allow_null false).
func Boolean(v any) (bool, string) {
	switch x := v.(type) {
	case bool:
		return x, ""
	case string:
		switch x {
		case "t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1":
			return true, ""
		case "f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0":
			return false, ""
		}
	case json.Number:
		// 1 == 1.0 == True and 0 == 0.0 == False in Python.
		if f, err := strconv.ParseFloat(string(x), 64); err == nil && (f == 0 || f == 1) {
			return f == 1, ""
		}
	}
	return false, msgBoolean
}

// Choice is ChoiceField.to_internal_value: str(data) must be one of the choices. Only a string
// can equal one of the console's choices.
func Choice(v any, choices []string) (string, string) {
	if s, ok := v.(string); ok && slices.Contains(choices, s) {
		return s, ""
	}
	return "", "“" + display(v) + "” 不是合法选项。" // DRF's quotes around the input
}

// display is how Python formats a JSON value in a message.
func display(v any) string {
	if s, ok := Str(v); ok {
		return s
	}
	switch x := v.(type) {
	case bool:
		if x {
			return "True"
		}
		return "False"
	case nil:
		return "None"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// CharField is a DRF CharField's options; the console's all allow null (see OptionalChar).
type CharField struct {
	MaxLength  int
	AllowBlank bool
}

// Run validates a present, non-null value: blank check, str(), strip, max length, null characters.
func (f CharField) Run(v any) (string, string) {
	if s, ok := v.(string); ok && Strip(s) == "" && !f.AllowBlank {
		return "", msgBlank
	}
	s, ok := Str(v)
	if !ok {
		return "", msgString
	}
	s = Strip(s)
	if utf8.RuneCountInString(s) > f.MaxLength {
		return "", fmt.Sprintf("请确保这个字段不能超过 %d 个字符。", f.MaxLength)
	}
	if strings.ContainsRune(s, 0) {
		return "", msgNullChars
	}
	return s, ""
}
