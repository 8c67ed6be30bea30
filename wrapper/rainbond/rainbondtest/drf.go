package rainbondtest

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
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reads request bodies the way the console does: Django REST framework 3.14 parses the
// body (JSONParser, FormParser, MultiPartParser) and the serializers of
// openapi/serializer/app_serializer.py validate it field by field. The rules below are DRF's
// (rest_framework/fields.py, serializers.py), the messages its zh-hans translations.

// DRF's error messages, as the console (LANGUAGE_CODE zh-hans) sends them.
const (
	msgRequired     = "该字段是必填项。"
	msgNull         = "该字段不能为 null。"
	msgBlank        = "该字段不能为空。"
	msgInteger      = "请填写合法的整数值。"
	msgStringTooBig = "字符串值太长。"
	msgBoolean      = "Must be a valid boolean."
	msgString       = "Not a valid string."
	msgNullChars    = "Null characters are not allowed."
	msgNoData       = "No data provided"
)

// absent marks a field missing from the body (DRF's `empty`).
type absentT struct{}

var absent = absentT{}

// body is a parsed request body: the fields by name, and whether it came from a form (DRF's
// "HTML input", with its own rules for missing and empty fields).
type body struct {
	fields map[string]any // JSON values (string, json.Number, bool, nil, []any, map[string]any) or form strings
	html   bool
	// notObject is set when the JSON body is not an object: its Python type name, or "null".
	notObject string
}

// parseBody reads a POST or PUT body as request.data does. A failure is the console's answer.
func parseBody(r *http.Request, raw []byte) (*body, *reply) {
	ctype := r.Header.Get("Content-Type")
	mediaType, params, _ := mime.ParseMediaType(ctype)
	form := mediaType == "application/x-www-form-urlencoded" || mediaType == "multipart/form-data"
	if len(raw) == 0 {
		// No body: DRF does not parse at all and gives {} (a QueryDict for a form media type).
		return &body{fields: map[string]any{}, html: form}, nil
	}
	switch {
	case mediaType == "application/json":
		return parseJSON(raw)
	case mediaType == "application/x-www-form-urlencoded":
		values, err := url.ParseQuery(string(raw))
		if err != nil {
			rp := apiException(http.StatusBadRequest, "Malformed request.", "ParseError")
			return nil, &rp
		}
		return formBody(values), nil
	case mediaType == "multipart/form-data":
		req := &http.Request{Header: http.Header{"Content-Type": {ctype}}, Body: io.NopCloser(bytes.NewReader(raw)), Method: http.MethodPost}
		if params["boundary"] == "" || req.ParseMultipartForm(maxBodyBytes) != nil {
			rp := apiException(http.StatusBadRequest, "Multipart form parse error - Invalid boundary in multipart: None", "ParseError")
			return nil, &rp
		}
		return formBody(req.MultipartForm.Value), nil
	}
	rp := apiException(http.StatusUnsupportedMediaType, "不支持请求中的媒体类型 “"+ctype+"”。", "UnsupportedMediaType")
	return nil, &rp
}

// formBody is a QueryDict: a field's value is its last value.
func formBody(values map[string][]string) *body {
	b := &body{fields: make(map[string]any, len(values)), html: true}
	for k, v := range values {
		if len(v) > 0 {
			b.fields[k] = v[len(v)-1]
		}
	}
	return b
}

// parseJSON parses a JSON body as Python's json module (strict: no NaN, no trailing data, UTF-8).
func parseJSON(raw []byte) (*body, *reply) {
	fail := func(detail string) (*body, *reply) {
		rp := apiException(http.StatusBadRequest, "JSON parse error - "+detail, "ParseError")
		return nil, &rp
	}
	if !utf8.Valid(raw) {
		return fail("'utf-8' codec can't decode bytes: invalid continuation byte")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fail(pyJSONError(raw, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		off := int(dec.InputOffset())
		return fail(fmt.Sprintf("Extra data: line 1 column %d (char %d)", off+1, off))
	}
	switch x := v.(type) {
	case map[string]any:
		return &body{fields: x}, nil
	case nil:
		return &body{notObject: "null"}, nil
	default:
		return &body{notObject: pyTypeName(x)}, nil
	}
}

// pyJSONError words a decoding error like Python's json module does, for the common cases.
func pyJSONError(raw []byte, err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("Expecting value: line 1 column %d (char %d)", syn.Offset, syn.Offset-1)
	}
	n := len(raw)
	return fmt.Sprintf("Expecting value: line 1 column %d (char %d)", n+1, n)
}

func pyTypeName(v any) string {
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
	return "dict"
}

// errors collects the validation errors of one serializer run, by field.
type fieldErrors map[string][]string

func (e fieldErrors) add(field, msg string) { e[field] = append(e[field], msg) }

// get returns a field's value as DRF's Field.get_value and validate_empty_values see it: absent,
// nil (null) or a value. For form input a missing boolean is false and an empty string is null
// where the field allows null and not blank.
func (b *body) get(name string, htmlDefaultFalse, allowNull, allowBlank bool) any {
	v, ok := b.fields[name]
	if !b.html {
		if !ok {
			return absent
		}
		return v
	}
	if !ok {
		if htmlDefaultFalse {
			return false
		}
		return absent
	}
	if v == "" && allowNull {
		if allowBlank {
			return ""
		}
		return nil
	}
	return v
}

// pyStr is Python's str() of a JSON value, and whether str() is what DRF would use (a string or a
// number); other values (bool, list, dict) are reported as not stringable.
func pyStr(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return pyNumberStr(x), true
	}
	return "", false
}

