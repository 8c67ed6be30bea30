package docscheck

import (
	"cmp"
	"fmt"
	"iter"
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

// allOf yields s and then, depth first, the parts of its allOf: where a schema's properties,
// required names, type and items are looked up.
func allOf(s *openapi3.Schema) iter.Seq[*openapi3.Schema] {
	return func(yield func(*openapi3.Schema) bool) {
		if s == nil || !yield(s) {
			return
		}
		for _, sub := range s.AllOf {
			for x := range allOf(val(sub)) {
				if !yield(x) {
					return
				}
			}
		}
	}
}

// lookup is the first non-zero f(x) over s and, depth first, the parts of its allOf.
func lookup[T comparable](s *openapi3.Schema, f func(*openapi3.Schema) T) (zero T) {
	for x := range allOf(s) {
		if v := f(x); v != zero {
			return v
		}
	}
	return zero
}

// prop is the schema of property name of s, looking into allOf too; nil when s has no such property.
func prop(s *openapi3.Schema, name string) *openapi3.Schema {
	return lookup(s, func(x *openapi3.Schema) *openapi3.Schema { return val(x.Properties[name]) })
}

// requires reports whether s (or one of its allOf parts) lists name as required.
func requires(s *openapi3.Schema, name string) bool {
	return lookup(s, func(x *openapi3.Schema) bool { return slices.Contains(x.Required, name) })
}

// baseType is the declared type of s other than null, looking into allOf; "" when none is declared.
func baseType(s *openapi3.Schema) string {
	return lookup(s, func(x *openapi3.Schema) string {
		return strings.Join(slices.DeleteFunc(slices.Clone(x.Type.Slice()), func(t string) bool { return t == "null" }), "|")
	})
}

func items(s *openapi3.Schema) *openapi3.Schema {
	return lookup(s, func(x *openapi3.Schema) *openapi3.Schema { return val(x.Items) })
}

// specType renders the type of s the way pageType renders a page type: "integer", "object",
// "array of object", "none" when the spec declares no type.
func specType(s *openapi3.Schema) string {
	t := baseType(s)
	switch t {
	case "":
		return "none"
	case "array":
		return "array of " + cmp.Or(baseType(items(s)), "any")
	}
	return t
}

// enumValues are the allowed values of s (or of its items when s is an array), and of its allOf
// parts, as text.
func enumValues(s *openapi3.Schema) []string {
	if baseType(s) == "array" {
		s = items(s)
	}
	if s == nil {
		return nil
	}
	var out []string
	for _, ref := range append(openapi3.SchemaRefs{{Value: s}}, s.AllOf...) {
		if x := val(ref); x != nil {
			for _, v := range x.Enum {
				out = append(out, fmt.Sprint(v))
			}
		}
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

// sameType compares a page type with a spec type; a page "array" with no item type matches any array.
func sameType(page, spec string) bool {
	if page == "array" {
		return strings.HasPrefix(spec, "array")
	}
	return page == spec
}

// locate finds where in root the page's model is: the object schema (root itself, a property,
// or the items of an array property, searched breadth first) having the most of names as
// properties. It returns the path ("" for root, e.g. "data.bean" or "data.list[]") and the schema.
func locate(root *openapi3.Schema, names []string) (string, *openapi3.Schema) {
	type cand struct {
		path  string
		s     *openapi3.Schema
		depth int
	}
	score := func(s *openapi3.Schema) int {
		return len(slices.DeleteFunc(slices.Clone(names), func(name string) bool { return prop(s, name) == nil }))
	}
	bestPath, best, bestScore := "", root, score(root)
	seen := map[*openapi3.Schema]bool{root: true}
	queue := []cand{{"", root, 0}}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if sc := score(c.s); sc > bestScore {
			bestPath, best, bestScore = c.path, c.s, sc
		}
		if c.depth >= 6 {
			continue
		}
		for _, name := range propNames(c.s) {
			p := prop(c.s, name)
			path := strings.TrimPrefix(c.path+"."+name, ".")
			if baseType(p) == "array" {
				p, path = items(p), path+"[]"
			}
			if p == nil || seen[p] {
				continue
			}
			seen[p] = true
			queue = append(queue, cand{path, p, c.depth + 1})
		}
	}
	return bestPath, best
}

// propNames are the property names of s and its allOf parts, sorted.
func propNames(s *openapi3.Schema) []string {
	set := map[string]bool{}
	for x := range allOf(s) {
		for n := range x.Properties {
			set[n] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}
