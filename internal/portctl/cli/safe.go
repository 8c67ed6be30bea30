package cli

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/portsdk/portsdk/internal/portctl/portfile"
)

// terminalSafe is s with every portfile.UnsafeRune (what a ports file refuses) and every byte of
// invalid UTF-8 escaped as Go writes it (\x1b, \r, \u009b, \u202e, \xff), so that text from a
// server or a file is shown, never acted on. Any other text comes back unchanged.
func terminalSafe(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, portfile.UnsafeRune) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case portfile.UnsafeRune(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// yamlUnsafe reports whether r must be escaped in YAML output: a portfile.UnsafeRune, or a character the
// YAML reader refuses (U+FFFE, U+FFFF).
func yamlUnsafe(r rune) bool { return portfile.UnsafeRune(r) || r == 0xFFFE || r == 0xFFFF }

// escapeQuoted replaces every rune of b from DEL up that yamlUnsafe reports with \uXXXX (all of
// them are below U+10000). It is meant for output in which such runes can only be inside
// double-quoted strings, whose escape means the same rune: JSON, and the YAML writeYAML makes. The
// C0 controls there are escaped already, but for the newlines between lines.
func escapeQuoted(b []byte) []byte {
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r >= 0x7f && yamlUnsafe(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}
