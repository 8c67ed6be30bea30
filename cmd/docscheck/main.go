// Command docscheck compares the vendor pages the specs were transcribed from with the specs, and
// fails naming each endpoint, parameter, field, type, required mark or enum value of a page that a
// spec lacks or has differently, unless allow.txt records the difference as deliberate.
//
// Usage:
//
//	go run ./cmd/docscheck [-docs DIR] [-specs DIR] [-allow FILE]
//
// Exit status: 0 when the specs cover the pages, 1 with one line per finding otherwise, 2 on a
// usage or I/O error. "make docs-check" runs it.
package main

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/portsdk/portsdk/internal/docscheck"
)

// allowList is the reviewed list of deliberate differences, built into the tool.
//
//go:embed allow.txt
var allowList []byte

const allowName = "cmd/docscheck/allow.txt"

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("docscheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	defaultDocs := getenv("DOCS")
	if defaultDocs == "" {
		defaultDocs = "../shared/docs"
	}
	docs := fs.String("docs", defaultDocs, "folder of the vendor pages (*.txt) and notes; default $DOCS, else ../shared/docs")
	specsDir := fs.String("specs", "specs", "folder of the OpenAPI specs")
	allowFile := fs.String("allow", "", "allow-list file (default: "+allowName+", built into the tool)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: docscheck [-docs DIR] [-specs DIR] [-allow FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "docscheck: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}

	opts := docscheck.Options{DocsDir: *docs, SpecsDir: *specsDir, Allow: allowList, AllowName: allowName}
	if *allowFile != "" {
		data, err := os.ReadFile(*allowFile)
		if err != nil {
			fmt.Fprintf(stderr, "docscheck: %v\n", err)
			return 2
		}
		opts.Allow, opts.AllowName = data, *allowFile
	}
	rep, err := docscheck.Check(opts)
	if err != nil {
		fmt.Fprintf(stderr, "docscheck: %v\n", err)
		return 2
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
