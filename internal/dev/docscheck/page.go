package docscheck

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A page is one vendor page, reduced to the items the check compares with a spec.
type page struct {
	File      string
	Endpoints []*endpoint
	// Problems are places of the page that the reader could not understand. They are findings, so
	// that a page format change is never skipped in silence.
	Problems []Finding
}

// An endpoint is one operation of a page.
type endpoint struct {
	Method, Path   string
	Line           int
	Params         []pageField // the path, query and header parameters
	Body, Response model       // the request body and the response
}

// A model is the fields of a request body or a response, in page order, and where the page starts it.
type model struct {
	Fields []pageField
	Line   int
}

func (e *endpoint) String() string { return e.Method + " " + e.Path }

// A section is a part of a page: what the items in it are; for parameters, where they are.
type section string

const (
	sectionNone     section = ""
	sectionSkip     section = "skip" // Alaya: the credentials, another status's model, the code samples
	sectionPath     section = "path"
	sectionQuery    section = "query"
	sectionHeader   section = "header"
	sectionBody     section = "body"
	sectionResponse section = "response"
)

// model is the model of e that a section fills; nil for a section of parameters or of nothing compared.
func (e *endpoint) model(sec section) *model {
	return map[section]*model{sectionBody: &e.Body, sectionResponse: &e.Response}[sec]
}

// opens records that the fields that follow nest under the last field of m.
func (m *model) opens() {
	if f := m.last(); f != nil {
		f.Opens = true
	}
}

// last is the last field of m; nil when there is none.
func (m *model) last() *pageField {
	if m == nil || len(m.Fields) == 0 {
		return nil
	}
	return &m.Fields[len(m.Fields)-1]
}

// A pageField is a request or response field, in page order, or a parameter (In set).
type pageField struct {
	Name     string
	In       string // a parameter's place: "path", "query", "header" or "cookie"
	RawType  string // the type as the page writes it
	Line     int
	Required *bool    // the page's required mark; nil when the page gives none
	Enum     []string // the allowed values the page lists, if any
	// Depth is the nesting level the page states (0 for a top-level field), or -1 when the page
	// does not state it (the Alaya pages only say that fields follow under a field).
	Depth int
	Opens bool // the fields that follow are nested under this one
	// Desc is the page's description of the field, as update writes it into a spec: the 说明 cell
	// with the 中文名 cell in brackets (Markdown), or the text under the field (Alaya).
	Desc string
}

const methods = `GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS`

var (
	// mdEndpointRe is a request line in a fenced block of a Markdown page, e.g. " GET /openapi/v1/x".
	mdEndpointRe = regexp.MustCompile(`^\s*(` + methods + `)\s+(?:https?://[^/\s]+)?(/[^\s?#]*)\S*\s*$`)
	headingRe    = regexp.MustCompile(`^(#{1,6})\s+(.*)$`)
	enumTokenRe  = regexp.MustCompile(`^[A-Za-z0-9_.:/+-]+$`)
)

// parsePage reads one page in whichever rendering it comes: an Alaya page (a request line
// "METHODhttps://...", or the method and the URL on two lines) or a Markdown page (request lines in
// fenced blocks, tables of parameters and fields). A page in which no endpoint is found is a
// problem naming the file, never a silent pass.
func parsePage(file, text string) *page {
	text = strings.TrimPrefix(text, "\ufeff")
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(text, "\n")
	p := &page{File: file}
	if al := alayaLines(lines); slices.ContainsFunc(al, func(l alayaLine) bool { return alayaRequestRe.MatchString(l.text) }) {
		parseAlaya(p, al)
	} else {
		parseMarkdown(p, lines)
	}
	if len(p.Endpoints) == 0 {
		p.Problems = append(p.Problems, Finding{File: file, Line: 1, Msg: "no endpoint found: the page is not one docscheck can read (neither a Markdown page with request lines in fenced blocks nor an Alaya page with a METHOD https://... request line)"})
	}
	return p
}

// problem records a place of the page the reader could not understand.
func (p *page) problem(line int, ep *endpoint, msg string) {
	p.Problems = append(p.Problems, Finding{File: p.File, Line: line, Endpoint: ep.String(), Msg: msg})
}

