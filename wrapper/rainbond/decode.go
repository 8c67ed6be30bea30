package rainbond

import (
	"bytes"
	"unicode/utf8"
)

// DecodeFast implements respond.FastDecoder for the success envelope of ListPorts: a decoder for
// the shape every console answers with (the envelope, its data object, and a list of port objects
// whose keys are Port's JSON names and whose values are integers, booleans, strings without escapes,
// or null). It is given only a body json.Valid accepted, so it checks no syntax; it returns false on
// anything else it meets (a key that matches one of Port's names only without regard to case, an
// escape in a key or a string it keeps, a number that is not a small integer, a value of another type,
// a repeated "data" or "list", invalid UTF-8 in a string it keeps), and respond.Decode then decodes
// the body with json.Unmarshal. When it returns true, the envelope holds what json.Unmarshal would
// have made of the body (FuzzDecodeFast compares the two). Unknown keys are skipped, as
// json.Unmarshal skips them.
//
// It exists for speed (issue 19): encoding/json scans every byte twice through a state machine and
// fills Port through reflection; at 10,000 ports this decoder, after json.Valid's one scan, takes a
// fraction of that. Two strings that repeat from port to port (protocol and k8s_service_name, which the
// console gives every port of a component alike) are shared with the previous port instead of
// allocated again.
func (e *portListEnvelope) DecodeFast(body []byte) bool {
	d := portDecoder{b: body}
	return d.envelope(&e.Code, "list", func() bool { return d.list(&e.Data.List) })
}

// DecodeFast implements respond.FastDecoder for the success envelope of the writes, with the same
// decoder as the list's: {"code": ..., "data": {"bean": {port}, ...}, ...}.
func (e *portBeanEnvelope) DecodeFast(body []byte) bool {
	d := portDecoder{b: body}
	return d.envelope(&e.Code, "bean", func() bool {
		if d.next() != '{' {
			return false
		}
		d.i++
		return d.port(&e.Data.Bean)
	})
}

// portDecoder walks a valid JSON body. Every index is checked, so that a body that is not valid JSON
// never makes it panic (what it returns for one means nothing: respond.Decode never gives it one).
type portDecoder struct {
	b []byte
	i int
	// The previous port's protocol and k8s_service_name, shared with the next port that has the same text.
	protocol, k8s string
}

// The JSON names that json.Unmarshal would match, without regard to case, to a field of Port. A key
// that is not one of them exactly but matches one this way is left to json.Unmarshal.
var portKeys = [][]byte{
	[]byte("container_port"), []byte("is_inner_service"), []byte("is_outer_service"), []byte("k8s_service_name"),
	[]byte("lb_mapping_port"), []byte("mapping_port"), []byte("port_alias"), []byte("protocol"),
}

// folds reports whether key matches one of names without regard to case (json.Unmarshal's rule:
// bytes.EqualFold).
func folds(key []byte, names [][]byte) bool {
	for _, n := range names {
		if bytes.EqualFold(key, n) {
			return true
		}
	}
	return false
}

// next skips white space and returns the byte after it (0 at the end of the body).
func (d *portDecoder) next() byte {
	for d.i < len(d.b) {
		switch c := d.b[d.i]; c {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return c
		}
	}
	return 0
}

// key reads the next member's key and the colon after it. At the end of the object it consumes the
// closing brace and returns done.
func (d *portDecoder) key() (key []byte, done, ok bool) {
	c := d.next()
	if c == ',' {
		d.i++
		c = d.next()
	}
	switch c {
	case '}':
		d.i++
		return nil, true, true
	case '"':
		key, ascii, ok := d.str()
		if !ok || !ascii && !utf8.Valid(key) || d.next() != ':' {
			return nil, false, false
		}
		d.i++
		return key, false, true
	}
	return nil, false, false
}

// str reads the string that starts at d.i, without its quotes, and whether it is all ASCII. A string
// with an escape (or a control character, which is not JSON) is not handled.
func (d *portDecoder) str() (s []byte, ascii, ok bool) {
	start := d.i + 1
	ascii = true
	for j := start; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			d.i = j + 1
			return d.b[start:j], ascii, true
		case c == '\\' || c < ' ':
			return nil, false, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false, false
}

// null consumes a null. json.Unmarshal leaves an int, bool or string field as it is for null.
func (d *portDecoder) null() bool {
	if bytes.HasPrefix(d.b[d.i:], []byte("null")) {
		d.i += 4
		return true
	}
	return false
}

// intValue reads an integer of at most nine digits (it fits an int on every platform) into dst. A
// fraction or an exponent, which json.Unmarshal refuses for an int, is not handled.
func (d *portDecoder) intValue(dst *int) bool {
	c := d.next()
	if c == 'n' {
		return d.null()
	}
	neg := c == '-'
	if neg {
		d.i++
	}
	n, digits := 0, 0
	for ; d.i < len(d.b) && '0' <= d.b[d.i] && d.b[d.i] <= '9'; d.i++ {
		if digits++; digits > 9 {
			return false
		}
		n = n*10 + int(d.b[d.i]-'0')
	}
	if digits == 0 || d.i < len(d.b) && (d.b[d.i] == '.' || d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		return false
	}
	if neg {
		n = -n
	}
	*dst = n
	return true
}

