package docscheck

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

func val(ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref == nil {
		return nil
	}
	return ref.Value
}

// prop is the schema of property name of s, looking into allOf too; nil when s has no such property.
func prop(s *openapi3.Schema, name string) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if p := val(s.Properties[name]); p != nil {
		return p
	}
	for _, sub := range s.AllOf {
		if p := prop(val(sub), name); p != nil {
			return p
		}
	}
	return nil
}

// requires reports whether s (or one of its allOf parts) lists name as required.
func requires(s *openapi3.Schema, name string) bool {
	if s == nil {
		return false
	}
	if slices.Contains(s.Required, name) {
		return true
	}
	for _, sub := range s.AllOf {
		if requires(val(sub), name) {
			return true
		}
	}
	return false
}

// baseType is the declared type of s other than null, looking into allOf; "" when none is declared.
func baseType(s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	var ts []string
	for _, t := range s.Type.Slice() {
		if t != "null" {
			ts = append(ts, t)
		}
	}
	if len(ts) > 0 {
		return strings.Join(ts, "|")
	}
	for _, sub := range s.AllOf {
		if t := baseType(val(sub)); t != "" {
			return t
		}
	}
	return ""
}

func items(s *openapi3.Schema) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if s.Items != nil {
		return val(s.Items)
	}
	for _, sub := range s.AllOf {
		if it := items(val(sub)); it != nil {
			return it
		}
	}
	return nil
}

// specType renders the type of s the way pageType renders a page type: "integer", "object",
// "array of object", "none" when the spec declares no type.
func specType(s *openapi3.Schema) string {
	t := baseType(s)
	switch t {
	case "":
		return "none"
	case "array":
		it := baseType(items(s))
		if it == "" {
			it = "any"
		}
		return "array of " + it
	}
	return t
}

// enumValues are the allowed values of s (or of its items when s is an array), as text.
func enumValues(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	if baseType(s) == "array" {
		s = items(s)
	}
	var out []string
	collect := func(x *openapi3.Schema) {
		for _, v := range x.Enum {
			out = append(out, fmt.Sprint(v))
		}
	}
	collect(s)
	for _, sub := range s.AllOf {
		if v := val(sub); v != nil {
			collect(v)
		}
	}
	return out
}

var (
	linkRe    = regexp.MustCompile(`^\[(.*)\]\(.*\)$`)
	arrayOfRe = regexp.MustCompile(`(?i)^(?:array|list)\s*<\s*(.+?)\s*>$`)
	bracketRe = regexp.MustCompile(`^\[\s*([A-Za-z]+)\s*\]$`)
)

// pageType maps a type as a page writes it to the OpenAPI rendering of specType; ok is false when
// the page's type is not one the check knows.
func pageType(raw string) (t string, ok bool) {
	r := strings.Trim(strings.TrimSpace(raw), "`")
	if m := arrayOfRe.FindStringSubmatch(r); m != nil {
		it, ok := pageType(m[1])
		return "array of " + it, ok
	}
	if m := bracketRe.FindStringSubmatch(r); m != nil {
		it, ok := pageType(m[1])
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
		n := 0
		for _, name := range names {
			if prop(s, name) != nil {
				n++
			}
		}
		return n
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
			path := name
			if c.path != "" {
				path = c.path + "." + name
			}
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

func propNames(s *openapi3.Schema) []string {
	set := map[string]bool{}
	var walk func(*openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s == nil {
			return
		}
		for n := range s.Properties {
			set[n] = true
		}
		for _, sub := range s.AllOf {
			walk(val(sub))
		}
	}
	walk(s)
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
