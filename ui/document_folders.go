package ui

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// folderListData is the folder manager's data.
type folderListData struct {
	Folders   []*FolderView
	CanDelete bool
}

// documentFolders shows the folder tree with forms to add, rename, move and
// delete folders (staff; the folders rules judge each change).
func (u *portal) documentFolders(e *core.RequestEvent) error {
	return u.renderFolders(e, http.StatusOK, &Page{Errors: map[string]string{}, Values: map[string]string{}})
}

func (u *portal) renderFolders(e *core.RequestEvent, status int, p *Page) error {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	roots, _, err := loadFolders(e.App, info)
	if err != nil {
		return err
	}
	// The Delete rule names no field of a folder, so one existing folder
	// answers for all (a record that is not stored never passes it).
	flat, canDelete := flattenFolders(roots), false
	if len(flat) > 0 {
		probe, err := e.App.FindRecordById("document_folders", flat[0].ID)
		if err != nil {
			return err
		}
		if canDelete, err = access.CanDelete(e.App, access.Info(getCtx(e).User, http.MethodDelete, nil), probe); err != nil {
			return err
		}
	}
	p.Title = u.t(e, "folders.title")
	p.Data = &folderListData{Folders: flat, CanDelete: canDelete}
	return u.render(e, status, "document_folders", p)
}

// readFolderForm validates a folder form into a body.
func (u *portal) readFolderForm(e *core.RequestEvent, p *Page, self string) map[string]any {
	loc := u.locale(e)
	name, parent, order := formValue(e, "name"), formValue(e, "parent"), formValue(e, "order")
	p.Values["name"], p.Values["parent"], p.Values["order"] = name, parent, order
	if name == "" {
		p.Errors["name"] = tr(loc, "validation.required")
	} else if len([]rune(name)) > 120 {
		p.Errors["name"] = tr(loc, "validation.max_text_constraint")
	}
	if parent != "" && (!recordID.MatchString(parent) || parent == self) {
		p.Errors["parent"] = tr(loc, "validation.unknown_folder")
	}
	n := 0
	if order != "" {
		var err error
		if n, err = strconv.Atoi(order); err != nil || n < 0 || n > 9999 {
			p.Errors["order"] = tr(loc, "validation.whole_number", 9999)
		}
	}
	return map[string]any{"name": name, "parent": parent, "order": n}
}

// documentFolderCreate adds a folder.
func (u *portal) documentFolderCreate(e *core.RequestEvent) error {
	user := getCtx(e).User
	p := &Page{Errors: map[string]string{}, Values: map[string]string{}}
	body := u.readFolderForm(e, p, "")
	if len(p.Errors) == 0 {
		c, err := e.App.FindCachedCollectionByNameOrId("document_folders")
		if err != nil {
			return err
		}
		err = access.Create(e.App, access.Info(user, http.MethodPost, body), core.NewRecord(c))
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return u.renderFolders(e, http.StatusBadRequest, p)
	}
	u.setFlash(e, "flash.folder_saved")
	return e.Redirect(http.StatusSeeOther, "/folders")
}

// documentFolderUpdate renames or moves a folder, or deletes it (action
// "delete"; refused while it holds documents or folders).
func (u *portal) documentFolderUpdate(e *core.RequestEvent) error {
	user := getCtx(e).User
	info := access.Info(user, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, "document_folders", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	} else if err != nil {
		return err
	}
	p := &Page{Errors: map[string]string{}, Values: map[string]string{}}
	if formValue(e, "action") == "delete" {
		ok, err := access.CanDelete(e.App, access.Info(user, http.MethodDelete, nil), rec)
		if err != nil {
			return err
		}
		if !ok {
			return e.ForbiddenError("", errors.New("folder not deletable by this user"))
		}
		if err := u.saveError(e, p, e.App.Delete(rec)); err != nil {
			return err
		}
		if len(p.Errors) > 0 {
			p.FormErr = u.t(e, "validation.folder_not_empty")
			return u.renderFolders(e, http.StatusConflict, p)
		}
		u.setFlash(e, "flash.folder_deleted")
		return e.Redirect(http.StatusSeeOther, "/folders")
	}
	body := u.readFolderForm(e, p, rec.Id)
	if len(p.Errors) == 0 {
		err = access.Update(e.App, access.Info(user, http.MethodPatch, body), rec)
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		p.FormErr = u.t(e, "folders.not_saved")
		for _, m := range p.Errors {
			p.FormErr += " " + m
			break
		}
		return u.renderFolders(e, http.StatusBadRequest, p)
	}
	u.setFlash(e, "flash.folder_saved")
	return e.Redirect(http.StatusSeeOther, "/folders")
}
