package rainbondtest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// newMuxServer serves h on a local port for the test and returns its URL.
func newMuxServer(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