// pyNumberStr is Python's str() of a JSON number: an int for an integer literal, else a float's
// repr (exponent form from 1e16 up or below 1e-4).
func pyNumberStr(n json.Number) string {
	s := string(n)
	if isIntLiteral(s) {
		if s == "-0" {
			return "0"
		}
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		if f < 0 {
			return "-inf"
		}
		return "inf"
	}
	abs := math.Abs(f)
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if abs >= 1e16 || abs < 1e-4 {
		out := strconv.FormatFloat(f, 'e', -1, 64) // 1e+16; Python writes at least two exponent digits
		mant, exp, _ := strings.Cut(out, "e")
		sign := exp[:1]
		digits := strings.TrimLeft(exp[1:], "0")
		if len(digits) < 2 {
			digits = strings.Repeat("0", 2-len(digits)) + digits
		}
		return mant + "e" + sign + digits
	}
	out := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(out, ".") {
		out += ".0"
	}
	return out
}

func isIntLiteral(s string) bool { return !strings.ContainsAny(s, ".eE") }

// reDecimal is IntegerField.re_decimal: a trailing ".0", "." or ".000" (and white space) is dropped.
var reDecimal = regexp.MustCompile(`\.0*\s*\n?$`)

// drfInteger is IntegerField.to_internal_value: int(re_decimal.sub(”, str(data))).
func drfInteger(v any) (int64, string) {
	if s, ok := v.(string); ok && utf8.RuneCountInString(s) > 1000 {
		return 0, msgStringTooBig
	}
	s, ok := pyStr(v)
	if !ok {
		return 0, msgInteger
	}
	if loc := reDecimal.FindStringIndex(s); loc != nil {
		s = s[:loc[0]] + s[loc[1]:]
	}
	n, ok := pyInt(s)
	if !ok {
		return 0, msgInteger
	}
	return n, ""
}

