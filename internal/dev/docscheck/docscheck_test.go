package docscheck

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	alayaPage    = "000_a9fa08e9ec2010c1.txt"
	alayaOpen    = "alaya-open-port.txt"
	alayaClose   = "alaya-close-port.txt"
	rainbondPage = "003_502f989c638d739b.txt"
	rbPorts      = "/openapi/v1/teams/{team_id}/regions/{region_name}/apps/{app_id}/services/{service_id}/ports"
	alayaList    = "GET /v1/cci/instance/{id}/open-port/list"
	allowPath    = "../../../cmd/docscheck/allow.txt"
	allowName    = "cmd/docscheck/allow.txt"
)

// fixture makes a repository root in a temporary folder, to be mutated by a test: docs/vendor
// holds the test copies of the four pages (testdata/vendor, the pages as this test was written
// against, so that line numbers stay put when docs/vendor is updated), docs/servers the project's
// notes the allow-list cites, and specs the specs as they were then (testdata/specs, so that
// docscheck update may change specs/ without breaking these tests).
func fixture(t *testing.T) (docsDir, specsDir string) {
	t.Helper()
	root := t.TempDir()
	docsDir, specsDir = filepath.Join(root, "docs", "vendor"), filepath.Join(root, "specs")
	copyDir(t, "testdata/vendor", docsDir)
	copyDir(t, "../../../docs/servers", filepath.Join(root, "docs", "servers"))
	copyDir(t, "testdata/specs", specsDir)
	return docsDir, specsDir
}

// rootOf is the repository root of a fixture's docs folder.
func rootOf(docsDir string) string { return filepath.Dir(filepath.Dir(docsDir)) }

// copyDir copies the files of src into dst (made if missing).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dst, 0o755))
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644))
	}
}

func realAllow(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(allowPath)
	require.NoError(t, err)
	return data
}

func check(t *testing.T, docsDir, specsDir string, allow []byte) *Report {
	t.Helper()
	rep, err := Check(Options{DocsDir: docsDir, SpecsDir: specsDir, RootDir: rootOf(docsDir), Allow: allow, AllowName: allowName})
	require.NoError(t, err)
	return rep
}

func lines(rep *Report) []string {
	out := []string{}
	for _, f := range rep.Findings {
		out = append(out, f.String())
	}
	return out
}

// editLine replaces old by new on line n (1-based) of file, failing when line n lacks old, so
// that a test cannot drift from its fixture.
func editLine(t *testing.T, file string, n int, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	ls := strings.Split(string(data), "\n")
	require.Contains(t, ls[n-1], old, "line %d of %s", n, file)
	ls[n-1] = strings.Replace(ls[n-1], old, new, 1)
	require.NoError(t, os.WriteFile(file, []byte(strings.Join(ls, "\n")), 0o644))
}

// insertAfter inserts text (lines separated by \n) after line n of file.
func insertAfter(t *testing.T, file string, n int, text string) {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	ls := strings.Split(string(data), "\n")
	require.LessOrEqual(t, n, len(ls))
	out := append(append(append([]string{}, ls[:n]...), strings.Split(text, "\n")...), ls[n:]...)
	require.NoError(t, os.WriteFile(file, []byte(strings.Join(out, "\n")), 0o644))
}

// replaceOnce replaces the only occurrence of old in file.
func replaceOnce(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(data), old), "occurrences in %s of %q", file, old)
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

// allowLine is the line of the allow-list entry whose item is item.
func allowLine(t *testing.T, allow []byte, item string) int {
	t.Helper()
	for i, l := range strings.Split(string(allow), "\n") {
		if l == item {
			return i + 1
		}
	}
	t.Fatalf("no allow-list entry %q", item)
	return 0
}

func TestRealPagesPass(t *testing.T) {
	docsDir, specsDir := fixture(t)
	rep := check(t, docsDir, specsDir, realAllow(t))
	require.Empty(t, lines(rep))
	require.Equal(t, 4, rep.Pages)
	require.Equal(t, 7, rep.Endpoints)
	require.Equal(t, 2, rep.Specs)
	require.Equal(t, 9, rep.Allowed)
	// 7 endpoints, 21 path parameters, 11 request and 43 response fields, 16 enum values.
	require.Equal(t, 98, rep.Items)
}

