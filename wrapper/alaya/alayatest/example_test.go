package alayatest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/portsdk/portsdk/internal/runtime/alayasign"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

// The server answers like the Alaya NeW Open API; here it is called with net/http directly, the
// request signed with the server's AccessKey pair as the alaya client signs it.
func Example() {
	s := alayatest.NewServer()
	defer s.Close()
	s.AddInstance("inst-1")

	req, _ := http.NewRequest(http.MethodPost, s.URL+"/v1/cci/instance/inst-1/close-port", strings.NewReader(`{"port": 7778}`))
	req.Header.Set("Content-Type", "application/json")
	key := s.AccessKey
	req.Header.Set("Authorization", alayasign.Authorization(key.ID, key.Secret, time.Now(), req.Method, req.URL.EscapedPath()))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.TrimSpace(string(body)))
	fmt.Println("requests:", s.RequestCount())
	// Output:
	// 400 {"status":400,"message":"port 7778 is not open","data":{}}
	// requests: 1
}

// A Handler can be mounted under any prefix, next to other handlers on one listener.
func ExampleNewHandler() {
	h := alayatest.NewHandler()
	h.AddInstance("inst-1")
	mux := http.NewServeMux()
	mux.Handle("/api/osm/", http.StripPrefix("/api/osm", h))
	// The base URL for the Alaya client is then the listener's URL + "/api/osm", and its
	// credential h.AccessKey().

	ports, ok := h.Ports("inst-1")
	fmt.Println(len(ports.Ports), len(ports.CustomPorts), ok)
	// Output: 2 0 true
}