// pyInt is Python's int(s) for a str: surrounding white space, a sign, decimal digits of any
// script, single underscores between digits. Values beyond int64 saturate (the console then
// finds them out of range).
func pyInt(s string) (int64, bool) {
	s = trimPy(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var n int64
	prevDigit := false
	saturated := false
	for _, r := range s {
		if r == '_' {
			if !prevDigit {
				return 0, false
			}
			prevDigit = false
			continue
		}
		d, ok := digitValue(r)
		if !ok {
			return 0, false
		}
		prevDigit = true
		if n > (math.MaxInt64-int64(d))/10 {
			saturated = true
			continue
		}
		n = n*10 + int64(d)
	}
	if !prevDigit {
		return 0, false
	}
	if saturated {
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

// isPySpace is Python's str.isspace for one rune.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// drfBoolean is BooleanField.to_internal_value (allow_null false).
func drfBoolean(v any) (bool, string) {
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
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			switch f {
			case 1:
				return true, ""
			case 0:
				return false, ""
			}
		}
	}
	return false, msgBoolean
}

// drfChoice is ChoiceField.to_internal_value: str(data) must be one of the choices. Only a string
// can equal one of the console's choices.
func drfChoice(v any, choices []string) (string, string) {
	s, ok := v.(string)
	if ok {
		for _, c := range choices {
			if s == c {
				return s, ""
			}
		}
	} else {
		s = pyDisplay(v)
	}
	return "", pyRepr(s) + " 不是合法选项。"
}

// pyDisplay is how Python formats a JSON value in a message.
func pyDisplay(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "True"
		}
		return "False"
	case json.Number:
		return pyNumberStr(x)
	case string:
		return x
	case nil:
		return "None"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// charField is a DRF CharField's options.
type charField struct {
	maxLength  int
	allowNull  bool
	allowBlank bool
}

// run validates a present, non-null value: blank check, str(), strip, max length, null characters.
func (f charField) run(v any) (string, string) {
	if s, ok := v.(string); ok && trimPy(s) == "" {
		if !f.allowBlank {
			return "", msgBlank
		}
		return "", ""
	}
	s, ok := pyStr(v)
	if !ok {
		return "", msgString
	}
	s = trimPy(s)
	if utf8.RuneCountInString(s) > f.maxLength {
		return "", fmt.Sprintf("请确保这个字段不能超过 %d 个字符。", f.maxLength)
	}
	if strings.ContainsRune(s, 0) {
		return "", msgNullChars
	}
	return s, ""
}

// optString is a validated optional string field: nil when null (or, where the serializer says
// so, absent), else the value.
type optString = *string

func strPtr(s string) *string { return &s }

var (
	protocolChoices = []string{"http", "tcp", "udp", "mysql", "grpc"}
	actionChoices   = []string{"open_outer", "only_open_outer", "close_outer", "open_inner", "close_inner", "change_protocol", "change_port_alias"}
	aliasField      = charField{maxLength: 255, allowNull: true, allowBlank: true}
	k8sNameField    = charField{maxLength: 255, allowNull: true}
)

// addRequest is ComponentPortReqSerializers' data: port (required integer), protocol (choice,
// default http, may be null), port_alias (string, default "", may be null), is_inner_service
// (required boolean).
type addRequest struct {
	port           int64
	protocol       optString
	portAlias      optString
	isInnerService bool
}

// validateAdd runs ComponentPortReqSerializers on b.
func validateAdd(b *body) (addRequest, *reply) {
	if rp := rootCheck(b); rp != nil {
		return addRequest{}, rp
	}
	errs := fieldErrors{}
	var req addRequest
	switch v := b.get("port", false, false, false).(type) {
	case absentT:
		errs.add("port", msgRequired)
	case nil:
		errs.add("port", msgNull)
	default:
		n, msg := drfInteger(v)
		if msg != "" {
			errs.add("port", msg)
		}
		req.port = n
	}
	req.protocol = choiceValue(b, "protocol", protocolChoices, errs)
	req.portAlias = charValue(b, "port_alias", aliasField, strPtr(""), errs)
	switch v := b.get("is_inner_service", true, false, false).(type) {
	case absentT:
		errs.add("is_inner_service", msgRequired)
	case nil:
		errs.add("is_inner_service", msgNull)
	default:
		on, msg := drfBoolean(v)
		if msg != "" {
			errs.add("is_inner_service", msg)
		}
		req.isInnerService = on
	}
	if len(errs) > 0 {
		rp := invalid(errs)
		return addRequest{}, &rp
	}
	return req, nil
}

// updateRequest is ComponentUpdatePortReqSerializers' data: action (required choice), port_alias
// (string, default "", may be null), protocol (choice, default http, may be null),
// k8s_service_name (string, optional, may be null, not blank; nil when absent, as `.data` gives).
type updateRequest struct {
	action         string
	portAlias      optString
	protocol       optString
	k8sServiceName optString
}

// validateUpdate runs ComponentUpdatePortReqSerializers on b.
func validateUpdate(b *body) (updateRequest, *reply) {
	if rp := rootCheck(b); rp != nil {
		return updateRequest{}, rp
	}
	errs := fieldErrors{}
	var req updateRequest
	switch v := b.get("action", false, false, false).(type) {
	case absentT:
		errs.add("action", msgRequired)
	case nil:
		errs.add("action", msgNull)
	default:
		a, msg := drfChoice(v, actionChoices)
		if msg != "" {
			errs.add("action", msg)
		}
		req.action = a
	}
	req.portAlias = charValue(b, "port_alias", aliasField, strPtr(""), errs)
	req.protocol = choiceValue(b, "protocol", protocolChoices, errs)
	req.k8sServiceName = charValue(b, "k8s_service_name", k8sNameField, nil, errs)
	if len(errs) > 0 {
		rp := invalid(errs)
		return updateRequest{}, &rp
	}
	return req, nil
}

// rootCheck is the serializer's check of the whole body: an object is required.
func rootCheck(b *body) *reply {
	switch b.notObject {
	case "":
		return nil
	case "null":
		rp := invalid(fieldErrors{"non_field_errors": {msgNoData}})
		return &rp
	default:
		rp := invalid(fieldErrors{"non_field_errors": {"无效数据。期待为字典类型，得到的是 " + b.notObject + " 。"}})
		return &rp
	}
}

// choiceValue validates the optional protocol-like choice field (default "http", null allowed).
func choiceValue(b *body, name string, choices []string, errs fieldErrors) optString {
	switch v := b.get(name, false, true, false).(type) {
	case absentT:
		return strPtr("http")
	case nil:
		return nil
	default:
		c, msg := drfChoice(v, choices)
		if msg != "" {
			errs.add(name, msg)
		}
		return strPtr(c)
	}
}

// charValue validates an optional CharField; def is its default when absent (nil: none, and
// `.data` then reports null because the field allows null).
func charValue(b *body, name string, f charField, def optString, errs fieldErrors) optString {
	switch v := b.get(name, false, f.allowNull, f.allowBlank).(type) {
	case absentT:
		return def
	case nil:
		if !f.allowNull {
			errs.add(name, msgNull)
		}
		return nil
	default:
		s, msg := f.run(v)
		if msg != "" {
			errs.add(name, msg)
		}
		return strPtr(s)
	}
}
