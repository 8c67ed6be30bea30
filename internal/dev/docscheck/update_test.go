package docscheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// changePage replaces old (which must be there) with new in a page of the fixture.
func changePage(t *testing.T, docsDir, file, old, new string) {
	t.Helper()
	path := filepath.Join(docsDir, file)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(data), old)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

// readSpecs returns the fixture's specs by file name.
func readSpecs(t *testing.T, specsDir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range []string{"alaya.yaml", "rainbond.yaml"} {
		data, err := os.ReadFile(filepath.Join(specsDir, name))
		require.NoError(t, err)
		out[name] = string(data)
	}
	return out
}

// update runs Update on the fixture and checks what must hold after any run: the specs are still
// valid OpenAPI 3, and a second run writes nothing and leaves every byte as it is.
func update(t *testing.T, docsDir, specsDir string) *UpdateReport {
	t.Helper()
	opts := Options{DocsDir: docsDir, SpecsDir: specsDir, RootDir: rootOf(docsDir), Allow: realAllow(t), AllowName: allowName}
	rep, err := Update(opts)
	require.NoError(t, err)
	for name, text := range readSpecs(t, specsDir) {
		doc, err := openapi3.NewLoader().LoadFromData([]byte(text))
		require.NoError(t, err, name)
		require.NoError(t, doc.Validate(context.Background()), name)
	}
	before := readSpecs(t, specsDir)
	again, err := Update(opts)
	require.NoError(t, err)
	require.Empty(t, again.Changes, "a second run changes nothing")
	require.Equal(t, before, readSpecs(t, specsDir), "a second run leaves the specs as they are")
	return rep
}

// schemaOf loads a spec of the fixture and returns a component schema.
func schemaOf(t *testing.T, specsDir, spec, name string) *openapi3.Schema {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(specsDir, spec))
	require.NoError(t, err)
	doc, err := openapi3.NewLoader().LoadFromData(data) // LoadFromFile caches what it read
	require.NoError(t, err)
	require.Contains(t, doc.Components.Schemas, name)
	return doc.Components.Schemas[name].Value
}

func TestUpdateOnUnchangedPagesLeavesTheSpecsAlone(t *testing.T) {
	docsDir, specsDir := fixture(t)
	before := readSpecs(t, specsDir)
	rep := update(t, docsDir, specsDir)
	require.Empty(t, rep.Changes)
	require.Empty(t, rep.Person)
	require.Equal(t, before, readSpecs(t, specsDir))
}

func TestUpdateWritesAddedFields(t *testing.T) {
	docsDir, specsDir := fixture(t)
	before := readSpecs(t, specsDir)
	// The Rainbond Markdown, padded as the page pads it: a response field and a required request field.
	changePage(t, docsDir, rainbondPage,
		"| k8s_service_name | string  | true | none | K8S Service Name | 集群中 service 名称 |\n\n## 添加组件端口",
		"| k8s_service_name | string  | true | none | K8S Service Name | 集群中 service 名称 |\n| gateway_rules      |   array<string> | true | none | Gateway Rules | 网关规则   |\n\n## 添加组件端口")
	changePage(t, docsDir, rainbondPage,
		"| is_inner_service | boolean | False | none                    | IS Inner Service | 是否开启对内服务 |",
		"| is_inner_service | boolean | False | none                    | IS Inner Service | 是否开启对内服务 |\n|   weight   | int | true | none | Weight | 端口权重: 例如 10 |")
	// An Alaya page flattened, one element a line: a field of the listed ports.
	changePage(t, docsDir, alayaPage, "externalPortInteger\n\n外部访问端口。例如: 31443\n\ncustomPortsArray",
		"externalPortInteger\n\n外部访问端口。例如: 31443\n\nipv6HostString\n\n外部访问IPv6地址。例如: \"fd00::1\"\n\ncustomPortsArray")
	// An Alaya page compact, each field on one line (the rendering of testdata/renderings).
	compact, err := os.ReadFile("testdata/renderings/alaya-open-port.compact.txt")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(docsDir, alayaOpen), compact, 0o644))
	changePage(t, docsDir, alayaOpen, "portInteger必填", "labelString标签。例如: \"web\"\nportInteger必填")

	rep := update(t, docsDir, specsDir)
	require.Empty(t, rep.Person)
	require.Len(t, rep.Changes, 4, "%q", rep.Changes)
	require.Empty(t, rep.Check.Findings, "the check finds nothing after the update")

	port := schemaOf(t, specsDir, "rainbond.yaml", "Port").Properties["gateway_rules"]
	require.NotNil(t, port)
	require.Equal(t, "array", port.Value.Type.Slice()[0])
	require.Equal(t, "string", port.Value.Items.Value.Type.Slice()[0])
	require.Equal(t, "网关规则 (Gateway Rules)", port.Value.Description)
	add := schemaOf(t, specsDir, "rainbond.yaml", "AddPortRequest")
	require.Equal(t, "integer", add.Properties["weight"].Value.Type.Slice()[0])
	require.Equal(t, "端口权重: 例如 10 (Weight)", add.Properties["weight"].Value.Description)
	require.Contains(t, add.Required, "weight")
	open := schemaOf(t, specsDir, "alaya.yaml", "OpenPort").Properties["ipv6Host"]
	require.Equal(t, `外部访问IPv6地址。例如: "fd00::1"`, open.Value.Description)
	label := schemaOf(t, specsDir, "alaya.yaml", "OpenPortRequest").Properties["label"]
	require.Equal(t, "string", label.Value.Type.Slice()[0])
	require.Equal(t, `标签。例如: "web"`, label.Value.Description)

	// Only lines were added (and a required list written again): every other line of the specs
	// before is still there, in its order.
	for name, text := range readSpecs(t, specsDir) {
		rest := text
		for _, line := range strings.SplitAfter(before[name], "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "required: [") {
				continue
			}
			i := strings.Index(rest, line)
			require.GreaterOrEqual(t, i, 0, "%s: line %q moved or changed", name, line)
			rest = rest[i+len(line):]
		}
	}
}

