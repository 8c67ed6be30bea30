package docscheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A rendering is one page as another rendering gives it: the same content, other line breaks or
// table padding.
type rendering struct {
	name string
	page string                  // the page of testdata/vendor it renders
	text func(*testing.T) string // its text
}

func fromFile(path string) func(*testing.T) string {
	return func(t *testing.T) string {
		t.Helper()
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		return string(data)
	}
}

// fromVendor is a page of testdata/vendor, transformed by f.
func fromVendor(page string, f func(string) string) func(*testing.T) string {
	return func(t *testing.T) string {
		return f(fromFile(filepath.Join("testdata/vendor", page))(t))
	}
}

// mapTableRows applies f to the cells of every Markdown table row of text and joins them with sep;
// withPipes keeps the outer pipes.
func mapTableRows(text string, withPipes bool, f func(string) string) string {
	ls := strings.Split(text, "\n")
	for i, l := range ls {
		if !strings.HasPrefix(strings.TrimSpace(l), "|") {
			continue
		}
		cells := splitRow(l)
		for j := range cells {
			cells[j] = f(cells[j])
		}
		row := strings.Join(cells, "|")
		if withPipes {
			row = "|" + row + "|"
		}
		ls[i] = row
	}
	return strings.Join(ls, "\n")
}

var (
	flatFieldLineRe   = regexp.MustCompile(`^([A-Za-z]+?)(String|Integer|Boolean|Object|Array<Object>)(必填)?$`)
	flatRequestLineRe = regexp.MustCompile(`^(GET|POST)(https://.*)$`)
)

// oneElementALine is a flattened Alaya page with each element on a line of its own, as an HTML page
// whose name, type and 必填 are blocks (not spans) turns into text: "id", "String", "必填"; the
// method and the URL on two lines.
func oneElementALine(text string) string {
	ls := strings.Split(text, "\n")
	for i, l := range ls {
		if m := flatFieldLineRe.FindStringSubmatch(l); m != nil {
			ls[i] = strings.TrimSuffix(m[1]+"\n"+m[2]+"\n"+m[3], "\n")
		} else if m := flatRequestLineRe.FindStringSubmatch(l); m != nil {
			ls[i] = m[1] + "\n\n" + m[2]
		}
	}
	return strings.Join(ls, "\n")
}

