package docscheck

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// vendorSite serves the pages of a sources file the way their sites do: the Alaya pages as HTML
// (the open-port page as testdata/html lays it out, the others a paragraph a line), the Rainbond
// page as the repository's raw Markdown (text/plain). Pages maps a page to the body served; a page
// missing from it is a 404.
type vendorSite struct {
	*httptest.Server
	mu       sync.Mutex
	pages    map[string]string // URL path -> body
	types    map[string]string // URL path -> Content-Type
	requests []string
}

// pathOf is the URL path a sources file gives a page.
func pathOf(t *testing.T, docsDir, page string) string {
	t.Helper()
	srcs, err := ReadSources(filepath.Join(docsDir, SourcesFile))
	require.NoError(t, err)
	for _, s := range srcs {
		if s.File == page {
			u, err := url.Parse(s.URL)
			require.NoError(t, err)
			return u.Path
		}
	}
	t.Fatalf("page %s not in the sources", page)
	return ""
}

// linesToHTML is a flattened page as an HTML page: a paragraph a line up to the code samples, which
// are preformatted.
func linesToHTML(text string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><title>t</title><script>var page = 1;</script></head><body><nav>docs</nav><main>\n")
	head, code, _ := strings.Cut(text, "curl ")
	for _, l := range strings.Split(head, "\n") {
		if strings.TrimSpace(l) != "" {
			b.WriteString("<p>" + html.EscapeString(l) + "</p>\n")
		}
	}
	b.WriteString("<pre><code>" + html.EscapeString("curl "+code) + "</code></pre>\n</main></body></html>\n")
	return b.String()
}

// newVendorSite serves the four test pages for the sources of docsDir.
func newVendorSite(t *testing.T, docsDir string) *vendorSite {
	t.Helper()
	s := &vendorSite{pages: map[string]string{}, types: map[string]string{}}
	read := func(p string) string {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		return string(data)
	}
	s.pages[pathOf(t, docsDir, alayaOpen)] = read("testdata/html/alaya-open-port.html")
	s.pages[pathOf(t, docsDir, alayaClose)] = linesToHTML(read("testdata/vendor/" + alayaClose))
	s.pages[pathOf(t, docsDir, alayaPage)] = linesToHTML(read("testdata/vendor/" + alayaPage))
	rb := pathOf(t, docsDir, rainbondPage)
	s.pages[rb] = read("testdata/renderings/003_502f989c638d739b.upstream.md")
	s.types[rb] = "text/plain; charset=utf-8"
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.requests = append(s.requests, r.Method+" "+r.URL.Path)
		body, ok := s.pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		ct := s.types[r.URL.Path]
		if ct == "" {
			ct = "text/html; charset=utf-8"
		}
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s
}

// fetchFixture is a repository fixture whose docs folder has the real sources file.
func fetchFixture(t *testing.T) (docsDir, specsDir string) {
	t.Helper()
	docsDir, specsDir = fixture(t)
	data, err := os.ReadFile("../../../docs/vendor/" + SourcesFile)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(docsDir, SourcesFile), data, 0o644))
	return docsDir, specsDir
}

// snapshot is the content of every file of dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = string(data)
	}
	return out
}

