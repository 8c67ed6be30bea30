package transport

import (
	"cmp"
	"errors"
	"net/url"
	"slices"
	"strings"
)

// secretForms returns the non-empty secrets and their percent-escaped forms, longest first, so
// that a longer secret is redacted before a shorter one it contains.
func secretForms(secrets []string) func() []string {
	var out []string
	for _, s := range secrets {
		if s != "" {
			out = append(out, s, url.PathEscape(s), url.QueryEscape(s))
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	out = slices.Compact(out)
	return func() []string { return out }
}

// Redact replaces every form of the credential in s by Redacted.
func (d *Doer) Redact(s string) string {
	for _, sec := range d.secrets() {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return s
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

// errorText is err's text without the request URL a *url.Error adds (it could carry a query).
func errorText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
