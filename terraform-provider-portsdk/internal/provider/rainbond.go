package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// rainbondPort is the resource portsdk_rainbond_port: one port of a Rainbond component.
type rainbondPort struct{ resBase }

type rainbondPortModel struct {
	ID             types.String `tfsdk:"id"`
	Team           types.String `tfsdk:"team"`
	Region         types.String `tfsdk:"region"`
	App            types.Int64  `tfsdk:"app"`
	Component      types.String `tfsdk:"component"`
	Port           types.Int64  `tfsdk:"port"`
	Protocol       types.String `tfsdk:"protocol"`
	Inner          types.Bool   `tfsdk:"inner"`
	Outer          types.Bool   `tfsdk:"outer"`
	Alias          types.String `tfsdk:"alias"`
	K8sServiceName types.String `tfsdk:"k8s_service_name"`
	MappingPort    types.Int64  `tfsdk:"mapping_port"`
	LbMappingPort  types.Int64  `tfsdk:"lb_mapping_port"`
}

func (m *rainbondPortModel) comp() rainbond.Component {
	return rainbond.Component{TeamID: m.Team.ValueString(), RegionName: m.Region.ValueString(),
		AppID: m.App.ValueInt64(), ServiceID: m.Component.ValueString()}
}

// desired is the port as the plan wants it; an unknown alias or k8s service name keeps the server's
// (k8s_service_name is unknown whenever it is unset: another port's resource may change it).
func (m *rainbondPortModel) desired() rainbond.Desired {
	return rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: int(m.Port.ValueInt64()),
		Protocol: rainbond.Protocol(m.Protocol.ValueString()), Inner: m.Inner.ValueBool(), Outer: m.Outer.ValueBool(),
		Alias: m.Alias.ValueString(), K8sServiceName: m.K8sServiceName.ValueString()}}}
}

func (m *rainbondPortModel) set(p rainbond.Port) {
	m.ID = types.StringValue(fmt.Sprintf("%s/%s/%d/%s/%d", m.Team.ValueString(), m.Region.ValueString(),
		m.App.ValueInt64(), m.Component.ValueString(), p.ContainerPort))
	m.Protocol, m.Inner, m.Outer = types.StringValue(p.Protocol), types.BoolValue(p.IsInnerService), types.BoolValue(p.IsOuterService)
	m.Alias, m.K8sServiceName = types.StringValue(p.PortAlias), types.StringValue(p.K8sServiceName)
	m.MappingPort, m.LbMappingPort = types.Int64Value(int64(p.MappingPort)), types.Int64Value(int64(p.LbMappingPort))
}

func (r *rainbondPort) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rainbond_port"
}

var (
	replace = []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep    = []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
)

func (r *rainbondPort) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceInt := []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Description: "A port of a Rainbond component. Created and changed through the SDK's plan engine, in the order `portctl apply` uses.",
		Attributes: map[string]schema.Attribute{
			"id":        schema.StringAttribute{Computed: true, PlanModifiers: keep, Description: "team/region/app/component/port; the import ID."},
			"team":      schema.StringAttribute{Required: true, PlanModifiers: replace, Description: "The team (tenant) ID or name."},
			"region":    schema.StringAttribute{Required: true, PlanModifiers: replace, Description: "The region name."},
			"app":       schema.Int64Attribute{Required: true, PlanModifiers: replaceInt, Description: "The application ID."},
			"component": schema.StringAttribute{Required: true, PlanModifiers: replace, Description: "The component's service ID or alias."},
			"port":      schema.Int64Attribute{Required: true, PlanModifiers: replaceInt, Description: "The container port, 1..65535."},
			"protocol": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("http"),
				Description: "http (default), tcp, udp, mysql or grpc."},
			"inner": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Whether the inner (in-cluster) service is open."},
			"outer": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Whether the outer (external) service is open; needs inner."},
			"alias": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keep,
				Description: "The port alias (^[A-Z][A-Z0-9_]*$, unique in the component); unset keeps the server's (generated for a new port)."},
			"k8s_service_name": schema.StringAttribute{Optional: true, Computed: true,
				Description: "The component's k8s service name (a DNS label). The server sets it on every port of the component: set it on one port resource of a component; unset keeps the server's."},
			"mapping_port":    schema.Int64Attribute{Computed: true, Description: "The mapped port."},
			"lb_mapping_port": schema.Int64Attribute{Computed: true, Description: "The load balancer port (0 while the outer service is closed)."},
		},
	}
}

// ValidateConfig refuses at plan time what the SDK would refuse before sending anything.
func (r *rainbondPort) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m rainbondPortModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if !m.Team.IsUnknown() && !m.Region.IsUnknown() && !m.App.IsUnknown() && !m.Component.IsUnknown() {
		if err := m.comp().Validate(); err != nil {
			addError(&resp.Diagnostics, "Invalid component", err)
		}
	}
	if !m.Port.IsUnknown() {
		want := m.desired()
		want.Ports[0].Inner = want.Ports[0].Inner || m.Inner.IsUnknown()
		if err := want.Validate(); err != nil {
			addError(&resp.Diagnostics, "Invalid port", err)
		}
	}
}

// apply takes the port to the plan's state through the SDK's planner and reads it back into m.
// A port that exists is refused when create is true (import it instead).
func (r *rainbondPort) apply(ctx context.Context, m *rainbondPortModel, create bool) (bool, error) {
	c, current, err := r.listRainbond(ctx, m.comp())
	if err != nil {
		return false, err
	}
	if create && slices.ContainsFunc(current, func(p rainbond.Port) bool { return int64(p.ContainerPort) == m.Port.ValueInt64() }) {
		return false, &wrapper.ValidationError{Field: "port", Reason: m.Port.String() + " exists already: import it"}
	}
	steps, err := rainbond.PlanPorts(current, m.desired())
	if err == nil {
		_, err = c.RunPlan(ctx, m.comp(), steps)
	}
	found, rerr := r.read(ctx, m)
	return found, errors.Join(err, rerr)
}

