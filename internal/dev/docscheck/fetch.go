package docscheck

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FetchOptions says where Fetch reads the sources and writes the pages.
type FetchOptions struct {
	// DocsDir is the folder of the pages; its sources.txt lists what to download.
	DocsDir string
	// BaseURL, when set, replaces the scheme and host of every source URL (the path and query are
	// kept): tests serve the pages from a local server this way.
	BaseURL string
	// Client sends the requests; nil means one with a 60 s timeout.
	Client *http.Client
	// MaxBytes caps each page; 0 means 8 MiB.
	MaxBytes int64
}

// A Fetched page is one page Fetch wrote.
type Fetched struct {
	File    string
	URL     string // where it was downloaded from
	HTML    bool   // the answer was HTML, turned into text
	Changed bool   // the new text differs from the file it replaced
}

const defaultMaxPageBytes = 8 << 20

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
		base, err = url.Parse(opts.BaseURL)
		if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.User != nil {
			shown := "(does not parse)"
			if err == nil {
				shown = strconv.Quote(base.Redacted())
			}
			return nil, fmt.Errorf("base URL %s: want an http or https URL with a host and no user information", shown)
		}
	}
	client := cmp.Or(opts.Client, &http.Client{Timeout: 60 * time.Second})
	limit := cmp.Or(max(opts.MaxBytes, 0), defaultMaxPageBytes)
	var (
		out    []Fetched
		texts  [][]byte
		failed []any // an error naming the page, for each page that could not be downloaded
	)
	for _, s := range sources {
		u, _ := url.Parse(s.URL) // ReadSources checked it
		if base != nil {
			u.Scheme, u.Host = base.Scheme, base.Host
			u.Path = strings.TrimSuffix(base.Path, "/") + u.Path
			u.RawPath = ""
		}
		text, isHTML, err := download(ctx, client, u.String(), limit)
		if err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", s.File, err))
			continue
		}
		old, err := os.ReadFile(filepath.Join(opts.DocsDir, s.File))
		out = append(out, Fetched{File: s.File, URL: u.String(), HTML: isHTML, Changed: err != nil || !bytes.Equal(old, text)})
		texts = append(texts, text)
	}
	if len(failed) > 0 {
		return nil, fmt.Errorf("%d of %d pages could not be downloaded; nothing written, %s is unchanged:"+strings.Repeat("\n  %w", len(failed)),
			append([]any{len(failed), len(sources), opts.DocsDir}, failed...)...)
	}

	// Every page is here: write each to a temporary file beside it, then rename them all.
	var tmps []string
	defer func() {
		for _, t := range tmps {
			_ = os.Remove(t) // best effort: a leftover temporary file is hidden and harmless
		}
	}()
	for i, r := range out {
		f, err := os.CreateTemp(opts.DocsDir, "."+r.File+".*")
		if err != nil {
			return nil, fmt.Errorf("%s: %w; nothing written", r.File, err)
		}
		tmps = append(tmps, f.Name())
		_, werr := f.Write(texts[i])
		if err := errors.Join(werr, f.Close(), os.Chmod(f.Name(), 0o644)); err != nil {
			return nil, fmt.Errorf("%s: %w; nothing written", r.File, err)
		}
	}
	for i, r := range out {
		if err := os.Rename(tmps[i], filepath.Join(opts.DocsDir, r.File)); err != nil {
			return nil, fmt.Errorf("%s: %w", r.File, err)
		}
	}
	tmps = nil
	return out, nil
}

// download gets one page: its text, and whether it was HTML.
func download(ctx context.Context, client *http.Client, rawURL string, limit int64) ([]byte, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, false, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", "portsdk-docscheck")
	req.Header.Set("Accept", "text/html, text/markdown, text/plain;q=0.9, */*;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		return nil, false, fmt.Errorf("GET %s: %w (offline, or the site is down?)", rawURL, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, false, fmt.Errorf("GET %s: %s", rawURL, resp.Status)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(nil, resp.Body, limit)); err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			return nil, false, fmt.Errorf("GET %s: the page is larger than %d bytes", rawURL, limit)
		}
		return nil, false, fmt.Errorf("GET %s: reading the body: %w", rawURL, err)
	}
	data := buf.Bytes()
	if !utf8.Valid(data) {
		return nil, false, fmt.Errorf("GET %s: the page is not UTF-8 text", rawURL)
	}
	if isHTML(resp.Header.Get("Content-Type"), data) {
		text, err := HTMLToText(data)
		if err != nil {
			return nil, false, fmt.Errorf("GET %s: %w", rawURL, err)
		}
		return []byte(text), true, nil
	}
	return data, false, nil
}

// isHTML reports whether an answer is HTML: by its declared media type, else by its content.
func isHTML(contentType string, data []byte) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && mt != "" && mt != "application/octet-stream" {
		return mt == "text/html" || mt == "application/xhtml+xml"
	}
	return strings.HasPrefix(http.DetectContentType(data), "text/html")
}

// unwrapURLError drops the *url.Error wrapper, whose text repeats the method and URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
