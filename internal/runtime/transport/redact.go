package transport

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// redactor returns what replaces, in a text, every form in which a server may echo one of the
// secrets by Redacted: raw; percent-escaped as a path or a query escapes it, or every byte, in
// upper or lower hex; JSON-escaped, with Go's HTML-safe escapes (\u0026, \u003c, \u003e) or
// without, with or without \/; and base64, standard or URL alphabet, padded or not, at any of the
// three byte alignments inside a longer blob (the characters that depend on the secret alone, when
// there are at least 8 of them: fewer would match unrelated text). Longer forms are replaced first.
// A text that holds a secret only once percent-decoded is given decoded.
func redactor(secrets []string) func(string) string {
	var forms []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		every := make([]byte, 0, 3*len(s))
		for i := range len(s) {
			every = fmt.Appendf(every, "%%%02X", s[i])
		}
		quoted, _ := json.Marshal(s) // a string always marshals
		htmlSafe := string(quoted[1 : len(quoted)-1])
		plain := strings.NewReplacer(`\\`, `\\`, `\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(htmlSafe)
		for _, e := range []string{url.PathEscape(s), url.QueryEscape(s), string(every)} {
			forms = append(forms, e, lowerHex(e))
		}
		forms = append(forms, s, htmlSafe, plain, strings.ReplaceAll(htmlSafe, "/", `\/`), strings.ReplaceAll(plain, "/", `\/`))
		for k := range 3 {
			in := append(make([]byte, k, k+len(s)), s...)
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				if b := enc.EncodeToString(in)[(8*k+5)/6 : 8*(k+len(s))/6]; len(b) >= 8 {
					forms = append(forms, b)
				}
			}
		}
	}
	slices.SortFunc(forms, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	var pairs []string
	for _, f := range slices.Compact(forms) {
		pairs = append(pairs, f, Redacted)
	}
	r := strings.NewReplacer(pairs...)
	return func(s string) string {
		s = r.Replace(s)
		if dec, err := url.PathUnescape(s); err == nil && dec != s && r.Replace(dec) != dec {
			return r.Replace(dec) // escaped as no form is (mixed hex case, in part): given decoded
		}
		return s
	}
}

// lowerHex lowers the hex digits of each %XX escape in s.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' { // the case bit: A-F to a-f; the digits have it set already
			b[i+1], b[i+2] = b[i+1]|0x20, b[i+2]|0x20
		}
	}
	return string(b)
}

// Scrub returns err as it is when its text holds no form of the credential. Otherwise it returns an
// error whose text is redacted and that still matches, with errors.Is, whatever err matches
// (context.DeadlineExceeded, wrapper.ErrBodyTooLarge, ...), but does not unwrap to err: a caller who
// logs the cause (errors.Unwrap, errors.As into *url.Error) must not see the credential either.
func (d *Doer) Scrub(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if red := d.Redact(text); red != text {
		return &scrubbed{text: red, err: err}
	}
	return err
}

type scrubbed struct {
	text string
	err  error
}

func (e *scrubbed) Error() string        { return e.text }
func (e *scrubbed) Is(target error) bool { return errors.Is(e.err, target) }

// cause is the error a *url.Error wraps, or err itself: a *url.Error's text adds the request URL
// (it could carry a query), and it is a net.Error whatever its cause.
func cause(err error) error {
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
