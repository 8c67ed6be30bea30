package docscheck

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
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