// TestVendorPagesPass runs the check on the repository's own pages, docs/vendor, with the real
// specs, allow-list and notes, as "make docs-check" does: every page its sources.txt lists is read,
// and none gives a finding.
func TestVendorPagesPass(t *testing.T) {
	rep, err := Check(Options{DocsDir: "../../../docs/vendor", SpecsDir: "../../../specs", RootDir: "../../..",
		Allow: realAllow(t), AllowName: allowName})
	require.NoError(t, err)
	require.Empty(t, lines(rep))
	srcs, err := ReadSources("../../../docs/vendor/" + SourcesFile)
	require.NoError(t, err)
	require.Len(t, srcs, 4)
	require.Equal(t, len(srcs), rep.Pages)
	require.Equal(t, 7, rep.Endpoints)
}

func TestMutations(t *testing.T) {
	rb := func(n int, ep, msg string) string {
		return rainbondPage + ":" + strconv.Itoa(n) + ": " + ep + ": " + msg
	}
	al := func(n int, ep, msg string) string { return alayaPage + ":" + strconv.Itoa(n) + ": " + ep + ": " + msg }
	cases := []struct {
		name   string
		mutate func(t *testing.T, docs, specs string)
		want   []string
	}{
		{
			name: "new protocol enum value",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, rainbondPage), 97, "tcp、http、mysql、grpc、udp", "tcp、http、mysql、grpc、udp、sctp")
			},
			want: []string{rb(97, "POST "+rbPorts, `request field "protocol": enum value "sctp" missing in spec`)},
		},
		{
			name: "new action enum value",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, rainbondPage), 174, "change_port_alias", "change_port_alias、only_open_outer")
			},
			want: []string{rb(174, "PUT "+rbPorts+"/{port}", `request field "action": enum value "only_open_outer" missing in spec`)},
		},
		{
			name: "new body field",
			mutate: func(t *testing.T, docs, _ string) {
				insertAfter(t, filepath.Join(docs, rainbondPage), 99, "| weight | integer | False | none | Weight | 权重 |")
			},
			want: []string{rb(100, "POST "+rbPorts, `request field "weight": missing in spec`)},
		},
		{
			name: "new response field",
			mutate: func(t *testing.T, docs, _ string) {
				insertAfter(t, filepath.Join(docs, rainbondPage), 216, "| service_id | string | true | none | Service ID | 组件id |")
			},
			want: []string{rb(217, "PUT "+rbPorts+"/{port}", `response field "service_id": missing in spec`)},
		},
		{
			name: "new Rainbond endpoint",
			mutate: func(t *testing.T, docs, _ string) {
				insertAfter(t, filepath.Join(docs, rainbondPage), 264,
					"\n## 修改组件端口\n\n```shell title=\"请求路径\"\n PATCH "+rbPorts+"/{port}\n```")
			},
			want: []string{rb(269, "PATCH "+rbPorts+"/{port}", "endpoint missing in spec rainbond.yaml")},
		},
		{
			name: "new path parameter",
			mutate: func(t *testing.T, docs, _ string) {
				insertAfter(t, filepath.Join(docs, rainbondPage), 22, "| page | query | integer | 否 |     | 页码 |")
			},
			want: []string{rb(23, "GET "+rbPorts, `query parameter "page": missing in spec`)},
		},
		{
			name: "changed body field type",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, rainbondPage), 99, "| boolean |", "| string |")
			},
			want: []string{rb(99, "POST "+rbPorts, `request field "is_inner_service": page type string, spec type boolean`)},
		},
		{
			name: "changed response field type",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, rainbondPage), 47, "| int ", "| string ")
			},
			want: []string{rb(47, "GET "+rbPorts, `response field "container_port": page type string, spec type integer`)},
		},
		{
			name: "changed path parameter type",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, rainbondPage), 231, "| string ", "| integer ")
			},
			want: []string{rb(231, "DELETE "+rbPorts+"/{port}", `path parameter "service_id": page type integer, spec type string`)},
		},
		{
			name: "changed required mark",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, rainbondPage), 176, "| False |", "| true  |")
			},
			want: []string{rb(176, "PUT "+rbPorts+"/{port}", `request field "port_alias": page marks it required, spec does not`)},
		},
		{
			name: "field removed from the spec",
			mutate: func(t *testing.T, _, specsDir string) {
				replaceOnce(t, filepath.Join(specsDir, "rainbond.yaml"),
					"        k8s_service_name:\n          $ref: '#/components/schemas/K8sServiceName'\n", "")
			},
			want: []string{rb(177, "PUT "+rbPorts+"/{port}", `request field "k8s_service_name": missing in spec`)},
		},
		{
			name: "constraint not understood",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, rainbondPage), 96, "| none ", "| 1 到 65535 ")
			},
			want: []string{rb(96, "POST "+rbPorts, `field "port": constraint "1 到 65535" not understood (expected none or values separated by 、)`)},
		},
		{
			name: "new Alaya property",
			mutate: func(t *testing.T, docs, _ string) {
				insertAfter(t, filepath.Join(docs, alayaPage), 56, "fooString\n\n新字段。\n")
			},
			want: []string{al(57, alayaList, `response field "data.ports[].foo": missing in spec`)},
		},
		{
			name: "new Alaya top-level property",
			mutate: func(t *testing.T, docs, _ string) {
				insertAfter(t, filepath.Join(docs, alayaPage), 30, "requestIdString\n\n请求id。\n")
			},
			want: []string{al(31, alayaList, `response field "requestId": missing in spec`)},
		},
		{
			name: "changed Alaya property type",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, alayaPage), 66, "portInteger", "portString")
			},
			want: []string{al(66, alayaList, `response field "data.customPorts[].port": page type string, spec type integer`)},
		},
		{
			name: "changed Alaya path parameter type",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, alayaPage), 17, "idString必填", "idInteger必填")
			},
			want: []string{al(17, alayaList, `path parameter "id": page type integer, spec type string`)},
		},
		{
			name: "new Alaya endpoint",
			mutate: func(t *testing.T, docs, _ string) {
				insertAfter(t, filepath.Join(docs, alayaPage), 137, "\nPOSThttps://api.alayanew.com/v1/cci/instance/{id}/restart")
			},
			want: []string{al(139, "POST /v1/cci/instance/{id}/restart", "endpoint missing in spec alaya.yaml")},
		},
		{
			name: "Alaya property removed from the spec",
			mutate: func(t *testing.T, _, specsDir string) {
				replaceOnce(t, filepath.Join(specsDir, "alaya.yaml"),
					"        externalHost:\n          type: string\n", "        externalHostname:\n          type: string\n")
			},
			want: []string{
				al(49, alayaList, `response field "data.ports[].externalHost": missing in spec`),
				al(70, alayaList, `response field "data.customPorts[].externalHost": missing in spec`),
			},
		},
		{
			name: "Alaya property line not understood",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, alayaPage), 41, "protocolString", "protocolenum<string>")
			},
			want: []string{al(41, alayaList, `line "protocolenum<string>" looks like a property but is not understood`)},
		},
		{
			name: "changed Alaya request field type (open-port)",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, alayaOpen), 27, "portInteger必填", "portString必填")
			},
			want: []string{alayaOpen + ":27: POST /v1/cci/instance/{id}/open-port: " + `request field "port": page type string, spec type integer`},
		},
		{
			name: "dropped Alaya required mark (open-port)",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, alayaOpen), 23, "protocolString必填", "protocolString")
			},
			want: []string{alayaOpen + ":23: POST /v1/cci/instance/{id}/open-port: " + `request field "protocol": page marks it optional, spec requires it`},
		},
		{
			name: "renamed Alaya request field (close-port)",
			mutate: func(t *testing.T, docs, _ string) {
				editLine(t, filepath.Join(docs, alayaClose), 23, "portInteger必填", "containerPortInteger必填")
			},
			want: []string{alayaClose + ":21: POST /v1/cci/instance/{id}/close-port: " + `request field "port": not on the page`,
				alayaClose + ":23: POST /v1/cci/instance/{id}/close-port: " + `request field "containerPort": missing in spec`},
		},
		{
			name: "new Alaya response field (close-port)",
			mutate: func(t *testing.T, docs, _ string) {
				insertAfter(t, filepath.Join(docs, alayaClose), 34, "\nrequestIdString\n\n请求ID。")
			},
			want: []string{alayaClose + ":36: POST /v1/cci/instance/{id}/close-port: " + `response field "requestId": missing in spec`},
		},
		{
			name: "spec follows the page: allow-list entry goes stale",
			mutate: func(t *testing.T, _, specsDir string) {
				replaceOnce(t, filepath.Join(specsDir, "rainbond.yaml"),
					"        port:\n          type: integer\n          minimum: 1\n          maximum: 65535\n          description: 端口号 (ContainerPort)\n",
					"        port:\n          type: string\n          description: 端口号 (ContainerPort)\n")
			},
			want: []string{allowName + ":" + strconv.Itoa(allowLine(t, realAllow(t), "POST "+rbPorts+`: request field "port": page type string, spec type integer`)) +
				`: stale allow-list entry, no finding matches it: POST ` + rbPorts + `: request field "port": page type string, spec type integer`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docsDir, specsDir := fixture(t)
			tc.mutate(t, docsDir, specsDir)
			require.Equal(t, tc.want, lines(check(t, docsDir, specsDir, realAllow(t))))
		})
	}
}

