// Package markdown renders all user-written Markdown (tier benefits, document
// descriptions, announcements, forum posts, messages) to HTML that is safe to
// put in a page: GitHub-flavoured Markdown (tables, task lists, autolinks,
// strikethrough) with heading anchors; raw HTML in the source is dropped
// (goldmark's default, never its unsafe mode); only http, https and mailto
// links and relative links survive (javascript:, data: and every other
// scheme are removed, in links and images alike); every link gets
// rel="nofollow noopener noreferrer".
//
// Pages never render on view: records keep the output in a body_html field
// that hooks refresh when the source changes (see hooks/markdown.go).
package markdown

import (
	"bytes"
	"html"
	"html/template"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// safeLinks removes dangerous destinations and marks every link so it passes
// no referrer or authority.
type safeLinks struct{}

// Transform implements parser.ASTTransformer.
func (safeLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.Link:
			if !SafeURL(string(v.Destination)) {
				v.Destination = []byte("#")
			}
			v.SetAttributeString("rel", []byte("nofollow noopener noreferrer"))
		case *ast.Image:
			if !SafeURL(string(v.Destination)) {
				v.Destination = []byte("")
			}
		case *ast.AutoLink:
			v.SetAttributeString("rel", []byte("nofollow noopener noreferrer"))
		}
		return ast.WalkContinue, nil
	})
}

// SafeURL reports whether a link destination may be rendered: relative
// (path, query or fragment) or with the http, https or mailto scheme. Control
// characters and whitespace inside the scheme, which browsers ignore, and
// character references (resolved only when the HTML is written) do not help
// a hostile one through.
func SafeURL(u string) bool {
	u = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, html.UnescapeString(u))
	if u == "" {
		return true
	}
	colon := strings.IndexByte(u, ':')
	if colon < 0 {
		return true // relative
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 && i < colon {
		return true // the colon is in the path, not a scheme
	}
	switch strings.ToLower(u[:colon]) {
	case "http", "https", "mailto":
		return true
	}
	return false
}

var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(
		parser.WithAutoHeadingID(),
		parser.WithASTTransformers(util.Prioritized(safeLinks{}, 100)),
	),
)

// headingIDs gives headings anchors prefixed with "h-", so a heading called
// "main" can never take an id the page itself uses.
type headingIDs struct{ used map[string]bool }

// Generate implements parser.IDs.
func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(string(value)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	base := "h-" + strings.TrimSuffix(b.String(), "-")
	if base == "h-" {
		base = "h-section"
	}
	id := base
	for i := 1; h.used[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	h.used[id] = true
	return []byte(id)
}

// Put implements parser.IDs.
func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }

// Render converts Markdown to sanitised HTML. An error (which goldmark only
// returns for a failing writer) yields the source as escaped text.
func Render(src string) template.HTML {
	var buf bytes.Buffer
	ctx := parser.NewContext(parser.WithIDs(&headingIDs{used: map[string]bool{}}))
	if err := md.Convert([]byte(src), &buf, parser.WithContext(ctx)); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(buf.String())
}