func TestFetchUnchangedPages(t *testing.T) {
	docsDir, specsDir := fetchFixture(t)
	site := newVendorSite(t, docsDir)
	got, err := Fetch(context.Background(), FetchOptions{DocsDir: docsDir, BaseURL: site.URL})
	require.NoError(t, err)
	require.Len(t, got, 4)

	// One GET per page, at the path its sources line gives.
	var want []string
	for _, p := range []string{alayaPage, alayaOpen, alayaClose, rainbondPage} {
		want = append(want, "GET "+pathOf(t, docsDir, p))
	}
	require.ElementsMatch(t, want, site.requests)

	byFile := map[string]Fetched{}
	for _, f := range got {
		byFile[f.File] = f
		require.True(t, strings.HasPrefix(f.URL, site.URL+"/"), f.URL)
	}
	require.True(t, byFile[alayaOpen].HTML)
	require.False(t, byFile[rainbondPage].HTML)
	require.True(t, byFile[rainbondPage].Changed) // the upstream padding replaced the published one

	// The pages written are the text of the HTML pages and the Markdown as served ...
	written := snapshot(t, docsDir)
	require.Equal(t, site.pages[pathOf(t, docsDir, rainbondPage)], written[rainbondPage])
	require.Contains(t, written[alayaOpen], "POSThttps://api.alayanew.com/v1/cci/instance/{id}/open-port\n")
	require.NotContains(t, written[alayaOpen], "<")
	require.Contains(t, written, SourcesFile)
	for name := range written {
		require.False(t, strings.HasPrefix(name, "."), "temporary file %s left behind", name)
	}
	// ... and the check finds nothing: the vendors changed nothing.
	rep := check(t, docsDir, specsDir, realAllow(t))
	require.Empty(t, lines(rep))
	require.Equal(t, 4, rep.Pages)

	// A second fetch of the same pages changes nothing.
	got, err = Fetch(context.Background(), FetchOptions{DocsDir: docsDir, BaseURL: site.URL})
	require.NoError(t, err)
	for _, f := range got {
		require.False(t, f.Changed, f.File)
	}
}

// TestFetchChangedPage: a page the site changed is written, and the check reports the change,
// naming the page, the line and the item.
func TestFetchChangedPage(t *testing.T) {
	docsDir, specsDir := fetchFixture(t)
	site := newVendorSite(t, docsDir)
	open := pathOf(t, docsDir, alayaOpen)
	site.pages[open] = strings.Replace(site.pages[open],
		`<div class="param"><span class="name">port</span><span class="type">Integer</span><span class="required">必填</span></div>`,
		`<div class="param"><span class="name">port</span><span class="type">Integer</span><span class="required">必填</span></div>`+
			`<div class="desc"><p>端口。</p></div><div class="param"><span class="name">ttl</span><span class="type">Integer</span></div>`, 1)
	rb := pathOf(t, docsDir, rainbondPage)
	site.pages[rb] = strings.Replace(site.pages[rb], "tcp、http、mysql、grpc、udp", "tcp、http、mysql、grpc、udp、sctp", 1)

	got, err := Fetch(context.Background(), FetchOptions{DocsDir: docsDir, BaseURL: site.URL})
	require.NoError(t, err)
	require.Len(t, got, 4)

	written := snapshot(t, docsDir)
	lineOf := func(page, text string) string {
		for i, l := range strings.Split(written[page], "\n") {
			if strings.Contains(l, text) {
				return page + ":" + strconv.Itoa(i+1) + ": "
			}
		}
		t.Fatalf("%q not in %s", text, page)
		return ""
	}
	require.Equal(t, []string{
		lineOf(rainbondPage, "sctp") + "POST " + rbPorts + `: request field "protocol": enum value "sctp" missing in spec`,
		lineOf(alayaOpen, "ttlInteger") + `POST /v1/cci/instance/{id}/open-port: request field "ttl": missing in spec`,
	}, lines(check(t, docsDir, specsDir, realAllow(t))))
}