// openPortPage is a variant of the Alaya page "开放端口" (docs/vendor/alaya-open-port.txt): its
// request body under the section word "Body", and its response's data model spelt out under
// "显示 properties", as the list page does.
const openPortPage = `九章智算云

开放端口

POSThttps://api.alayanew.com/v1/cci/instance/{id}/open-port

鉴权(Authorizations)

AuthorizationString必填

Path Parameters

idString必填

实例ID

Body

protocolString必填

协议。例如: "http/https"

portInteger必填

端口。例如: 80

Response

statusInteger

业务状态码,200表示成功。

messageString

接口响应信息,成功或失败原因描述。

dataObject

端口映射。

显示 properties
external_portInteger

外部访问端口。

internal_portInteger

容器内端口。

protocolString

协议。

curl -X 'POST' \
  'https://api.alayanew.com/v1/cci/instance/08ba7a0e-af00-4072-a5e5-1298ed6c1aa0/open-port'
`

// TestAlayaBody reads a second Alaya page with a request body: it passes as written, and a
// dropped 必填 mark is a finding.
func TestAlayaBody(t *testing.T) {
	docsDir, specsDir := fixture(t)
	file := filepath.Join(docsDir, "001_open_port.txt")
	require.NoError(t, os.WriteFile(file, []byte(openPortPage), 0o644))
	rep := check(t, docsDir, specsDir, realAllow(t))
	require.Empty(t, lines(rep))
	require.Equal(t, 5, rep.Pages)

	editLine(t, file, 23, "portInteger必填", "portInteger")
	insertAfter(t, file, 45, "retryBoolean\n")
	ep := "POST /v1/cci/instance/{id}/open-port"
	require.Equal(t, []string{
		"001_open_port.txt:23: " + ep + `: request field "port": page marks it optional, spec requires it`,
		"001_open_port.txt:46: " + ep + `: response field "data.retry": missing in spec`,
	}, lines(check(t, docsDir, specsDir, realAllow(t))))
}

