package portfile_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/portctl/portfile"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

const example = `rainbond:
  - team: demo-team
    region: demo-region
    app: 1
    component: gr1a2b3c
    prune: true            # delete ports not listed
    ports:
      - port: 8080
        protocol: http
        inner: true
        outer: true
        alias: WEB
        k8s_service_name: web
      - port: 3306
        protocol: mysql
alaya:
  - instance: 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
    prune: true
    ports:
      - port: 8080
        protocol: http/https
      - port: 7000
`

// TestParseExample protects the file format: every key read, the defaults left to the
// planners, the lines of the entries kept.
func TestParseExample(t *testing.T) {
	f, err := portfile.Parse("ports.yaml", []byte(example))
	require.NoError(t, err)
	require.Len(t, f.Rainbond, 1)
	rb := f.Rainbond[0]
	assert.Equal(t, rainbond.Component{TeamID: "demo-team", RegionName: "demo-region", AppID: 1, ServiceID: "gr1a2b3c"}, rb.Component)
	assert.Equal(t, rainbond.Desired{Prune: true, Ports: []rainbond.DesiredPort{
		{Port: 8080, Protocol: "http", Inner: true, Outer: true, Alias: "WEB", K8sServiceName: "web"},
		{Port: 3306, Protocol: "mysql"},
	}}, rb.Desired)
	assert.Equal(t, 2, rb.Line)
	assert.Equal(t, "demo-team/1/gr1a2b3c", rb.Name())
	require.Len(t, f.Alaya, 1)
	assert.Equal(t, []int{8, 14}, rb.PortLines)
	assert.Equal(t, portfile.AlayaTarget{Instance: "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0", Line: 17, PortLines: []int{20, 22},
		Desired: alaya.Desired{Prune: true, Ports: []alaya.DesiredPort{{Port: 8080, Protocol: "http/https"}, {Port: 7000}}}}, f.Alaya[0])
}

// TestParseJSON protects the JSON form of the same file.
func TestParseJSON(t *testing.T) {
	f, err := portfile.Parse("ports.json", []byte(`{"rainbond": [{"team": "t", "region": "r", "app": 3, "component": "c",
  "ports": [{"port": 80, "inner": true}]}]}`))
	require.NoError(t, err)
	require.Len(t, f.Rainbond, 1)
	assert.Equal(t, []rainbond.DesiredPort{{Port: 80, Inner: true}}, f.Rainbond[0].Desired.Ports)
	assert.Empty(t, f.Alaya)
}

