package ui

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/ponte-portal/ponte/internal/i18n"
)

// maxFormBytes bounds every portal form body; maxUploadBytes bounds a
// multipart form carrying a file (a logo), whose own field limit is smaller.
const (
	maxFormBytes   = 64 << 10
	maxUploadBytes = 4 << 20
)

// largeUploadPath matches the routes that take document files, whose limit
// is the operator's setting rather than maxUploadBytes. Their routes also
// drop PocketBase's default 32 MB body limit.
var largeUploadPath = regexp.MustCompile(`^/documents/(new|[a-z0-9]{15}/versions)$`)

// uploadLimitKey holds the document upload limit of a request, for the 413
// page to state it.
const uploadLimitKey = "ponte.upload_limit"

// parseForm reads a urlencoded form with a size limit, once (the CSRF check
// reads it first; handlers calling it again get the parsed form). Any
// malformed body is a 400, an oversized one a 413, never a 500.
func parseForm(e *core.RequestEvent) error {
	if e.Request.PostForm != nil {
		return nil
	}
	if strings.HasPrefix(e.Request.Header.Get("Content-Type"), "multipart/form-data") {
		limit := int64(maxUploadBytes)
		if largeUploadPath.MatchString(e.Request.URL.Path) {
			// Document files: the operator's limit plus room for the form.
			limit = getCtx(e).Brand.MaxUploadBytes
			e.Set(uploadLimitKey, limit)
			limit += 1 << 20
		} else if messageUploadPath.MatchString(e.Request.URL.Path) {
			limit = maxMessageUploadBytes // conversations: five attachments
		}
		if e.Request.ContentLength > limit {
			return e.Error(http.StatusRequestEntityTooLarge, "", errors.New("upload over the limit"))
		}
		e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, limit)
		if err := e.Request.ParseMultipartForm(1 << 20); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return e.Error(http.StatusRequestEntityTooLarge, "", err)
			}
			return e.BadRequestError("", err)
		}
		return nil
	}
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, maxFormBytes)
	if err := e.Request.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return e.Error(http.StatusRequestEntityTooLarge, "", err)
		}
		return e.BadRequestError("", err)
	}
	return nil
}

// formValue returns a trimmed form field with invalid UTF-8 removed.
func formValue(e *core.RequestEvent, name string) string {
	v := strings.TrimSpace(e.Request.PostFormValue(name))
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "")
	}
	return v
}

// validationMessages turns the field errors of a failed Save (PocketBase's
// validation.Errors) into translated messages beside the fields. The boolean
// is false when err is not a validation error.
func validationMessages(locale string, err error) (map[string]string, bool) {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return nil, false
	}
	out := map[string]string{}
	for field, ferr := range verrs {
		code := "invalid"
		var ve validation.Error
		if errors.As(ferr, &ve) {
			code = ve.Code()
		}
		key := "validation." + strings.TrimPrefix(code, "validation_")
		if !i18n.Has(i18n.EN, key) {
			key = "validation.invalid"
		}
		out[field] = i18n.T(locale, key)
	}
	return out, true
}

// tr translates key into locale (i18n.T under a short name for handlers).
func tr(locale, key string, args ...any) string { return i18n.T(locale, key, args...) }

// t translates key into the request's locale.
func (u *portal) t(e *core.RequestEvent, key string, args ...any) string {
	return i18n.T(u.locale(e), key, args...)
}