func TestUpdateChangesTypesRequiredMarksAndEnums(t *testing.T) {
	docsDir, specsDir := fixture(t)
	row := "| is_inner_service | boolean | False | none                    | IS Inner Service | 是否开启对内服务 |"
	changePage(t, docsDir, rainbondPage, row, row+"\n| weight | int | False | none | Weight | 端口权重 |")
	update(t, docsDir, specsDir)
	require.NotContains(t, schemaOf(t, specsDir, "rainbond.yaml", "AddPortRequest").Required, "weight")

	// The type and the required mark change; an enum gains quic and loses grpc on both pages that list it.
	changePage(t, docsDir, rainbondPage, "| weight | int | False |", "| weight | string | true |")
	for range 2 {
		changePage(t, docsDir, rainbondPage, "| tcp、http、mysql、grpc、udp ", "| tcp、http、mysql、udp、quic ")
	}
	rep := update(t, docsDir, specsDir)
	require.Empty(t, rep.Person)
	require.Empty(t, rep.Check.Findings)
	require.Len(t, rep.Changes, 4, "%q", rep.Changes) // type, required, quic added, grpc removed: once each
	add := schemaOf(t, specsDir, "rainbond.yaml", "AddPortRequest")
	require.Equal(t, "string", add.Properties["weight"].Value.Type.Slice()[0])
	require.Contains(t, add.Required, "weight")
	proto := schemaOf(t, specsDir, "rainbond.yaml", "Protocol")
	require.Equal(t, []any{"http", "tcp", "udp", "mysql", "quic"}, proto.Enum)
	require.Equal(t, []any{"HTTP", "TCP", "UDP", "MySQL", "Quic"}, proto.Extensions["x-enum-varnames"])

	// Optional again: the mark leaves the required list.
	changePage(t, docsDir, rainbondPage, "| weight | string | true |", "| weight | string | False |")
	update(t, docsDir, specsDir)
	require.NotContains(t, schemaOf(t, specsDir, "rainbond.yaml", "AddPortRequest").Required, "weight")
}

func TestUpdateLeavesWhatNeedsAPerson(t *testing.T) {
	docsDir, specsDir := fixture(t)
	require.NoError(t, os.CopyFS(filepath.Join(rootOf(docsDir), "wrapper"), os.DirFS("../../../wrapper")))
	before := readSpecs(t, specsDir)
	// A changed path, and a type change of a field the client code reads (Port.ContainerPort).
	changePage(t, docsDir, rainbondPage, " DELETE "+rbPorts+"/{port}", " DELETE "+rbPorts+"/{port}/remove")
	changePage(t, docsDir, rainbondPage, "| container_port                        | int     |", "| container_port                        | string  |")
	rep := update(t, docsDir, specsDir)
	require.Empty(t, rep.Changes)
	require.Equal(t, before, readSpecs(t, specsDir), "nothing is written")
	var msgs []string
	for _, f := range rep.Person {
		msgs = append(msgs, f.String())
	}
	require.Contains(t, msgs, rainbondPage+":223: DELETE "+rbPorts+"/{port}/remove: endpoint missing in spec rainbond.yaml")
	require.Contains(t, msgs, "rainbond.yaml:98: DELETE "+rbPorts+"/{port}: endpoint on no page")
	require.Contains(t, msgs, rainbondPage+":47: GET "+rbPorts+": response field \"container_port\": page type string, spec type integer")
}

