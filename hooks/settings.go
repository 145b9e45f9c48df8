package hooks

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"
)

// ErrSettingsSingleton is returned when a second settings record is created.
var ErrSettingsSingleton = errors.New("the portal has exactly one settings record")

func bindSettingsHooks(app core.App) {
	app.OnRecordCreate("settings").BindFunc(func(e *core.RecordEvent) error {
		n, err := e.App.CountRecords("settings")
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrSettingsSingleton
		}
		return e.Next()
	})
}
