package alayatest

import (
	"crypto/hmac"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portsdk/portsdk/internal/runtime/alayasign"
	"github.com/portsdk/portsdk/wrapper/alaya"
)

// window is how far a request's timestamp may be from the service's clock, either way.
const window = 5 * time.Minute

// verify checks a signed header value, "alayanew-HMAC-SHA256 {id}:{ts}:{sig}" (the scheme matched
// case-insensitively), as the live service does, for a request (method, path as received) at time
// now, against the access key key. It returns 0 when the request is authenticated, else the
// service's status, in the order the checks are made: StatusMalformed (not in that form, or a part
// is empty), StatusTimestamp (not decimal digits, or outside window of now), StatusUnknownKey (not
// key's ID), StatusSignature (the signature differs). Both comparisons take constant time.
func verify(value, method, path string, now time.Time, key alaya.AccessKey) int {
	scheme, rest, found := strings.Cut(value, " ")
	parts := strings.Split(rest, ":") // id, timestamp as sent, signature
	if !found || !strings.EqualFold(scheme, alayasign.Scheme) || len(parts) != 3 || slices.Contains(parts, "") {
		return alaya.StatusMalformed
	}
	// The timestamp: 1 to 18 ASCII digits (no sign) of milliseconds, within window of now.
	ms, err := strconv.ParseUint(parts[1], 10, 64)
	ts := int64(ms)
	if d := now.Sub(time.UnixMilli(ts)); err != nil || len(parts[1]) > 18 || d > window || d < -window {
		return alaya.StatusTimestamp
	}
	if !hmac.Equal([]byte(parts[0]), []byte(key.ID)) {
		return alaya.StatusUnknownKey
	}
	want := alayasign.Signature(key.Secret, ts, method, path)
	if !hmac.Equal([]byte(parts[2]), []byte(want)) {
		return alaya.StatusSignature
	}
	return 0
}
