package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/portsdk/portsdk/wrapper"
)

// versionInfo is what 'portctl version' prints.
type versionInfo struct {
	Version   string `json:"version"`   // the module version, e.g. "0.1.0"
	GoVersion string `json:"goVersion"` // e.g. "go1.25.4"
	Platform  string `json:"platform"`  // GOOS/GOARCH
}

// moduleVersion is the version of the main module when the binary was built from a tagged release
// of it ('go install github.com/portsdk/portsdk/cmd/portctl@v0.2.0'), else wrapper.Version: a build
// from a clone says "(devel)", and one from an untagged commit carries a pseudo-version.
func moduleVersion(info *debug.BuildInfo, ok bool) string {
	if ok && info != nil {
		v := info.Main.Version
		if semver.IsValid(v) && semver.Build(v) == "" && !module.IsPseudoVersion(v) {
			return strings.TrimPrefix(v, "v")
		}
	}
	return wrapper.Version
}

// Version is portctl's version as 'portctl version' prints it, e.g. "0.1.0".
func Version() string {
	info, ok := debug.ReadBuildInfo()
	return moduleVersion(info, ok)
}

// printVersion, the RunE of 'portctl version' and 'portctl --version', prints the version as one
// line, or as an object with -o json or yaml.
func (e *env) printVersion(*cobra.Command, []string) error {
	v := versionInfo{Version: Version(), GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	return e.print(v, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "portctl %s (%s, %s)\n", v.Version, v.GoVersion, v.Platform)
		return err
	})
}

func newVersionCmd(e *env) *cobra.Command {
	return mark(&cobra.Command{
		Use:   "version",
		Short: "print the version of portctl, Go and the platform",
		Long: `Print the version of portctl (the module's release when installed from a tag, else the
version in the source), the Go version it was built with and the platform. 'portctl --version'
prints the same.`,
		Example: examples(`portctl version            # portctl 0.1.0 (go1.25.4, linux/amd64)
portctl version -o json    # {"version": "0.1.0", "goVersion": "go1.25.4", "platform": "linux/amd64"}`),
		RunE: e.printVersion,
	}, annotTakesOutput)
}
