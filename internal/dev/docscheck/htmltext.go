package docscheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

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
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("parse HTML: %w", err)
	}
	var root *html.Node
find:
	for _, a := range []atom.Atom{atom.Main, atom.Article, atom.Body} {
		for n := range doc.Descendants() {
			if n.Type == html.ElementNode && n.DataAtom == a {
				root = n
				break find
			}
		}
	}
	if root == nil {
		return "", fmt.Errorf("parse HTML: no body")
	}
	w := &textWriter{}
	w.node(root, false)
	w.flush()
	return strings.Join(w.lines, "\n\n") + "\n", nil
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

func (w *textWriter) node(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		if pre {
			w.cur.WriteString(n.Data)
			return
		}
		text := strings.Join(strings.Fields(n.Data), " ")
		if n.Data != "" && (text == "" || startsWithSpace(n.Data)) { // white space alone is one space
			w.space()
		}
		w.cur.WriteString(text)
		if endsWithSpace(n.Data) {
			w.space()
		}
		return
	case html.ElementNode:
		role, _ := attr(n, "role")
		if _, hidden := attr(n, "hidden"); skipped[n.DataAtom] || hidden || skippedRoles[role] {
			return
		}
		if n.DataAtom == atom.Br {
			w.flush()
			return
		}
		if n.DataAtom == atom.Pre {
			w.flush()
			for c := range n.ChildNodes() {
				w.node(c, true)
			}
			text := strings.Trim(w.cur.String(), "\n")
			w.cur.Reset()
			if strings.TrimSpace(text) != "" {
				w.lines = append(w.lines, trailingSpaceRe.ReplaceAllString(text, ""))
			}
			return
		}
	case html.CommentNode, html.DoctypeNode:
		return
	}
	block := n.Type == html.ElementNode && blocks[n.DataAtom]
	if block {
		w.flush()
	}
	for c := range n.ChildNodes() {
		w.node(c, pre)
	}
	if block {
		w.flush()
	}
}

func (w *textWriter) space() {
	s := w.cur.String()
	if s != "" && !strings.HasSuffix(s, " ") {
		w.cur.WriteByte(' ')
	}
}

func startsWithSpace(s string) bool { return s != "" && strings.TrimLeft(s, " \t\r\n\f") != s }
func endsWithSpace(s string) bool   { return s != "" && strings.TrimRight(s, " \t\r\n\f") != s }

func attr(n *html.Node, key string) (string, bool) {
	i := slices.IndexFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
	if i < 0 {
		return "", false
	}
	return n.Attr[i].Val, true
}

// download gets one page: its text, and whether it was HTML.
func download(ctx context.Context, client *http.Client, rawURL string, limit int64) ([]byte, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, false, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", "portsdk-docscheck")
	req.Header.Set("Accept", "text/html, text/markdown, text/plain;q=0.9, */*;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		return nil, false, fmt.Errorf("GET %s: %w (offline, or the site is down?)", rawURL, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, false, fmt.Errorf("GET %s: %s", rawURL, resp.Status)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(nil, resp.Body, limit)); err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			return nil, false, fmt.Errorf("GET %s: the page is larger than %d bytes", rawURL, limit)
		}
		return nil, false, fmt.Errorf("GET %s: reading the body: %w", rawURL, err)
	}
	data := buf.Bytes()
	if !utf8.Valid(data) {
		return nil, false, fmt.Errorf("GET %s: the page is not UTF-8 text", rawURL)
	}
	if isHTML(resp.Header.Get("Content-Type"), data) {
		text, err := HTMLToText(data)
		if err != nil {
			return nil, false, fmt.Errorf("GET %s: %w", rawURL, err)
		}
		return []byte(text), true, nil
	}
	return data, false, nil
}

// isHTML reports whether an answer is HTML: by its declared media type, else by its content.
func isHTML(contentType string, data []byte) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && mt != "" && mt != "application/octet-stream" {
		return mt == "text/html" || mt == "application/xhtml+xml"
	}
	return strings.HasPrefix(http.DetectContentType(data), "text/html")
}

// unwrapURLError drops the *url.Error wrapper, whose text repeats the method and URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
