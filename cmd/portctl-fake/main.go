// Command portctl-fake is portctl with its in-memory servers linked in: 'portctl-fake fake' serves
// the Rainbond console and the Alaya NeW API in memory, 'portctl-fake demo' runs a complete port
// lifecycle against them, and every other portctl command works as in portctl.
//
// 'portctl fake' and 'portctl demo' run this program (found beside portctl, else on PATH), so
// install both:
//
//	go install ./cmd/portctl ./cmd/portctl-fake
//
// The servers live in a program of their own so that portctl does not carry them: linked in, they
// cost every portctl command its start-up (issue 19).
package main

import (
	"context"
	"os"

	"github.com/portsdk/portsdk/internal/portctl/cli"
)

func main() {
	os.Exit(cli.RunFake(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
