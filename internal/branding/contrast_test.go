package branding

import (
	"math"
	"testing"
)

func TestContrastFollowsWCAG(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#ffff00", "#ffffff", 1.0738},
		{"#767676", "#ffffff", 4.5422}, // the classic lightest grey that passes AA
		{"#777777", "#ffffff", 4.4784},
		{"#0f6e6e", "#ffffff", 6.0417},
	} {
		if got := Contrast(c.a, c.b); math.Abs(got-c.want) > 0.001 {
			t.Errorf("Contrast(%s, %s) = %.4f, want %.4f", c.a, c.b, got, c.want)
		}
	}
	if !ReadableOnWhite("#0f6e6e") || ReadableOnWhite("#ffff00") || ReadableOnWhite("#777777") || !ReadableOnWhite("#767676") {
		t.Fatal("ReadableOnWhite disagrees with the 4.5:1 threshold")
	}
	if FloorRatio(4.4999) != 4.49 || FloorRatio(1.0738) != 1.07 {
		t.Fatal("FloorRatio rounds up")
	}
}

func TestDarkenFindsAReadableShadeOfTheSameHue(t *testing.T) {
	for _, c := range []string{"#ffff00", "#66ccff", "#ff9900", "#ffffff", "#0f6e6e"} {
		d := Darken(c)
		if !ReadableOnWhite(d) {
			t.Errorf("Darken(%s) = %s is not readable (%.2f)", c, d, ContrastWithWhite(d))
		}
		if ReadableOnWhite(c) && d != c {
			t.Errorf("Darken(%s) changed a readable colour to %s", c, d)
		}
	}
	// The lightest passing shade: one step lighter would fail.
	if d := Darken("#ffff00"); ContrastWithWhite(d) > 5 {
		t.Errorf("Darken(#ffff00) = %s is darker than needed (%.2f)", d, ContrastWithWhite(d))
	}
	if Darken("nonsense") != Defaults.Colour {
		t.Error("Darken of an invalid colour should fall back to the default")
	}
}
