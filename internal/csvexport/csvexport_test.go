package csvexport

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestNeutralise(t *testing.T) {
	cases := map[string]string{
		`=HYPERLINK("http://x","y")`: `'=HYPERLINK("http://x","y")`,
		"+1+1":                       "'+1+1",
		"@SUM(A1)":                   "'@SUM(A1)",
		"  =1+1":                     "'  =1+1",
		"\t=1":                       "'\t=1",
		"-2+3":                       "'-2+3",
		"-12.5":                      "-12.5",
		"Acme Ltda":                  "Acme Ltda",
		"":                           "",
		"São Paulo":                  "São Paulo",
	}
	for in, want := range cases {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriterQuotesAndBOM(t *testing.T) {
	var buf bytes.Buffer
	w, err := New(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Row("name", "note"); err != nil {
		t.Fatal(err)
	}
	if err := w.Row(`Café "Lusitano", Lda.`, "line1\nline2"); err != nil {
		t.Fatal(err)
	}
	if err := w.Row("=cmd|' /C calc'!A0", "ok"); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeff") {
		t.Fatalf("no byte-order mark: %q", out[:10])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][0] != `Café "Lusitano", Lda.` || rows[1][1] != "line1\nline2" {
		t.Fatalf("round trip lost data: %q", rows)
	}
	if rows[2][0] != "'=cmd|' /C calc'!A0" {
		t.Fatalf("formula not neutralised: %q", rows[2][0])
	}
}
