package docscheck

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// SourcesFile is the file of the docs folder that lists the pages and where they are published.
const SourcesFile = "sources.txt"

// A Source is one page of the sources file: its file in the docs folder and its published URL.
type Source struct {
	File string
	URL  string
	Line int // where the sources file lists it
}

// ReadSources reads a sources file. Its format, line by line:
//
//	# a comment; blank lines are ignored
//	<file>  <URL>
//
// The file is a plain *.txt name of the docs folder, listed once; the URL is absolute, http or https.
func ReadSources(path string) ([]Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseSources(path, data)
}

// ParseSources parses the text of a sources file; name is how errors name it.
func ParseSources(name string, data []byte) ([]Source, error) {
	var out []Source
	seen := map[string]int{}
	for i, raw := range strings.Split(string(data), "\n") {
		ln := i + 1
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: want \"<file> <URL>\", got %q", name, ln, line)
		}
		file, rawURL := fields[0], fields[1]
		if filepath.Ext(file) != ".txt" || file != filepath.Base(file) || strings.ContainsAny(file, `/\`) || file == SourcesFile {
			return nil, fmt.Errorf("%s:%d: file %q: want the name of a *.txt page of the docs folder", name, ln, file)
		}
		if prev, dup := seen[file]; dup {
			return nil, fmt.Errorf("%s:%d: file %q already listed at line %d", name, ln, file, prev)
		}
		seen[file] = ln
		u, err := url.Parse(rawURL)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s:%d: page %s: the URL does not parse", name, ln, file)
		case u.User != nil: // never echo a password
			return nil, fmt.Errorf("%s:%d: URL %q: a source URL may not carry user information", name, ln, u.Redacted())
		case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			return nil, fmt.Errorf("%s:%d: URL %q: want an absolute http or https URL", name, ln, rawURL)
		}
		out = append(out, Source{File: file, URL: rawURL, Line: ln})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no page listed", name)
	}
	return out, nil
}
