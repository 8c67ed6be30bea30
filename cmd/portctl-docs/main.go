// Command portctl-docs writes the reference of every portctl command, generated from portctl's
// command tree, as Markdown or as man pages, and can rewrite the README's table of commands.
//
//	go run ./cmd/portctl-docs --dir docs/portctl                             # the committed Markdown reference
//	go run ./cmd/portctl-docs --dir /usr/local/share/man/man1 --format man   # then: man portctl-rainbond-ports-add
//
// It is a program of its own, not a portctl command, so that portctl does not link the Markdown and
// man page renderers (cobra/doc, go-md2man and blackfriday): their package initialisation would cost
// every portctl run, whatever it does (issue 19). 'make cli-docs' runs it with --readme README.md.
//
// Earlier pages of the same format in DIR are replaced, so a removed command leaves no page behind.
//
// Exit status: 0 on success, 1 when a page or the README could not be written, 2 for bad usage.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/portsdk/portsdk/internal/portctl/cli"
)

// The README's command table sits between these lines; --readme rewrites it.
const (
	readmeTableBegin = "<!-- portctl commands: generated from the command tree by 'make cli-docs'; do not edit -->"
	readmeTableEnd   = "<!-- end of portctl commands -->"
)

// referenceDir is where the committed Markdown reference lives, relative to the repository root;
// the README's table links into it.
const referenceDir = "docs/portctl"

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run writes the reference as args ask and returns the exit status.
func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("portctl-docs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "directory to write the pages to; created if missing (required)")
	format := fs.String("format", "markdown", "format: markdown or man")
	readme := fs.String("readme", "", "also rewrite the command table between the markers of this README file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: portctl-docs --dir DIR [--format markdown|man] [--readme README.md]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2 // flag has printed the error and the usage
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "portctl-docs: unexpected argument %q\n", fs.Arg(0))
		return 2
	case *dir == "":
		fmt.Fprintln(stderr, "portctl-docs: --dir is required")
		return 2
	case *format != "markdown" && *format != "man":
		fmt.Fprintf(stderr, "portctl-docs: invalid --format %q: must be markdown or man\n", *format)
		return 2
	}
	root := cli.CommandTree()
	if err := writeReference(root, *dir, *format); err != nil {
		fmt.Fprintln(stderr, "portctl-docs:", err)
		return 1
	}
	fmt.Fprintf(stderr, "portctl-docs: wrote the %s reference to %s\n", *format, *dir)
	if *readme != "" {
		if err := updateReadme(root, *readme); err != nil {
			fmt.Fprintln(stderr, "portctl-docs:", err)
			return 1
		}
		fmt.Fprintf(stderr, "portctl-docs: updated the command table of %s\n", *readme)
	}
	return 0
}

// writeReference writes the pages of root's tree into dir, after removing the earlier pages of that
// format.
func writeReference(root *cobra.Command, dir, format string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	pattern := "portctl*.md"
	if format == "man" {
		pattern = "portctl*.1"
	}
	old, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	if format == "man" {
		return doc.GenManTree(root, &doc.GenManHeader{Title: "PORTCTL", Section: "1",
			Source: "portctl " + cli.Version(), Manual: "portctl manual"}, dir)
	}
	return doc.GenMarkdownTree(root, dir)
}

// leafCommands returns the commands of the tree that run (no groups, help or hidden commands), in
// the order of the help.
func leafCommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, s := range c.Commands() {
		switch {
		case !s.IsAvailableCommand():
		case s.HasAvailableSubCommands():
			out = append(out, leafCommands(s)...)
		default:
			out = append(out, s)
		}
	}
	return out
}

// commandTable is the README's table of commands: each command's usage line, linked to its page
// of the reference, and its summary.
func commandTable(root *cobra.Command) string {
	var b strings.Builder
	b.WriteString("| command | what |\n| --- | --- |\n")
	for _, c := range leafCommands(root) {
		use := strings.ReplaceAll(strings.TrimSuffix(c.UseLine(), " [flags]"), "|", `\|`)
		page := referenceDir + "/" + strings.ReplaceAll(c.CommandPath(), " ", "_") + ".md"
		fmt.Fprintf(&b, "| [`%s`](%s) | %s |\n", use, page, strings.ReplaceAll(c.Short, "|", `\|`))
	}
	return b.String()
}

// replaceTable returns readme with the text between the table's markers replaced by the table.
func replaceTable(readme []byte, table string) ([]byte, error) {
	begin := bytes.Index(readme, []byte(readmeTableBegin+"\n"))
	end := bytes.Index(readme, []byte(readmeTableEnd))
	if begin < 0 || end < begin {
		return nil, fmt.Errorf("the README has no line %q followed by %q", readmeTableBegin, readmeTableEnd)
	}
	begin += len(readmeTableBegin) + 1
	return slices.Concat(readme[:begin], []byte(table), readme[end:]), nil
}

func updateReadme(root *cobra.Command, path string) error {
	readme, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := replaceTable(readme, commandTable(root))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, out, 0o644)
}
