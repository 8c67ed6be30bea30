// Command portctl lists, adds, changes and removes container ports on Rainbond and Alaya NeW, makes
// them match a ports file (apply, diff), and serves both APIs in memory for trying it out (fake,
// demo). Settings come from flags or the environment (RAINBOND_*, ALAYA_*); output is a table, or
// JSON or YAML with -o. Exit status: 0 success, 1 the API refused or could not be reached, 2 bad
// usage or invalid input (nothing sent), 4 the server refused the credential.
//
// 'portctl --help' and docs/portctl/ (written by cmd/portctl-docs) describe every command; the
// commands themselves are in internal/portctl/cli.
package main

import (
	"context"
	"os"

	"github.com/portsdk/portsdk/internal/portctl/cli"
)

func main() {
	os.Exit(cli.Run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
