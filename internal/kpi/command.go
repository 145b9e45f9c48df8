package kpi

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Command returns the `kpi` command group; `ponte kpi rebuild` recomputes
// the rollups from raw data and prints how long it took; `ponte kpi seal`
// brings the running totals up to the last completed month (the server does
// it daily and at start-up).
func Command(app core.App) *cobra.Command {
	root := &cobra.Command{Use: "kpi", Short: "Key figure rollups (kpi_daily, kpi_monthly, kpi_running)"}
	root.AddCommand(&cobra.Command{
		Use:          "seal",
		Short:        "Extend the running totals (kpi_running) through the last completed month",
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			start := time.Now()
			n, err := Seal(app, start)
			if err != nil {
				return err
			}
			sealed, err := Sealed(app)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "kpi seal: %d months sealed in %s; running totals through %q\n",
				n, time.Since(start).Round(time.Millisecond), sealed)
			return nil
		},
	})
	root.AddCommand(&cobra.Command{
		Use:          "rebuild",
		Short:        "Recompute kpi_daily and kpi_monthly from deal_events, activity and certificates",
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			st, err := Rebuild(app)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "kpi rebuild: %d daily rows, %d monthly rows in %s\n",
				st.DailyRows, st.MonthlyRows, st.Took.Round(1e6))
			for _, s := range st.Steps {
				fmt.Fprintf(cmd.OutOrStdout(), "  %-14s %s\n", s.Name, s.Took.Round(1e6))
			}
			return nil
		},
	})
	return root
}
