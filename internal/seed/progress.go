package seed

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws a bar on w: redrawn in place (carriage return) on a
// terminal, a plain line every 5 % otherwise (logs, CI, pipes).
type progress struct {
	w         io.Writer
	tty       bool
	total     int
	done      int
	phase     string
	start     time.Time
	lastDraw  time.Time
	lastShown int // percent of the last plain line
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: max(total, 1), start: time.Now(), lastShown: -5}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// setPhase names what is being generated.
func (p *progress) setPhase(name string) {
	p.phase = name
	p.draw(true)
}

// add counts n more rows written.
func (p *progress) add(n int) {
	p.done += n
	p.draw(false)
}

func (p *progress) draw(force bool) {
	if p.w == nil {
		return
	}
	pct := min(100*p.done/p.total, 99)
	if p.done >= p.total && p.phase == "done" {
		pct = 100
	}
	now := time.Now()
	if p.tty {
		if !force && now.Sub(p.lastDraw) < 100*time.Millisecond {
			return
		}
	} else if !force && pct < p.lastShown+5 {
		return
	}
	p.lastDraw, p.lastShown = now, pct-pct%5
	el := now.Sub(p.start)
	rate := 0.0
	if el > 0 {
		rate = float64(p.done) / el.Seconds()
	}
	const width = 30
	bar := strings.Repeat("=", width*pct/100) + strings.Repeat(" ", width-width*pct/100)
	line := fmt.Sprintf("seed %3d%% [%s] %-13s %11s rows %9s rows/s %6s",
		pct, bar, p.phase, group(p.done), group(int(rate)), el.Round(time.Second))
	if p.tty {
		fmt.Fprint(p.w, "\r"+line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

// finish ends the bar's line.
func (p *progress) finish() {
	if p.w == nil {
		return
	}
	p.done, p.phase = p.total, "done"
	p.draw(true)
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

// group writes n with thousands separators: 2,000,000.
func group(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
