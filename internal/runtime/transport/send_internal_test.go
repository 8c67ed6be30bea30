package transport

import (
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/options"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestSendAnswersAsHTTPClientDo protects what a request sent by the Doer gets back from a
// transport, whichever way the Doer hands it over: the same errors as http.Client.Do gives (a
// *url.Error naming the method and URL, a TLS handshake with a plain-HTTP server read as
// http.ErrSchemeMismatch, a transport that answers nothing or a body it does not give), and an
// empty body where a transport gives none.
func TestSendAnswersAsHTTPClientDo(t *testing.T) {
	boom := errors.New("boom")
	var header tls.RecordHeaderError
	copy(header.RecordHeader[:], "HTTP/")
	for name, rt := range map[string]roundTripFunc{
		"error":       func(*http.Request) (*http.Response, error) { return nil, boom },
		"plain HTTP":  func(*http.Request) (*http.Response, error) { return nil, header },
		"no response": func(*http.Request) (*http.Response, error) { return nil, nil },
		"nil body":    func(*http.Request) (*http.Response, error) { return &http.Response{StatusCode: 204}, nil },
		"missing body": func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, ContentLength: 3}, nil
		},
		"response, err": func(*http.Request) (*http.Response, error) { return &http.Response{StatusCode: 200}, boom },
	} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			req := func() *http.Request {
				r, err := http.NewRequest(method, "https://console.example.com/p/ports?x=1", strings.NewReader("{}"))
				require.NoError(t, err)
				return r
			}
			want, wantErr := (&http.Client{Transport: stashLocation{next: rt}}).Do(req())
			base, _ := url.Parse("https://console.example.com/p")
			d := New(options.Config{HTTPClient: &http.Client{Transport: rt}, MaxBodyBytes: 1 << 20}, base, NewHeaderAuth("", "tok"))
			got, err := d.Do(req())
			if wantErr != nil {
				assert.Nil(t, got, name)
				require.Error(t, err, name)
				assert.Equal(t, wantErr.Error(), err.Error(), name+" "+method)
				var ue *url.Error
				require.ErrorAs(t, err, &ue, name)
				assert.Equal(t, method[:1]+strings.ToLower(method[1:]), ue.Op, name)
				assert.Equal(t, errors.Is(wantErr, boom), errors.Is(err, boom), name)
				assert.Equal(t, errors.Is(wantErr, http.ErrSchemeMismatch), errors.Is(err, http.ErrSchemeMismatch), name)
				continue
			}
			require.NoError(t, err, name)
			assert.Equal(t, want.StatusCode, got.StatusCode, name)
			body, err := io.ReadAll(got.Body)
			require.NoError(t, err, name)
			assert.Empty(t, body, name)
		}
	}
}

// TestSendKeepsTheCookieJar protects an http.Client's cookie jar: the Doer sends its cookies for
// the URL and stores the ones a response sets, as http.Client.Do does.
func TestSendKeepsTheCookieJar(t *testing.T) {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	base, _ := url.Parse("https://console.example.com/p")
	jar.SetCookies(base, []*http.Cookie{{Name: "session", Value: "a"}})
	var sent []string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = append(sent, r.Header.Get("Cookie"))
		return &http.Response{StatusCode: 200, Header: http.Header{"Set-Cookie": {"session=b; Path=/"}}, Body: http.NoBody}, nil
	})
	d := New(options.Config{HTTPClient: &http.Client{Transport: rt, Jar: jar}, MaxBodyBytes: 1 << 20}, base, NewHeaderAuth("", "tok"))
	for range 2 {
		r, err := http.NewRequest(http.MethodGet, "https://console.example.com/p/ports", nil)
		require.NoError(t, err)
		_, err = d.Do(r)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"session=a", "session=b"}, sent)
}
