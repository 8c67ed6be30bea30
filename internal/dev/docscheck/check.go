// Package docscheck compares the vendor pages an OpenAPI spec was transcribed from with the spec:
// every endpoint, path parameter, request body field, response field and enum value a page shows
// must be in the spec with the same type and required mark, unless an allow-list entry records the
// difference as deliberate. It reads the pages by their structure, in whichever rendering they come
// (see parseMarkdown and alaya.go). Fetch downloads the pages again from their sources; Update
// writes into the specs what needs no person. The command is cmd/docscheck.
package docscheck

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Options says where the check reads from.
type Options struct {
	// DocsDir holds the vendor pages: the files its sources.txt lists (see ReadSources) and any
	// other *.txt file.
	DocsDir  string
	RootDir  string // the repository root, from which the allow-list's notes are read (see AllowEntry)
	SpecsDir string // holds the specs (*.yaml, *.yml, *.json)
	// Allow is the allow-list (see ParseAllow); AllowName is how findings name it.
	Allow     []byte
	AllowName string
}

// A Finding is one difference between a page and the specs that the allow-list does not cover, or
// an allow-list entry that no longer matches a difference.
type Finding struct {
	File     string // base name of the page, or the allow-list's name
	Line     int
	Endpoint string // "METHOD /path", empty when the finding is not about an endpoint
	Msg      string
	Edit     *Edit // the change to a spec that resolves it, when update may make it; nil: a person's
}

// String is the report line: "file:line: METHOD /path: message", or "file:line: message".
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s", f.File, f.Line, strings.TrimPrefix(f.Endpoint+": "+f.Msg, ": "))
}

// Key is the finding without its place, as an allow-list entry names it: "METHOD /path: message",
// or "file: message" for a finding that is not about one endpoint.
func (f Finding) Key() string { return cmp.Or(f.Endpoint, f.File) + ": " + f.Msg }

// Report is the result of Check.
type Report struct {
	Findings  []Finding
	Pages     int // pages read
	Endpoints int // endpoints the pages show
	Items     int // endpoints, parameters, fields and enum values compared
	Specs     int // specs loaded
	Allowed   int // differences the allow-list accepted
}

type spec struct {
	name string
	doc  *openapi3.T
	text string
}

// Check reads the pages and the specs and compares them. An error means the check could not run
// (an unreadable folder or spec, a malformed allow-list); differences are in the report.
func Check(opts Options) (*Report, error) {
	allow, err := ParseAllow(opts.AllowName, opts.Allow)
	if err != nil {
		return nil, err
	}
	specs, err := loadSpecs(opts.SpecsDir)
	if err != nil {
		return nil, err
	}
	pages, err := readPages(opts.DocsDir)
	if err != nil {
		return nil, err
	}
	c := &checker{specs: specs, idx: indexSchemas(specs), enums: map[*openapi3.Schema]*enumUse{}, seen: map[string]bool{}}
	rep := &Report{Pages: len(pages), Specs: len(specs)}
	for _, p := range pages {
		c.findings, c.unsure = append(c.findings, p.Problems...), len(p.Problems) > 0
		for _, ep := range p.Endpoints {
			rep.Endpoints++
			c.endpoint(p.File, ep)
		}
	}
	c.unlisted()
	for _, s := range specs { // an endpoint no page shows any more needs a person
		for path, item := range s.doc.Paths.Map() {
			for method := range item.Operations() {
				if !c.seen[method+" "+path] {
					// The line of path's key in the spec, or 1 (Index is -1).
					line := 1 + strings.Count(s.text[:strings.Index(s.text, "\n  "+path+":")+1], "\n")
					c.findings = append(c.findings, Finding{File: s.name, Line: line, Endpoint: method + " " + path, Msg: "endpoint on no page"})
				}
			}
		}
	}
	rep.Items = c.items

	rep.Findings, rep.Allowed = applyAllow(opts.AllowName, allow, c.findings, cmp.Or(opts.RootDir, "."))
	slices.SortStableFunc(rep.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Key(), b.Key()))
	})
	return rep, nil
}

