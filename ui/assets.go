package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// assets maps a static path ("app.css") to its content and checksum, read once
// at start-up. Pages link to /static/<sum>/<path> so the browser may cache a
// file forever and still sees a change at once.
type assets struct {
	files map[string][]byte
	sums  map[string]string
}

func loadAssets() (*assets, error) {
	a := &assets{files: map[string][]byte{}, sums: map[string]string{}}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		a.files[p] = b
		a.sums[p] = hex.EncodeToString(h[:6])
		return nil
	})
	return a, err
}

// URL returns the checksum URL of a static file.
func (a *assets) URL(p string) string {
	sum, ok := a.sums[p]
	if !ok {
		return "/static/missing/" + p
	}
	return "/static/" + sum + "/" + p
}

// serve answers /static/{sum}/{path...}. A stale checksum still gets the file,
// with a short cache, so a page rendered before an upgrade keeps working.
func (a *assets) serve(e *core.RequestEvent) error {
	p := e.Request.PathValue("path")
	b, ok := a.files[p]
	if !ok {
		return e.NotFoundError("", nil)
	}
	ctype := mime.TypeByExtension(path.Ext(p))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h := e.Response.Header()
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if e.Request.PathValue("sum") == a.sums[p] {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if strings.HasSuffix(p, ".svg") {
		// Our own icons only; still never let an SVG run script.
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	}
	return e.Blob(http.StatusOK, ctype, b)
}
