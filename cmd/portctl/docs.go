package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// The README's command table sits between these lines; 'portctl docs --readme' rewrites it.
const (
	readmeTableBegin = "<!-- portctl commands: generated from the command tree by 'make cli-docs'; do not edit -->"
	readmeTableEnd   = "<!-- end of portctl commands -->"
)

// referenceDir is where the committed Markdown reference lives, relative to the repository root;
// the README's table links into it.
const referenceDir = "docs/portctl"

func newDocsCmd(e *env) *cobra.Command {
	var dir, format, readme string
	c := &cobra.Command{
		Use:   "docs --dir DIR [--format FORMAT]",
		Short: "write the reference of every command as Markdown or man pages",
		Long: `Write the reference of every portctl command, generated from the command tree, into DIR: one
Markdown page per command (portctl.md, portctl_rainbond_ports_add.md, ...) or one man page per
command (portctl.1, portctl-rainbond-ports-add.1, ...). Earlier pages of the same format in DIR are
replaced, so a removed command leaves no page behind.

The repository's own reference (` + referenceDir + `) is written this way by 'make cli-docs', and a
test fails when it no longer matches the commands.`,
		Example: examples(`portctl docs --dir ` + referenceDir + `
portctl docs --dir /usr/local/share/man/man1 --format man   # then: man portctl-rainbond-ports-add`),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "dir"); err != nil {
				return err
			}
			if format != "markdown" && format != "man" {
				return usageErrorf("invalid --format %q: must be markdown or man", format)
			}
			if err := writeReference(cmd.Root(), dir, format); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "portctl docs: wrote the %s reference to %s\n", format, dir)
			if readme != "" {
				if err := updateReadme(cmd.Root(), readme); err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "portctl docs: updated the command table of %s\n", readme)
			}
			return nil
		},
	}
	fs := c.Flags()
	fs.StringVar(&dir, "dir", "", "directory to write the pages to; created if missing (required)")
	fs.StringVar(&format, "format", "markdown", "format: markdown or man")
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"markdown", "man"},
		cobra.ShellCompDirectiveNoFileComp))
	fs.StringVar(&readme, "readme", "", "also rewrite the command table between the markers of this README file")
	_ = fs.MarkHidden("readme") // for 'make cli-docs' only
	return c
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
			Source: "portctl " + currentVersion().Version, Manual: "portctl manual"}, dir)
	}
	return doc.GenMarkdownTree(root, dir)
}

// leafCommands returns the commands of the tree that run (no groups, help or hidden commands), in
// the order of the help.
func leafCommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, s := range c.Commands() {
		if !s.IsAvailableCommand() {
			continue
		}
		if s.HasAvailableSubCommands() {
			out = append(out, leafCommands(s)...)
		} else {
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
	var out bytes.Buffer
	out.Write(readme[:begin])
	out.WriteString(table)
	out.Write(readme[end:])
	return out.Bytes(), nil
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