// TestFetchFailuresWriteNothing: offline, or when any page cannot be had, Fetch fails naming each
// page that failed and leaves the docs folder as it was, the pages that did download included.
func TestFetchFailuresWriteNothing(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(t *testing.T, site *vendorSite, docsDir string) FetchOptions
		wantErr []string
	}{
		{
			name: "offline",
			setup: func(t *testing.T, site *vendorSite, docsDir string) FetchOptions {
				site.Close()
				return FetchOptions{DocsDir: docsDir, BaseURL: site.URL}
			},
			wantErr: []string{alayaPage + ": GET " + "http://", alayaOpen + ": GET ", alayaClose + ": GET ", rainbondPage + ": GET ",
				"offline, or the site is down?", "nothing written"},
		},
		{
			name: "one page gone",
			setup: func(t *testing.T, site *vendorSite, docsDir string) FetchOptions {
				delete(site.pages, pathOf(t, docsDir, alayaClose))
				return FetchOptions{DocsDir: docsDir, BaseURL: site.URL}
			},
			wantErr: []string{alayaClose + ": GET http://", "/cci/close-port: 404 Not Found", "nothing written"},
		},
		{
			name: "a page too large",
			setup: func(t *testing.T, site *vendorSite, docsDir string) FetchOptions {
				return FetchOptions{DocsDir: docsDir, BaseURL: site.URL, MaxBytes: 4000}
			},
			wantErr: []string{rainbondPage + ": GET ", "larger than 4000 bytes", "nothing written"},
		},
		{
			name: "a page that is not text",
			setup: func(t *testing.T, site *vendorSite, docsDir string) FetchOptions {
				site.pages[pathOf(t, docsDir, rainbondPage)] = "\xff\xfe\x00binary"
				return FetchOptions{DocsDir: docsDir, BaseURL: site.URL}
			},
			wantErr: []string{rainbondPage + ": GET ", "not UTF-8 text"},
		},
		{
			name: "a base URL that is not one",
			setup: func(t *testing.T, site *vendorSite, docsDir string) FetchOptions {
				return FetchOptions{DocsDir: docsDir, BaseURL: "ftp://example.test"}
			},
			wantErr: []string{`base URL "ftp://example.test"`},
		},
		{
			name: "a base URL with a password, which the error does not show",
			setup: func(t *testing.T, site *vendorSite, docsDir string) FetchOptions {
				return FetchOptions{DocsDir: docsDir, BaseURL: "ftp://user:s3cret@example.test"}
			},
			wantErr: []string{`base URL "ftp://user:xxxxx@example.test"`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			docsDir, _ := fetchFixture(t)
			site := newVendorSite(t, docsDir)
			before := snapshot(t, docsDir)
			_, err := Fetch(context.Background(), tc.setup(t, site, docsDir))
			require.Error(t, err)
			for _, w := range tc.wantErr {
				require.Contains(t, err.Error(), w)
			}
			require.NotContains(t, err.Error(), "s3cret")
			require.Equal(t, before, snapshot(t, docsDir))
		})
	}
}

// writeSources writes text as the sources file of a new folder and returns its path.
func writeSources(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), SourcesFile)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

func TestFetchSourcesErrors(t *testing.T) {
	docsDir := t.TempDir()
	_, err := Fetch(context.Background(), FetchOptions{DocsDir: docsDir})
	require.ErrorContains(t, err, "sources: ")

	for name, text := range map[string]string{
		"one field":        "a.txt\n",
		"not a page":       "a.md https://x.test/a\n",
		"a path":           "sub/a.txt https://x.test/a\n",
		"the sources file": "sources.txt https://x.test/a\n",
		"twice":            "a.txt https://x.test/a\na.txt https://x.test/b\n",
		"relative URL":     "a.txt /a\n",
		"credentials":      "a.txt https://user:pw@x.test/a\n",
		"empty":            "# nothing\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadSources(writeSources(t, text))
			require.Error(t, err)
			require.Contains(t, err.Error(), "sources.txt")
			require.NotContains(t, err.Error(), "pw@")
		})
	}
	srcs, err := ReadSources(writeSources(t, "# c\n\na.txt   https://x.test/a?b=1\n"))
	require.NoError(t, err)
	require.Equal(t, []Source{{File: "a.txt", URL: "https://x.test/a?b=1"}}, srcs)
}

// TestCheckReadsListedPages: a page the sources file lists must be there; the check reads every
// listed page and any other *.txt page, never the sources file itself.
func TestCheckReadsListedPages(t *testing.T) {
	docsDir, specsDir := fetchFixture(t)
	rep := check(t, docsDir, specsDir, realAllow(t))
	require.Empty(t, lines(rep))
	require.Equal(t, 4, rep.Pages)

	require.NoError(t, os.Remove(filepath.Join(docsDir, alayaClose)))
	_, err := Check(Options{DocsDir: docsDir, SpecsDir: specsDir, RootDir: rootOf(docsDir), Allow: realAllow(t), AllowName: allowName})
	require.ErrorContains(t, err, "page "+alayaClose)
}
