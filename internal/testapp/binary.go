package testapp

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// Server is a running Ponte binary started by ServeBinary.
type Server struct {
	// URL is the base address, such as http://127.0.0.1:41234.
	URL  string
	cmd  *exec.Cmd
	out  *lockedBuffer
	once sync.Once
}

// Output returns what the process has printed so far.
func (s *Server) Output() string { return s.out.String() }

// Stop interrupts the process (SIGINT, as Ctrl-C) and waits for it, killing
// it after 10 s. It is safe to call more than once; the test's clean-up
// calls it too.
func (s *Server) Stop() {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	})
}

// ServeBinary runs `bin serve --dir dataDir --http 127.0.0.1:<free port>`
// plus extra arguments and returns once the portal answers /login with 200
// (it fails the test after timeout). The process stops when the test ends,
// and its output is logged if the test failed.
func ServeBinary(t testing.TB, bin, dataDir string, timeout time.Duration, extra ...string) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testapp: listening on 127.0.0.1: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &Server{URL: "http://" + addr, out: &lockedBuffer{}}
	s.cmd = exec.Command(bin, append([]string{"serve", "--dir", dataDir, "--http", addr}, extra...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("testapp: starting %s: %v", bin, err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("ponte output:\n%s", s.Output())
		}
	})
	deadline := time.Now().Add(timeout)
	for {
		res, err := http.Get(s.URL + "/login")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("testapp: ponte never answered %s/login:\n%s", s.URL, s.Output())
		}
		time.Sleep(20 * time.Millisecond) // polling a process that is starting up
	}
}

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
