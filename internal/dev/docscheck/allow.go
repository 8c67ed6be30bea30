package docscheck

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// An AllowEntry records one deliberate difference between a page and a spec.
type AllowEntry struct {
	Item   string // the finding it accepts, as Finding.Key renders it (no file, no line)
	Reason string // why the spec differs from the page
	// NoteFile is the note that backs the difference, a path from the repository root such as
	// docs/servers/rainbond.md (a bare file name is a note of docs/servers/); NoteSection, if set,
	// is text that one of the note's headings contains.
	NoteFile, NoteSection string
	Line                  int // where the entry starts in the allow-list
}

// ParseAllow reads an allow-list. Its format, line by line (an entry is these three lines):
//
//	# a comment; blank lines are ignored
//	METHOD /path: the finding's message, exactly as the tool prints it after "file:line: "
//	    reason: why the spec differs from the page
//	    note: <note, e.g. docs/servers/rainbond.md> [text of a heading of that note]
func ParseAllow(name string, data []byte) ([]AllowEntry, error) {
	var entries []AllowEntry
	seen := map[string]int{}
	lines := strings.Split(string(data), "\n")
	// value is the text after "key:" on the indented line i, when it is one.
	value := func(i int, key string) string {
		if i >= len(lines) || strings.TrimLeft(lines[i], " \t") == lines[i] {
			return ""
		}
		v, ok := strings.CutPrefix(strings.TrimSpace(lines[i]), key+":")
		return map[bool]string{true: strings.TrimSpace(v)}[ok]
	}
	for i := 0; i < len(lines); i++ {
		item := strings.TrimRight(lines[i], " \t\r")
		switch ln := i + 1; {
		case strings.TrimSpace(item) == "" || strings.HasPrefix(strings.TrimSpace(item), "#"): // blank, or a comment
		case item[0] == ' ' || item[0] == '\t':
			return nil, fmt.Errorf("%s:%d: indented line outside an entry", name, ln)
		case seen[item] > 0:
			return nil, fmt.Errorf("%s:%d: duplicate of the entry at line %d", name, ln, seen[item])
		case value(i+1, "reason") == "":
			return nil, fmt.Errorf("%s:%d: want an indented \"reason: ...\" line after the entry's first line", name, ln+1)
		case value(i+2, "note") == "":
			return nil, fmt.Errorf("%s:%d: want an indented \"note: ...\" line after the reason", name, ln+2)
		default:
			file, section, _ := strings.Cut(value(i+2, "note"), " ")
			entries = append(entries, AllowEntry{Item: item, Reason: value(i+1, "reason"), Line: ln,
				NoteFile: strings.TrimRight(file, ",;"), NoteSection: strings.TrimSpace(section)})
			seen[item] = ln
			i += 2
		}
	}
	return entries, nil
}

// notesDir is the folder, from the repository root, of the notes an allow-list entry may name by
// their bare file name.
const notesDir = "docs/servers"

// applyAllow drops the findings the entries of allow-list name accept, and adds one finding per
// entry that accepted none or whose note is not a file of the repository at root with a heading
// containing its section text.
func applyAllow(name string, entries []AllowEntry, findings []Finding, root string) (kept []Finding, allowed int) {
	used := map[string]bool{}
	for _, f := range findings {
		if slices.ContainsFunc(entries, func(e AllowEntry) bool { return e.Item == f.Key() }) {
			used[f.Key()] = true
			allowed++
		} else {
			kept = append(kept, f)
		}
	}
	for _, e := range entries {
		if !used[e.Item] {
			kept = append(kept, Finding{File: name, Line: e.Line, Msg: "stale allow-list entry, no finding matches it: " + e.Item})
		}
		rel := e.NoteFile
		if !strings.ContainsAny(rel, `/\`) {
			rel = notesDir + "/" + rel
		}
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		var msg string
		switch {
		case strings.Contains(rel, `\`) || !filepath.IsLocal(rel):
			msg = fmt.Sprintf("note %q: name a file of the repository by its path from the root, e.g. %s/rainbond.md", e.NoteFile, notesDir)
		case errors.Is(err, fs.ErrNotExist):
			msg = fmt.Sprintf("note %q: no such file %s in the repository", e.NoteFile, path.Clean(rel))
		case err != nil:
			msg = fmt.Sprintf("note %q: %v", e.NoteFile, err)
		case e.NoteSection != "" && !slices.ContainsFunc(strings.Split(string(data), "\n"), func(l string) bool {
			return strings.HasPrefix(strings.TrimSpace(l), "#") && strings.Contains(l, e.NoteSection)
		}):
			msg = fmt.Sprintf("note %q has no heading containing %q", e.NoteFile, e.NoteSection)
		default:
			continue
		}
		kept = append(kept, Finding{File: name, Line: e.Line, Msg: msg})
	}
	return kept, allowed
}
