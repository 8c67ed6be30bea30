package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// schemaAttr is what every framework attribute answers.
type schemaAttr interface {
	IsRequired() bool
	IsOptional() bool
	IsComputed() bool
	IsSensitive() bool
	GetDescription() string
}

// docPage renders one page: the description, the example, the attributes by kind, the import.
func docPage(title, desc, example string, attrs map[string]schemaAttr, nested map[string]map[string]schemaAttr, importSh string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", title, desc)
	if example != "" {
		fmt.Fprintf(&b, "## Example Usage\n\n```terraform\n%s```\n\n", example)
	}
	b.WriteString("## Schema\n")
	list := func(heading string, attrs map[string]schemaAttr, keep func(schemaAttr) bool) {
		var lines []string
		for _, name := range slices.Sorted(maps.Keys(attrs)) {
			a := attrs[name]
			if !keep(a) {
				continue
			}
			line := fmt.Sprintf("- `%s` (%s", name, kind(a))
			if a.IsSensitive() {
				line += ", Sensitive"
			}
			lines = append(lines, line+") "+a.GetDescription())
			for _, n := range slices.Sorted(maps.Keys(nested[name])) {
				na := nested[name][n]
				sens := ""
				if na.IsSensitive() {
					sens = ", Sensitive"
				}
				lines = append(lines, fmt.Sprintf("  - `%s` (%s%s) %s", n, kind(na), sens, na.GetDescription()))
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(&b, "\n### %s\n\n%s\n", heading, strings.Join(lines, "\n"))
		}
	}
	list("Required", attrs, schemaAttr.IsRequired)
	list("Optional", attrs, schemaAttr.IsOptional)
	list("Read-Only", attrs, func(a schemaAttr) bool { return a.IsComputed() && !a.IsOptional() })
	if importSh != "" {
		fmt.Fprintf(&b, "\n## Import\n\n```shell\n%s```\n", importSh)
	}
	return b.String()
}

// block is a provider block: optional, with its description.
type block struct{ desc string }

func (block) IsRequired() bool         { return false }
func (block) IsOptional() bool         { return true }
func (block) IsComputed() bool         { return false }
func (block) IsSensitive() bool        { return false }
func (b block) GetDescription() string { return b.desc }

// collect returns the attributes and blocks of a schema, and the attributes nested in each.
func collect[A, B any](attrs map[string]A, blocks map[string]B) (map[string]schemaAttr, map[string]map[string]schemaAttr) {
	out, nested := map[string]schemaAttr{}, map[string]map[string]schemaAttr{}
	add := func(name string, v any, a schemaAttr) {
		out[name] = a
		if m := reflect.ValueOf(v).MethodByName("GetNestedObject"); m.IsValid() {
			nested[name] = map[string]schemaAttr{}
			for it := m.Call(nil)[0].MethodByName("GetAttributes").Call(nil)[0].MapRange(); it.Next(); {
				nested[name][it.Key().String()] = it.Value().Interface().(schemaAttr)
			}
		}
	}
	for n, a := range attrs {
		add(n, a, any(a).(schemaAttr))
	}
	for n, b := range blocks {
		add(n, b, block{reflect.ValueOf(b).MethodByName("GetDescription").Call(nil)[0].String()})
	}
	return out, nested
}

// kind names an attribute's type as the registry's docs do.
func kind(a schemaAttr) string {
	switch k := reflect.TypeOf(a).Name(); k {
	case "block":
		return "Block"
	case "ListNestedAttribute":
		return "List of Object"
	case "Int64Attribute":
		return "Number"
	case "BoolAttribute":
		return "Boolean"
	default:
		return strings.TrimSuffix(k, "Attribute")
	}
}

func readExample(t *testing.T, path string) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", path))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

// TestDocsAreGenerated checks docs/ against the schemas and examples/; UPDATE_DOCS=1 rewrites it.
func TestDocsAreGenerated(t *testing.T) {
	ctx := context.Background()
	pages := map[string]string{}
	var ps provider.SchemaResponse
	p := New("docs")()
	p.Schema(ctx, provider.SchemaRequest{}, &ps)
	attrs, nested := collect(ps.Schema.GetAttributes(), ps.Schema.GetBlocks())
	pages["index.md"] = docPage("portsdk Provider", ps.Schema.Description, readExample(t, "provider/provider.tf"), attrs, nested, "")
	for _, f := range p.Resources(ctx) {
		r := f()
		var md resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "portsdk"}, &md)
		var rs resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &rs)
		attrs, nested := collect(rs.Schema.GetAttributes(), rs.Schema.GetBlocks())
		pages["resources/"+strings.TrimPrefix(md.TypeName, "portsdk_")+".md"] = docPage(md.TypeName+" (Resource)", rs.Schema.Description,
			readExample(t, "resources/"+md.TypeName+"/resource.tf"), attrs, nested, readExample(t, "resources/"+md.TypeName+"/import.sh"))
	}
	for _, f := range p.DataSources(ctx) {
		d := f()
		var md datasource.MetadataResponse
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "portsdk"}, &md)
		var ds datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &ds)
		attrs, nested := collect(ds.Schema.GetAttributes(), ds.Schema.GetBlocks())
		pages["data-sources/"+strings.TrimPrefix(md.TypeName, "portsdk_")+".md"] = docPage(md.TypeName+" (Data Source)", ds.Schema.Description,
			readExample(t, "data-sources/"+md.TypeName+"/data-source.tf"), attrs, nested, "")
	}
	for name, want := range pages {
		file := filepath.Join("..", "..", "docs", name)
		if os.Getenv("UPDATE_DOCS") != "" {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, err := os.ReadFile(file); err != nil || string(got) != want {
			t.Errorf("docs/%s is stale: run UPDATE_DOCS=1 go test -run TestDocsAreGenerated ./internal/provider (in terraform-provider-portsdk)", name)
		}
	}
}
