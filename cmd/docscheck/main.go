// Command docscheck compares the vendor pages the specs were transcribed from with the specs, and
// fails naming each endpoint, parameter, field, type, required mark or enum value of a page that a
// spec lacks or has differently, unless allow.txt records the difference as deliberate.
//
// Usage:
//
//	go run ./cmd/docscheck [-docs DIR] [-specs DIR] [-root DIR] [-allow FILE]
//	go run ./cmd/docscheck fetch [-base-url URL] [-docs DIR] [-specs DIR] [-root DIR] [-allow FILE]
//	go run ./cmd/docscheck update [-docs DIR] [-specs DIR] [-root DIR] [-allow FILE]
//
// The pages are the files listed in DIR/sources.txt (default docs/vendor) and any other *.txt file
// there; the notes allow.txt cites are read from the repository root (-root, default "."). The fetch
// subcommand first downloads every page of sources.txt (HTML turned into text) and writes them into
// the docs folder, only when every download succeeded, then runs the check: one command answers
// "did the vendors change anything?". The update subcommand writes into the specs every finding
// that needs no person (a field added, a request field removed, a type or required mark changed, an
// enum value added or removed), keeping the specs' order, comments and style, prints one line per
// change, and then prints the findings left for a person (a changed or new endpoint, a type change
// of a field the client code uses) as the check does.
//
// Exit status: 0 when the specs cover the pages, 1 with one line per finding otherwise, 2 on a
// usage or I/O error (fetch: a page could not be downloaded; the docs folder is then unchanged).
// "make docs-check" and "make docs-fetch" run it.
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

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fetch := len(args) > 0 && args[0] == "fetch"
	update := len(args) > 0 && args[0] == "update"
	name, usage := "docscheck", "usage: docscheck [-docs DIR] [-specs DIR] [-root DIR] [-allow FILE]\n       docscheck fetch -h\n       docscheck update -h"
	switch {
	case fetch:
		args, name = args[1:], "docscheck fetch"
		usage = "usage: docscheck fetch [-base-url URL] [-docs DIR] [-specs DIR] [-root DIR] [-allow FILE]\n" +
			"Downloads the pages listed in DIR/sources.txt into DIR (only if all downloads succeed), then checks them."
	case update:
		args, name = args[1:], "docscheck update"
		usage = "usage: docscheck update [-docs DIR] [-specs DIR] [-root DIR] [-allow FILE]\n" +
			"Writes into the specs what the pages changed and needs no person; prints the rest and exits 1."
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	docs := fs.String("docs", cmp.Or(getenv("DOCS"), defaultDocs), "folder of the vendor pages and their sources.txt; default $DOCS, else "+defaultDocs)
	specsDir := fs.String("specs", "specs", "folder of the OpenAPI specs")
	root := fs.String("root", ".", "repository root, from which the notes the allow-list cites are read")
	allowFile := fs.String("allow", "", "allow-list file (default: "+allowName+", built into the tool)")
	var baseURL *string
	if fetch {
		baseURL = fs.String("base-url", "", "download every page from this scheme and host instead of the URL's own (for tests)")
	}
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", name, fs.Arg(0))
		fs.Usage()
		return 2
	}

	fail := func(prefix string, err error) int {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 2
	}
	opts := docscheck.Options{DocsDir: *docs, SpecsDir: *specsDir, RootDir: *root, Allow: allowList, AllowName: allowName}
	if *allowFile != "" {
		data, err := os.ReadFile(*allowFile)
		if err != nil {
			return fail("docscheck", err)
		}
		opts.Allow, opts.AllowName = data, *allowFile
	}

	if fetch {
		pages, err := docscheck.Fetch(ctx, docscheck.FetchOptions{DocsDir: *docs, BaseURL: *baseURL})
		if err != nil {
			return fail(name, err)
		}
		for _, p := range pages {
			fmt.Fprintf(stderr, "docscheck fetch: %s: %s (%s)\n", p.File, map[bool]string{false: "unchanged", true: "changed"}[p.Changed], p.URL)
		}
	}

	var rep *docscheck.Report
	var err error
	if update {
		var up *docscheck.UpdateReport
		if up, err = docscheck.Update(opts); err == nil {
			for _, c := range up.Changes {
				fmt.Fprintln(stdout, "updated", c)
			}
			rep = up.Check
			rep.Findings = up.Person
		}
	} else {
		rep, err = docscheck.Check(opts)
	}
	if err != nil {
		return fail(name, err)
	}
	if len(rep.Findings) == 0 {
		fmt.Fprintln(stdout, rep.Summary(opts.AllowName))
		return 0
	}
	for _, f := range rep.Findings {
		fmt.Fprintln(stdout, f)
	}
	fmt.Fprintf(stderr, "docscheck: %d findings; fix the spec, or record a deliberate difference in %s\n", len(rep.Findings), opts.AllowName)
	return 1
}
