package branding

import (
	"fmt"
	"math"
	"strconv"
)

// MinContrast is the contrast WCAG 2.1 AA asks of normal-size text (1.4.3).
// The brand colour is the background of white button labels and the colour
// of links on white, so both pairs need it (they are the same ratio).
const MinContrast = 4.5

// rgb parses #rrggbb; ok is false for anything else.
func rgb(hex string) (r, g, b float64, ok bool) {
	if !hexColour.MatchString(hex) {
		return 0, 0, 0, false
	}
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		return 0, 0, 0, false
	}
	return float64(v >> 16 & 0xff), float64(v >> 8 & 0xff), float64(v & 0xff), true
}

// linear turns one sRGB channel (0–255) into linear light (WCAG 2.1).
func linear(c float64) float64 {
	c /= 255
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

// Luminance is a colour's relative luminance (0 black … 1 white) as WCAG
// defines it; an invalid colour counts as white.
func Luminance(hex string) float64 {
	r, g, b, ok := rgb(hex)
	if !ok {
		return 1
	}
	return 0.2126*linear(r) + 0.7152*linear(g) + 0.0722*linear(b)
}

// Contrast is the WCAG contrast ratio of two colours, from 1 to 21.
func Contrast(a, b string) float64 {
	la, lb := Luminance(a), Luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// ContrastWithWhite is the ratio of white text on the colour.
func ContrastWithWhite(hex string) float64 { return Contrast(hex, "#ffffff") }

// ReadableOnWhite reports whether white text on the colour (and the colour as
// text on white) reaches MinContrast.
func ReadableOnWhite(hex string) bool { return ContrastWithWhite(hex) >= MinContrast }

// Darken returns the lightest shade of the colour (same hue, channels scaled
// down together) whose contrast with white reaches MinContrast; a colour that
// already passes comes back unchanged.
func Darken(hex string) string {
	r, g, b, ok := rgb(hex)
	if !ok {
		return Defaults.Colour
	}
	for f := 1.0; f > 0; f -= 0.01 {
		c := fmt.Sprintf("#%02x%02x%02x", int(r*f), int(g*f), int(b*f))
		if ReadableOnWhite(c) {
			return c
		}
	}
	return "#000000"
}

// FloorRatio rounds a contrast ratio down to two decimals, so a refused
// colour is never shown as reaching the threshold ("4.5" for 4.499).
func FloorRatio(x float64) float64 { return math.Floor(x*100) / 100 }
