package alaya_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
)

// exampleKey is the Open API key the example server accepts.
const exampleKey = "example-open-api-key"

// exampleInstance is the one instance the example server knows.
const exampleInstance = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"

// newExampleServer starts a server that answers like Alaya NeW under the path prefix /alaya: every
// body is a {status, message, data} envelope, a missing key is HTTP 401 with status 40401, an unknown
// key HTTP 401 with status 40006, and an unknown instance HTTP 403 with status 403.
func newExampleServer() *httptest.Server {
	var mu sync.Mutex
	custom := map[int]int{7778: 31778} // container port -> external port
	next := 30001

	reply := func(w http.ResponseWriter, httpStatus, status int, message string, data any) {
		if data == nil {
			data = struct{}{}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(httpStatus)
		_ = json.NewEncoder(w).Encode(map[string]any{"status": status, "message": message, "data": data})
	}
	guard := func(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			switch r.Header.Get("Authorization") {
			case "":
				reply(w, http.StatusUnauthorized, 40401, "Unauthorized", nil)
			case "Bearer " + exampleKey:
				if r.PathValue("id") != exampleInstance {
					reply(w, http.StatusForbidden, 403, "Forbidden", nil)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				h(w, r)
			default:
				reply(w, http.StatusUnauthorized, 40006, "invalid api key", nil)
			}
		}
	}
	type port struct {
		Protocol     string `json:"protocol,omitempty"`
		Port         int    `json:"port"`
		ExternalHost string `json:"externalHost"`
		ExternalPort int    `json:"externalPort"`
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /alaya/v1/cci/instance/{id}/open-port/list", guard(func(w http.ResponseWriter, _ *http.Request) {
		ports := []port{{Port: 22, ExternalHost: "192.168.1.1", ExternalPort: 30022}}
		customPorts := []port{}
		for p, ext := range custom {
			customPorts = append(customPorts, port{Protocol: "tcp", Port: p, ExternalHost: "192.168.1.1", ExternalPort: ext})
		}
		sort.Slice(customPorts, func(i, j int) bool { return customPorts[i].Port < customPorts[j].Port })
		reply(w, http.StatusOK, 200, "OK", map[string]any{"ports": ports, "customPorts": customPorts})
	}))
	mux.HandleFunc("POST /alaya/v1/cci/instance/{id}/open-port", guard(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Protocol string `json:"protocol"`
			Port     int    `json:"port"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			reply(w, http.StatusBadRequest, 400, "Bad Request", nil)
			return
		}
		custom[req.Port] = next
		next++
		reply(w, http.StatusOK, 200, "OK", map[string]any{
			"external_port": custom[req.Port], "internal_port": req.Port, "protocol": req.Protocol,
		})
	}))
	mux.HandleFunc("POST /alaya/v1/cci/instance/{id}/close-port", guard(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Port int `json:"port"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			reply(w, http.StatusBadRequest, 400, "Bad Request", nil)
			return
		}
		delete(custom, req.Port)
		reply(w, http.StatusOK, 200, "OK", nil)
	}))
	return httptest.NewServer(mux)
}

func ExampleNewClient() {
	srv := newExampleServer()
	defer srv.Close()

	// In production: alaya.NewClient(os.Getenv("ALAYA_API_KEY")), which talks to DefaultBaseURL.
	c, err := alaya.NewClient(exampleKey,
		alaya.WithBaseURL(srv.URL+"/alaya"),
		alaya.WithUserAgent("deploybot/1.2"),
	)
	if err != nil {
		log.Fatal(err)
	}
	ports, err := c.ListOpenPorts(context.Background(), exampleInstance)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(ports.Ports), "system port,", len(ports.CustomPorts), "custom port")
	// Output: 1 system port, 1 custom port
}

func ExampleClient_ListOpenPorts() {
	srv := newExampleServer()
	defer srv.Close()
	c, err := alaya.NewClient(exampleKey, alaya.WithBaseURL(srv.URL+"/alaya"))
	if err != nil {
		log.Fatal(err)
	}

	ports, err := c.ListOpenPorts(context.Background(), exampleInstance)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range ports.Ports {
		// System ports may come without a protocol.
		fmt.Printf("system %d -> %s:%d\n", p.Port, p.ExternalHost, p.ExternalPort)
	}
	for _, p := range ports.CustomPorts {
		fmt.Printf("custom %d/%s -> %s:%d\n", p.Port, p.Protocol, p.ExternalHost, p.ExternalPort)
	}
	// Output:
	// system 22 -> 192.168.1.1:30022
	// custom 7778/tcp -> 192.168.1.1:31778
}

func ExampleClient_OpenPort() {
	srv := newExampleServer()
	defer srv.Close()
	c, err := alaya.NewClient(exampleKey, alaya.WithBaseURL(srv.URL+"/alaya"))
	if err != nil {
		log.Fatal(err)
	}

	m, err := c.OpenPort(context.Background(), exampleInstance, 8080, "tcp")
	if err != nil {
		// OpenPort is never retried: after an error, ListOpenPorts tells whether the port is open.
		log.Fatal(err)
	}
	fmt.Printf("container port %d/%s is reachable on external port %d\n", m.InternalPort, m.Protocol, m.ExternalPort)
	// Output: container port 8080/tcp is reachable on external port 30001
}

func ExampleClient_ClosePort() {
	srv := newExampleServer()
	defer srv.Close()
	c, err := alaya.NewClient(exampleKey, alaya.WithBaseURL(srv.URL+"/alaya"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	if err := c.ClosePort(ctx, exampleInstance, 7778); err != nil {
		log.Fatal(err)
	}
	ports, err := c.ListOpenPorts(ctx, exampleInstance)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("closed; custom ports left:", len(ports.CustomPorts))
	// Output: closed; custom ports left: 0
}

// Failures come in two kinds: an argument the client refuses before sending anything, and an
// answer from the server, which keeps both the HTTP status and the envelope's own status.
func Example_errors() {
	srv := newExampleServer()
	defer srv.Close()
	ctx := context.Background()

	c, err := alaya.NewClient("wrong-key", alaya.WithBaseURL(srv.URL+"/alaya"))
	if err != nil {
		log.Fatal(err)
	}

	_, err = c.OpenPort(ctx, exampleInstance, 70000, "tcp")
	var bad *wrapper.ValidationError
	if errors.As(err, &bad) {
		fmt.Println("not sent, bad argument:", bad.Field)
	}

	_, err = c.ListOpenPorts(ctx, exampleInstance)
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		fmt.Printf("HTTP %d, status %d: %s\n", apiErr.StatusCode, apiErr.Code, apiErr.Message)
	}
	// Output:
	// not sent, bad argument: port
	// HTTP 401, status 40006: invalid api key
}
