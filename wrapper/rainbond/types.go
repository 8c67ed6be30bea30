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

// The actions of UpdatePort. The helper of each (OpenOuter, CloseOuter, OpenInner, CloseInner,
// ChangeProtocol, ChangeAlias) says what the server requires.
const (
	ActionOpenOuter       Action = rainbondapi.ActionOpenOuter       // open the outer (external) service
	ActionCloseOuter      Action = rainbondapi.ActionCloseOuter      // close the outer service
	ActionOpenInner       Action = rainbondapi.ActionOpenInner       // open the inner (in-cluster) service
	ActionCloseInner      Action = rainbondapi.ActionCloseInner      // close the inner service
	ActionChangeProtocol  Action = rainbondapi.ActionChangeProtocol  // change the protocol to UpdatePortRequest.Protocol
	ActionChangePortAlias Action = rainbondapi.ActionChangePortAlias // change the alias and the k8s service name of every port
)

// AddPortRequest is the body of AddPort. Port is required (1..65535); Protocol may be empty (the
// server then uses http); PortAlias may be empty (the server then generates one) or must match
// ^[A-Z][A-Z0-9_]*$; IsInnerService is always sent.
type AddPortRequest = rainbondapi.AddPortRequest

// UpdatePortRequest is the body of UpdatePort. Action is required; ActionChangeProtocol needs
// Protocol; ActionChangePortAlias needs PortAlias and K8sServiceName (a DNS label of at most 63
// characters).
type UpdatePortRequest = rainbondapi.UpdatePortRequest

// Envelope codes of the Rainbond console (APIError.Code) that a program may branch on, with the
// HTTP status each comes with; docs/servers/rainbond.md lists where the console answers them.
const (
	CodePortExists            = 20501 // 409: AddPort of a port the component already has
	CodeK8sServiceNameTaken   = 20500 // 409: ChangeAlias with a k8s service name another component uses
	CodeValidation            = 20400 // 400: the console's serializer refused a body field (the message names it)
	CodeRegionUnreachable     = 10411 // 400: the console could not reach the region's API
	CodeRegionNotFound        = 3000  // 404: the console does not know the region
	CodeTeamNotOpenedInRegion = 2001  // 409: the team has not been opened in the region
)
