// Package portfile reads the declarative ports file of `portctl apply -f` and `portctl diff -f`:
// YAML (JSON is accepted too) naming, for Rainbond components and Alaya NeW instances, the ports
// each must have. The format, with an example, is in the help of `portctl apply`
// (docs/portctl/portctl_apply.md).
//
// The file names what to change, never where or as whom: URLs and credentials come from portctl's
// flags and environment. Parse refuses, with the file's line, anything Desired.Validate refuses
// and anything it does not know: an unknown or repeated key, a value of the wrong type, a port
// listed twice, an outer service without the inner one, two k8s service names for one component,
// the same component or instance twice.
package portfile

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// File is a parsed ports file.
type File struct {
	Rainbond []RainbondTarget `json:"rainbond,omitempty"`
	Alaya    []AlayaTarget    `json:"alaya,omitempty"`
}

// RainbondTarget is the desired state of one Rainbond component.
type RainbondTarget struct {
	Component rainbond.Component
	Desired   rainbond.Desired
	// Line is where the entry starts in the file.
	Line int
	// PortLines are where the entries of Desired.Ports start, in the same order.
	PortLines []int
}

// Name is how a plan line names the component: team/app/component.
func (t RainbondTarget) Name() string {
	return t.Component.TeamID + "/" + strconv.FormatInt(t.Component.AppID, 10) + "/" + t.Component.ServiceID
}

// AlayaTarget is the desired state of one Alaya NeW instance.
type AlayaTarget struct {
	Instance string
	Desired  alaya.Desired
	// Line is where the entry starts in the file.
	Line int
	// PortLines are where the entries of Desired.Ports start, in the same order.
	PortLines []int
}

// Error is a problem of the file, at a line (0 when the problem is the whole file).
type Error struct {
	File string
	Line int
	Msg  string
}

// Error is e.g. "ports.yaml:12: rainbond[0].ports[1].outer: needs inner: ...".
func (e *Error) Error() string {
	if e.Line > 0 {
		return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
	}
	return e.File + ": " + e.Msg
}

// Parse reads a ports file (as Read returns it, within maxFileBytes); name is how errors name it.
func Parse(name string, data []byte) (*File, error) {
	p := &parser{name: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errf(nil, "is empty: it needs a rainbond or an alaya list")
		}
		return nil, p.syntax(err)
	}
	// Anything after the first document is refused, even an empty or an invalid one.
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, p.errf(&extra, "a second YAML document: a ports file has one")
	} else if !errors.Is(err, io.EOF) {
		e := p.syntax(err)
		e.Msg = "a second YAML document (a ports file has one): " + e.Msg
		return nil, e
	}
	if err := p.plain(&doc); err != nil {
		return nil, err
	}
	return p.file(doc.Content[0]) // a document node holds one node
}

// plain refuses, in n and every node under it, an explicit YAML tag (which other readers of the
// file could turn into an object or a call) and a control or bidi character in a scalar (which
// would disguise what a terminal shows).
func (p *parser) plain(n *yaml.Node) error {
	implicit := map[yaml.Kind]string{yaml.MappingNode: "!!map", yaml.SequenceNode: "!!seq"}[n.Kind]
	if n.Style&yaml.TaggedStyle != 0 || (implicit != "" && n.Tag != implicit) {
		return p.errf(n, "the YAML tag %s: a ports file has no tags", n.Tag)
	}
	if n.Kind == yaml.ScalarNode {
		for _, r := range n.Value {
			if UnsafeRune(r) {
				return p.errf(n, "%q: a control character (%U) is not allowed", n.Value, r)
			}
		}
	}
	for _, c := range n.Content { // none for an alias: its target is walked where it is defined
		if err := p.plain(c); err != nil {
			return err
		}
	}
	return nil
}

// UnsafeRune reports whether a terminal may act on r rather than show it: a C0 or C1 control or
// DEL (ESC starts escape sequences, CR and LF move the cursor, U+009B is CSI), a bidi control that
// reorders what follows, a line or paragraph separator.
func UnsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.In(r, unicode.Zl, unicode.Zp)
}

