// Package specs embeds the hand-written OpenAPI 3 specs of the two APIs, for tests, the in-memory
// test servers and tools. The clients themselves never load them.
package specs

import _ "embed"

// Alaya is specs/alaya.yaml: the Alaya NeW CCI port operations.
//
//go:embed alaya.yaml
var Alaya []byte

// Rainbond is specs/rainbond.yaml: the Rainbond component-port operations.
//
//go:embed rainbond.yaml
var Rainbond []byte
