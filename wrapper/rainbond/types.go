package rainbond

import "github.com/portsdk/portsdk/gen/rainbondapi"

// Component names one Rainbond component: the four path parameters every port operation takes.
type Component struct {
	// TeamID is the team (tenant) id or name.
	TeamID string
	// RegionName is the region (cluster) name.
	RegionName string
	// AppID is the application id, a positive integer.
	AppID int64
	// ServiceID is the component's service id or its alias.
	ServiceID string
}

// Port is a component port as the server returns it (eight fields; the vendor page lists six):
// the generated rainbondapi.Port.
type Port = rainbondapi.Port

// Protocol is a port protocol: one of the Protocol constants.
type Protocol = rainbondapi.Protocol

// The protocols the server accepts.
const (
	ProtocolHTTP  Protocol = rainbondapi.ProtocolHTTP
	ProtocolTCP   Protocol = rainbondapi.ProtocolTCP
	ProtocolUDP   Protocol = rainbondapi.ProtocolUDP
	ProtocolMySQL Protocol = rainbondapi.ProtocolMySQL
	ProtocolGRPC  Protocol = rainbondapi.ProtocolGRPC
)

// Action is what UpdatePort does to a port: one of the Action constants.
type Action = rainbondapi.Action

// The actions of UpdatePort.
const (
	// ActionOpenOuter opens the port's outer (external) service; the inner service must be open.
	ActionOpenOuter Action = rainbondapi.ActionOpenOuter
	// ActionCloseOuter closes the port's outer service.
	ActionCloseOuter Action = rainbondapi.ActionCloseOuter
	// ActionOpenInner opens the port's inner (in-cluster) service; the port needs an alias.
	ActionOpenInner Action = rainbondapi.ActionOpenInner
	// ActionCloseInner closes the port's inner service; the outer service must be closed.
	ActionCloseInner Action = rainbondapi.ActionCloseInner
	// ActionChangeProtocol changes the port's protocol (UpdatePortRequest.Protocol).
	ActionChangeProtocol Action = rainbondapi.ActionChangeProtocol
	// ActionChangePortAlias changes the port's alias and the component's k8s service name
	// (UpdatePortRequest.PortAlias and K8sServiceName, both required).
	ActionChangePortAlias Action = rainbondapi.ActionChangePortAlias
)

// AddPortRequest is the body of AddPort. Port is required (1..65535); Protocol may be empty (the
// server then uses http); PortAlias may be empty (the server then generates one) or must match
// ^[A-Z][A-Z0-9_]*$; IsInnerService is always sent.
type AddPortRequest = rainbondapi.AddPortRequest

// UpdatePortRequest is the body of UpdatePort. Action is required; ActionChangeProtocol needs
// Protocol; ActionChangePortAlias needs PortAlias and K8sServiceName (a DNS label of at most 63
// characters).
type UpdatePortRequest = rainbondapi.UpdatePortRequest

// Envelope codes of the Rainbond console (APIError.Code) that a program may branch on. The HTTP
// status comes with each; docs/servers/rainbond.md lists where the console answers them.
const (
	// CodePortExists (HTTP 409): AddPort of a port the component already has.
	CodePortExists = 20501
	// CodeK8sServiceNameTaken (HTTP 409): ChangeAlias with a k8s service name another component uses.
	CodeK8sServiceNameTaken = 20500
	// CodeValidation (HTTP 400): the console's serializer refused a body field; the message names
	// the field.
	CodeValidation = 20400
	// CodeRegionUnreachable (HTTP 400): the console could not reach the region's API.
	CodeRegionUnreachable = 10411
	// CodeRegionNotFound (HTTP 404): the console does not know the region.
	CodeRegionNotFound = 3000
	// CodeTeamNotOpenedInRegion (HTTP 409): the team has not been opened in the region.
	CodeTeamNotOpenedInRegion = 2001
)
