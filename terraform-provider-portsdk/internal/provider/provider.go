// Package provider is the portsdk Terraform/OpenTofu provider: Rainbond component ports and Alaya
// instance ports as resources and data sources, on the clients of github.com/portsdk/portsdk.
package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// Address is the provider's source address.
const Address = "registry.opentofu.org/portsdk/portsdk"

// New returns the provider's factory for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &portsdkProvider{version: version} }
}

type portsdkProvider struct{ version string }

// clients are the provider's configured clients, nil for a platform not configured.
type clients struct {
	rb *rainbond.Client
	al *alaya.Client
}

type providerModel struct {
	Rainbond *rainbondConfig `tfsdk:"rainbond"`
	Alaya    *alayaConfig    `tfsdk:"alaya"`
}

type rainbondConfig struct {
	URL   types.String `tfsdk:"url"`
	Token types.String `tfsdk:"token"`
}

type alayaConfig struct {
	URL       types.String `tfsdk:"url"`
	AccessKey types.String `tfsdk:"access_key"`
	SecretKey types.String `tfsdk:"secret_key"`
	APIKey    types.String `tfsdk:"api_key"`
}

func (p *portsdkProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName, resp.Version = "portsdk", p.version
}

func envAttr(env, what string, secret bool) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Sensitive: secret, Description: what + ". Unset: $" + env + "."}
}

func (p *portsdkProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Rainbond component ports and Alaya NeW CCI instance ports, through the portsdk Go clients.",
		Blocks: map[string]schema.Block{
			"rainbond": schema.SingleNestedBlock{Description: "The Rainbond console.", Attributes: map[string]schema.Attribute{
				"url":   envAttr("RAINBOND_URL", "The console's base URL", false),
				"token": envAttr("RAINBOND_TOKEN", "The console's access token", true),
			}},
			"alaya": schema.SingleNestedBlock{Description: "The Alaya NeW CCI API: an AccessKey pair or a bearer API key.", Attributes: map[string]schema.Attribute{
				"url":        envAttr("ALAYA_URL", "The API base URL (when neither is set: "+alaya.DefaultBaseURL+")", false),
				"access_key": envAttr("ALAYA_ACCESS_KEY", "The AccessKey ID", false),
				"secret_key": envAttr("ALAYA_SECRET_KEY", "The AccessKey secret", true),
				"api_key":    envAttr("ALAYA_API_KEY", "A bearer API key, instead of the AccessKey pair", true),
			}},
		},
	}
}

// or returns the configured value, else the environment variable.
func or(v types.String, env string) string {
	if v.IsNull() || v.IsUnknown() {
		return os.Getenv(env)
	}
	return v.ValueString()
}

func (p *portsdkProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	rb, al := cmp.Or(m.Rainbond, &rainbondConfig{}), cmp.Or(m.Alaya, &alayaConfig{})
	var c clients
	var err error
	ua := "terraform-provider-portsdk/" + p.version
	if url, token := or(rb.URL, "RAINBOND_URL"), or(rb.Token, "RAINBOND_TOKEN"); url != "" || token != "" {
		if c.rb, err = rainbond.NewClient(url, token, rainbond.WithUserAgent(ua)); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("rainbond"), "Invalid rainbond configuration", err.Error())
		}
	}
	ak, sk, key := or(al.AccessKey, "ALAYA_ACCESS_KEY"), or(al.SecretKey, "ALAYA_SECRET_KEY"), or(al.APIKey, "ALAYA_API_KEY")
	if ak != "" || sk != "" || key != "" {
		var cred alaya.Credential = alaya.AccessKey{ID: ak, Secret: sk}
		if key != "" {
			cred = alaya.BearerKey(key)
		}
		opts := []alaya.Option{alaya.WithUserAgent(ua)}
		if url := or(al.URL, "ALAYA_URL"); url != "" {
			opts = append(opts, alaya.WithBaseURL(url))
		}
		if key != "" && (ak != "" || sk != "") {
			err = errors.New("set access_key and secret_key, or api_key, not both")
		} else {
			c.al, err = alaya.NewClient(cred, opts...)
		}
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("alaya"), "Invalid alaya configuration", err.Error())
		}
	}
	resp.ResourceData, resp.DataSourceData = &c, &c
}

func (p *portsdkProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &rainbondPort{} },
		func() resource.Resource { return &alayaPort{} },
	}
}

