package ui

import "embed"

// templateFS holds layout, partials and pages, parsed once at start-up.
//
//go:embed templates
var templateFS embed.FS

// staticFS holds the stylesheet, icons and vendored libraries.
//
//go:embed static
var staticFS embed.FS
