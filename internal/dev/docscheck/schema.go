package docscheck

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

func val(ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref == nil {
		return nil
	}
	return ref.Value
}

// prop is the schema of property name of s; nil when s has no such property.
func prop(s *openapi3.Schema, name string) *openapi3.Schema {
	if s == nil {
		return nil
	}
	return val(s.Properties[name])
}

// baseType is the declared type of s other than null; "" when none is declared.
func baseType(s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	return strings.Join(slices.DeleteFunc(slices.Clone(s.Type.Slice()), func(t string) bool { return t == "null" }), "|")
}

// items is the item schema of an array schema s, else nil.
func items(s *openapi3.Schema) *openapi3.Schema {
	if s == nil {
		return nil
	}
	return val(s.Items)
}

// specType renders the type of s the way pageType renders a page type: "integer", "object",
// "array of object", "none" when the spec declares no type.
func specType(s *openapi3.Schema) string {
	if t := baseType(s); t != "array" {
		return cmp.Or(t, "none")
	}
	return "array of " + cmp.Or(baseType(items(s)), "any")
}

// enumValues are the allowed values of s, as text.
func enumValues(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, v := range s.Enum {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

var (
	linkRe = regexp.MustCompile(`^\[(.*)\]\(.*\)$`)
	// arrayOfRe is an array type with its item type: "array<string>", "List<int>", "[string]".
	arrayOfRe = regexp.MustCompile(`(?i)^(?:(?:array|list)\s*<\s*(.+?)\s*>|\[\s*([A-Za-z]+)\s*\])$`)
)

// pageType maps a type as a page writes it to the OpenAPI rendering of specType; ok is false when
// the page's type is not one the check knows.
func pageType(raw string) (t string, ok bool) {
	r := strings.Trim(strings.TrimSpace(raw), "`")
	if m := arrayOfRe.FindStringSubmatch(r); m != nil {
		it, ok := pageType(m[1] + m[2])
		return "array of " + it, ok
	}
	if linkRe.MatchString(r) {
		return "object", true // a link to another model
	}
	switch strings.ToLower(r) {
	case "int", "integer", "int32", "int64", "long":
		return "integer", true
	case "number", "float", "double", "decimal":
		return "number", true
	case "string", "str":
		return "string", true
	case "bool", "boolean":
		return "boolean", true
	case "object", "dict", "map":
		return "object", true
	case "array", "list":
		return "array", true
	}
	return r, false
}

// locate finds where in root the page's model is: the object schema (root itself, a property,
// or the items of an array property, searched breadth first, each once) having the most of names
// as properties. It returns the path ("" for root, e.g. "data.bean" or "data.list[]") and the schema.
func locate(root *openapi3.Schema, names []string) (string, *openapi3.Schema) {
	type cand struct {
		path string
		s    *openapi3.Schema
	}
	best, bestScore := cand{s: root}, 0
	seen := map[*openapi3.Schema]bool{root: true}
	for queue := []cand{best}; len(queue) > 0; queue = queue[1:] {
		c := queue[0]
		// The score of c is how many of names it has as properties.
		if sc := len(slices.DeleteFunc(slices.Clone(names), func(n string) bool { return prop(c.s, n) == nil })); sc > bestScore {
			best, bestScore = c, sc
		}
		for _, name := range slices.Sorted(maps.Keys(c.s.Properties)) {
			p, path := prop(c.s, name), strings.TrimPrefix(c.path+"."+name, ".")
			if baseType(p) == "array" {
				p, path = items(p), path+"[]"
			}
			if p != nil && !seen[p] {
				seen[p] = true
				queue = append(queue, cand{path, p})
			}
		}
	}
	return best.path, best.s
}
