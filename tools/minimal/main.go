// Command minimal is the baseline of `make bench-cli`: the smallest net/http program that does what
// `portctl rainbond ports list` does on the wire. It GETs the ports of the Rainbond component named
// by RAINBOND_URL, RAINBOND_TOKEN, RAINBOND_TEAM, RAINBOND_REGION, RAINBOND_APP and
// RAINBOND_COMPONENT (the variables `portctl fake` prints), sends the token as the raw Authorization
// header, and copies the JSON body to stdout. Nothing else: no flags, no retries, no decoding.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
)

func main() {
	u := os.Getenv("RAINBOND_URL") +
		"/openapi/v1/teams/" + url.PathEscape(os.Getenv("RAINBOND_TEAM")) +
		"/regions/" + url.PathEscape(os.Getenv("RAINBOND_REGION")) +
		"/apps/" + url.PathEscape(os.Getenv("RAINBOND_APP")) +
		"/services/" + url.PathEscape(os.Getenv("RAINBOND_COMPONENT")) + "/ports"
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "minimal:", err)
		os.Exit(2)
	}
	req.Header.Set("Authorization", os.Getenv("RAINBOND_TOKEN"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "minimal:", err)
		os.Exit(1)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "minimal: HTTP status", resp.StatusCode)
		os.Exit(1)
	}
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		fmt.Fprintln(os.Stderr, "minimal:", err)
		os.Exit(1)
	}
}