// parseMarkdown reads a Rainbond-style page: each request line ("GET /openapi/...") is in a fenced
// block; a parameter table (名称, 位置, 类型, 必选) lists path, query and header parameters; a model
// table (名称, 类型, 必选, 约束) under a heading with 请求 lists request body fields, under a heading
// with 返回 or 响应 response fields. Nested fields start their name with one » per level. A table is
// a header row, then a separator row, then its rows; the outer pipes and the padding of the cells
// are optional.
func parseMarkdown(p *page, lines []string) {
	var (
		cur     *endpoint
		mode    = sectionNone // sectionBody under a request heading, sectionResponse under a response one
		inFence bool
		cols    map[string]int // the columns of the table being read, nil outside a table
		header  int            // the line of its header row
	)
	for i, raw := range lines {
		ln, line := i+1, strings.TrimSpace(raw)
		if strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~") {
			inFence, cols = !inFence, nil
			continue
		}
		if m := mdEndpointRe.FindStringSubmatch(raw); inFence && m != nil {
			cur, mode = &endpoint{Method: m[1], Path: m[2], Line: ln}, sectionNone
			p.Endpoints = append(p.Endpoints, cur)
		}
		m := headingRe.FindStringSubmatch(line)
		switch {
		case inFence:
			continue
		case m != nil && (strings.Contains(m[2], "返回") || strings.Contains(m[2], "响应")):
			mode = sectionResponse
		case m != nil && strings.Contains(m[2], "请求"):
			mode = sectionBody
		case m != nil && len(m[1]) <= 3:
			mode = sectionNone
		}
		if m != nil || !strings.Contains(line, "|") {
			cols = nil
			continue
		}
		cells := splitRow(line)
		if cols == nil && i+1 < len(lines) && strings.Contains(lines[i+1], "|") && separatorRowRe.MatchString(lines[i+1]) {
			cols, header = map[string]int{}, ln
			for j, c := range cells {
				cols[strings.Trim(c, "*` ")] = j
			}
		}
		// cell is the row's cell in column col ("" for a cell "none"), and whether the table has
		// that column.
		cell := func(col string) (string, bool) {
			j, ok := cols[col]
			if !ok || j >= len(cells) || strings.EqualFold(cells[j], "none") {
				return "", ok
			}
			return cells[j], true
		}
		name, hasName := cell("名称")
		typ, hasType := cell("类型")
		if cur == nil || ln <= header+1 || !hasName || !hasType {
			continue // no endpoint yet, the header or separator row, or a table of something else
		}
		required, hasRequired := cell("必选")
		yes := isYes(required)
		if in, ok := cell("位置"); ok {
			if in = strings.ToLower(in); in == "path" || in == "query" || in == "header" || in == "cookie" {
				cur.Params = append(cur.Params, pageField{Name: cleanName(name), In: in, RawType: typ, Required: &yes, Line: ln})
			} // else the body row: its fields are in the model table
			continue
		}
		// The description as the specs write it, "端口号 (ContainerPort)": 说明, then 中文名 in
		// brackets.
		desc, _ := cell("说明")
		if title, _ := cell("中文名"); title != "" {
			desc = strings.TrimSpace(desc + " (" + title + ")")
		}
		depth := strings.Count(name, "»")
		f := pageField{Name: cleanName(name), RawType: typ, Line: ln, Depth: depth, Desc: desc}
		if hasRequired {
			f.Required = &yes
		}
		if c, _ := cell("约束"); c != "" && c != "-" { // values separated by 、
			for _, v := range strings.Split(c, "、") {
				f.Enum = append(f.Enum, strings.Trim(strings.TrimSpace(v), "`"))
			}
			if slices.ContainsFunc(f.Enum, func(v string) bool { return !enumTokenRe.MatchString(v) }) {
				f.Enum = nil
				p.problem(ln, cur, "field "+strconv.Quote(f.Name)+": constraint "+strconv.Quote(c)+" not understood (expected none or values separated by 、)")
			}
		}
		into := cur.model(mode)
		if into == nil {
			p.problem(ln, cur, "field "+strconv.Quote(f.Name)+": model table is under neither a request (请求) nor a response (返回) heading")
			continue
		}
		if last := into.last(); last == nil {
			into.Line = header
		} else if last.Depth < depth {
			last.Opens = true
		}
		into.Fields = append(into.Fields, f)
	}
}

func splitRow(line string) []string {
	cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "|"), "|"), "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// separatorRowRe is the row under a table's header: cells of dashes, each maybe with a colon at
// either end, between pipes ("| --- | :-: |", "---|---").
var separatorRowRe = regexp.MustCompile(`^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$`)

func cleanName(s string) string {
	return strings.Trim(strings.TrimSpace(strings.ReplaceAll(s, "»", "")), "`*")
}

func isYes(s string) bool {
	return slices.Contains([]string{"是", "true", "yes", "y", "required", "必填", "必选"}, strings.ToLower(strings.TrimSpace(s)))
}
