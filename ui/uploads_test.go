package ui_test

import (
	"net/http"
	"testing"

	"github.com/ponte-portal/ponte/internal/testapp"
)

var svgFile = []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>`)

func TestProfilePhoto(t *testing.T) {
	app, srv := newServer(t)
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	b.get("/profile")
	r := b.multipartPostField("/profile/photo", nil, "avatar", "me.png", pngBytes(t))
	expectStatus(t, r, http.StatusSeeOther, "upload photo")
	u, _ := app.FindRecordById("users", testapp.AcmeUserID)
	if u.GetString("avatar") == "" {
		t.Fatal("avatar not saved")
	}
	expectContains(t, b.get("/profile"), "photo shown", `src="/api/files/`+u.Collection().Id+`/`+u.Id+`/`, "Sua foto foi salva.")
	// Colleagues see it beside the name.
	expectContains(t, signedIn(t, app, srv, testapp.AcmeAdminEmail).get("/organisation"), "colleague photo", `/`+u.Id+`/`+u.GetString("avatar"))

	r = b.multipartPostField("/profile/photo", nil, "avatar", "me.svg", svgFile)
	expectStatus(t, r, http.StatusBadRequest, "svg photo")
	expectContains(t, r, "svg photo", "Escolha uma imagem PNG, JPEG, WebP ou GIF.")
	expectStatus(t, b.multipartPostField("/profile/photo", nil, "", "", nil), http.StatusBadRequest, "no file")
	r = b.multipartPostField("/profile/photo", map[string]string{"remove_avatar": "1"}, "", "", nil)
	expectStatus(t, r, http.StatusSeeOther, "remove photo")
	if u, _ := app.FindRecordById("users", testapp.AcmeUserID); u.GetString("avatar") != "" {
		t.Fatal("avatar not removed")
	}
}

func TestPartnerLogo(t *testing.T) {
	app, srv := newServer(t)
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	carla.get("/partners/acme-brasil/edit")
	fields := map[string]string{"name": "Acme Brasil Ltda", "country": "BR", "website": "https://acme.example"}
	r := carla.multipartPostField("/partners/acme-brasil/edit", fields, "logo", "logo.png", pngBytes(t))
	expectStatus(t, r, http.StatusSeeOther, "partner admin uploads logo")
	p, _ := app.FindRecordById("partners", testapp.PartnerAcme)
	if p.GetString("logo") == "" {
		t.Fatal("logo not saved")
	}
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectContains(t, admin.get("/partners"), "logo in directory", `/`+p.Id+`/`+p.GetString("logo"))
	r = carla.multipartPostField("/partners/acme-brasil/edit", fields, "logo", "logo.svg", svgFile)
	expectStatus(t, r, http.StatusBadRequest, "svg logo")
	expectContains(t, r, "svg logo", "Escolha uma imagem PNG, JPEG, WebP ou GIF.")
	// A partner user cannot change it.
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	diego.get("/profile")
	expectStatus(t, diego.multipartPostField("/partners/acme-brasil/edit", fields, "logo", "x.png", pngBytes(t)), http.StatusForbidden, "partner user logo")
}
