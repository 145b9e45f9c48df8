package training

import (
	"testing"
	"time"
)

func TestNewCodeIsUniqueAndNormalises(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		c := NewCode()
		if len(c) != CodeLength || seen[c] {
			t.Fatalf("bad or repeated code %q", c)
		}
		seen[c] = true
		if NormalizeCode(FormatCode(c)) != c {
			t.Fatalf("formatted code %q does not normalise back", FormatCode(c))
		}
	}
	for _, bad := range []string{"", "abc", "ÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁÁ", "0123456789ABCDEFGHJK0", "0123456789ABCDEFGHJ*", "'; drop table"} {
		if NormalizeCode(bad) != "" {
			t.Errorf("NormalizeCode(%q) accepted", bad)
		}
	}
	if NormalizeCode("o1234-56789-abcde-fghjk") != "0123456789ABCDEFGHJK" {
		t.Errorf("lower case with O not normalised: %q", NormalizeCode("o1234-56789-abcde-fghjk"))
	}
}

func TestExpiryBoundaries(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		issued string
		months int
		want   string
	}{
		{"2026-01-15T10:00:00Z", 12, "2027-01-15T00:00:00Z"},
		{"2026-01-31T23:59:59Z", 1, "2026-02-28T00:00:00Z"},
		{"2028-01-31T00:00:00Z", 1, "2028-02-29T00:00:00Z"},
		{"2026-03-31T12:00:00Z", 6, "2026-09-30T00:00:00Z"},
		{"2026-11-30T12:00:00Z", 3, "2027-02-28T00:00:00Z"},
		// 23:30 in São Paulo is already the next day in UTC.
		{"2026-06-30T23:30:00-03:00", 1, "2026-08-01T00:00:00Z"},
	}
	for _, c := range cases {
		if got := Expiry(d(c.issued), c.months); !got.Equal(d(c.want)) {
			t.Errorf("Expiry(%s, %d) = %s, want %s", c.issued, c.months, got, c.want)
		}
	}
	if !Expiry(time.Now(), 0).IsZero() {
		t.Error("0 months must never expire")
	}

	issued := d("2026-05-10T23:59:59Z")
	exp := Expiry(issued, 1) // 2026-06-10
	if Expired(exp, issued) {
		t.Error("expired on the day it was issued")
	}
	if Expired(exp, d("2026-06-10T23:59:59Z")) {
		t.Error("expired during its last valid day")
	}
	if !Expired(exp, d("2026-06-11T00:00:00Z")) {
		t.Error("not expired at midnight after its last day")
	}
	if Expired(time.Time{}, d("2099-01-01T00:00:00Z")) {
		t.Error("a certificate without expiry expired")
	}
}