func loadSpecs(dir string) ([]spec, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("specs folder: %w", err)
	}
	var out []spec
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if e.IsDir() || !slices.Contains([]string{".yaml", ".yml", ".json"}, filepath.Ext(path)) {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err == nil && doc.Paths == nil {
			err = errors.New("no paths")
		}
		if err != nil {
			return nil, fmt.Errorf("spec %s: %w", path, err)
		}
		out = append(out, spec{name: e.Name(), doc: doc, text: string(data)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("specs folder %s: no *.yaml, *.yml or *.json spec", dir)
	}
	return out, nil
}

// readPages reads the pages of dir: those its sources file lists, each of which must exist, and
// every other *.txt file.
func readPages(dir string) ([]*page, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("docs folder: %w", err)
	}
	srcs, err := ReadSources(filepath.Join(dir, SourcesFile)) // no sources file: no page listed
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var names []string
	for _, s := range srcs {
		names = append(names, s.File)
	}
	for _, e := range entries {
		if !e.IsDir() && filepath.Ext(e.Name()) == ".txt" && e.Name() != SourcesFile && !slices.Contains(names, e.Name()) {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("docs folder %s: no page (*.txt)", dir)
	}
	var pages []*page
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", name, err)
		}
		pages = append(pages, parsePage(name, string(data)))
	}
	return pages, nil
}

// checker compares the endpoints of the pages with the specs, one endpoint at a time.
type checker struct {
	specs    []spec
	idx      map[*openapi3.Schema]Edit     // where each schema is written (see indexSchemas)
	enums    map[*openapi3.Schema]*enumUse // see unlisted
	seen     map[string]bool               // "METHOD /path" of the spec operations the pages show
	unsure   bool                          // the page being compared has lines the reader did not understand
	findings []Finding
	items    int
	file     string    // the page being compared
	ep       *endpoint // the endpoint being compared
}

// add adds a finding that e resolves (nil: a person must).
func (c *checker) add(line int, e *Edit, format string, args ...any) {
	c.findings = append(c.findings, Finding{File: c.file, Line: line, Endpoint: c.ep.String(), Msg: fmt.Sprintf(format, args...), Edit: e})
}

// edit is an Edit of schema s, nil when s is not in the index (then a person edits the spec).
func (c *checker) edit(s *openapi3.Schema, e Edit) *Edit {
	l, ok := c.idx[s]
	if !ok {
		return nil
	}
	e.Spec, e.At = l.Spec, l.At
	return &e
}

// find returns the spec operation of ep, or nil and where it is missing: "spec NAME", the spec
// whose paths share the longest leading segments with ep's path, or "every spec" when none shares any.
func (c *checker) find(ep *endpoint) (*openapi3.PathItem, *openapi3.Operation, string) {
	closest, closestLen := "every spec", 0
	want := strings.Split(strings.Trim(ep.Path, "/"), "/")
	for _, s := range c.specs {
		for path, item := range s.doc.Paths.Map() {
			if op := item.GetOperation(ep.Method); path == ep.Path && op != nil {
				return item, op, ""
			}
			n, segs := 0, strings.Split(strings.Trim(path, "/"), "/")
			for n < len(segs) && n < len(want) && segs[n] == want[n] && segs[n] != "" {
				n++
			}
			if n > closestLen {
				closest, closestLen = "spec "+s.name, n
			}
		}
	}
	return nil, nil, closest
}

