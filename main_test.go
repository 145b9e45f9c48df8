package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ponte-portal/ponte/internal/demo"
)

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeDemoBinary builds the real binary and runs `serve --demo` twice on
// one data dir, as an operator would: the first start loads the demo network
// and prints the logins, the second changes nothing and says so. Both serve
// the portal on a loopback port.
func TestServeDemoBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ponte")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "pb_data")

	run := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		out := &lockedBuffer{}
		cmd := exec.CommandContext(ctx, bin, "serve", "--demo", "--dir", data, "--http", addr)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}()
		url := fmt.Sprintf("http://%s/login", addr)
		for {
			res, err := http.Get(url)
			if err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					return out.String()
				}
			}
			select {
			case <-ctx.Done():
				t.Fatalf("the portal never answered %s:\n%s", url, out.String())
			case <-time.After(50 * time.Millisecond):
			}
		}
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
