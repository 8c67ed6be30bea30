package docscheck

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
)

// An Edit is the change to a spec that a finding calls for, when update may make it without a
// person: a field added to a model or removed from a request, a field's type or required mark
// changed, an enum value added or removed. A finding without an Edit needs a person.
type Edit struct {
	Spec string   // file name in the specs folder
	At   []string // the keys leading to the schema in the spec: its own, or its parent's for a field
	Op   editOp
	Name string // the field, or the enum value
	Type string // the type for editAddField and editType ("integer", "array of string", ...)
	Desc string // the description for editAddField
	On   bool   // editAddField and editRequired: whether the field is required
}

type editOp int

const (
	editAddField editOp = iota + 1
	editType
	editRequired
	editAddEnum
	editRemoveEnum
	editRemoveField
)

// indexSchemas maps every schema of the specs to where it is written: an Edit's Spec and At. A $ref
// shares its target's schema, so a schema reached through one maps to the component.
func indexSchemas(specs []spec) map[*openapi3.Schema]Edit {
	idx := map[*openapi3.Schema]Edit{}
	var walk func(spec string, ref *openapi3.SchemaRef, at []string)
	walk = func(spec string, ref *openapi3.SchemaRef, at []string) {
		if ref == nil || ref.Value == nil || ref.Ref != "" && !strings.HasPrefix(ref.Ref, "#/") {
			return
		}
		if ref.Ref != "" { // "#/components/schemas/Name": a component name has no "~" or "/" to unescape
			at = strings.Split(strings.TrimPrefix(ref.Ref, "#/"), "/")
		}
		if _, seen := idx[ref.Value]; seen {
			return
		}
		idx[ref.Value] = Edit{Spec: spec, At: at}
		for name, p := range ref.Value.Properties {
			walk(spec, p, append(slices.Clip(at), "properties", name))
		}
		walk(spec, ref.Value.Items, append(slices.Clip(at), "items"))
	}
	for _, s := range specs {
		if s.doc.Components != nil {
			for name, ref := range s.doc.Components.Schemas {
				walk(s.name, &openapi3.SchemaRef{Value: ref.Value}, []string{"components", "schemas", name})
			}
		}
		for path, item := range s.doc.Paths.Map() {
			for method, op := range item.Operations() {
				at := []string{"paths", path, strings.ToLower(method)}
				if rb := op.RequestBody; rb != nil && rb.Ref == "" && rb.Value != nil {
					for mt, m := range rb.Value.Content {
						walk(s.name, m.Schema, append(slices.Clip(at), "requestBody", "content", mt, "schema"))
					}
				}
				for code, r := range op.Responses.Map() {
					if r.Ref == "" && r.Value != nil {
						for mt, m := range r.Value.Content {
							walk(s.name, m.Schema, append(slices.Clip(at), "responses", code, "content", mt, "schema"))
						}
					}
				}
			}
		}
	}
	return idx
}

// UpdateReport is what Update did.
type UpdateReport struct {
	Changes []string  // one line per edit written: "specs/rainbond.yaml: Port: field x added (integer)"
	Person  []Finding // the findings left for a person
	Check   *Report   // the check after the edits
}

// Update writes into the specs every finding of the check that an Edit covers, checks again until
// nothing more can be written (a new nested object brings its fields in the next round), and
// reports the findings that need a person. The specs are edited line by line, so their order,
// comments and style stay as they are. A type change of a field that the hand-written client code
// uses by name (opts.RootDir/wrapper) needs a person, since the generated type it reads would change.
func Update(opts Options) (*UpdateReport, error) {
	out := &UpdateReport{}
	made := map[string]string{} // the change earlier rounds made, by thing: a later round may not undo it
	for round := 0; ; round++ {
		rep, err := Check(opts)
		if err != nil {
			return nil, err
		}
		out.Check, out.Person = rep, nil
		// Edits of one thing that disagree (as when two pages list different values for a shared
		// enum), or with an earlier round, need a person; edits that agree are made once.
		want := maps.Clone(made)
		for _, f := range rep.Findings {
			if e := f.Edit; e != nil {
				if w, ok := want[e.thing()]; ok && w != e.change() {
					want[e.thing()] = "disagree"
				} else {
					want[e.thing()] = e.change()
				}
			}
		}
		var edits []Finding
		for _, f := range rep.Findings {
			switch e := f.Edit; {
			case e == nil || want[e.thing()] != e.change() || e.Op == editType && usedByWrapper(opts.RootDir, e.At[len(e.At)-1]):
				out.Person = append(out.Person, f)
			case !slices.ContainsFunc(edits, func(g Finding) bool { return g.Edit.thing() == e.thing() }):
				edits = append(edits, f)
			}
		}
		if len(edits) == 0 || round == 5 {
			out.Person = append(out.Person, edits...) // what five rounds could not settle
			return out, nil
		}
		for _, f := range edits {
			made[f.Edit.thing()] = f.Edit.change()
			file := filepath.Join(opts.SpecsDir, f.Edit.Spec)
			if err := applyEdit(file, f.Edit); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			out.Changes = append(out.Changes, fmt.Sprintf("%s: %s (from %s:%d)", file, f.Edit, f.File, f.Line))
		}
	}
}

