package provider

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
)

// alayaPort is the resource portsdk_alaya_port: a custom port open on an Alaya CCI instance.
type alayaPort struct{ resBase }

type alayaPortModel struct {
	ID           types.String `tfsdk:"id"`
	Instance     types.String `tfsdk:"instance"`
	Port         types.Int64  `tfsdk:"port"`
	Protocol     types.String `tfsdk:"protocol"`
	ExternalHost types.String `tfsdk:"external_host"`
	ExternalPort types.Int64  `tfsdk:"external_port"`
}

func (m *alayaPortModel) desired() alaya.Desired {
	return alaya.Desired{Ports: []alaya.DesiredPort{{Port: int(m.Port.ValueInt64()), Protocol: m.Protocol.ValueString()}}}
}

func (r *alayaPort) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_alaya_port"
}

func (r *alayaPort) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A custom port open on an Alaya NeW CCI instance. Every change opens it again (the external port may change).",
		Attributes: map[string]schema.Attribute{
			"id":       schema.StringAttribute{Computed: true, PlanModifiers: keep, Description: "instance/port; the import ID."},
			"instance": schema.StringAttribute{Required: true, PlanModifiers: replace, Description: "The CCI instance ID."},
			"port": schema.Int64Attribute{Required: true, PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
				Description: "The container port, 1..65535, not one the platform reserves (22, 8888, 9001, 9002)."},
			"protocol": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: replace,
				Default: stringdefault.StaticString(alaya.DefaultProtocol), Description: "The protocol, e.g. http/https (default) or tcp."},
			"external_host": schema.StringAttribute{Computed: true, PlanModifiers: keep, Description: "The external host."},
			"external_port": schema.Int64Attribute{Computed: true, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
				Description: "The external port."},
		},
	}
}

// ValidateConfig refuses at plan time what the SDK would refuse before sending anything.
func (r *alayaPort) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m alayaPortModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() || m.Port.IsUnknown() {
		return
	}
	if err := m.desired().Validate(); err != nil {
		addError(&resp.Diagnostics, "Invalid port", err)
	}
}

// read sets m from the instance's custom port; false when it is not open.
func (r *alayaPort) read(ctx context.Context, m *alayaPortModel) (bool, error) {
	_, open, err := r.listAlaya(ctx, m.Instance.ValueString())
	if err != nil {
		return false, err
	}
	i := slices.IndexFunc(open.CustomPorts, func(p alaya.OpenPort) bool { return int64(p.Port) == m.Port.ValueInt64() })
	if i < 0 {
		return false, nil
	}
	p := open.CustomPorts[i]
	m.ID = types.StringValue(m.Instance.ValueString() + "/" + strconv.Itoa(p.Port))
	if !strings.EqualFold(p.Protocol, m.Protocol.ValueString()) { // the service compares without case
		m.Protocol = types.StringValue(p.Protocol)
	}
	m.ExternalHost, m.ExternalPort = types.StringValue(p.ExternalHost), types.Int64Value(int64(p.ExternalPort))
	return true, nil
}

// run plans with the SDK's planner the way from the instance's open ports (only this port, when
// pruning) to want, and runs it. A port that is open already is refused when it is to be opened.
func (r *alayaPort) run(ctx context.Context, m *alayaPortModel, want alaya.Desired) error {
	c, open, err := r.listAlaya(ctx, m.Instance.ValueString())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(open.CustomPorts, func(p alaya.OpenPort) bool { return int64(p.Port) == m.Port.ValueInt64() })
	if !want.Prune && i >= 0 {
		return &wrapper.ValidationError{Field: "port", Reason: m.Port.String() + " is open already: import it"}
	}
	if want.Prune {
		open = &alaya.OpenPorts{CustomPorts: open.CustomPorts[max(i, 0) : i+1]} // this port, if open
	}
	steps, err := alaya.PlanPorts(open, want)
	if err == nil {
		_, err = c.RunPlan(ctx, m.Instance.ValueString(), steps)
	}
	return err
}

func (r *alayaPort) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m alayaPortModel
	store(ctx, req.Plan, &resp.State, &resp.Diagnostics, &m, func() (bool, error) {
		err := r.run(ctx, &m, m.desired())
		found, rerr := r.read(ctx, &m)
		return found, errors.Join(err, rerr)
	})
}

func (r *alayaPort) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m alayaPortModel
	refresh(ctx, req, resp, &m, func() (bool, error) { return r.read(ctx, &m) })
}

// Update is never called: every attribute forces a new port.
func (r *alayaPort) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}

// Delete runs the step the SDK's planner makes to prune the port: close it.
func (r *alayaPort) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m alayaPortModel
	remove(ctx, req, resp, &m, func() error { return r.run(ctx, &m, alaya.Desired{Prune: true}) })
}

// ImportState reads the ID instance/port.
func (r *alayaPort) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID(ctx, req, resp, "instance", "port")
}

// alayaPorts is the data source portsdk_alaya_ports: the open ports of an instance.
type alayaPorts struct{ dsBase }

type alayaPortData struct {
	Port         int64  `tfsdk:"port"`
	Protocol     string `tfsdk:"protocol"`
	ExternalHost string `tfsdk:"external_host"`
	ExternalPort int64  `tfsdk:"external_port"`
}

type alayaPortsModel struct {
	Instance    types.String    `tfsdk:"instance"`
	Ports       []alayaPortData `tfsdk:"ports"`
	CustomPorts []alayaPortData `tfsdk:"custom_ports"`
}

func (d *alayaPorts) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_alaya_ports"
}

func (d *alayaPorts) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	list := func(desc string) dschema.Attribute {
		return dschema.ListNestedAttribute{Computed: true, Description: desc,
			NestedObject: dschema.NestedAttributeObject{Attributes: map[string]dschema.Attribute{
				"port":          dschema.Int64Attribute{Computed: true, Description: "The container port."},
				"protocol":      dschema.StringAttribute{Computed: true, Description: "The protocol (empty for most system ports)."},
				"external_host": dschema.StringAttribute{Computed: true, Description: "The external host."},
				"external_port": dschema.Int64Attribute{Computed: true, Description: "The external port."},
			}}}
	}
	resp.Schema = dschema.Schema{
		Description: "The open ports of an Alaya NeW CCI instance.",
		Attributes: map[string]dschema.Attribute{
			"instance":     dschema.StringAttribute{Required: true, Description: "The CCI instance ID."},
			"ports":        list("The system ports."),
			"custom_ports": list("The custom ports, in opening order."),
		},
	}
}

func (d *alayaPorts) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m alayaPortsModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	_, open, err := d.listAlaya(ctx, m.Instance.ValueString())
	if err != nil {
		addError(&resp.Diagnostics, "Listing the instance's ports failed", err)
		return
	}
	conv := func(ps []alaya.OpenPort) []alayaPortData {
		out := []alayaPortData{}
		for _, p := range ps {
			out = append(out, alayaPortData{int64(p.Port), p.Protocol, p.ExternalHost, int64(p.ExternalPort)})
		}
		return out
	}
	m.Ports, m.CustomPorts = conv(open.Ports), conv(open.CustomPorts)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
