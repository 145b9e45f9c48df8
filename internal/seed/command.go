package seed

import (
	"fmt"
	"os"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Command returns the `seed` command: `ponte seed --partners 2000 --users
// 20000 --deals 200000 --events 2000000 --months 12 --seed 1` fills the data
// dir's database with a generated network, drawing progress on stderr.
func Command(app core.App) *cobra.Command {
	o := DefaultOptions()
	var until string
	cmd := &cobra.Command{
		Use:          "seed",
		Short:        "Generate a deterministic partner network at scale (for benchmarks and demos)",
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if until != "" {
				t, err := time.Parse(time.DateOnly, until)
				if err != nil {
					return fmt.Errorf("seed: --until must be a date such as 2026-11-30")
				}
				o.Until = t
			}
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			// The process's stderr itself: the bar is redrawn in place only
			// on a terminal, which a wrapping writer would hide.
			return Run(app, o, os.Stderr)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Partners, "partners", o.Partners, "partner organisations")
	f.IntVar(&o.Users, "users", o.Users, "partner people (managers and an admin come on top)")
	f.IntVar(&o.Deals, "deals", o.Deals, "registered deals, each with its stage history")
	f.IntVar(&o.Events, "events", o.Events, "activity events")
	f.IntVar(&o.Months, "months", o.Months, "months of history")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed: the same seed and --until give the same data")
	f.StringVar(&until, "until", "", "last day of the history, YYYY-MM-DD (default today, UTC)")
	f.BoolVar(&o.Force, "force", false, "add to a database that already holds partners")
	return cmd
}
