package docscheck

import (
	"bytes"
	"errors"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTMLToText turns a published HTML page into the text docscheck reads: the text of the page's
// main content (<main>, else <article>, else <body>), one block element a line, the inline
// elements of a block glued together as a browser shows them (so a field's name, type and 必填
// mark, each in its own span, become "idString必填"), preformatted blocks kept line by line.
// Scripts, styles, navigation, side bars, hidden elements and page controls (ARIA tab lists, tool
// bars, menus) are left out.
func HTMLToText(data []byte) (string, error) {
	doc, _ := html.Parse(bytes.NewReader(data)) // the parser takes any text; a bytes.Reader does not fail
	w := &textWriter{}
	for _, a := range []atom.Atom{atom.Main, atom.Article, atom.Body} {
		for n := range doc.Descendants() {
			if n.Type == html.ElementNode && n.DataAtom == a {
				w.node(n, false)
				w.flush()
				return strings.Join(w.lines, "\n\n") + "\n", nil
			}
		}
	}
	return "", errors.New("parse HTML: no body") // a <frameset> page
}

// skipped are the elements whose text is not part of the page's content.
var skipped = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true, atom.Canvas: true,
	atom.Nav: true, atom.Aside: true,
}

// skippedRoles are the ARIA roles of page controls, whose labels are not content: the language tabs
// over the code samples ("cURL", "Python"), tool bars, menus.
var skippedRoles = map[string]bool{
	"tablist": true, "tab": true, "navigation": true, "toolbar": true, "menu": true, "menubar": true,
	"search": true, "banner": true, "contentinfo": true,
}

// blocks are the elements that start and end a line.
var blocks = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Blockquote: true, atom.Dd: true, atom.Details: true,
	atom.Dialog: true, atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Fieldset: true,
	atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Form: true, atom.H1: true,
	atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true,
	atom.Hr: true, atom.Li: true, atom.Main: true, atom.Ol: true, atom.P: true, atom.Pre: true,
	atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tbody: true, atom.Thead: true,
	atom.Tfoot: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Ul: true, atom.Caption: true,
}

// trailingSpaceRe is the white space at the end of a line of a preformatted block.
var trailingSpaceRe = regexp.MustCompile(`(?m)[ \t\r]+$`)

// textWriter collects the blocks of the text (a line, or the lines of a preformatted block); cur is
// the line being built from inline text.
type textWriter struct {
	lines []string
	cur   strings.Builder
}

func (w *textWriter) flush() {
	if s := strings.TrimSpace(w.cur.String()); s != "" {
		w.lines = append(w.lines, s)
	}
	w.cur.Reset()
}

// space adds one space to the line being built, unless it is empty or ends with one.
func (w *textWriter) space() {
	if s := w.cur.String(); s != "" && !strings.HasSuffix(s, " ") {
		w.cur.WriteByte(' ')
	}
}

func (w *textWriter) node(n *html.Node, pre bool) {
	const spaces = " \t\r\n\f"
	switch {
	case n.Type == html.TextNode && pre:
		w.cur.WriteString(n.Data)
		return
	case n.Type == html.TextNode:
		text := strings.Join(strings.Fields(n.Data), " ")
		if n.Data != "" && (text == "" || strings.TrimLeft(n.Data, spaces) != n.Data) { // white space alone is one space
			w.space()
		}
		w.cur.WriteString(text)
		if n.Data != "" && strings.TrimRight(n.Data, spaces) != n.Data {
			w.space()
		}
		return
	case n.Type == html.ElementNode && (skipped[n.DataAtom] || slices.ContainsFunc(n.Attr, func(a html.Attribute) bool {
		return a.Key == "hidden" || a.Key == "role" && skippedRoles[a.Val]
	})):
		return
	case n.DataAtom == atom.Br:
		w.flush()
		return
	}
	block := n.Type == html.ElementNode && blocks[n.DataAtom]
	if block {
		w.flush()
	}
	for c := range n.ChildNodes() {
		w.node(c, pre || n.DataAtom == atom.Pre)
	}
	if n.DataAtom == atom.Pre { // one block of the lines as they are
		text := strings.Trim(w.cur.String(), "\n")
		w.cur.Reset()
		if strings.TrimSpace(text) != "" {
			w.lines = append(w.lines, trailingSpaceRe.ReplaceAllString(text, ""))
		}
	}
	if block {
		w.flush()
	}
}
