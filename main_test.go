package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ponte-portal/ponte/internal/demo"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestServeDemoBinary builds the real binary and runs `serve --demo` twice on
// one data dir, as an operator would: the first start loads the demo network
// and prints the logins, the second changes nothing and says so. Both serve
// the portal on a loopback port.
func TestServeDemoBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "ponte")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "pb_data")

	// run starts the binary with --demo, stops it, and returns its output.
	run := func() string {
		srv := testapp.ServeBinary(t, bin, data, time.Minute, "--demo")
		srv.Stop()
		return srv.Output()
	}

	first := run()
	for _, want := range []string{demo.AdminEmail, demo.ManagerEmail, demo.PartnerAdminEmail, demo.PartnerUserEmail,
		demo.SuperuserEmail, demo.DemoPassword} {
		if !strings.Contains(first, want) {
			t.Errorf("first start does not print %q:\n%s", want, first)
		}
	}
	second := run()
	if !strings.Contains(second, "changed nothing") || strings.Contains(second, demo.PartnerUserEmail) {
		t.Errorf("second start should say --demo changed nothing:\n%s", second)
	}
}
