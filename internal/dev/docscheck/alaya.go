package docscheck

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The Alaya NeW pages come as text in more than one rendering of the same HTML: the flattened one
// (each element on its own line: "idString必填", then the description on a later line) and a compact
// one (the method on its own line, the URL glued to "鉴权(Authorizations)", and a field's name, type,
// 必填 mark and description glued on one line), and a rendering may as well put each piece of an
// element on a line of its own. The reader below does not depend on where the line breaks fall: it
// first joins the pieces of one element (see alayaLines), then looks at the start of each line for
// the structure words of the page (the request line, the section words, the "显示 properties" mark,
// a media type and status) and for a field (a name glued to one of the known type names, then 必填
// when required); the rest of a line is text, which may end with a nesting mark.

var (
	// alayaRequestRe is a request line: the method, then (maybe after a line break, see continues)
	// the URL; the path is the URL's ASCII path, and what follows it on the line (such as
	// "鉴权(Authorizations)") is read as the start of the page's next part.
	alayaRequestRe = regexp.MustCompile(`^(` + methods + `)\s*https?://[^/\s]+(/[A-Za-z0-9._~{}/%-]*)(?:\?[A-Za-z0-9._~{}/%=&-]*)?(.*)$`)
	// alayaFieldRe is a field: a name glued to a known type, then the rest (maybe 必填, then text).
	// A name may itself contain a type word ("externalHostString"): the shortest name whose type
	// ends the line or is followed by what cannot continue a name (alayaEndFieldRe) wins, else the
	// shortest name.
	alayaFieldRe    = regexp.MustCompile(`^([A-Za-z_$][A-Za-z0-9_$-]*?)(` + alayaTypes + `)(.*)$`)
	alayaEndFieldRe = regexp.MustCompile(`^([A-Za-z_$][A-Za-z0-9_$-]*?)(` + alayaTypes + `)((?:[^A-Za-z0-9_$<].*)?)$`)
	// alayaMediaRe is a response's media type and status, e.g. "application/json · 200".
	alayaMediaRe = regexp.MustCompile(`^[a-z]+/[A-Za-z0-9.+-]+(?:\s*[·•|-]\s*(\d{3}))?`)
	// alayaSuspectRe is text that starts like a field but is not one the reader knows: an ASCII
	// word alone on its line or followed by 必填 (e.g. "protocolenum<string>必填"), or a name glued to
	// an unknown generic type (e.g. "protocolenum<string>协议").
	alayaSuspectRe = regexp.MustCompile(`^[A-Za-z_$][\x21-\x7e]*(?:必填.*)?$|^[A-Za-z_$][A-Za-z0-9_$-]*<[\x21-\x7e]*>`)
	// alayaNestRe is a mark that the fields that follow are nested under the one before, at the
	// start of a line; alayaNestEndRe the same mark at the end of a description.
	alayaNestRe    = regexp.MustCompile(`^` + alayaNest)
	alayaNestEndRe = regexp.MustCompile(alayaNest + `$`)
	// alayaBareNameRe and alayaBareTypeRe are a field's name and its type on lines of their own.
	alayaBareNameRe = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$-]*$`)
	alayaBareTypeRe = regexp.MustCompile(`^` + alayaTypes + `(?:必填)?$`)
)

// alayaSectionWords are the words that start a part of the page, in English or as a Chinese
// rendering of the site may write them, longest first where one is the start of another.
var alayaSectionWords = []struct {
	word string
	sec  section
}{
	{"鉴权(Authorizations)", sectionSkip}, {"Authorizations", sectionSkip}, {"鉴权", sectionSkip},
	{"Path Parameters", sectionPath}, {"路径参数", sectionPath},
	{"Query Parameters", sectionQuery}, {"查询参数", sectionQuery},
	{"Header Parameters", sectionHeader}, {"Headers", sectionHeader}, {"请求头参数", sectionHeader}, {"请求头", sectionHeader},
	{"Request body", sectionBody}, {"Request Body", sectionBody}, {"Body", sectionBody}, {"请求体", sectionBody},
	{"Responses", sectionResponse}, {"Response", sectionResponse}, {"响应参数", sectionResponse}, {"响应", sectionResponse},
}

// alayaTypes are the type names of the Alaya pages.
const alayaTypes = `(?:String|Integer|Number|Boolean|Object|Array(?:\s*<\s*[A-Za-z]+\s*>)?)`

const alayaNest = `(?:显示 properties|Show properties|显示 child attributes|Show child attributes)`

// alayaField splits s into a field's name, type and required mark, and the text after them (see
// alayaFieldRe).
func alayaField(s string) (name, typ string, required bool, rest string, ok bool) {
	m := alayaEndFieldRe.FindStringSubmatch(s)
	if m == nil {
		m = alayaFieldRe.FindStringSubmatch(s)
	}
	if m == nil {
		return "", "", false, "", false
	}
	rest, required = strings.CutPrefix(m[3], "必填")
	return m[1], m[2], required, strings.TrimSpace(rest), true
}

// cutSectionWord reports the section s starts with, and the text after the word. The word counts
// only when what follows it is nothing or page structure (a field, a media type, a nesting mark):
// "Response" starts a section, "Response code of the call" is text.
func cutSectionWord(s string) (section, string, bool) {
	for _, w := range alayaSectionWords {
		if rest, ok := strings.CutPrefix(s, w.word); ok {
			rest = strings.TrimSpace(rest)
			if _, _, _, _, field := alayaField(rest); field || rest == "" || alayaMediaRe.MatchString(rest) || alayaNestRe.MatchString(rest) {
				return w.sec, rest, true
			}
		}
	}
	return sectionNone, s, false
}

// parseAlaya reads an Alaya page: a request line, then the parts "鉴权(Authorizations)", "Path
// Parameters", "Query Parameters", "Request body" (or "Body"), "Response", each a list of fields
// with their descriptions, then the code samples (from "curl "). A "显示 properties" mark nests the
// fields that follow under the one before it; the page does not say where such a nested list ends,
// so the check places each field by the spec (see checker.fields).
func parseAlaya(p *page, lines []alayaLine) {
	var cur *endpoint
	sec := sectionNone
	for _, al := range lines {
		ln, line, rest := al.line, al.text, al.text
		if m := alayaRequestRe.FindStringSubmatch(line); m != nil {
			cur, sec = &endpoint{Method: m[1], Path: m[2], Line: ln}, sectionNone
			p.Endpoints = append(p.Endpoints, cur)
			rest = strings.TrimSpace(m[3])
		}
		if cur == nil {
			continue
		}
		// The structure words at the start of the line, in any order, until a field or text.
		for rest != "" {
			if s, after, ok := cutSectionWord(rest); ok {
				sec, rest = s, after
				if m := cur.model(s); m != nil {
					m.Line = ln
				}
				continue
			}
			if m := alayaMediaRe.FindStringSubmatch(rest); m != nil && (sec == sectionBody || sec == sectionResponse || sec == sectionSkip) {
				if m[1] != "" && sec != sectionBody {
					// Only the success model is compared; another status's model is skipped.
					sec = map[bool]section{true: sectionResponse, false: sectionSkip}[m[1][0] == '2']
				}
				rest = strings.TrimSpace(rest[len(m[0]):])
				continue
			}
			if w := alayaNestRe.FindString(rest); w != "" {
				cur.model(sec).opens()
				rest = strings.TrimSpace(rest[len(w):])
				continue
			}
			break
		}
		if strings.HasPrefix(rest, "curl ") {
			sec = sectionSkip // the code samples follow
		}
		if rest == "" || sec == sectionNone || sec == sectionSkip {
			continue
		}
		name, typ, required, text, ok := alayaField(rest)
		if !ok {
			if alayaSuspectRe.MatchString(rest) {
				p.problem(ln, cur, "line "+strconv.Quote(line)+" looks like a property but is not understood")
			}
			text = rest // a description
		}
		desc := strings.TrimSpace(alayaNestEndRe.ReplaceAllString(text, ""))
		switch m := cur.model(sec); {
		case !ok:
			if f := m.last(); f != nil && f.Desc == "" {
				f.Desc = desc
			}
		case m != nil:
			m.Fields = append(m.Fields, pageField{Name: name, RawType: typ, Line: ln, Required: &required, Depth: -1, Desc: desc})
		default:
			cur.Params = append(cur.Params, pageField{Name: name, In: string(sec), RawType: typ, Required: &required, Line: ln})
		}
		// A rendering may glue the nesting mark to the end of a description.
		if alayaNestEndRe.MatchString(text) {
			cur.model(sec).opens()
		}
	}
}

// An alayaLine is a logical line of an Alaya page: text, and the line of the page where it starts.
type alayaLine struct {
	text string
	line int
}

// alayaLines are the non-blank lines of a page, trimmed, with the pieces of one element that a
// rendering put on lines of their own joined again: a method alone and the URL after it; a name
// alone and its type (and 必填) after it; a field and a 必填 alone after it.
func alayaLines(lines []string) []alayaLine {
	var out []alayaLine
	for i, text := range lines {
		switch text = strings.TrimSpace(text); {
		case text == "":
		case len(out) > 0 && continues(out[len(out)-1].text, text):
			out[len(out)-1].text += text
		default:
			out = append(out, alayaLine{text: text, line: i + 1})
		}
	}
	return out
}

// continues reports whether next is the rest of the element that prev starts.
func continues(prev, next string) bool {
	_, _, required, rest, ok := alayaField(prev)
	return slices.Contains(strings.Split(methods, "|"), prev) && alayaRequestRe.MatchString(prev+next) ||
		alayaBareNameRe.MatchString(prev) && alayaBareTypeRe.MatchString(next) ||
		next == "必填" && ok && !required && rest == "" // a field with nothing after its type
}
