// Command portctl lists, adds, changes and removes container ports on Rainbond and Alaya NeW, and
// serves both APIs in memory for trying it out.
//
//	portctl rainbond ports list|add|update|delete   the ports of a Rainbond component
//	portctl alaya ports list|open|close             the ports of an Alaya NeW CCI instance
//	portctl fake                                    both APIs in memory, with one component and one instance
//	portctl demo                                    a complete port lifecycle against the fake
//	portctl apply -f FILE | diff -f FILE            make a component's or instance's ports match a file
//	portctl version | completion SHELL              the version; shell completion
//
// Connection settings come from flags or, better for secrets, from the environment: RAINBOND_URL,
// RAINBOND_TOKEN, RAINBOND_TEAM, RAINBOND_REGION, RAINBOND_APP, RAINBOND_COMPONENT, ALAYA_URL,
// ALAYA_ACCESS_KEY and ALAYA_SECRET_KEY (or ALAYA_API_KEY, a bearer key), ALAYA_INSTANCE. Output is
// an aligned table, or JSON or YAML with -o json|yaml; --debug (PORTCTL_DEBUG=1) logs each HTTP
// attempt on stderr.
//
// Exit status: 0 on success, 1 when the API refused or could not be reached, 2 for bad usage or
// invalid input (nothing is sent then), 4 when the server refused the credential. Every command
// takes --help; the reference of every command is in docs/portctl/ (cmd/portctl-docs writes it, and
// man pages). The commands themselves are in internal/portctl/cli.
package main

import (
	"context"
	"os"

	"github.com/portsdk/portsdk/internal/portctl/cli"
)

func main() {
	os.Exit(cli.Run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
