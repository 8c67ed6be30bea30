package docscheck

import (
	"regexp"
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
	Method, Path string
	Line         int
	Params       []pageParam
	Body         []pageField
	BodyLine     int // where the page starts the request body model
	Response     []pageField
	ResponseLine int // where the page starts the response model
}

func (e *endpoint) String() string { return e.Method + " " + e.Path }

// A section is a part of a page: what the items in it are.
type section int

const (
	sectionNone section = iota
	sectionSkip         // Alaya: the credentials, another status's model, the code samples
	sectionPath
	sectionQuery
	sectionHeader
	sectionBody
	sectionResponse
)

// model is the field list of e that a section fills, and where the page starts that model; nil
// for a section of parameters or of nothing compared.
func (e *endpoint) model(sec section) (fields *[]pageField, start *int) {
	switch sec {
	case sectionBody:
		return &e.Body, &e.BodyLine
	case sectionResponse:
		return &e.Response, &e.ResponseLine
	}
	return nil, nil
}

// A pageParam is a path, query or header parameter of a page.
type pageParam struct {
	Name, In, RawType string
	Required          bool
	Line              int
}

// A pageField is a request or response field, in page order.
type pageField struct {
	Name    string
	RawType string // the type as the page writes it
	Line    int
	// Required is the page's required mark; nil when the page does not give one.
	Required *bool
	// Enum holds the allowed values the page lists, if any.
	Enum []string
	// Depth is the nesting level the page states (0 for a top-level field), or -1 when the page
	// does not state it (the Alaya pages only say that fields follow under a field).
	Depth int
	// Opens is set when the fields that follow are nested under this one.
	Opens bool
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
	if al := alayaLines(lines); isAlayaPage(al) {
		parseAlaya(p, al)
	} else {
		parseMarkdown(p, lines)
	}
	if len(p.Endpoints) == 0 {
		p.Problems = append(p.Problems, Finding{File: file, Line: 1,
			Msg: "no endpoint found: the page is not one docscheck can read (neither a Markdown page with request lines in fenced blocks nor an Alaya page with a METHOD https://... request line)"})
	}
	return p
}

func boolPtr(b bool) *bool { return &b }

// parseMarkdown reads a Rainbond-style page: each request line ("GET /openapi/...") is in a fenced
// block; a parameter table (名称, 位置, 类型, 必选) lists path, query and header parameters; a model
// table (名称, 类型, 必选, 约束) under a heading with 请求 lists request body fields, under a heading
// with 返回 or 响应 response fields. Nested fields start their name with one » per level.
func parseMarkdown(p *page, lines []string) {
	var (
		cur     *endpoint
		mode    = sectionNone // sectionBody under a request heading, sectionResponse under a response one
		inFence bool
		tbl     *mdTable
	)
	for i, raw := range lines {
		ln := i + 1
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~") {
			inFence = !inFence
			tbl = nil
			continue
		}
		if inFence {
			if m := mdEndpointRe.FindStringSubmatch(raw); m != nil {
				cur = &endpoint{Method: m[1], Path: m[2], Line: ln}
				p.Endpoints = append(p.Endpoints, cur)
				mode = sectionNone
			}
			continue
		}
		if m := headingRe.FindStringSubmatch(line); m != nil {
			tbl = nil
			switch text := m[2]; {
			case strings.Contains(text, "返回") || strings.Contains(text, "响应"):
				mode = sectionResponse
			case strings.Contains(text, "请求"):
				mode = sectionBody
			case len(m[1]) <= 3:
				mode = sectionNone
			}
			continue
		}
		if !strings.Contains(line, "|") {
			tbl = nil
			continue
		}
		cells := splitRow(line)
		if tbl == nil {
			// A table is a header row, then a separator row, then its rows; the outer pipes and
			// the padding of the cells are optional.
			if i+1 < len(lines) && isSeparatorRow(lines[i+1]) {
				tbl = newMDTable(cells, ln)
			}
			continue
		}
		if ln == tbl.line+1 {
			continue // the separator row
		}
		if cur == nil || tbl.kind == tableOther {
			continue
		}
		switch tbl.kind {
		case tableParams:
			in := strings.ToLower(tbl.cell(cells, "位置"))
			if in != "path" && in != "query" && in != "header" && in != "cookie" {
				continue // the body row: its fields are in the model table
			}
			cur.Params = append(cur.Params, pageParam{
				Name: cleanName(tbl.cell(cells, "名称")), In: in, RawType: tbl.cell(cells, "类型"),
				Required: isYes(tbl.cell(cells, "必选")), Line: ln,
			})
		case tableModel:
			name := tbl.cell(cells, "名称")
			depth := strings.Count(name, "»")
			f := pageField{Name: cleanName(name), RawType: tbl.cell(cells, "类型"), Line: ln, Depth: depth,
				Desc: mdDesc(tbl.cell(cells, "说明"), tbl.cell(cells, "中文名"))}
			if tbl.has("必选") {
				f.Required = boolPtr(isYes(tbl.cell(cells, "必选")))
			}
			if c := tbl.cell(cells, "约束"); tbl.has("约束") {
				enum, ok := parseConstraint(c)
				if !ok {
					p.Problems = append(p.Problems, Finding{File: p.File, Line: ln, Endpoint: cur.String(),
						Msg: "field " + quote(f.Name) + ": constraint " + quote(c) + " not understood (expected none or values separated by 、)"})
				}
				f.Enum = enum
			}
			list, start := cur.model(mode)
			if list == nil {
				p.Problems = append(p.Problems, Finding{File: p.File, Line: ln, Endpoint: cur.String(),
					Msg: "field " + quote(f.Name) + ": model table is under neither a request (请求) nor a response (返回) heading"})
				continue
			}
			if len(*list) == 0 {
				*start = tbl.line
			}
			if n := len(*list); n > 0 && (*list)[n-1].Depth < depth {
				(*list)[n-1].Opens = true
			}
			*list = append(*list, f)
		}
	}
}