// endpoint compares one endpoint of page file: the operation, its parameters, its request body and
// its response model.
func (c *checker) endpoint(file string, ep *endpoint) {
	c.file, c.ep = file, ep
	c.items++
	item, op, missingIn := c.find(ep)
	if op == nil {
		c.add(ep.Line, nil, "endpoint missing in %s", missingIn)
		return
	}
	c.seen[ep.String()] = true

	for _, pp := range ep.Params {
		c.items++
		what := fmt.Sprintf("%s parameter %q", pp.In, pp.Name)
		sp := cmp.Or(op.Parameters.GetByInAndName(pp.In, pp.Name), item.Parameters.GetByInAndName(pp.In, pp.Name))
		switch {
		case sp == nil:
			c.add(pp.Line, nil, "%s: missing in spec", what)
		case pp.In == "path": // always required
			c.compare(pp.Line, what, pp.RawType, val(sp.Schema), nil, true, nil, "")
		default:
			c.compare(pp.Line, what, pp.RawType, val(sp.Schema), pp.Required, sp.Required, nil, "")
		}
	}

	if len(ep.Body.Fields) > 0 {
		var body *openapi3.Schema
		if rb := op.RequestBody; rb != nil && rb.Value != nil {
			body = jsonSchema(rb.Value.Content)
		}
		if body == nil {
			c.add(ep.Body.Line, nil, "request body: missing in spec")
		} else {
			c.fields("request", ep.Body.Fields, body, true)
		}
	}

	if len(ep.Response.Fields) == 0 {
		return
	}
	// The body of the success response: the lowest 2xx code, then 2XX, then default.
	var resp *openapi3.Schema
	codes := slices.Sorted(maps.Keys(op.Responses.Map())) // "200" < "201" < "2XX" < "default"
	for _, k := range append(slices.DeleteFunc(codes, func(k string) bool { return len(k) != 3 || k[0] != '2' }), "default") {
		if r := op.Responses.Value(k); resp == nil && r != nil && r.Value != nil {
			resp = jsonSchema(r.Value.Content)
		}
	}
	if resp == nil {
		c.add(ep.Response.Line, nil, "response body: missing in spec")
		return
	}
	// The fields surely at the top level of the page's model: those of depth 0, or, when the page
	// does not state depths, those up to the first that opens a nested list.
	var top []string
	for _, f := range ep.Response.Fields {
		if f.Depth <= 0 {
			top = append(top, f.Name)
		}
		if f.Depth < 0 && f.Opens {
			break
		}
	}
	path, root := locate(resp, top)
	if path != "" {
		c.add(ep.Response.Line, nil, "response model: the page shows it at the top level, the spec has it at %q", path)
	}
	c.fields("response", ep.Response.Fields, root, false)
}

// compare reports where a parameter or field (what names it) differs from its spec schema s: a page
// type that is not understood or unlike the spec's, and, when pageRequired is set, a required mark
// unlike the spec's.
//
// For a field (name set, parent its model) the differences come with their edits: a required mark
// always, a type when the field's schema is written inline with a plain type (not none, not an
// array) and the page's is one.
func (c *checker) compare(line int, what, rawType string, s *openapi3.Schema, pageRequired *bool, specRequired bool, parent *openapi3.Schema, name string) {
	pt, ok := pageType(rawType)
	switch st := specType(s); {
	case !ok:
		c.add(line, nil, "%s: page type %q not understood", what, rawType)
	case pt != st && !(pt == "array" && strings.HasPrefix(st, "array")): // a page "array" matches any array
		var e *Edit
		if l := c.idx[s].At; name != "" && len(l) > 1 && l[len(l)-2] == "properties" && !strings.HasPrefix(pt+st, "array") && pt != "object" && st != "none" {
			e = c.edit(s, Edit{Op: editType, Type: pt})
		}
		c.add(line, e, "%s: page type %s, spec type %s", what, pt, st)
	}
	if pageRequired == nil || *pageRequired == specRequired {
		return
	}
	e := c.edit(parent, Edit{Op: editRequired, Name: name, On: *pageRequired}) // nil for a parameter: no parent
	c.add(line, e, "%s: %s", what, map[bool]string{true: "page marks it required, spec does not", false: "page marks it optional, spec requires it"}[*pageRequired])
}

// jsonSchema is the schema of a body's application/json media type (the only one the specs use).
func jsonSchema(content openapi3.Content) *openapi3.Schema {
	if mt := content.Get("application/json"); mt != nil {
		return val(mt.Schema)
	}
	return nil
}