type parser struct {
	name string
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	e := &Error{File: p.name, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line = n.Line
	}
	return e
}

var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

// syntax turns a YAML syntax error into an Error with its line.
func (p *parser) syntax(err error) *Error {
	msg := err.Error()
	if m := yamlLine().FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: p.name, Line: line, Msg: "not valid YAML or JSON: " + m[2]}
	}
	return &Error{File: p.name, Msg: "not valid YAML or JSON: " + strings.TrimPrefix(msg, "yaml: ")}
}

// kinds are the keys of a ports file, at every level, and the kind each value must have: a list
// (or nothing), or a scalar of the YAML tag.
var kinds = map[string]string{
	"rainbond": "list", "alaya": "list", "ports": "list", "prune": "!!bool", "inner": "!!bool", "outer": "!!bool",
	"app": "!!int", "port": "!!int", "team": "!!str", "region": "!!str", "component": "!!str", "instance": "!!str",
	"protocol": "!!str", "alias": "!!str", "k8s_service_name": "!!str",
}

// wants say what a value of each kind must be.
var wants = map[string]string{"list": "a list", "!!bool": "true or false", "!!int": "an integer", "!!str": "a string"}

// fields checks that n (at path; "" for the file) is a mapping whose keys are all known and none
// repeated, that the keys of required are there, and that each value but a list (list checks those)
// has its key's kind, in the order of known. It returns the value of each key present.
func (p *parser) fields(n *yaml.Node, path string, known, required []string) (map[string]*yaml.Node, error) {
	name := cmp.Or(path, "file")
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, "%s: must be a mapping (key: value), not %s", name, kindName(n))
	}
	out := make(map[string]*yaml.Node)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			return nil, p.errf(k, "%s: a key must be a plain name", name)
		case out[k.Value] != nil:
			return nil, p.errf(k, "%s: key %q given twice", name, k.Value)
		case !slices.Contains(known, k.Value):
			hint := ""
			switch strings.ToLower(k.Value) {
			case "url", "token", "api_key", "apikey", "key", "secret", "password", "access_key":
				hint = " (URLs and credentials come from flags and the environment, never from the file)"
			}
			return nil, p.errf(k, "%s: unknown key %q; known: %s%s", name, k.Value, strings.Join(known, ", "), hint)
		}
		out[k.Value] = v
	}
	for _, key := range required {
		if out[key] == nil {
			return nil, p.errf(n, "%s: %s is required", path, key)
		}
	}
	for _, key := range known {
		if v := out[key]; v != nil && kinds[key] != "list" {
			if err := p.check(v, path+"."+key, kinds[key]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// check refuses a value v (at path) that is not of the kind, or an integer that does not fit.
func (p *parser) check(v *yaml.Node, path, kind string) error {
	switch {
	case kind == "list" && (v.Kind == yaml.SequenceNode || v.Kind == yaml.ScalarNode && v.Tag == "!!null"):
	case kind == "list" || v.Kind != yaml.ScalarNode || v.Tag != kind:
		return p.errf(v, "%s: must be %s, not %s", path, wants[kind], kindName(v))
	case kind == "!!int" && v.Decode(new(int64)) != nil:
		return p.errf(v, "%s: %s is not an integer that fits", path, v.Value)
	}
	return nil
}

// decode decodes the values of m (checked by fields) into the pointers of dsts, by key.
func decode(m map[string]*yaml.Node, dsts map[string]any) {
	for k, dst := range dsts {
		if v := m[k]; v != nil {
			_ = v.Decode(dst) // cannot fail: fields checked its kind
		}
	}
}

// kindName says what n is, for a message: a scalar by its value.
func kindName(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return strconv.Quote(n.Value)
	}
	return map[yaml.Kind]string{yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list", yaml.AliasNode: "an alias",
		yaml.ScalarNode: "empty"}[n.Kind]
}

func (p *parser) file(root *yaml.Node) (*File, error) {
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, p.errf(nil, "is empty: it needs a rainbond or an alaya list")
	}
	top, err := p.fields(root, "", []string{"rainbond", "alaya"}, nil)
	if err != nil {
		return nil, err
	}
	f := &File{}
	if f.Rainbond, err = targets(p, top["rainbond"], "rainbond", "component", p.rainbondTarget,
		func(t RainbondTarget) (rainbond.Component, string) { return t.Component, t.Name() }); err != nil {
		return nil, err
	}
	if f.Alaya, err = targets(p, top["alaya"], "alaya", "instance", p.alayaTarget,
		func(t AlayaTarget) (string, string) { return t.Instance, t.Instance }); err != nil {
		return nil, err
	}
	if len(f.Rainbond) == 0 && len(f.Alaya) == 0 {
		return nil, p.errf(root, "names no component or instance: it needs a rainbond or an alaya list")
	}
	return f, nil
}

// targets reads the list n of one platform's targets (none when n is nil or empty), refusing a
// target that an earlier entry names already; id gives a target's identity and how messages name it.
func targets[T any, K comparable](p *parser, n *yaml.Node, key, what string, read func(*yaml.Node, string) (T, error),
	id func(T) (K, string)) ([]T, error) {
	items, err := p.list(n, key)
	if err != nil {
		return nil, err
	}
	var out []T
	seen := map[K]int{}
	for i, item := range items {
		path := fmt.Sprintf("%s[%d]", key, i)
		t, err := read(item, path)
		if err != nil {
			return nil, err
		}
		k, name := id(t)
		if line, dup := seen[k]; dup {
			return nil, p.errf(item, "%s: %s %s is also at line %d: list its ports once", path, what, name, line)
		}
		seen[k] = item.Line
		out = append(out, t)
	}
	return out, nil
}

// list is the items of the list n (at path); none when n is nil or empty.
func (p *parser) list(n *yaml.Node, path string) ([]*yaml.Node, error) {
	if n == nil {
		return nil, nil
	}
	return n.Content, p.check(n, path, "list")
}

func (p *parser) rainbondTarget(n *yaml.Node, path string) (RainbondTarget, error) {
	t := RainbondTarget{Line: n.Line}
	m, err := p.fields(n, path, []string{"team", "region", "app", "component", "prune", "ports"},
		[]string{"team", "region", "app", "component"})
	if err != nil {
		return t, err
	}
	c := &t.Component
	decode(m, map[string]any{"team": &c.TeamID, "region": &c.RegionName, "app": &c.AppID, "component": &c.ServiceID})
	for _, key := range []string{"team", "region", "component"} {
		// The IDs the console's routes accept: [\w-]+, Unicode-aware (what Component.Validate checks).
		if v := m[key].Value; (rainbond.Component{TeamID: v, RegionName: v, AppID: 1, ServiceID: v}).Validate() != nil {
			return t, p.errf(m[key], "%s.%s: %q must be letters, digits, _ and - only (the console's routes match nothing else)", path, key, v)
		}
	}
	if c.AppID <= 0 {
		return t, p.errf(m["app"], "%s.app: %d is not a positive integer", path, c.AppID)
	}
	keys := []string{"protocol", "inner", "outer", "alias", "k8s_service_name"}
	read := func(e portEntry) (rainbond.DesiredPort, error) {
		d := rainbond.DesiredPort{Port: e.port}
		decode(e.fields, map[string]any{"protocol": &d.Protocol, "inner": &d.Inner, "outer": &d.Outer,
			"alias": &d.Alias, "k8s_service_name": &d.K8sServiceName})
		return d, cmp.Or(p.nonEmpty(e, "alias", "to keep the server's"), p.nonEmpty(e, "k8s_service_name", "to keep the server's"))
	}
	err = ports(p, n, m, path, &t.Desired.Prune, keys, &t.Desired.Ports, &t.PortLines, read,
		func() error { return t.Desired.Validate() })
	return t, err
}

func (p *parser) alayaTarget(n *yaml.Node, path string) (AlayaTarget, error) {
	t := AlayaTarget{Line: n.Line}
	m, err := p.fields(n, path, []string{"instance", "prune", "ports"}, []string{"instance"})
	if err != nil {
		return t, err
	}
	if t.Instance = m["instance"].Value; t.Instance == "" || t.Instance == "." || t.Instance == ".." ||
		strings.ContainsAny(t.Instance, "/\\?#%") {
		return t, p.errf(m["instance"], "%s.instance: %q is not an instance id", path, t.Instance)
	}
	read := func(e portEntry) (alaya.DesiredPort, error) {
		d := alaya.DesiredPort{Port: e.port}
		decode(e.fields, map[string]any{"protocol": &d.Protocol})
		return d, p.nonEmpty(e, "protocol", "for "+alaya.DefaultProtocol)
	}
	err = ports(p, n, m, path, &t.Desired.Prune, []string{"protocol"}, &t.Desired.Ports, &t.PortLines, read,
		func() error { return t.Desired.Validate() })
	return t, err
}

var portField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ports\[(\d+)\]\.(\w+)$`) })

// At places a planner's *wrapper.ValidationError about the desired state of the target that starts
// at line (e.g. Field "ports[1].alias") at the line of that port; path names the target
// ("rainbond[0]"). Any other error is returned as it is.
func At(file, path string, line int, portLines []int, err error) error {
	return place(file, path, line, err, func(i int, _ string) int { return portLines[i] }, len(portLines))
}

// place makes err, when a *wrapper.ValidationError, an Error at the line lineOf gives for the port
// (of the n listed) and the key its Field names ("ports[1].outer"), or else at line. Any other
// error (nil too) is returned as it is.
func place(file, path string, line int, err error, lineOf func(i int, key string) int, n int) error {
	var ve *wrapper.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	if m := portField().FindStringSubmatch(ve.Field); m != nil {
		if i, _ := strconv.Atoi(m[1]); i < n {
			line = lineOf(i, m[2])
		}
	}
	return &Error{File: file, Line: line, Msg: path + "." + ve.Field + ": " + ve.Reason}
}

// portEntry is one item of a target's ports list.
type portEntry struct {
	node   *yaml.Node
	path   string // e.g. "rainbond[0].ports[1]"
	fields map[string]*yaml.Node
	port   int
}

// nonEmpty refuses the port's string key when it is given empty; hint says what leaving the key
// out does.
func (p *parser) nonEmpty(e portEntry, key string, hint string) error {
	if v := e.fields[key]; v != nil && v.Value == "" {
		return p.errf(v, "%s.%s: must not be empty (leave it out %s)", e.path, key, hint)
	}
	return nil
}

// ports reads the keys every target (at node target) has: prune (default false) into prune, and
// the ports, each a mapping with the key port (required) and the platform's other keys, which read
// makes a D of, into dst, their lines into lines. Then it places validate's refusal of the target
// at the line of the field it names, or else of the port, or else of the target.
func ports[D any](p *parser, target *yaml.Node, m map[string]*yaml.Node, path string, prune *bool, keys []string,
	dst *[]D, lines *[]int, read func(portEntry) (D, error), validate func() error) error {
	decode(m, map[string]any{"prune": prune})
	nodes, err := p.list(m["ports"], path+".ports")
	if err != nil {
		return err
	}
	var entries []portEntry
	for i, n := range nodes {
		e := portEntry{node: n, path: fmt.Sprintf("%s.ports[%d]", path, i)}
		if e.fields, err = p.fields(n, e.path, append([]string{"port"}, keys...), []string{"port"}); err != nil {
			return err
		}
		decode(e.fields, map[string]any{"port": &e.port})
		if e.port < 1 || e.port > 65535 {
			return p.errf(e.fields["port"], "%s.port: %d is outside 1..65535", e.path, e.port)
		}
		d, err := read(e)
		if err != nil {
			return err
		}
		*dst, *lines, entries = append(*dst, d), append(*lines, n.Line), append(entries, e)
	}
	lineOf := func(i int, key string) int { return cmp.Or(entries[i].fields[key], entries[i].node).Line }
	return place(p.name, path, target.Line, validate(), lineOf, len(entries))
}