// thing names what e changes: a field of a schema, its type, or one of its enum values.
func (e *Edit) thing() string {
	return fmt.Sprint(e.Spec, e.At, e.Name, e.Op == editAddEnum || e.Op == editRemoveEnum, e.Op == editType)
}

// change is what e makes of its thing.
func (e *Edit) change() string { return fmt.Sprint(e.Op, e.Type, e.On) }

// String says what the edit does, e.g. `components/schemas/Port: field "x" added (integer, required)`.
func (e *Edit) String() string {
	return strings.Join(e.At, "/") + ": " + map[editOp]string{
		editAddField:    fmt.Sprintf("field %q added (%s%s)", e.Name, e.Type, map[bool]string{true: ", required"}[e.On]),
		editType:        "type set to " + e.Type,
		editRequired:    fmt.Sprintf("field %q %s", e.Name, map[bool]string{true: "required", false: "optional"}[e.On]),
		editAddEnum:     fmt.Sprintf("enum value %q added", e.Name),
		editRemoveEnum:  fmt.Sprintf("enum value %q removed", e.Name),
		editRemoveField: fmt.Sprintf("field %q removed", e.Name),
	}[e.Op]
}

// usedByWrapper reports whether the hand-written client code under root/wrapper names the Go field
// that oapi-codegen makes of the spec field name ("container_port" -> ContainerPort).
func usedByWrapper(root, name string) bool {
	re := regexp.MustCompile(`\.` + goIdent(name) + `\b`)
	found := false
	_ = filepath.WalkDir(filepath.Join(root, "wrapper"), func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			data, _ := os.ReadFile(path) // nothing when it is a folder or cannot be read
			found = found || re.Match(data)
		}
		return nil
	})
	return found
}

// applyEdit makes one edit in the spec file, splicing lines into its text.
func applyEdit(file string, e *Edit) error {
	if e.Op == editAddField && e.On || e.Op == editRemoveField { // the required mark first, where the lines are as parsed
		if err := applyEdit(file, &Edit{At: e.At, Op: editRequired, Name: e.Name, On: e.Op == editAddField}); err != nil {
			return err
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return fmt.Errorf("read %s as YAML: %w", file, cmp.Or(err, errors.New("no document")))
	}
	lines := strings.SplitAfter(string(data), "\n")
	_, node := child(doc.Content[0], e.At...)
	if node == nil || node.Kind != yaml.MappingNode {
		return fmt.Errorf("no schema at %s", strings.Join(e.At, "/"))
	}
	indent := strings.Repeat(" ", node.Content[0].Column-1)
	switch e.Op {
	case editAddField:
		_, props := child(node, "properties")
		last, in, text := node.Content[len(node.Content)-2], indent+"  ", indent+"properties:\n"
		if props != nil && len(props.Content) > 0 { // else a first property, under a new properties key
			last, in, text = props.Content[len(props.Content)-2], strings.Repeat(" ", props.Content[0].Column-1), ""
		}
		step := in[len(indent):]
		text += in + scalar(e.Name) + ":\n" + typeLines(in+step, step, e.Type)
		if e.Desc != "" {
			text += in + step + "description: " + scalar(e.Desc) + "\n"
		}
		lines = slices.Insert(lines, blockEnd(lines, last), text)
	case editRemoveField:
		if k, _ := child(node, "properties", e.Name); k != nil {
			lines = slices.Delete(lines, k.Line-1, blockEnd(lines, k))
		}
	case editType:
		_, t := child(node, "type")
		if t == nil || t.Kind != yaml.ScalarNode || strings.HasPrefix(e.Type, "array") {
			return fmt.Errorf("%s: no plain type to change", strings.Join(e.At, "/"))
		}
		l := lines[t.Line-1]
		lines[t.Line-1] = l[:t.Column-1] + e.Type + l[t.Column-1+len(t.Value):]
		if k, v := child(node, "example"); v != nil && v.Line == k.Line && v.Kind == yaml.ScalarNode {
			lines = slices.Delete(lines, k.Line-1, k.Line) // an example of the old type
		}
	case editRequired:
		at := blockEnd(lines, node.Content[len(node.Content)-2]) // after the schema's keys, or before its properties
		if pk, _ := child(node, "properties"); pk != nil {
			at = pk.Line - 1
		}
		lines = seqEdit(lines, node, "required", e.Name, e.On, at, indent)
	case editAddEnum, editRemoveEnum:
		add := e.Op == editAddEnum
		at := node.Content[0].Line - 1
		if k, _ := child(node, "type"); k != nil {
			at = k.Line
		}
		if _, names := child(node, "x-enum-varnames"); names != nil {
			_, values := child(node, "enum")
			name := goIdent(e.Name) // for a value added; a removed value's name is the one it has
			if i := slices.IndexFunc(values.Content, func(n *yaml.Node) bool { return n.Value == e.Name }); !add && i >= 0 {
				name = names.Content[i].Value
			}
			lines = seqEdit(lines, node, "x-enum-varnames", name, add, at, indent)
		}
		lines = seqEdit(lines, node, "enum", e.Name, add, at, indent)
	}
	return os.WriteFile(file, []byte(strings.Join(lines, "")), 0o644)
}

// child follows keys from a mapping node and returns the last key node and its value.
func child(n *yaml.Node, keys ...string) (key, value *yaml.Node) {
	value = n
	for _, k := range keys {
		if value == nil || value.Kind != yaml.MappingNode {
			return nil, nil
		}
		var next *yaml.Node
		key = nil // a missing last key is no key, not the one before it
		for i := 0; i+1 < len(value.Content); i += 2 {
			if value.Content[i].Value == k {
				key, next = value.Content[i], value.Content[i+1]
				break
			}
		}
		value = next
	}
	return key, value
}

// blockEnd is the index of the line after the block that key starts: the lines indented deeper
// than key, without the blank and comment lines at their end (those belong to what follows).
func blockEnd(lines []string, key *yaml.Node) int {
	end := key.Line // index of the line after key's
	for i := key.Line; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if len(lines[i])-len(strings.TrimLeft(lines[i], " ")) < key.Column {
			break
		}
		end = i + 1
	}
	return end
}