// fields compares the page's fields of one model with the spec's schema root. Nested fields are
// placed by the depth the page states; where it states none (the Alaya pages), a field is placed
// in the innermost open level whose spec schema has a property of that name, else in the
// innermost open level.
func (c *checker) fields(kind string, fields []pageField, root *openapi3.Schema, checkRequired bool) {
	type level struct {
		prefix  string
		schema  *openapi3.Schema
		missing bool // the field that opened this level is missing in the spec: already reported
	}
	stack := []level{{schema: root}}
	// The models the page lists fields of, with the fields it lists and where the model is.
	listed, where := map[*openapi3.Schema][]string{}, map[*openapi3.Schema]string{}
	for _, f := range fields {
		if !checkRequired {
			f.Required = nil // not compared
		}
		at := len(stack) - 1
		if f.Depth >= 0 {
			at = min(f.Depth, at)
		} else {
			for j := len(stack) - 1; j >= 0; j-- {
				if prop(stack[j].schema, f.Name) != nil {
					at = j
					break
				}
			}
		}
		stack = stack[:at+1]
		lv := stack[at]
		name := lv.prefix + f.Name
		ps := prop(lv.schema, f.Name)
		if !lv.missing {
			c.field(kind, name, f, lv.schema, ps)
			if _, ok := where[lv.schema]; !ok && lv.schema != nil {
				where[lv.schema] = lv.prefix
			}
			listed[lv.schema] = append(listed[lv.schema], f.Name)
		}
		if f.Opens {
			next := level{prefix: name + ".", schema: ps, missing: lv.missing || ps == nil}
			if pt, _ := pageType(f.RawType); strings.HasPrefix(pt, "array") {
				next.prefix, next.schema = name+"[].", items(ps)
			}
			stack = append(stack, next)
		}
	}
	// A request field the page no longer lists goes (a response keeps the server's extra fields).
	// Not on a page the reader did not fully understand: a misread line must not delete a field.
	for s, prefix := range where {
		for n := range s.Properties {
			if checkRequired && !c.unsure && !slices.Contains(listed[s], n) {
				c.add(c.ep.Body.Line, c.edit(s, Edit{Op: editRemoveField, Name: n}), "%s field %q: not on the page", kind, prefix+n)
			}
		}
	}
}

func (c *checker) field(kind, name string, f pageField, parent, ps *openapi3.Schema) {
	c.items++
	what := fmt.Sprintf("%s field %q", kind, name)
	if ps == nil {
		var e *Edit
		if pt, ok := pageType(f.RawType); ok {
			e = c.edit(parent, Edit{Op: editAddField, Name: f.Name, Type: pt, Desc: f.Desc, On: f.Required != nil && *f.Required})
		}
		c.add(f.Line, e, "%s: missing in spec", what)
		return
	}
	c.compare(f.Line, what, f.RawType, ps, f.Required, slices.Contains(parent.Required, f.Name), parent, f.Name)
	enumAt := ps // the schema of the enum: ps, or its items when ps is an array
	if baseType(ps) == "array" {
		enumAt = items(ps)
	}
	for _, v := range f.Enum {
		c.items++
		if !slices.Contains(enumValues(enumAt), v) {
			c.add(f.Line, c.edit(enumAt, Edit{Op: editAddEnum, Name: v}), "%s: enum value %q missing in spec", what, v)
		}
	}
	if u := c.enums[enumAt]; u != nil {
		u.vals = append(u.vals, f.Enum...)
	} else if len(f.Enum) > 0 {
		c.enums[enumAt] = &enumUse{first: Finding{File: c.file, Line: f.Line, Endpoint: c.ep.String(), Msg: what}, vals: f.Enum}
	}
}

// enumUse is what the pages list for one enum schema, and the first place they list it.
type enumUse struct {
	first Finding
	vals  []string
}

// unlisted reports the enum values of a spec that no page field using the enum lists, when some do.
func (c *checker) unlisted() {
	for s, u := range c.enums {
		for _, v := range enumValues(s) {
			if f := u.first; !slices.Contains(u.vals, v) {
				f.Msg, f.Edit = fmt.Sprintf("%s: enum value %q on no page", f.Msg, v), c.edit(s, Edit{Op: editRemoveEnum, Name: v})
				c.findings = append(c.findings, f)
			}
		}
	}
}