// parseAmount reads a non-negative amount typed in either locale's style:
// "1.250.000,50", "1,250,000.50", "1250000" or "1250000,5".
func parseAmount(s string) (float64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" {
		return 0, nil
	}
	lastDot, lastComma := strings.LastIndex(s, "."), strings.LastIndex(s, ",")
	switch {
	case lastComma > lastDot && strings.Count(s, ",") == 1 && lastDot < 0 && len(s)-lastComma-1 == 3:
		// "250,000": a thousands separator, not three decimals.
		s = strings.ReplaceAll(s, ",", "")
	case lastComma > lastDot: // comma is the decimal separator
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	case lastDot > lastComma && strings.Count(s, ".") == 1 && lastComma < 0 && len(s)-lastDot-1 == 3:
		// "250.000": a thousands separator, not three decimals.
		s = strings.ReplaceAll(s, ".", "")
	default:
		s = strings.ReplaceAll(s, ",", "")
	}
	if strings.Count(s, ".") > 1 {
		s = strings.Replace(s, ".", "", strings.Count(s, ".")-1)
	}
	return strconv.ParseFloat(s, 64)
}

// uploadedFile returns the file sent in a multipart form's field, if any.
func uploadedFile(e *core.RequestEvent, field string) (*filesystem.File, error) {
	if e.Request.MultipartForm == nil {
		return nil, nil
	}
	fhs := e.Request.MultipartForm.File[field]
	if len(fhs) == 0 || fhs[0].Size == 0 {
		return nil, nil
	}
	return filesystem.NewFileFromMultipart(fhs[0])
}

// checkedUpload reads the file sent in a multipart form's field, if any:
// over maxBytes, of a type (sniffed from its first 512 bytes) not in types,
// or refused by accept (nil accepts all), it puts msgKey's message beside
// the field; otherwise it puts the file into body. With no file, a ticked
// "remove_<field>" box clears the field. It runs before the record's own
// validation, whose messages name types the form does not offer.
func checkedUpload(e *core.RequestEvent, loc string, p *Page, body map[string]any, field string,
	maxBytes int64, types []string, msgKey string, accept func(*multipart.FileHeader) bool) {
	mf := e.Request.MultipartForm
	if mf == nil || len(mf.File[field]) == 0 || mf.File[field][0].Size == 0 {
		if formValue(e, "remove_"+field) == "1" {
			body[field] = ""
		}
		return
	}
	fh := mf.File[field][0]
	if fh.Size > maxBytes || (accept != nil && !accept(fh)) {
		p.Errors[field] = tr(loc, msgKey)
		return
	}
	rd, err := fh.Open()
	if err != nil {
		p.Errors[field] = tr(loc, "validation.invalid_file")
		return
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(rd, head)
	rd.Close()
	if !slices.Contains(types, http.DetectContentType(head[:n])) {
		p.Errors[field] = tr(loc, msgKey)
		return
	}
	f, err := uploadedFile(e, field)
	if err != nil || f == nil {
		p.Errors[field] = tr(loc, "validation.invalid_file")
		return
	}
	body[field] = f
}

// maxPage bounds the page number a list accepts.
const maxPage = 100000

// listQuery reads the parts every list page shares: the search text (at most
// 100 characters of valid UTF-8) and the 1-based page number. Bad values get
// a translated message in errs under "q" or "page".
func listQuery(loc string, q url.Values, errs map[string]string) (search string, page int) {
	search = strings.TrimSpace(q.Get("q"))
	if !utf8.ValidString(search) || utf8.RuneCountInString(search) > 100 {
		errs["q"] = tr(loc, "validation.search_too_long")
		search = ""
	}
	page = 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			errs["page"] = tr(loc, "validation.invalid")
		} else {
			page = n
		}
	}
	return search, page
}

// listURL links to a list page with the non-empty filters and the page.
func listURL(path string, filters map[string]string, page int) string {
	v := url.Values{}
	for k, s := range filters {
		if s != "" {
			v.Set(k, s)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// Pager is the previous/next navigation under a list.
type Pager struct {
	Page             int
	PrevURL, NextURL string
}

// newPager links the neighbours of page; hasMore says whether a next page exists.
func newPager(path string, filters map[string]string, page int, hasMore bool) Pager {
	pg := Pager{Page: page}
	if page > 1 {
		pg.PrevURL = listURL(path, filters, page-1)
	}
	if hasMore {
		pg.NextURL = listURL(path, filters, page+1)
	}
	return pg
}
