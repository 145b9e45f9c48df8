// Package csvexport writes CSV files for spreadsheet tools: UTF-8 with a
// byte-order mark, RFC 4180 quoting, and cells that a spreadsheet would run as
// a formula neutralised. Rows are written as they come, so an export of any
// size streams in constant memory.
package csvexport

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
)

// bom makes Excel read the file as UTF-8.
const bom = "\ufeff"

// Writer streams rows to an io.Writer.
type Writer struct {
	w   *csv.Writer
	out io.Writer
	n   int
}

// New starts a CSV file on out, writing the byte-order mark first.
func New(out io.Writer) (*Writer, error) {
	if _, err := io.WriteString(out, bom); err != nil {
		return nil, err
	}
	return &Writer{w: csv.NewWriter(out), out: out}, nil
}

// Start sets the download headers on w for a file called name and returns a
// Writer on it. name must be plain ASCII without quotes.
func Start(w http.ResponseWriter, name string) (*Writer, error) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	return New(w)
}

// Row writes one row, neutralising every cell, and flushes every 500 rows
// so a long export reaches the client as it is written.
func (w *Writer) Row(cells ...string) error {
	for i, c := range cells {
		cells[i] = Neutralise(c)
	}
	if err := w.w.Write(cells); err != nil {
		return err
	}
	w.n++
	if w.n%500 == 0 {
		return w.Flush()
	}
	return nil
}

// Flush sends buffered rows to the underlying writer (and, for an HTTP
// response, to the client).
func (w *Writer) Flush() error {
	w.w.Flush()
	if f, ok := w.out.(http.Flusher); ok {
		f.Flush()
	}
	return w.w.Error()
}

// Neutralise makes a cell that a spreadsheet would evaluate as a formula
// (starting with =, +, -, @, tab or carriage return, possibly after
// spaces) plain text by prefixing a single quote, as OWASP recommends.
// Plain negative numbers ("-12.5") are left alone.
func Neutralise(cell string) string {
	t := strings.TrimLeft(cell, " ")
	if t == "" {
		return cell
	}
	switch t[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + cell
	case '-':
		if isNumber(t[1:]) {
			return cell
		}
		return "'" + cell
	}
	return cell
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	dot := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}
