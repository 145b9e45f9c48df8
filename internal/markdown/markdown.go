// Package markdown renders user-written Markdown to HTML that is safe to put
// in a page: raw HTML in the source is dropped (goldmark's default, never its
// unsafe mode), dangerous link schemes are removed, and every link gets
// rel="nofollow noopener noreferrer".
package markdown

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkAttributes marks every link so it passes no referrer or authority.
type linkAttributes struct{}

// Transform implements parser.ASTTransformer: it adds rel to every link.
func (linkAttributes) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Link, *ast.AutoLink:
			n.SetAttributeString("rel", []byte("nofollow noopener noreferrer"))
		}
		return ast.WalkContinue, nil
	})
}

var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(
		parser.WithASTTransformers(util.Prioritized(linkAttributes{}, 100)),
	),
)

// Render converts Markdown to sanitised HTML. An error (which goldmark only
// returns for a failing writer) yields the source as escaped text.
func Render(src string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(buf.String())
}