// seqEdit adds value to, or removes it from, the sequence under key of the mapping node: a flow
// sequence is written again on its line, a block sequence gains or loses a line. A missing key is
// written as a flow sequence at line index at, with indent; an emptied one is removed.
func seqEdit(lines []string, node *yaml.Node, key, value string, add bool, at int, indent string) []string {
	k, seq := child(node, key)
	if seq == nil {
		if !add {
			return lines
		}
		return slices.Insert(lines, at, indent+key+": ["+scalar(value)+"]\n")
	}
	i := slices.IndexFunc(seq.Content, func(n *yaml.Node) bool { return n.Value == value })
	if add == (i >= 0) {
		return lines
	}
	if seq.Style&yaml.FlowStyle != 0 && seq.Line == k.Line {
		var vals []string
		for _, n := range seq.Content {
			if n.Value != value {
				vals = append(vals, scalar(n.Value))
			}
		}
		if add {
			vals = append(vals, scalar(value))
		}
		if len(vals) == 0 {
			return slices.Delete(lines, k.Line-1, k.Line)
		}
		l := lines[k.Line-1]
		end := strings.LastIndex(l, "]")
		lines[k.Line-1] = l[:seq.Column-1] + "[" + strings.Join(vals, ", ") + l[end:]
		return lines
	}
	if !add {
		return slices.Delete(lines, seq.Content[i].Line-1, seq.Content[i].Line)
	}
	last := seq.Content[len(seq.Content)-1]
	return slices.Insert(lines, last.Line, strings.Repeat(" ", last.Column-3)+"- "+scalar(value)+"\n")
}

// typeLines are the lines of a schema of type t ("string", "array of integer", "object") at indent.
func typeLines(indent, step, t string) string {
	switch it, ok := strings.CutPrefix(t, "array of "); {
	case ok:
		return indent + "type: array\n" + indent + "items:\n" + typeLines(indent+step, step, it)
	case t == "array":
		return indent + "type: array\n" + indent + "items: {}\n"
	}
	return indent + "type: " + t + "\n"
}

// scalar is s, its white space runs made one space, as a YAML plain or quoted scalar: one line,
// since yaml.v3 does not wrap lines and a string always marshals.
func scalar(s string) string {
	out, _ := yaml.Marshal(strings.Join(strings.Fields(s), " "))
	return strings.TrimSuffix(string(out), "\n")
}

// goIdent is the Go name oapi-codegen makes of a field name or an enum value: "only_open_outer" ->
// OnlyOpenOuter.
func goIdent(v string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	if s := b.String(); s == "" || s[0] >= '0' && s[0] <= '9' {
		return "V" + s
	}
	return b.String()
}
