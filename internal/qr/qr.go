// Package qr draws QR codes as inline SVG for printed pages (the
// certificate's verification link). Encoding is github.com/piglig/go-qr's
// (ISO/IEC 18004, no dependencies); this package only lays the modules out
// as one SVG path, so the page needs no image request and no inline style.
package qr

import (
	"fmt"
	"html/template"
	"image"
	"image/color"
	"strconv"
	"strings"

	goqr "github.com/piglig/go-qr"
)

// quiet is the blank margin around the symbol, in modules (the standard's
// minimum is four).
const quiet = 4

// Code is an encoded QR symbol.
type Code struct {
	size int
	dark func(x, y int) bool
}

// Encode encodes text with error correction level M (15 % of the symbol may
// be lost: a printed page survives a fold or a smudge).
func Encode(text string) (*Code, error) {
	q, err := goqr.EncodeText(text, goqr.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr: encode: %w", err)
	}
	return &Code{size: q.Size(), dark: q.Module}, nil
}

// Size is the symbol's width in modules, without the quiet zone.
func (c *Code) Size() int { return c.size }

// SVG draws the symbol with its quiet zone as an <svg> element scaled by CSS
// (viewBox in modules), labelled with label for screen readers. Each row's
// runs of dark modules become one path segment, so a version 4 symbol is a
// few kilobytes.
func (c *Code) SVG(label string) template.HTML {
	n := c.size + 2*quiet
	var path strings.Builder
	for y := 0; y < c.size; y++ {
		for x := 0; x < c.size; {
			if !c.dark(x, y) {
				x++
				continue
			}
			start := x
			for x < c.size && c.dark(x, y) {
				x++
			}
			path.WriteString("M" + strconv.Itoa(start+quiet) + " " + strconv.Itoa(y+quiet) +
				"h" + strconv.Itoa(x-start) + "v1h-" + strconv.Itoa(x-start) + "z")
		}
	}
	dim := strconv.Itoa(n)
	svg := `<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 ` + dim + ` ` + dim +
		`" role="img" aria-label="` + template.HTMLEscapeString(label) + `" shape-rendering="crispEdges">` +
		`<rect width="` + dim + `" height="` + dim + `" fill="#fff"/>` +
		`<path fill="#000" d="` + path.String() + `"/></svg>`
	return template.HTML(svg) // built from numbers and an escaped label only
}

// Image draws the symbol with its quiet zone at scale pixels per module, for
// tests that decode what was drawn.
func (c *Code) Image(scale int) image.Image {
	n := (c.size + 2*quiet) * scale
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			mx, my := x/scale-quiet, y/scale-quiet
			v := uint8(255)
			if mx >= 0 && my >= 0 && mx < c.size && my < c.size && c.dark(mx, my) {
				v = 0
			}
			img.SetGray(x, y, color.Gray{Y: v})
		}
	}
	return img
}
