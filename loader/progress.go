package loader

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress follows the writing of one file at a time.
type progress interface {
	begin(file string, total int)
	add(n int)
	end()
}

// newProgress draws bars on a terminal; elsewhere it logs a line every few seconds
// (redrawing a bar into a log file or a pipe would only make noise).
func newProgress(opts Options) progress {
	if f, ok := opts.Progress.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &barProgress{w: f}
	}
	if opts.Log == nil {
		return nopProgress{}
	}
	every := opts.LogEvery
	if every <= 0 {
		every = 5 * time.Second
	}
	return &logProgress{opts: opts, every: every}
}

type nopProgress struct{}

func (nopProgress) begin(string, int) {}
func (nopProgress) add(int)           {}
func (nopProgress) end()              {}

// barProgress is a live bar per file: rows, rows/s and the time left.
type barProgress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

func (p *barProgress) begin(file string, total int) {
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(file),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetRenderBlankState(true), // starts its clock now, not at the first batch
		progressbar.OptionOnCompletion(func() { _, _ = io.WriteString(p.w, "\n") }),
	)
}

func (p *barProgress) add(n int) { _ = p.bar.Add(n) }
func (p *barProgress) end()      { _ = p.bar.Finish() }

// logProgress logs rows written, rows/s and the time left, at most every `every`.
type logProgress struct {
	opts    Options
	every   time.Duration
	file    string
	total   int
	done    int
	started time.Time
	last    time.Time
}

func (p *logProgress) begin(file string, total int) {
	p.file, p.total, p.done = file, total, 0
	p.started = time.Now()
	p.last = p.started
}

func (p *logProgress) add(n int) {
	p.done += n
	now := time.Now()
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	elapsed := now.Sub(p.started).Seconds()
	rate := float64(p.done) / max(elapsed, 1e-9)
	eta := time.Duration(0)
	if rate > 0 {
		eta = time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
	}
	p.opts.Log.Info().Str("file", p.file).Int("rows", p.done).Int("of", p.total).
		Float64("rows_per_s", float64(int(rate))).Dur("eta", eta.Round(time.Second)).Msg("loading")
}

func (p *logProgress) end() {}
