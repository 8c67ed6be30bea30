package docscheck

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// SourcesFile is the file of the docs folder that lists the pages and where they are published.
const SourcesFile = "sources.txt"

// A Source is one page of the sources file: its file in the docs folder and its published URL.
type Source struct {
	File string
	URL  string
}

// ReadSources reads a sources file. Its format, line by line:
//
//	# a comment; blank lines are ignored
//	<file>  <URL>
//
// The file is a plain *.txt name of the docs folder, listed once; the URL is absolute, http or https.
func ReadSources(name string) ([]Source, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var out []Source
	seen := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		ln, fields := i+1, strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: want \"<file> <URL>\", got %q", name, ln, strings.TrimSpace(line))
		}
		file := fields[0]
		if filepath.Ext(file) != ".txt" || strings.ContainsAny(file, `/\`) || file == SourcesFile {
			return nil, fmt.Errorf("%s:%d: file %q: want the name of a *.txt page of the docs folder", name, ln, file)
		}
		if prev, dup := seen[file]; dup {
			return nil, fmt.Errorf("%s:%d: file %q already listed at line %d", name, ln, file, prev)
		}
		seen[file] = ln
		if _, err := webURL(fields[1]); err != nil {
			return nil, fmt.Errorf("%s:%d: page %s: %w", name, ln, file, err)
		}
		out = append(out, Source{File: file, URL: fields[1]})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no page listed", name)
	}
	return out, nil
}

// webURL parses an absolute http or https URL with no user information; its errors never show a
// password.
func webURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("URL does not parse")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("URL %q: want an absolute http or https URL with no user information", u.Redacted())
	}
	return u, nil
}

// FetchOptions says where Fetch reads the sources and writes the pages.
type FetchOptions struct {
	// DocsDir is the folder of the pages; its sources.txt lists what to download.
	DocsDir string
	// BaseURL, when set, replaces the scheme and host of every source URL (the path and query are
	// kept): tests serve the pages from a local server this way.
	BaseURL  string
	MaxBytes int64 // the cap of each page; 0 means 8 MiB
}

// A Fetched page is one page Fetch wrote.
type Fetched struct {
	File    string
	URL     string // where it was downloaded from
	HTML    bool   // the answer was HTML, turned into text
	Changed bool   // the new text differs from the file it replaced
	text    []byte // what Fetch writes once every page is downloaded
}

// Fetch downloads every page of the sources file and writes it into the docs folder, an HTML answer
// turned into text by HTMLToText. It writes nothing unless every download succeeded: on an error
// (offline, a status other than 200, a page too large or not text) the folder is left as it was,
// and the error names each page that failed (and wraps their errors).
func Fetch(ctx context.Context, opts FetchOptions) ([]Fetched, error) {
	sources, err := ReadSources(filepath.Join(opts.DocsDir, SourcesFile))
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	var base *url.URL
	if opts.BaseURL != "" {
		if base, err = webURL(opts.BaseURL); err != nil {
			return nil, fmt.Errorf("base %w", err)
		}
	}
	client := &http.Client{Timeout: 60 * time.Second}
	var out []Fetched
	var failed []any // an error naming the page, for each page that could not be downloaded
	for _, s := range sources {
		u, _ := url.Parse(s.URL) // ReadSources checked it
		if base != nil {
			u.Scheme, u.Host, u.Path, u.RawPath = base.Scheme, base.Host, strings.TrimSuffix(base.Path, "/")+u.Path, ""
		}
		text, isHTML, err := download(ctx, client, u.String(), cmp.Or(max(opts.MaxBytes, 0), 8<<20))
		if err != nil {
			failed = append(failed, fmt.Errorf("%s: GET %s: %w", s.File, u, err))
			continue
		}
		old, err := os.ReadFile(filepath.Join(opts.DocsDir, s.File))
		out = append(out, Fetched{File: s.File, URL: u.String(), HTML: isHTML, Changed: err != nil || !bytes.Equal(old, text), text: text})
	}
	if len(failed) > 0 {
		return nil, fmt.Errorf("%d of %d pages could not be downloaded; nothing written, %s is unchanged:"+strings.Repeat("\n  %w", len(failed)),
			append([]any{len(failed), len(sources), opts.DocsDir}, failed...)...)
	}
	for _, r := range out {
		if err := os.WriteFile(filepath.Join(opts.DocsDir, r.File), r.text, 0o644); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// download gets one page: its text, and whether it was HTML.
func download(ctx context.Context, client *http.Client, rawURL string, limit int64) ([]byte, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("User-Agent", "portsdk-docscheck")
	req.Header.Set("Accept", "text/html, text/markdown, text/plain;q=0.9, */*;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // its text repeats the method and URL
		}
		return nil, false, fmt.Errorf("%w (offline, or the site is down?)", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, false, errors.New(resp.Status)
	}
	data, err := io.ReadAll(http.MaxBytesReader(nil, resp.Body, limit))
	if err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			return nil, false, fmt.Errorf("the page is larger than %d bytes", limit)
		}
		return nil, false, fmt.Errorf("reading the body: %w", err)
	}
	if !utf8.Valid(data) {
		return nil, false, errors.New("the page is not UTF-8 text")
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "" || mt == "application/octet-stream" { // no declared type: look at the content
		mt, _, _ = mime.ParseMediaType(http.DetectContentType(data))
	}
	if mt != "text/html" && mt != "application/xhtml+xml" {
		return data, false, nil
	}
	text, err := HTMLToText(data)
	return []byte(text), true, err
}