// read sets m from the server's port; false when the port or its component is gone.
func (r *rainbondPort) read(ctx context.Context, m *rainbondPortModel) (bool, error) {
	_, ports, err := r.listRainbond(ctx, m.comp())
	if errors.Is(err, wrapper.ErrNotFound) {
		return false, nil
	}
	i := slices.IndexFunc(ports, func(p rainbond.Port) bool { return int64(p.ContainerPort) == m.Port.ValueInt64() })
	if i >= 0 {
		m.set(ports[i])
	}
	return i >= 0, err
}

func (r *rainbondPort) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m rainbondPortModel
	store(ctx, req.Plan, &resp.State, &resp.Diagnostics, &m, func() (bool, error) { return r.apply(ctx, &m, true) })
}

func (r *rainbondPort) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m rainbondPortModel
	store(ctx, req.Plan, &resp.State, &resp.Diagnostics, &m, func() (bool, error) { return r.apply(ctx, &m, false) })
}

func (r *rainbondPort) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m rainbondPortModel
	refresh(ctx, req, resp, &m, func() (bool, error) { return r.read(ctx, &m) })
}

// Delete runs the steps the SDK's planner makes to prune the port: close outer, close inner, delete.
func (r *rainbondPort) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m rainbondPortModel
	remove(ctx, req, resp, &m, func() error {
		c, ports, err := r.listRainbond(ctx, m.comp())
		var steps []rainbond.Step
		if err == nil {
			keep := func(p rainbond.Port) bool { return int64(p.ContainerPort) != m.Port.ValueInt64() }
			steps, err = rainbond.PlanPorts(slices.DeleteFunc(ports, keep), rainbond.Desired{Prune: true})
		}
		if err == nil {
			_, err = c.RunPlan(ctx, m.comp(), steps)
		}
		if errors.Is(err, wrapper.ErrNotFound) {
			return nil // the component is gone
		}
		return err
	})
}

// ImportState reads the ID team/region/app/component/port.
func (r *rainbondPort) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importID(ctx, req, resp, "team", "region", "app", "component", "port")
}

// rainbondPorts is the data source portsdk_rainbond_ports: the ports of a component.
type rainbondPorts struct{ dsBase }

type rainbondPortData struct {
	Port           int64  `tfsdk:"port"`
	Protocol       string `tfsdk:"protocol"`
	Inner          bool   `tfsdk:"inner"`
	Outer          bool   `tfsdk:"outer"`
	Alias          string `tfsdk:"alias"`
	K8sServiceName string `tfsdk:"k8s_service_name"`
	MappingPort    int64  `tfsdk:"mapping_port"`
	LbMappingPort  int64  `tfsdk:"lb_mapping_port"`
}

type rainbondPortsModel struct {
	Team      types.String       `tfsdk:"team"`
	Region    types.String       `tfsdk:"region"`
	App       types.Int64        `tfsdk:"app"`
	Component types.String       `tfsdk:"component"`
	Ports     []rainbondPortData `tfsdk:"ports"`
}

func (d *rainbondPorts) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rainbond_ports"
}

func (d *rainbondPorts) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) dschema.Attribute { return dschema.StringAttribute{Computed: true, Description: desc} }
	resp.Schema = dschema.Schema{
		Description: "The ports of a Rainbond component, ordered by port.",
		Attributes: map[string]dschema.Attribute{
			"team":      dschema.StringAttribute{Required: true, Description: "The team (tenant) ID or name."},
			"region":    dschema.StringAttribute{Required: true, Description: "The region name."},
			"app":       dschema.Int64Attribute{Required: true, Description: "The application ID."},
			"component": dschema.StringAttribute{Required: true, Description: "The component's service ID or alias."},
			"ports": dschema.ListNestedAttribute{Computed: true, Description: "The component's ports.",
				NestedObject: dschema.NestedAttributeObject{Attributes: map[string]dschema.Attribute{
					"port":             dschema.Int64Attribute{Computed: true, Description: "The container port."},
					"protocol":         str("The protocol."),
					"inner":            dschema.BoolAttribute{Computed: true, Description: "Whether the inner service is open."},
					"outer":            dschema.BoolAttribute{Computed: true, Description: "Whether the outer service is open."},
					"alias":            str("The port alias."),
					"k8s_service_name": str("The k8s service name."),
					"mapping_port":     dschema.Int64Attribute{Computed: true, Description: "The mapped port."},
					"lb_mapping_port":  dschema.Int64Attribute{Computed: true, Description: "The load balancer port."},
				}}},
		},
	}
}

func (d *rainbondPorts) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m rainbondPortsModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	pm := rainbondPortModel{Team: m.Team, Region: m.Region, App: m.App, Component: m.Component}
	_, ports, err := d.listRainbond(ctx, pm.comp())
	if err != nil {
		addError(&resp.Diagnostics, "Listing the component's ports failed", err)
		return
	}
	slices.SortFunc(ports, func(a, b rainbond.Port) int { return a.ContainerPort - b.ContainerPort })
	m.Ports = []rainbondPortData{}
	for _, p := range ports {
		m.Ports = append(m.Ports, rainbondPortData{int64(p.ContainerPort), p.Protocol, p.IsInnerService, p.IsOuterService,
			p.PortAlias, p.K8sServiceName, int64(p.MappingPort), int64(p.LbMappingPort)})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