// TestParseRefuses protects every refusal: each names the file, the line and the entry.
func TestParseRefuses(t *testing.T) {
	const head = "rainbond:\n  - team: t\n    region: r\n    app: 1\n    component: c\n    ports:\n"
	cases := []struct {
		name string
		file string
		line int
		msg  string
	}{
		{"empty file", "", 0, "is empty"},
		{"only a comment", "# nothing\n", 0, "is empty"},
		{"no target", "rainbond: []\n", 1, "names no component or instance"},
		{"not YAML", "rainbond: [\n", 1, "not valid YAML or JSON"},
		{"a list at the top", "- a\n", 1, "file: must be a mapping"},
		{"unknown top-level key", "rainbond: []\nkubernetes: []\n", 2, `unknown key "kubernetes"`},
		{"a URL in the file", "rainbond:\n  - team: t\n    url: http://x\n", 3, "never from the file"},
		{"a token in the file", "alaya:\n  - instance: i\n    token: abc\n", 3, "never from the file"},
		{"repeated key", "rainbond:\n  - team: t\n    team: u\n", 3, `key "team" given twice`},
		{"missing component", "rainbond:\n  - team: t\n    region: r\n    app: 1\n", 2, "component is required"},
		{"app as a string", "rainbond:\n  - team: t\n    region: r\n    app: \"1\"\n    component: c\n", 4, "app: must be an integer"},
		{"app zero", "rainbond:\n  - team: t\n    region: r\n    app: 0\n    component: c\n", 4, "not a positive integer"},
		{"team with a slash", "rainbond:\n  - team: a/b\n    region: r\n    app: 1\n    component: c\n", 2, "letters, digits"},
		{"unknown port key", head + "      - port: 80\n        public: true\n", 8, `unknown key "public"`},
		{"port missing", head + "      - inner: true\n", 7, "port is required"},
		{"port out of range", head + "      - port: 70000\n", 7, "outside 1..65535"},
		{"port as text", head + "      - port: http\n", 7, "must be an integer"},
		{"yes is not a boolean", head + "      - port: 80\n        inner: yes\n", 8, "must be true or false"},
		{"duplicate port", head + "      - port: 80\n      - port: 81\n      - port: 80\n", 9, "ports[2].port: 80 is listed twice"},
		{"outer without inner", head + "      - port: 80\n      - port: 81\n        outer: true\n", 9, "ports[1].outer: needs inner"},
		{"two k8s service names", head + "      - port: 80\n        k8s_service_name: a\n      - port: 81\n        k8s_service_name: b\n", 10,
			"one k8s service name"},
		{"bad protocol", head + "      - port: 80\n        protocol: sctp\n", 8, "is not one of"},
		{"empty alias", head + "      - port: 80\n        alias: \"\"\n", 8, "must not be empty"},
		{"bad alias", head + "      - port: 80\n        alias: web\n", 8, "does not match"},
		{"same component twice", head + "      - port: 80\n  - team: t\n    region: r\n    app: 1\n    component: c\n", 8,
			"also at line 2"},
		{"alaya system port", "alaya:\n  - instance: i\n    ports:\n      - port: 9001\n", 4, "reserved"},
		{"alaya duplicate port", "alaya:\n  - instance: i\n    ports:\n      - port: 80\n      - port: 80\n", 5, "listed twice"},
		{"alaya instance missing", "alaya:\n  - prune: true\n", 2, "instance is required"},
		{"alaya instance with a slash", "alaya:\n  - instance: a/b\n", 2, "not an instance id"},
		{"alaya same instance twice", "alaya:\n  - instance: i\n  - instance: i\n", 3, "also at line 2"},
		{"two documents", "alaya:\n  - instance: i\n---\nalaya: []\n", 3, "second YAML document"},
		{"JSON unknown key", `{"alaya": [{"instance": "i", "ports": [{"port": 80, "proto": "tcp"}]}]}`, 1, `unknown key "proto"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { assertRefused(t, tc.file, tc.line, tc.msg) })
	}
}

// assertRefused checks that Parse refuses file with a *portfile.Error at line (0: the whole file)
// whose message holds msg, and whose text starts with the file's name and that line.
func assertRefused(t *testing.T, file string, line int, msg string) {
	t.Helper()
	f, err := portfile.Parse("ports.yaml", []byte(file))
	assert.Nil(t, f)
	var fe *portfile.Error
	require.True(t, errors.As(err, &fe), "%v", err)
	assert.Equal(t, "ports.yaml", fe.File)
	assert.Equal(t, line, fe.Line, "%v", err)
	assert.Contains(t, fe.Msg, msg)
	prefix := "ports.yaml: "
	if line > 0 {
		prefix = "ports.yaml:" + strconv.Itoa(line) + ": "
	}
	assert.True(t, strings.HasPrefix(err.Error(), prefix), "%v", err)
}

// TestAt protects the placing of a planner's refusal at the line of the port it names.
func TestAt(t *testing.T) {
	err := portfile.At("ports.yaml", "rainbond[0]", 2, []int{8, 14},
		&wrapper.ValidationError{Field: "ports[1].alias", Reason: "taken"})
	assert.EqualError(t, err, "ports.yaml:14: rainbond[0].ports[1].alias: taken")
	err = portfile.At("ports.yaml", "alaya[1]", 17, nil, &wrapper.ValidationError{Field: "ports", Reason: "too many"})
	assert.EqualError(t, err, "ports.yaml:17: alaya[1].ports: too many")
	other := errors.New("list failed")
	assert.Same(t, other, portfile.At("ports.yaml", "alaya[1]", 17, nil, other))
}

// FuzzParse checks that no input makes Parse panic, and that what it accepts the planners accept.
func FuzzParse(f *testing.F) {
	f.Add([]byte(example))
	f.Add([]byte(`{"alaya": [{"instance": "i", "ports": [{"port": 80}]}]}`))
	f.Add([]byte("rainbond:\n  - team: t\n    region: r\n    app: 1\n    component: c\n    ports: [{port: 80, outer: true}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := portfile.Parse("fuzz.yaml", data)
		if err != nil {
			var fe *portfile.Error
			require.ErrorAs(t, err, &fe)
			return
		}
		for _, r := range file.Rainbond {
			_, err := rainbond.PlanPorts(nil, r.Desired)
			require.NoError(t, err)
		}
		for _, a := range file.Alaya {
			_, err := alaya.PlanPorts(nil, a.Desired)
			require.NoError(t, err)
		}
	})
}

// TestParseRefusesTagsSecondDocumentsAndControlCharacters protects issue 25: a YAML tag on any node
// (which other YAML readers turn into objects or code), anything after the first document, and a
// control or bidi character in a string are refused with their line.
func TestParseRefusesTagsSecondDocumentsAndControlCharacters(t *testing.T) {
	const head = "alaya:\n  - instance: i\n"
	cases := []struct {
		name string
		file string
		line int
		msg  string
	}{
		{"python object tag", head + "    ports: !!python/object/apply:os.system [\"id\"]\n", 3, "tag"},
		{"set tag on a mapping", "alaya: !!set\n  ? a\n", 1, "tag"},
		{"local tag on a mapping", "alaya:\n  - !foo\n    instance: i\n", 2, "tag"},
		{"tag on a sequence", "alaya: !!seq\n  - instance: i\n", 1, "tag"},
		{"local tag on the root", "!foo\nalaya:\n  - instance: i\n", 1, "tag"},
		{"str tag where a number is expected", head + "    ports:\n      - port: !!str 80\n", 4, "tag"},
		{"int tag on a number", head + "    ports:\n      - port: !!int 80\n", 4, "tag"},
		{"garbage after a second document", head + "---\n: : [ garbage\n", 3, "second YAML document"},
		{"empty second document", head + "---\n", 3, "second YAML document"},
		{"second valid document", head + "---\n" + head, 3, "second YAML document"},
		{"document end marker then text", head + "...\ngarbage\n", 3, "second YAML document"},
		{"NUL in a string", "alaya:\n  - instance: \"a\\0b\"\n", 2, "control character"},
		{"escape in a string", "alaya:\n  - instance: \"a\\eb\"\n", 2, "control character"},
		{"DEL in a string", "alaya:\n  - instance: \"a\\x7fb\"\n", 2, "control character"},
		{"C1 in a string", "alaya:\n  - instance: \"a\\x85b\"\n", 2, "control character"},
		{"bidi override in a string", "alaya:\n  - instance: \"a\u202eb\"\n", 2, "control character"},
		{"line separator in a string", "alaya:\n  - instance: \"a\\Lb\"\n", 2, "control character"},
		{"newline in a string", "alaya:\n  - instance: \"a\\nb\"\n", 2, "control character"},
		{"control character in a key", "alaya:\n  - \"inst\\x01ance\": i\n", 2, "control character"},
		{"control character in a protocol", head + "    ports:\n      - port: 80\n        protocol: \"tcp\\x1b[31m\"\n", 5, "control character"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { assertRefused(t, tc.file, tc.line, tc.msg) })
	}
}