func TestUpdateWritesANestedObject(t *testing.T) {
	docsDir, specsDir := fixture(t)
	action := "| action                                                     | string | true  | open_outer、close_outer、open_inner、close_inner、change_protocol、change_port_alias | Action           | 操作方式     |"
	changePage(t, docsDir, rainbondPage, action, action+"\n| labels | object | false | none | Labels | 端口标签 |\n| » team | string | true | none | Team | 所属团队 |\n| » tier | int | false | none | Tier | 层级 |")
	rep := update(t, docsDir, specsDir)
	require.Empty(t, rep.Person)
	require.Empty(t, rep.Check.Findings)
	labels := schemaOf(t, specsDir, "rainbond.yaml", "UpdatePortRequest").Properties["labels"].Value
	require.Equal(t, "object", labels.Type.Slice()[0])
	require.Equal(t, []string{"team"}, labels.Required)
	require.Equal(t, "string", labels.Properties["team"].Value.Type.Slice()[0])
	require.Equal(t, "integer", labels.Properties["tier"].Value.Type.Slice()[0])
	require.Equal(t, "层级 (Tier)", labels.Properties["tier"].Value.Description)
}

func TestUpdateRemovesARequestFieldThePageDropped(t *testing.T) {
	docsDir, specsDir := fixture(t)
	// The alias row of the add-port body is gone; the response tables keep theirs.
	changePage(t, docsDir, rainbondPage, "| port_alias                            | string  | False | none                    | Port Alias       | 端口别名     |\n", "")
	rep := update(t, docsDir, specsDir)
	require.Empty(t, rep.Person)
	require.Len(t, rep.Changes, 1, "%q", rep.Changes)
	add := schemaOf(t, specsDir, "rainbond.yaml", "AddPortRequest")
	require.NotContains(t, add.Properties, "port_alias")
	require.Contains(t, add.Properties, "is_inner_service")
	require.Contains(t, schemaOf(t, specsDir, "rainbond.yaml", "Port").Properties, "port_alias")
	require.Contains(t, schemaOf(t, specsDir, "rainbond.yaml", "UpdatePortRequest").Properties, "port_alias")
}

// TestUpdateLeavesATypeItCannotWrite: a field whose spec schema declares no type gets no type
// written; the finding is left for a person and the other edits are still made.
func TestUpdateLeavesATypeItCannotWrite(t *testing.T) {
	docsDir, specsDir := fixture(t)
	row := "| is_inner_service | boolean | False | none                    | IS Inner Service | 是否开启对内服务 |"
	changePage(t, docsDir, rainbondPage, row, row+"\n| weight | int | False | none | Weight | 端口权重 |")
	update(t, docsDir, specsDir)
	spec := filepath.Join(specsDir, "rainbond.yaml")
	data, err := os.ReadFile(spec)
	require.NoError(t, err)
	untyped := strings.Replace(string(data), "        weight:\n          type: integer\n", "        weight:\n", 1)
	require.NotEqual(t, string(data), untyped)
	require.NoError(t, os.WriteFile(spec, []byte(untyped), 0o644))
	changePage(t, docsDir, rainbondPage, "| weight | int | False |", "| weight | string | False |")
	changePage(t, docsDir, rainbondPage, "| tcp、http、mysql、grpc、udp |", "| tcp、http、mysql、grpc、udp、quic |")

	rep := update(t, docsDir, specsDir)
	require.Len(t, rep.Changes, 1, "%q", rep.Changes) // quic
	require.Len(t, rep.Person, 1)
	require.Contains(t, rep.Person[0].String(), `request field "weight": page type string, spec type none`)
}

func TestChildOfAMissingKeyIsNothing(t *testing.T) {
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte("a:\n  b: 1\n"), &doc))
	k, v := child(doc.Content[0], "a", "c")
	require.Nil(t, k)
	require.Nil(t, v)
	k, v = child(doc.Content[0], "a", "b")
	require.Equal(t, "b", k.Value)
	require.Equal(t, "1", v.Value)
}