// boolValue reads true or false into dst.
func (d *portDecoder) boolValue(dst *bool) bool {
	switch d.next() {
	case 't':
		if bytes.HasPrefix(d.b[d.i:], []byte("true")) {
			d.i += 4
			*dst = true
			return true
		}
	case 'f':
		if bytes.HasPrefix(d.b[d.i:], []byte("false")) {
			d.i += 5
			*dst = false
			return true
		}
	case 'n':
		return d.null()
	}
	return false
}

// stringValue reads a string into dst. When it has the text of *prev, dst shares *prev; otherwise
// *prev becomes the new string.
func (d *portDecoder) stringValue(dst, prev *string) bool {
	switch d.next() {
	case '"':
		s, ascii, ok := d.str()
		if !ok || !ascii && !utf8.Valid(s) {
			return false
		}
		if string(s) != *prev {
			*prev = string(s)
		}
		*dst = *prev
		return true
	case 'n':
		return d.null()
	}
	return false
}

// skip consumes one value of any kind (its syntax is valid: json.Valid said so).
func (d *portDecoder) skip() bool {
	d.next()
	depth := 0
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case '"':
			j := d.i + 1
			for j < len(d.b) && d.b[j] != '"' {
				if d.b[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(d.b) {
				return false
			}
			d.i = j + 1
			if depth == 0 {
				return true
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 { // the end of the enclosing object: a number, true, false or null ended here
				return true
			}
			if depth--; depth == 0 {
				d.i++
				return true
			}
		case ',':
			if depth == 0 {
				return true
			}
		}
		d.i++
	}
	return false
}

// member is a member of an object that the decoder fills; any other member is skipped.
type member struct {
	name   string
	decode func() bool
	// once: json.Unmarshal decodes a repeated object or array over the first one (merging them),
	// which is left to it; a repeated number is simply the last one.
	once bool
}

// object reads an object whose members named in ms are decoded by their functions. A key that
// matches one of the names only without regard to case is left to json.Unmarshal.
func (d *portDecoder) object(ms []member) bool {
	if d.next() != '{' {
		return false
	}
	d.i++
	var seen uint
	for {
		key, done, ok := d.key()
		if !ok || done {
			return ok
		}
		matched := false
		for j := range ms {
			if string(key) == ms[j].name {
				if ms[j].once && seen&(1<<j) != 0 {
					return false
				}
				seen |= 1 << j
				if !ms[j].decode() {
					return false
				}
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		for j := range ms {
			if bytes.EqualFold(key, []byte(ms[j].name)) {
				return false
			}
		}
		if !d.skip() {
			return false
		}
	}
}

// envelope reads {"code": ..., "data": {...}, ...}, the data object's member named inner decoded by decode.
func (d *portDecoder) envelope(code *int, inner string, decode func() bool) bool {
	return d.object([]member{
		{name: "code", decode: func() bool { return d.intValue(code) }},
		{name: "data", once: true, decode: func() bool {
			return d.object([]member{{name: inner, once: true, decode: decode}})
		}},
	})
}

// list reads the array of ports, appending to the list Presize made.
func (d *portDecoder) list(dst *[]Port) bool {
	if d.next() != '[' {
		return false
	}
	d.i++
	list := (*dst)[:0]
	if list == nil {
		list = []Port{} // json.Unmarshal makes an empty array an empty slice, not nil
	}
	for {
		c := d.next()
		if c == ',' {
			d.i++
			c = d.next()
		}
		switch c {
		case ']':
			d.i++
			*dst = list
			return true
		case '{':
			d.i++
			list = append(list, Port{})
			if !d.port(&list[len(list)-1]) {
				return false
			}
		default:
			return false
		}
	}
}

// port reads the members of one port object, after its opening brace.
func (d *portDecoder) port(p *Port) bool {
	for {
		key, done, ok := d.key()
		if !ok || done {
			return ok
		}
		switch string(key) {
		case "container_port":
			ok = d.intValue(&p.ContainerPort)
		case "mapping_port":
			ok = d.intValue(&p.MappingPort)
		case "lb_mapping_port":
			ok = d.intValue(&p.LbMappingPort)
		case "protocol":
			ok = d.stringValue(&p.Protocol, &d.protocol)
		case "port_alias":
			var prev string // aliases differ from port to port: nothing to share
			ok = d.stringValue(&p.PortAlias, &prev)
		case "is_inner_service":
			ok = d.boolValue(&p.IsInnerService)
		case "is_outer_service":
			ok = d.boolValue(&p.IsOuterService)
		case "k8s_service_name":
			ok = d.stringValue(&p.K8sServiceName, &d.k8s)
		default:
			ok = !folds(key, portKeys) && d.skip()
		}
		if !ok {
			return false
		}
	}
}