func (p *portsdkProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		func() datasource.DataSource { return &rainbondPorts{} },
		func() datasource.DataSource { return &alayaPorts{} },
	}
}

// base holds the configured clients for resources and data sources.
type base struct{ c *clients }

// listRainbond returns the configured rainbond client and the ports of component comp.
func (b *base) listRainbond(ctx context.Context, comp rainbond.Component) (*rainbond.Client, []rainbond.Port, error) {
	if b.c == nil || b.c.rb == nil {
		return nil, nil, errors.New("rainbond is not configured: set url and token in the provider's rainbond block, or RAINBOND_URL and RAINBOND_TOKEN")
	}
	ports, err := b.c.rb.ListPorts(ctx, comp)
	return b.c.rb, ports, err
}

// listAlaya returns the configured alaya client and the open ports of instance.
func (b *base) listAlaya(ctx context.Context, instance string) (*alaya.Client, *alaya.OpenPorts, error) {
	if b.c == nil || b.c.al == nil {
		return nil, nil, errors.New("alaya is not configured: set access_key and secret_key (or api_key) in the provider's alaya block, or ALAYA_ACCESS_KEY and ALAYA_SECRET_KEY (or ALAYA_API_KEY)")
	}
	open, err := b.c.al.ListOpenPorts(ctx, instance)
	return b.c.al, open, err
}

type resBase struct{ base }

func (r *resBase) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	r.c, _ = req.ProviderData.(*clients) // nil until the provider is configured
}

type dsBase struct{ base }

func (d *dsBase) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	d.c, _ = req.ProviderData.(*clients)
}

// attrOf maps the SDK's field names to the attributes that carry them.
var attrOf = map[string]string{"team_id": "team", "region_name": "region", "app_id": "app",
	"service_id": "component", "instance_id": "instance", "port_alias": "alias"}

// addError adds err to d: a *wrapper.ValidationError on the attribute its field names, any other
// error (an API error keeps the status and the console's
// message, the credential redacted by the SDK) as summary's detail.
func addError(d *diag.Diagnostics, summary string, err error) {
	var ve *wrapper.ValidationError
	if !errors.As(err, &ve) {
		d.AddError(summary, err.Error())
		return
	}
	f := ve.Field[strings.Index(ve.Field, ".")+1:] // "ports[0].alias" -> "alias"
	f = cmp.Or(attrOf[f], f)
	d.AddAttributeError(path.Root(f), "Invalid "+f, ve.Reason)
}

// store is Create and Update of both resources: apply takes the port to the plan's state m and reads
// it back into m, which is stored when the port exists, also after an error (it is then tainted).
func store(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, d *diag.Diagnostics, m any, apply func() (bool, error)) {
	if d.Append(plan.Get(ctx, m)...); d.HasError() {
		return
	}
	found, err := apply()
	if err == nil && !found {
		err = errors.New("the port is not there after applying")
	}
	if err != nil {
		addError(d, "Applying the port failed", err)
	}
	if found {
		d.Append(state.Set(ctx, m)...)
	}
}

// refresh is Read of both resources: m from the server, or out of the state when the port is gone
// (deleted outside Terraform: planned for re-creation).
func refresh(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse, m any, read func() (bool, error)) {
	if resp.Diagnostics.Append(req.State.Get(ctx, m)...); resp.Diagnostics.HasError() {
		return
	}
	switch found, err := read(); {
	case err != nil:
		addError(&resp.Diagnostics, "Reading the port failed", err)
	case !found:
		resp.State.RemoveResource(ctx)
	default:
		resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	}
}

// remove is Delete of both resources.
func remove(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse, m any, del func() error) {
	if resp.Diagnostics.Append(req.State.Get(ctx, m)...); !resp.Diagnostics.HasError() {
		if err := del(); err != nil {
			addError(&resp.Diagnostics, "Deleting the port failed", err)
		}
	}
}

// importID sets the attributes an import ID names, separated by "/"; app and port are numbers.
func importID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, names ...string) {
	parts := strings.Split(req.ID, "/")
	if len(parts) != len(names) {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q is not %s", req.ID, strings.Join(names, "/")))
		return
	}
	for i, name := range names {
		var v any = parts[i]
		if name == "app" || name == "port" {
			n, err := strconv.ParseInt(parts[i], 10, 64)
			if err != nil {
				resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q: %s %q is not a number", req.ID, name, parts[i]))
				return
			}
			v = n
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
}
