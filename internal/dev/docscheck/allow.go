package docscheck

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// An AllowEntry records one deliberate difference between a page and a spec.
type AllowEntry struct {
	// Item is the finding it accepts, as Finding.Key renders it (no file, no line).
	Item string
	// Reason says why the spec differs from the page.
	Reason string
	// NoteFile is the note that backs the difference, a path from the repository root such as
	// docs/servers/rainbond.md (a bare file name is a note of docs/servers/); NoteSection, if set,
	// is text that one of the note's headings contains.
	NoteFile, NoteSection string
	Line                  int // where the entry starts in the allow-list
}

// AllowList is a parsed allow-list.
type AllowList struct {
	Name    string
	Entries []AllowEntry
}

// ParseAllow reads an allow-list. Its format, line by line:
//
//	# a comment; blank lines are ignored
//	METHOD /path: the finding's message, exactly as the tool prints it after "file:line: "
//	    reason: why the spec differs from the page
//	    note: <note, e.g. docs/servers/rainbond.md> [text of a heading of that note]
//
// Each entry is one unindented item line followed by exactly one indented reason line and one
// indented note line.
func ParseAllow(name string, data []byte) (*AllowList, error) {
	al := &AllowList{Name: name}
	seen := map[string]int{}
	var cur *AllowEntry
	finish := func() error {
		if cur == nil {
			return nil
		}
		if cur.Reason == "" {
			return fmt.Errorf("%s:%d: entry has no \"reason:\" line", name, cur.Line)
		}
		if cur.NoteFile == "" {
			return fmt.Errorf("%s:%d: entry has no \"note:\" line", name, cur.Line)
		}
		al.Entries = append(al.Entries, *cur)
		cur = nil
		return nil
	}
	for i, raw := range strings.Split(string(data), "\n") {
		ln := i + 1
		raw = strings.TrimRight(raw, " \t\r")
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if raw[0] != ' ' && raw[0] != '\t' {
			if err := finish(); err != nil {
				return nil, err
			}
			if prev, dup := seen[line]; dup {
				return nil, fmt.Errorf("%s:%d: duplicate of the entry at line %d", name, ln, prev)
			}
			seen[line] = ln
			cur = &AllowEntry{Item: line, Line: ln}
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("%s:%d: indented line outside an entry", name, ln)
		}
		key, value, _ := strings.Cut(line, ":")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch field := map[string]*string{"reason": &cur.Reason, "note": &cur.NoteFile}[key]; {
		case field == nil:
			return nil, fmt.Errorf("%s:%d: want \"reason: ...\" or \"note: ...\", got %q", name, ln, line)
		case *field != "" || value == "":
			return nil, fmt.Errorf("%s:%d: one non-empty %s per entry", name, ln, key)
		case key == "note":
			file, section, _ := strings.Cut(value, " ")
			cur.NoteFile, cur.NoteSection = strings.TrimRight(file, ",;"), strings.TrimSpace(section)
		default:
			cur.Reason = value
		}
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return al, nil
}

// apply drops the findings the list accepts and adds one finding per entry that accepted none.
func (al *AllowList) apply(findings []Finding) (kept []Finding, allowed int) {
	used := map[string]bool{}
	for _, f := range findings {
		if slices.ContainsFunc(al.Entries, func(e AllowEntry) bool { return e.Item == f.Key() }) {
			used[f.Key()] = true
			allowed++
		} else {
			kept = append(kept, f)
		}
	}
	for _, e := range al.Entries {
		if !used[e.Item] {
			kept = append(kept, Finding{File: al.Name, Line: e.Line,
				Msg: "stale allow-list entry, no finding matches it: " + e.Item})
		}
	}
	return kept, allowed
}

// NotesDir is the folder, from the repository root, of the notes an allow-list entry may name by
// their bare file name.
const NotesDir = "docs/servers"

// notePath is where the note of an entry is, from the repository root; "" when the entry names a
// path that leaves the repository.
func notePath(note string) string {
	if !strings.ContainsAny(note, `/\`) {
		return NotesDir + "/" + note
	}
	if filepath.IsAbs(note) || strings.Contains(note, `\`) || !filepath.IsLocal(note) {
		return ""
	}
	return filepath.ToSlash(filepath.Clean(note))
}

// checkNotes reports entries whose note is not a file of the repository at root, or has no
// heading containing the entry's section text.
func (al *AllowList) checkNotes(root string) []Finding {
	var out []Finding
	for _, e := range al.Entries {
		rel := notePath(e.NoteFile)
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel))) // not used when rel == ""
		var msg string
		switch {
		case rel == "":
			msg = fmt.Sprintf("note %q: name a file of the repository by its path from the root, e.g. %s/rainbond.md", e.NoteFile, NotesDir)
		case errors.Is(err, fs.ErrNotExist):
			msg = fmt.Sprintf("note %q: no such file %s in the repository", e.NoteFile, rel)
		case err != nil:
			msg = fmt.Sprintf("note %q: %v", e.NoteFile, err)
		case e.NoteSection != "" && !slices.ContainsFunc(strings.Split(string(data), "\n"), func(l string) bool {
			return strings.HasPrefix(strings.TrimSpace(l), "#") && strings.Contains(l, e.NoteSection)
		}):
			msg = fmt.Sprintf("note %q has no heading containing %q", e.NoteFile, e.NoteSection)
		default:
			continue
		}
		out = append(out, Finding{File: al.Name, Line: e.Line, Msg: msg})
	}
	return out
}
