package rainbondtest

import "github.com/portsdk/portsdk/internal/fakes/drf"

// The serializers of openapi/serializer/app_serializer.py, which validate the request bodies
// field by field with DRF's rules (internal/fakes/drf).

var (
	protocolChoices = []string{"http", "tcp", "udp", "mysql", "grpc"}
	actionChoices   = []string{"open_outer", "only_open_outer", "close_outer", "open_inner", "close_inner", "change_protocol", "change_port_alias"}
	aliasField      = drf.CharField{MaxLength: 255, AllowNull: true, AllowBlank: true}
	k8sNameField    = drf.CharField{MaxLength: 255, AllowNull: true}
)

// addRequest is ComponentPortReqSerializers' data: port (required integer), protocol (choice,
// default http, may be null), port_alias (string, default "", may be null), is_inner_service
// (required boolean). A nil string is null; port_alias reads null as "".
type addRequest struct {
	port           int64
	protocol       *string
	portAlias      string
	isInnerService bool
}

// validateAdd runs ComponentPortReqSerializers on b: the data, or the errors.
func validateAdd(b *drf.Body) (addRequest, drf.FieldErrors) {
	if errs := b.RootErrors(); errs != nil {
		return addRequest{}, errs
	}
	errs := drf.FieldErrors{}
	var req addRequest
	if v, ok := b.Required("port", false, errs); ok {
		n, msg := drf.Integer(v)
		if msg != "" {
			errs.Add("port", msg)
		}
		req.port = n
	}
	req.protocol = b.OptionalChoice("protocol", protocolChoices, "http", errs)
	if alias := b.OptionalChar("port_alias", aliasField, nil, errs); alias != nil {
		req.portAlias = *alias
	}
	if v, ok := b.Required("is_inner_service", true, errs); ok {
		on, msg := drf.Boolean(v)
		if msg != "" {
			errs.Add("is_inner_service", msg)
		}
		req.isInnerService = on
	}
	if len(errs) > 0 {
		return addRequest{}, errs
	}
	return req, nil
}

// updateRequest is ComponentUpdatePortReqSerializers' data: action (required choice), port_alias
// (string, default "", may be null), protocol (choice, default http, may be null),
// k8s_service_name (string, optional, may be null, not blank; nil when absent, as `.data` gives).
// port_alias reads null as "", and is stripped as CharField strips.
type updateRequest struct {
	action         string
	portAlias      string
	protocol       *string
	k8sServiceName *string
}

// validateUpdate runs ComponentUpdatePortReqSerializers on b: the data, or the errors.
func validateUpdate(b *drf.Body) (updateRequest, drf.FieldErrors) {
	if errs := b.RootErrors(); errs != nil {
		return updateRequest{}, errs
	}
	errs := drf.FieldErrors{}
	var req updateRequest
	if v, ok := b.Required("action", false, errs); ok {
		a, msg := drf.Choice(v, actionChoices)
		if msg != "" {
			errs.Add("action", msg)
		}
		req.action = a
	}
	if alias := b.OptionalChar("port_alias", aliasField, nil, errs); alias != nil {
		req.portAlias = *alias
	}
	req.protocol = b.OptionalChoice("protocol", protocolChoices, "http", errs)
	req.k8sServiceName = b.OptionalChar("k8s_service_name", k8sNameField, nil, errs)
	if len(errs) > 0 {
		return updateRequest{}, errs
	}
	return req, nil
}
