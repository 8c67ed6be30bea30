package cli

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"go.yaml.in/yaml/v3"
)

// outputFormat is the value of -o/--output.
type outputFormat string

const (
	outputTable outputFormat = "table"
	outputJSON  outputFormat = "json"
	outputYAML  outputFormat = "yaml"
)

func (o *outputFormat) String() string { return string(*o) }
func (o *outputFormat) Type() string   { return "format" }
func (o *outputFormat) Set(s string) error {
	switch f := outputFormat(s); f {
	case outputTable, outputJSON, outputYAML:
		*o = f
		return nil
	}
	return errors.New("must be table, json or yaml")
}

// reportEncoders write -o json and -o yaml: what print prints, and the report of apply and diff.
var reportEncoders = map[string]func(io.Writer, any) error{"json": writeJSON, "yaml": writeYAML}

// print writes v as JSON or YAML (reportEncoders: the API's own field names), or as the table tbl
// prints. The output is built first and written at once, so a failure leaves stdout empty.
func (e *env) print(v any, tbl func(w io.Writer) error) error {
	var b bytes.Buffer
	if encode := reportEncoders[string(e.output)]; encode != nil {
		tbl = func(w io.Writer) error { return encode(w, v) }
	}
	if err := tbl(&b); err != nil {
		return err
	}
	_, err := e.stdout.Write(b.Bytes())
	return err
}

// writeJSON prints v as indented JSON. Every string is shown escaped where a terminal could act on
// it: encoding/json escapes the C0 controls and U+2028/U+2029, escapeQuoted DEL, the C1 controls
// and the bidi controls.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeQuoted(b.Bytes()))
	return err
}

// writeYAML prints v as YAML with the field names and order of its JSON form. It takes any string
// (a server's included): one holding a character a terminal could act on or YAML refuses is written
// double-quoted with that character escaped, and reads back as the same string.
func writeYAML(w io.Writer, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	// JSON is YAML: decoding it into a node keeps the order of the fields and the type of every
	// value (a string that looks like a number stays a string). escapeQuoted hides from the YAML
	// reader the characters it refuses (DEL, C1 controls, U+FFFE) or folds (U+0085, U+2028).
	var doc yaml.Node
	if err := yaml.Unmarshal(escapeQuoted(raw), &doc); err != nil {
		return fmt.Errorf("yaml: %w", err)
	}
	blockStyle(&doc)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	// The encoder escapes in double quotes what YAML deems unprintable, not the bidi controls.
	_, err = w.Write(escapeQuoted(b.Bytes()))
	return err
}

// blockStyle drops the flow style ({...}, [...], "...") that n has from its JSON source; the
// encoder quotes a string only where YAML needs it. A string holding a yamlUnsafe character is
// double-quoted, the one style in which all of them can be escaped.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	if n.Kind == yaml.ScalarNode && strings.ContainsFunc(n.Value, yamlUnsafe) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// table prints rows under a header, aligned; an empty cell is shown as "-", a character a terminal
// could act on (a tab too) escaped.
func table(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = terminalSafe(cmp.Or(c, "-"))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}