const (
	tableOther = iota
	tableParams
	tableModel
)

type mdTable struct {
	cols map[string]int
	kind int
	line int // of the header row
}

func newMDTable(header []string, line int) *mdTable {
	t := &mdTable{cols: map[string]int{}, line: line}
	for i, c := range header {
		t.cols[strings.Trim(c, "*` ")] = i
	}
	switch {
	case t.has("名称") && t.has("位置") && t.has("类型"):
		t.kind = tableParams
	case t.has("名称") && t.has("类型"):
		t.kind = tableModel
	}
	return t
}

func (t *mdTable) has(col string) bool { _, ok := t.cols[col]; return ok }

func (t *mdTable) cell(cells []string, col string) string {
	i, ok := t.cols[col]
	if !ok || i >= len(cells) {
		return ""
	}
	return cells[i]
}

func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	cells := strings.Split(line, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// isSeparatorRow reports whether line is the row under a table's header: cells of dashes, each
// maybe with a colon at either end ("| --- | :-: |", "---|---").
func isSeparatorRow(line string) bool {
	if !strings.Contains(line, "|") || !strings.Contains(line, "-") {
		return false
	}
	for _, c := range splitRow(line) {
		if !separatorCellRe.MatchString(c) {
			return false
		}
	}
	return true
}

var separatorCellRe = regexp.MustCompile(`^:?-+:?$`)

// mdDesc is a field's description from its 说明 and 中文名 cells, as the specs write it: "端口号
// (ContainerPort)"; a cell "none" is empty.
func mdDesc(desc, title string) string {
	desc, title = strings.TrimSpace(desc), strings.TrimSpace(title)
	if strings.EqualFold(desc, "none") {
		desc = ""
	}
	if title == "" || strings.EqualFold(title, "none") {
		return desc
	}
	return strings.TrimSpace(desc + " (" + title + ")")
}

func cleanName(s string) string {
	s = strings.ReplaceAll(s, "»", "")
	return strings.Trim(strings.TrimSpace(s), "`*")
}

func isYes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "是", "true", "yes", "y", "required", "必填", "必选":
		return true
	}
	return false
}

// parseConstraint reads a 约束 cell: "none" (or empty) or a list of values separated by 、.
func parseConstraint(c string) ([]string, bool) {
	c = strings.TrimSpace(c)
	if c == "" || strings.EqualFold(c, "none") || c == "-" {
		return nil, true
	}
	var vals []string
	for _, v := range strings.Split(c, "、") {
		v = strings.Trim(strings.TrimSpace(v), "`")
		if !enumTokenRe.MatchString(v) {
			return nil, false
		}
		vals = append(vals, v)
	}
	return vals, true
}
