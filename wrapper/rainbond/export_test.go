package rainbond

// DecodeListFast reports whether ListPorts decodes body, a success answer, without encoding/json's
// decoder (see portListEnvelope.DecodeFast): for the tests that check which bodies take that way.
func DecodeListFast(body []byte) bool {
	var e portListEnvelope
	return e.DecodeFast(body)
}

// DecodeBeanFast is DecodeListFast for the answer of a write.
func DecodeBeanFast(body []byte) bool {
	var e portBeanEnvelope
	return e.DecodeFast(body)
}
