package alayatest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/portsdk/portsdk/internal/runtime/alayasign"
	"github.com/portsdk/portsdk/wrapper/alaya"
)

// TestVerify protects the server side: each failure gets the service's status, in order, and the
// window is ±5 minutes inclusive.
func TestVerify(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	const id, secret, path = "AK1", "s3cret", "/api/osm/v1/cci/instance/i-1/open-port/list"
	key := alaya.AccessKey{ID: id, Secret: secret}
	sign := func(at time.Time) string { return alayasign.Authorization(id, secret, at, "GET", path) }
	ts := func(at time.Time) string { return strings.Split(sign(at), ":")[1] }
	good := sign(now)
	tests := []struct {
		name, header, method, path string
		want                       int
	}{
		{"signed now", good, "GET", path, 0},
		{"scheme case-insensitive", strings.Replace(good, alayasign.Scheme, "ALAYANEW-hmac-sha256", 1), "GET", path, 0},
		{"4m59s behind", sign(now.Add(-window + time.Second)), "GET", path, 0},
		{"5m ahead", sign(now.Add(window)), "GET", path, 0},
		{"5m1ms behind", sign(now.Add(-window - time.Millisecond)), "GET", path, alaya.StatusTimestamp},
		{"6m ahead", sign(now.Add(6 * time.Minute)), "GET", path, alaya.StatusTimestamp},
		{"timestamp in seconds", alayasign.Scheme + " " + id + ":" + ts(now)[:10] + ":" + strings.Repeat("0", 64), "GET", path, alaya.StatusTimestamp},
		{"timestamp not digits", alayasign.Scheme + " " + id + ":12a4:" + strings.Repeat("0", 64), "GET", path, alaya.StatusTimestamp},
		{"timestamp signed", alayasign.Scheme + " " + id + ":+" + ts(now) + ":" + strings.Repeat("0", 64), "GET", path, alaya.StatusTimestamp},
		{"unknown key", strings.Replace(good, id+":", "AK2:", 1), "GET", path, alaya.StatusUnknownKey},
		{"unknown key, stale timestamp", strings.Replace(sign(now.Add(-time.Hour)), id+":", "AK2:", 1), "GET", path, alaya.StatusTimestamp},
		{"other method", good, "POST", path, alaya.StatusSignature},
		{"other path", good, "GET", path + "/", alaya.StatusSignature},
		{"path without prefix", alayasign.Authorization(id, secret, now, "GET", strings.TrimPrefix(path, "/api/osm")), "GET", path, alaya.StatusSignature},
		{"wrong secret", alayasign.Authorization(id, "other", now, "GET", path), "GET", path, alaya.StatusSignature},
		{"upper-case hex", strings.ToUpper(good[:len(alayasign.Scheme)]) + good[len(alayasign.Scheme):len(good)-64] + strings.ToUpper(good[len(good)-64:]), "GET", path, alaya.StatusSignature},
		{"bearer", "Bearer " + secret, "GET", path, alaya.StatusMalformed},
		{"no scheme", strings.TrimPrefix(good, alayasign.Scheme+" "), "GET", path, alaya.StatusMalformed},
		{"two parts", alayasign.Scheme + " " + id + ":" + ts(now), "GET", path, alaya.StatusMalformed},
		{"four parts", good + ":x", "GET", path, alaya.StatusMalformed},
		{"empty id", alayasign.Scheme + " :" + ts(now) + ":abc", "GET", path, alaya.StatusMalformed},
		{"empty", "", "GET", path, alaya.StatusMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, verify(tt.header, tt.method, tt.path, now, key))
		})
	}
}
