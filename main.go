// Command ponte runs the Ponte partner portal: PocketBase plus the portal at "/".
package main

import (
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"github.com/ponte-portal/ponte/internal/demo"
	"github.com/ponte-portal/ponte/internal/kpi"
	"github.com/ponte-portal/ponte/internal/seed"
	"github.com/ponte-portal/ponte/internal/wire"
	_ "github.com/ponte-portal/ponte/pb_migrations"
)

func main() {
	// Dev mode (every SQL statement logged to the terminal) stays off under
	// `go run` so the demo logins are readable; pass --dev to turn it on.
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDev: false})

	// Automigrate writes dashboard edits as Go migrations, but only while
	// developing under `go run`; a built binary never writes source files.
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		TemplateLang: migratecmd.TemplateLangGo,
		Dir:          "pb_migrations",
		Automigrate:  isGoRun(),
	})

	var loadDemo bool
	app.RootCmd.PersistentFlags().BoolVar(&loadDemo, "demo", false,
		"load the demo partner network into an empty database and print the demo logins")

	// Scale data generator and KPI rollup rebuild (definitions in their packages).
	app.RootCmd.AddCommand(seed.Command(app), kpi.Command(app))

	if err := wire.Register(app); err != nil {
		log.Fatal(err)
	}

	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if loadDemo {
			if err := demo.LoadAndReport(e.App, os.Stdout); err != nil {
				return err
			}
		}
		return e.Next()
	})

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}

// isGoRun reports whether the binary was built by `go run` into a temp dir.
func isGoRun() bool {
	return strings.HasPrefix(os.Args[0], os.TempDir()) ||
		strings.Contains(filepath.ToSlash(os.Args[0]), "/go-build")
}