func TestPageWithoutEndpoint(t *testing.T) {
	docsDir, specsDir := fixture(t)
	require.NoError(t, os.WriteFile(filepath.Join(docsDir, "004_other.txt"), []byte("# 其他\n\nno request line here\n"), 0o644))
	require.Equal(t, []string{
		"004_other.txt:1: no endpoint found: the page is not one docscheck can read (neither a Markdown page with request lines in fenced blocks nor an Alaya page with a METHOD https://... request line)",
	}, lines(check(t, docsDir, specsDir, realAllow(t))))
}

func TestStaleAllowEntry(t *testing.T) {
	docsDir, specsDir := fixture(t)
	allow := string(realAllow(t))
	n := strings.Count(allow, "\n")
	extra := "PUT " + rbPorts + `/{port}: request field "protocol": page type string, spec type integer` +
		"\n    reason: made up\n    note: docs/servers/rainbond.md POST body\n"
	rep := check(t, docsDir, specsDir, []byte(allow+extra))
	require.Equal(t, []string{
		allowName + ":" + strconv.Itoa(n+1) + `: stale allow-list entry, no finding matches it: PUT ` + rbPorts +
			`/{port}: request field "protocol": page type string, spec type integer`,
	}, lines(rep))
}

// TestEveryAllowEntryIsNeeded drops each entry of the real allow-list in turn: exactly its finding
// must come back.
func TestEveryAllowEntryIsNeeded(t *testing.T) {
	docsDir, specsDir := fixture(t)
	allow := realAllow(t)
	al, err := ParseAllow(allowName, allow)
	require.NoError(t, err)
	require.Len(t, al, 9)
	ls := strings.Split(string(allow), "\n")
	for _, e := range al {
		t.Run(e.Item, func(t *testing.T) {
			// The entry is its item line and the two indented lines after it.
			without := append(append([]string{}, ls[:e.Line-1]...), ls[e.Line+2:]...)
			rep := check(t, docsDir, specsDir, []byte(strings.Join(without, "\n")))
			require.Len(t, rep.Findings, 1)
			require.Equal(t, e.Item, rep.Findings[0].Key())
			require.Contains(t, []string{rainbondPage, alayaPage, alayaOpen, alayaClose}, rep.Findings[0].File)
		})
	}
}

