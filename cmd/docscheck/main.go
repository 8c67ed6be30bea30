// Command docscheck compares the vendor pages the specs were transcribed from with the specs (see
// package docscheck) and prints one line per finding, unless allow.txt records the difference as
// deliberate. "docscheck fetch" first downloads the pages listed in DIR/sources.txt into DIR (only
// when every download succeeded); "docscheck update" first writes into the specs every finding that
// needs no person. "make docs-check", "make docs-fetch" and "make docs-update" run it; -h lists each
// command's flags.
//
// Exit status: 0 when the specs cover the pages, 1 with one line per finding otherwise, 2 on a
// usage or I/O error (fetch: a page could not be downloaded; the docs folder is then unchanged).
package main

import (
	"cmp"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/portsdk/portsdk/internal/dev/docscheck"
)

// allowList is the reviewed list of deliberate differences, built into the tool.
//
//go:embed allow.txt
var allowList []byte

const (
	allowName   = "cmd/docscheck/allow.txt"
	defaultDocs = "docs/vendor"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usages say what each command does, by its first argument.
var usages = map[string]string{
	"":       "Checks the pages of the docs folder against the specs; docscheck fetch -h, docscheck update -h for the other commands.",
	"fetch":  "Downloads the pages listed in DIR/sources.txt into DIR (only if all downloads succeed), then checks them.",
	"update": "Writes into the specs what the pages changed and needs no person; prints the rest and exits 1.",
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd, name := "", "docscheck"
	if len(args) > 0 && (args[0] == "fetch" || args[0] == "update") {
		cmd, name, args = args[0], "docscheck "+args[0], args[1:]
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s [flags]\n%s\n", name, usages[cmd])
		fs.PrintDefaults()
	}
	docs := fs.String("docs", cmp.Or(getenv("DOCS"), defaultDocs), "folder of the vendor pages and their sources.txt; default $DOCS, else "+defaultDocs)
	specsDir := fs.String("specs", "specs", "folder of the OpenAPI specs")
	root := fs.String("root", ".", "repository root, from which the notes the allow-list cites are read")
	allowFile := fs.String("allow", "", "allow-list file (default: "+allowName+", built into the tool)")
	baseURL := new(string)
	if cmd == "fetch" {
		fs.StringVar(baseURL, "base-url", "", "download every page from this scheme and host instead of the URL's own (for tests)")
	}
	if err := fs.Parse(args); err != nil {
		return map[bool]int{true: 0, false: 2}[errors.Is(err, flag.ErrHelp)]
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", name, fs.Arg(0))
		fs.Usage()
		return 2
	}

	opts := docscheck.Options{DocsDir: *docs, SpecsDir: *specsDir, RootDir: *root, Allow: allowList, AllowName: allowName}
	var rep *docscheck.Report
	var err error
	if *allowFile != "" {
		opts.Allow, err = os.ReadFile(*allowFile)
		opts.AllowName = *allowFile
	}
	if err == nil && cmd == "fetch" {
		var pages []docscheck.Fetched
		pages, err = docscheck.Fetch(ctx, docscheck.FetchOptions{DocsDir: *docs, BaseURL: *baseURL})
		for _, p := range pages {
			fmt.Fprintf(stderr, "docscheck fetch: %s: %s (%s)\n", p.File, map[bool]string{false: "unchanged", true: "changed"}[p.Changed], p.URL)
		}
	}
	if err == nil && cmd == "update" {
		var up *docscheck.UpdateReport
		if up, err = docscheck.Update(opts); err == nil {
			for _, c := range up.Changes {
				fmt.Fprintln(stdout, "updated", c)
			}
			rep = up.Check
			rep.Findings = up.Person
		}
	} else if err == nil {
		rep, err = docscheck.Check(opts)
	}
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	case len(rep.Findings) == 0:
		fmt.Fprintf(stdout, "docscheck: %d pages, %d endpoints, %d items checked against %d specs: no findings (%d deliberate differences allowed by %s)\n",
			rep.Pages, rep.Endpoints, rep.Items, rep.Specs, rep.Allowed, opts.AllowName)
		return 0
	}
	for _, f := range rep.Findings {
		fmt.Fprintln(stdout, f)
	}
	fmt.Fprintf(stderr, "docscheck: %d findings; fix the spec, or record a deliberate difference in %s\n", len(rep.Findings), opts.AllowName)
	return 1
}