func renderings() []rendering {
	return []rendering{
		{"Alaya open-port, compact (issue 18)", alayaOpen, fromFile("testdata/renderings/alaya-open-port.compact.txt")},
		{"Alaya close-port, compact", alayaClose, fromFile("testdata/renderings/alaya-close-port.compact.txt")},
		{"Alaya port list, compact", alayaPage, fromFile("testdata/renderings/000_a9fa08e9ec2010c1.compact.txt")},
		{"Alaya port list, one element a line", alayaPage, fromVendor(alayaPage, oneElementALine)},
		{"Alaya close-port, one element a line", alayaClose, fromVendor(alayaClose, oneElementALine)},
		{"Alaya port list, compact, nesting mark glued to the description", alayaPage, func(t *testing.T) string {
			text := fromFile("testdata/renderings/000_a9fa08e9ec2010c1.compact.txt")(t)
			require.Equal(t, 3, strings.Count(text, "\n显示 properties\n"))
			return strings.ReplaceAll(text, "\n显示 properties\n", "显示 properties\n")
		}},
		{"Alaya open-port, Chinese section words", alayaOpen, fromVendor(alayaOpen, func(s string) string {
			return strings.NewReplacer("\nPath Parameters\n", "\n路径参数\n", "\nRequest body\n", "\n请求体\n", "\nResponse\n", "\n响应\n").Replace(s)
		})},
		{"Alaya open-port, CRLF", alayaOpen, fromVendor(alayaOpen, func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") })},
		{"Rainbond, upstream Markdown (goodrain/rainbond-docs)", rainbondPage, fromFile("testdata/renderings/003_502f989c638d739b.upstream.md")},
		{"Rainbond, tables without padding", rainbondPage, fromVendor(rainbondPage, func(s string) string {
			return mapTableRows(s, true, func(c string) string { return c })
		})},
		{"Rainbond, tables without outer pipes", rainbondPage, fromVendor(rainbondPage, func(s string) string {
			return mapTableRows(s, false, func(c string) string { return " " + c + " " })
		})},
		{"Rainbond, wide padding and aligned separators", rainbondPage, fromVendor(rainbondPage, func(s string) string {
			return mapTableRows(s, true, func(c string) string {
				if strings.Trim(c, "-") == "" {
					return " :" + strings.Repeat("-", 30) + ": "
				}
				return "   " + c + strings.Repeat(" ", 30)
			})
		})},
	}
}

// TestRenderingsPass: each rendering of a page, in place of the page, gives no finding with the
// specs and the allow-list as they are.
func TestRenderingsPass(t *testing.T) {
	for _, r := range renderings() {
		t.Run(r.name, func(t *testing.T) {
			docsDir, specsDir := fixture(t)
			require.NoError(t, os.WriteFile(filepath.Join(docsDir, r.page), []byte(r.text(t)), 0o644))
			rep := check(t, docsDir, specsDir, realAllow(t))
			require.Empty(t, lines(rep))
			require.Equal(t, 7, rep.Endpoints)
			require.Equal(t, 98, rep.Items)
		})
	}
}

// withoutLines is a page's endpoints with every line number cleared, to compare two renderings.
func withoutLines(eps []*endpoint) []endpoint {
	out := make([]endpoint, 0, len(eps))
	for _, ep := range eps {
		e := *ep
		e.Line, e.Body.Line, e.Response.Line = 0, 0, 0
		e.Params = append([]pageField(nil), e.Params...)
		for i := range e.Params {
			e.Params[i].Line = 0
		}
		for _, list := range []*[]pageField{&e.Body.Fields, &e.Response.Fields} {
			*list = append([]pageField(nil), *list...)
			for i := range *list { // descriptions differ between renderings (punctuation, wording)
				(*list)[i].Line, (*list)[i].Desc = 0, ""
			}
		}
		out = append(out, e)
	}
	return out
}

// TestRenderingsGiveSameItems: a page and its rendering give the same endpoints, parameters and
// fields (name, type, required mark, enum values, nesting), and neither has a problem.
func TestRenderingsGiveSameItems(t *testing.T) {
	for _, r := range renderings() {
		t.Run(r.name, func(t *testing.T) {
			flat := parsePage(r.page, fromFile(filepath.Join("testdata/vendor", r.page))(t))
			other := parsePage(r.page, r.text(t))
			require.Empty(t, flat.Problems)
			require.Empty(t, other.Problems)
			require.NotEmpty(t, flat.Endpoints)
			require.Equal(t, withoutLines(flat.Endpoints), withoutLines(other.Endpoints))
		})
	}
}

// insertAfterLine inserts text after the only line of file that contains marker, and returns the
// line number of the first inserted line.
func insertAfterLine(t *testing.T, file, marker, text string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	ls := strings.Split(string(data), "\n")
	at := -1
	for i, l := range ls {
		if strings.Contains(l, marker) {
			require.Equal(t, -1, at, "marker %q is on more than one line of %s", marker, file)
			at = i
		}
	}
	require.NotEqual(t, -1, at, "marker %q not in %s", marker, file)
	out := append(append(append([]string{}, ls[:at+1]...), strings.Split(text, "\n")...), ls[at+1:]...)
	require.NoError(t, os.WriteFile(file, []byte(strings.Join(out, "\n")), 0o644))
	return at + 2
}

// TestRenderingMutations: a field, an enum value or an endpoint added to a page in another
// rendering is reported naming the page, the line and the item.
func TestRenderingMutations(t *testing.T) {
	const (
		openEP  = "POST /v1/cci/instance/{id}/open-port"
		closeEP = "POST /v1/cci/instance/{id}/close-port"
	)
	byName := map[string]rendering{}
	for _, r := range renderings() {
		byName[r.name] = r
	}
	cases := []struct {
		rendering, marker, insert string
		want                      func(line int) string
	}{
		{
			"Alaya open-port, compact (issue 18)", "portInteger必填端口", "hostString必填主机名。例如:\"example.com\"。",
			func(n int) string {
				return alayaOpen + ":" + strconv.Itoa(n) + ": " + openEP + `: request field "host": missing in spec`
			},
		},
		{
			"Alaya open-port, compact (issue 18)", "messageString接口响应信息", "requestIdString请求ID。",
			func(n int) string {
				return alayaOpen + ":" + strconv.Itoa(n) + ": " + openEP + `: response field "requestId": missing in spec`
			},
		},
		{
			"Alaya close-port, compact", "portInteger必填port号", "protocolInteger必填协议。",
			func(n int) string {
				return alayaClose + ":" + strconv.Itoa(n) + ": " + closeEP + `: request field "protocol": missing in spec`
			},
		},
		{
			"Alaya close-port, compact", "dataObject接口返回", "POST\nhttps://api.alayanew.com/v1/cci/instance/{id}/restart鉴权(Authorizations)",
			func(n int) string {
				return alayaClose + ":" + strconv.Itoa(n) + ": POST /v1/cci/instance/{id}/restart: endpoint missing in spec alaya.yaml"
			},
		},
		{
			"Alaya port list, compact", "customPortsArray<Object>自定义端口", "显示 properties\nweightInteger权重。",
			func(n int) string {
				return alayaPage + ":" + strconv.Itoa(n+1) + ": " + alayaList + `: response field "data.customPorts[].weight": missing in spec`
			},
		},
		{
			"Rainbond, upstream Markdown (goodrain/rainbond-docs)", "| is_inner_service | boolean | False |", "| weight | integer | False | none | Weight | 权重 |",
			func(n int) string {
				return rainbondPage + ":" + strconv.Itoa(n) + ": POST " + rbPorts + `: request field "weight": missing in spec`
			},
		},
		{
			"Rainbond, upstream Markdown (goodrain/rainbond-docs)", "| action ", "| scheme | string | False | http、https | Scheme | 协议 |",
			func(n int) string {
				return rainbondPage + ":" + strconv.Itoa(n) + ": PUT " + rbPorts + `/{port}: request field "scheme": missing in spec`
			},
		},
		{
			"Rainbond, tables without outer pipes", "protocol | string | true | tcp、http、mysql、grpc、udp", "weight | integer | False | none | Weight | 权重",
			func(n int) string {
				return rainbondPage + ":" + strconv.Itoa(n) + ": POST " + rbPorts + `: request field "weight": missing in spec`
			},
		},
		{
			"Rainbond, upstream Markdown (goodrain/rainbond-docs)", "## 删除组件端口",
			"```shell title=\"请求路径\"\n PATCH " + rbPorts + "/{port}\n```\n",
			func(n int) string {
				return rainbondPage + ":" + strconv.Itoa(n+1) + ": PATCH " + rbPorts + "/{port}: endpoint missing in spec rainbond.yaml"
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.rendering+": "+tc.insert, func(t *testing.T) {
			r, ok := byName[tc.rendering]
			require.True(t, ok)
			docsDir, specsDir := fixture(t)
			file := filepath.Join(docsDir, r.page)
			require.NoError(t, os.WriteFile(file, []byte(r.text(t)), 0o644))
			n := insertAfterLine(t, file, tc.marker, tc.insert)
			require.Equal(t, []string{tc.want(n)}, lines(check(t, docsDir, specsDir, realAllow(t))))
		})
	}
}

// TestRenderingEnumValue: an enum value added in the upstream Markdown rendering is reported on its
// line.
func TestRenderingEnumValue(t *testing.T) {
	docsDir, specsDir := fixture(t)
	file := filepath.Join(docsDir, rainbondPage)
	require.NoError(t, os.WriteFile(file, []byte(fromFile("testdata/renderings/003_502f989c638d739b.upstream.md")(t)), 0o644))
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	ls := strings.Split(string(data), "\n")
	n := 0
	for i, l := range ls {
		if strings.Contains(l, "open_outer、close_outer") {
			ls[i] = strings.Replace(l, "change_port_alias", "change_port_alias、only_open_outer", 1)
			n = i + 1
		}
	}
	require.NotZero(t, n)
	require.NoError(t, os.WriteFile(file, []byte(strings.Join(ls, "\n")), 0o644))
	require.Equal(t, []string{
		rainbondPage + ":" + strconv.Itoa(n) + ": PUT " + rbPorts + `/{port}: request field "action": enum value "only_open_outer" missing in spec`,
	}, lines(check(t, docsDir, specsDir, realAllow(t))))
}

// TestAlayaFieldSplit: a field's name, type, required mark and description are told apart however
// they are glued, a name containing a type word included.
func TestAlayaFieldSplit(t *testing.T) {
	for in, want := range map[string][4]string{
		"idString必填":                  {"id", "String", "true", ""},
		"idString必填实例ID,例如:08ba":      {"id", "String", "true", "实例ID,例如:08ba"},
		"externalHostString外部访问ip":    {"externalHost", "String", "false", "外部访问ip"},
		"portsArray<Object>system端口":  {"ports", "Array<Object>", "false", "system端口"},
		"portInteger必填port号,例如: 7778": {"port", "Integer", "true", "port号,例如: 7778"},
		"statusIntegerStatus code":    {"status", "Integer", "false", "Status code"},
		"isStringValueBoolean":        {"isStringValue", "Boolean", "false", ""},
		"dataObject":                  {"data", "Object", "false", ""},
	} {
		name, typ, req, rest, ok := alayaField(in)
		require.True(t, ok, in)
		require.Equal(t, want, [4]string{name, typ, strconv.FormatBool(req), rest}, in)
	}
	for _, in := range []string{"String", "port号,例如: 7778", "实例ID", "protocolenum<string>必填", "9portInteger"} {
		_, _, _, _, ok := alayaField(in)
		require.False(t, ok, in)
	}
}

// TestAlayaUnknownTypeInCompactRendering: a field line with a type the reader does not know is a
// finding in the compact rendering too, not a silent description.
func TestAlayaUnknownTypeInCompactRendering(t *testing.T) {
	docsDir, specsDir := fixture(t)
	file := filepath.Join(docsDir, alayaOpen)
	require.NoError(t, os.WriteFile(file, []byte(fromFile("testdata/renderings/alaya-open-port.compact.txt")(t)), 0o644))
	replaceOnce(t, file, `protocolString必填协议。`, `protocolenum<string>必填协议。`)
	require.Equal(t, []string{
		alayaOpen + `:10: POST /v1/cci/instance/{id}/open-port: line "protocolenum<string>必填协议。例如:\"http/https\"。" looks like a property but is not understood`,
	}, lines(check(t, docsDir, specsDir, realAllow(t))))
}

// TestAlayaSectionWordsInText: a description that starts with a section word ("Response ...",
// "鉴权...", "响应...") is text, not a new section: the fields after it are still read.
func TestAlayaSectionWordsInText(t *testing.T) {
	flatText := fromFile(filepath.Join("testdata/vendor", alayaOpen))(t)
	changed := strings.NewReplacer(
		"\n业务状态码,200表示成功。\n", "\n鉴权失败时为 401。\n",
		"\n接口响应信息,成功或失败原因描述。\n", "\nResponse message of the call\n",
		"\n端口。例如:80\n", "\n响应端口。例如:80\n",
	).Replace(flatText)
	for _, text := range []string{"\n鉴权失败时为 401。\n", "\nResponse message of the call\n", "\n响应端口。例如:80\n"} {
		require.Contains(t, changed, text)
	}
	flat, other := parsePage(alayaOpen, flatText), parsePage(alayaOpen, changed)
	require.Empty(t, other.Problems)
	require.Equal(t, withoutLines(flat.Endpoints), withoutLines(other.Endpoints))
	require.Len(t, other.Endpoints[0].Response.Fields, 3)
	require.Len(t, other.Endpoints[0].Body.Fields, 2)
}
