package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/portctl/portfile"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

const applyTestFile = `rainbond:
  - team: demo-team
    region: demo-region
    app: 1
    component: gr1a2b3c
    prune: true
    ports:
      - port: 8080
        protocol: http
        inner: true
        outer: true
        alias: WEB
      - port: 3306
        protocol: mysql
        inner: true
alaya:
  - instance: 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
    prune: true
    ports:
      - port: 8080
        protocol: http/https
`

var applyComp = rainbond.Component{TeamID: "demo-team", RegionName: "demo-region", AppID: 1, ServiceID: "gr1a2b3c"}

const applyInstance = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"

// applyServers are the two in-memory APIs and a way to fail the nth write.
type applyServers struct {
	rb *rainbondtest.Server
	al *alayatest.Server

	mu        sync.Mutex
	failWrite int // the write (counted over both APIs) to answer with a failure; 0: none
	writes    int
}

func newApplyServers(t *testing.T) *applyServers {
	t.Helper()
	s := &applyServers{rb: rainbondtest.NewServer(), al: alayatest.NewServer()}
	t.Cleanup(s.rb.Close)
	t.Cleanup(s.al.Close)
	s.rb.AddComponent(applyComp)
	s.al.AddInstance(applyInstance)
	return s
}

func (s *applyServers) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		s.mu.Lock()
		s.writes++
		fail := s.writes == s.failWrite
		s.mu.Unlock()
		if fail {
			// A region failure as the console reports it; the message echoes the token.
			body := `{"code":400,"msg":"region error for ` + s.rb.Token + `","msg_show":"数据中心操作故障"}`
			return &http.Response{StatusCode: http.StatusBadRequest, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
		}
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (s *applyServers) writeCount() int {
	n := 0
	for _, r := range append(s.rb.Requests(), s.al.Requests()...) {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

func (s *applyServers) requestCount() int { return s.rb.RequestCount() + s.al.RequestCount() }

// config returns an applyConfig for the file text, printing into out.
func (s *applyServers) config(t *testing.T, file string, out *bytes.Buffer) applyConfig {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ports.yaml")
	require.NoError(t, os.WriteFile(path, []byte(file), 0o600))
	hc := &http.Client{Transport: s}
	return applyConfig{
		file:   path,
		stdout: out,
		rainbond: func() (*rainbond.Client, error) {
			return rainbond.NewClient(s.rb.URL, s.rb.Token, rainbond.WithHTTPClient(hc))
		},
		alaya: func() (*alaya.Client, error) {
			return alaya.NewClient(s.al.AccessKey, alaya.WithBaseURL(s.al.URL), alaya.WithHTTPClient(hc))
		},
		redact: func(v string) string { return strings.ReplaceAll(v, s.rb.Token, "***") },
	}
}

// TestApplyConverges protects apply: the plan printed line by line with its summary, the state
// reached in one run, and a second apply printing "no changes" and sending no write.
func TestApplyConverges(t *testing.T) {
	s := newApplyServers(t)
	require.NoError(t, s.rb.SetPort(applyComp, rainbond.Port{ContainerPort: 9000, Protocol: "tcp", PortAlias: "OLD",
		IsInnerService: true, IsOuterService: true, K8sServiceName: "gr1a2b3c"}))
	var out bytes.Buffer
	cfg := s.config(t, applyTestFile, &out)
	cfg.yes = true

	require.NoError(t, runApply(context.Background(), cfg))
	assert.Equal(t, `~ rainbond demo-team/1/gr1a2b3c 9000 close outer
~ rainbond demo-team/1/gr1a2b3c 9000 close inner
- rainbond demo-team/1/gr1a2b3c 9000 delete
+ rainbond demo-team/1/gr1a2b3c 3306 add mysql inner
+ rainbond demo-team/1/gr1a2b3c 8080 add http inner alias WEB
~ rainbond demo-team/1/gr1a2b3c 8080 open outer
+ alaya 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 8080 open http/https
Plan: 3 to add, 0 to change, 1 to delete.
Apply complete: 7 steps done.
`, stripReachable(out.String()))
	assert.Contains(t, out.String(), "alaya 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 8080 (http/https) is reachable on external port ")
	ports, _ := s.rb.Ports(applyComp)
	require.Len(t, ports, 2)
	assert.Equal(t, 3306, ports[0].ContainerPort)
	assert.True(t, ports[1].IsOuterService)
	assert.Equal(t, "WEB", ports[1].PortAlias)

	out.Reset()
	writes := s.writeCount()
	require.NoError(t, runApply(context.Background(), cfg))
	assert.Equal(t, "no changes\n", out.String())
	assert.Equal(t, writes, s.writeCount(), "the second apply sends no write")
}

// stripReachable drops the lines that carry an allocated external port.
func stripReachable(s string) string {
	var keep []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if !strings.Contains(l, "is reachable on external port") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}

// TestDiffSendsNoWrite protects diff and apply --dry-run: the plan is printed and only lists are sent.
func TestDiffSendsNoWrite(t *testing.T) {
	s := newApplyServers(t)
	var out bytes.Buffer
	cfg := s.config(t, applyTestFile, &out)
	cfg.dryRun = true
	require.NoError(t, runApply(context.Background(), cfg))
	assert.Contains(t, out.String(), "+ rainbond demo-team/1/gr1a2b3c 8080 add http inner alias WEB\n")
	assert.Contains(t, out.String(), "Plan: 3 to add, 0 to change, 0 to delete.\n")
	assert.Equal(t, 2, s.requestCount(), "one list per target")
	assert.Zero(t, s.writeCount())
}

// TestApplyImpossibleFile protects the refusal of a file before anything is sent, with its line.
func TestApplyImpossibleFile(t *testing.T) {
	s := newApplyServers(t)
	var out bytes.Buffer
	file := strings.Replace(applyTestFile, "        protocol: mysql\n        inner: true\n", "        protocol: mysql\n        outer: true\n", 1)
	err := runApply(context.Background(), s.config(t, file, &out))
	var fe *portfile.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 15, fe.Line)
	assert.Contains(t, err.Error(), "ports.yaml:15: rainbond[0].ports[1].outer: needs inner")
	assert.Zero(t, s.requestCount(), "nothing sent")
	assert.Empty(t, out.String())

	cfg := s.config(t, applyTestFile, &out)
	cfg.file = filepath.Join(t.TempDir(), "missing.yaml")
	err = runApply(context.Background(), cfg)
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, err.Error(), "missing.yaml: cannot read")
	assert.Zero(t, s.requestCount())
}

// TestApplyPartialFailure protects the report of a run that stops: done, failed with the server's
// answer (credential redacted), not run, and an error for exit 1; apply again converges.
func TestApplyPartialFailure(t *testing.T) {
	s := newApplyServers(t)
	s.failWrite = 2
	var out bytes.Buffer
	cfg := s.config(t, applyTestFile, &out)
	err := runApply(context.Background(), cfg)
	var re *applyRunError
	require.ErrorAs(t, err, &re)
	var ae *wrapper.APIError
	require.ErrorAs(t, err, &ae)
	got := out.String()
	assert.Contains(t, got, `done     + rainbond demo-team/1/gr1a2b3c 3306 add mysql inner
failed   + rainbond demo-team/1/gr1a2b3c 8080 add http inner alias WEB
         rainbond.AddPort: HTTP 400: region error for [REDACTED]
not run  ~ rainbond demo-team/1/gr1a2b3c 8080 open outer
not run  + alaya 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 8080 open http/https
Apply stopped at the first failing step: 1 done, 1 failed, 2 not run.`)
	assert.NotContains(t, got, s.rb.Token)

	out.Reset()
	require.NoError(t, runApply(context.Background(), cfg))
	assert.Contains(t, out.String(), "Plan: 2 to add, 0 to change, 0 to delete.\n", "the failed add made nothing: it is planned again")
	out.Reset()
	require.NoError(t, runApply(context.Background(), cfg))
	assert.Equal(t, "no changes\n", out.String())
}

// TestApplyOutputData protects -o json and -o yaml: the plan as data, with the run's result.
func TestApplyOutputData(t *testing.T) {
	s := newApplyServers(t)
	var out bytes.Buffer
	cfg := s.config(t, applyTestFile, &out)
	cfg.format, cfg.dryRun = "json", true
	require.NoError(t, runApply(context.Background(), cfg))
	var doc struct {
		Targets []struct {
			Platform, Target string
			Steps            []map[string]any
		}
		Summary struct{ Add, Change, Delete int }
		Applied bool
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc), out.String())
	require.Len(t, doc.Targets, 2)
	assert.Equal(t, "rainbond", doc.Targets[0].Platform)
	assert.Equal(t, map[string]any{"op": "add", "port": 3306.0, "protocol": "mysql", "inner": true}, doc.Targets[0].Steps[0])
	assert.Equal(t, 3, doc.Summary.Add)
	assert.False(t, doc.Applied)
	assert.Zero(t, s.writeCount())

	out.Reset()
	cfg.format, cfg.dryRun = "yaml", false
	require.NoError(t, runApply(context.Background(), cfg))
	assert.Contains(t, out.String(), "applied: true\n")
	assert.Contains(t, out.String(), "  - platform: alaya\n")
	assert.Contains(t, out.String(), "    opened:\n")
}

// TestApplyStateRefusal protects a file the current state makes impossible: refused after the
// lists, before any write, as invalid input.
func TestApplyStateRefusal(t *testing.T) {
	s := newApplyServers(t)
	require.NoError(t, s.rb.SetPort(applyComp, rainbond.Port{ContainerPort: 9000, Protocol: "tcp", PortAlias: "WEB", K8sServiceName: "x"}))
	var out bytes.Buffer
	file := strings.Replace(applyTestFile, "    prune: true\n", "    prune: false\n", 1)
	err := runApply(context.Background(), s.config(t, file, &out))
	var se *applyStateError
	require.True(t, errors.As(err, &se), "%v", err)
	var ve *wrapper.ValidationError
	assert.False(t, errors.As(err, &ve), "placed at the file's line instead")
	assert.Contains(t, err.Error(), "ports.yaml:8: rainbond[0].ports[0].alias: WEB is the alias of port 9000, which is neither listed nor pruned")
	assert.Zero(t, s.writeCount())
	assert.Empty(t, out.String())
}