func TestAllowNotes(t *testing.T) {
	docsDir, specsDir := fixture(t)
	allow := string(realAllow(t))
	for old, new := range map[string]string{
		"note: docs/servers/rainbond.md Paths":            "note: docs/servers/rainbond-server.md Paths",
		"note: docs/servers/rainbond.md Success envelope": "note: docs/servers/rainbond.md Failure envelope",
		"note: docs/servers/rainbond.md POST body":        "note: ../outside/rainbond-server-behaviour.md POST body",
	} {
		require.Contains(t, allow, old)
		allow = strings.Replace(allow, old, new, 1)
	}
	got := lines(check(t, docsDir, specsDir, []byte(allow)))
	require.Len(t, got, 3)
	all := strings.Join(got, "\n")
	require.Contains(t, all, `note "docs/servers/rainbond.md" has no heading containing "Failure envelope"`)
	require.Contains(t, all, `note "docs/servers/rainbond-server.md": no such file docs/servers/rainbond-server.md in the repository`)
	require.Contains(t, all, `note "../outside/rainbond-server-behaviour.md": name a file of the repository by its path from the root`)
}

// TestAllowNoteBareName: a note named without its folder is read from docs/servers.
func TestAllowNoteBareName(t *testing.T) {
	docsDir, specsDir := fixture(t)
	allow := strings.ReplaceAll(string(realAllow(t)), "note: docs/servers/rainbond.md ", "note: rainbond.md ")
	require.Empty(t, lines(check(t, docsDir, specsDir, []byte(allow))))
	allow = strings.Replace(allow, "note: rainbond.md Paths", "note: no-such-note.md Paths", 1)
	got := lines(check(t, docsDir, specsDir, []byte(allow)))
	require.Len(t, got, 1)
	require.Contains(t, got[0], `no such file docs/servers/no-such-note.md in the repository`)
}

func TestParseAllowErrors(t *testing.T) {
	for name, text := range map[string]string{
		"no reason":        "GET /x: y\n    note: a.md\n",
		"no note":          "GET /x: y\n    reason: r\n",
		"two reasons":      "GET /x: y\n    reason: r\n    reason: s\n    note: a.md\n",
		"unknown key":      "GET /x: y\n    reason: r\n    note: a.md\n    see: b\n",
		"indented first":   "    reason: r\n",
		"duplicate entry":  "GET /x: y\n  reason: r\n  note: a.md\nGET /x: y\n  reason: r\n  note: a.md\n",
		"empty note value": "GET /x: y\n    reason: r\n    note:\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseAllow("allow.txt", []byte(text))
			require.Error(t, err)
			require.Contains(t, err.Error(), "allow.txt:")
		})
	}
	al, err := ParseAllow("allow.txt", []byte("# c\n\nGET /x: y\n\treason: r\n\tnote: a.md Some heading\n"))
	require.NoError(t, err)
	require.Equal(t, []AllowEntry{{Item: "GET /x: y", Reason: "r", NoteFile: "a.md", NoteSection: "Some heading", Line: 3}}, al)
}

func TestCheckErrors(t *testing.T) {
	docsDir, specsDir := fixture(t)
	allow := realAllow(t)

	_, err := Check(Options{DocsDir: filepath.Join(docsDir, "missing"), SpecsDir: specsDir, Allow: allow})
	require.ErrorContains(t, err, "docs folder")

	_, err = Check(Options{DocsDir: t.TempDir(), SpecsDir: specsDir, Allow: allow})
	require.ErrorContains(t, err, "no page")

	_, err = Check(Options{DocsDir: docsDir, SpecsDir: t.TempDir(), Allow: allow})
	require.ErrorContains(t, err, "no *.yaml")

	require.NoError(t, os.WriteFile(filepath.Join(specsDir, "broken.yaml"), []byte("openapi: 3.0.3\npaths: [\n"), 0o644))
	_, err = Check(Options{DocsDir: docsDir, SpecsDir: specsDir, Allow: allow})
	require.ErrorContains(t, err, "broken.yaml")

	_, err = Check(Options{DocsDir: docsDir, SpecsDir: specsDir, Allow: []byte("    reason: r\n"), AllowName: "a.txt"})
	require.ErrorContains(t, err, "a.txt:1:")
}

func TestPageType(t *testing.T) {
	for raw, want := range map[string]string{
		"int": "integer", "Integer": "integer", "string": "string", "String": "string", "bool": "boolean",
		"boolean": "boolean", "Object": "object", "Array<Object>": "array of object", "[string]": "array of string",
		"[请求模型](#req_post_port)": "object", "Array": "array", "number": "number",
	} {
		got, ok := pageType(raw)
		require.True(t, ok, raw)
		require.Equal(t, want, got, raw)
	}
	_, ok := pageType("strin")
	require.False(t, ok)
}
