package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tracegraph/tracegraph/loader/synth"
)

// gen writes a synthetic county bundle (or, with --demo, the demo county) to --out.
func gen(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stdout)
	people := fs.Int("people", 100_000, "residents of the county")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same files")
	out := fs.String("out", "", "folder to write the bundle to (created if needed)")
	demo := fs.Bool("demo", false, "write the hand-written demo county (examples/county) instead")
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2, err: err}
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitError{code: 2, err: fmt.Errorf("gen: --out DIR is required and no other arguments are taken")}
	}
	start := time.Now()
	if *demo {
		files, err := synth.WriteDemo(*out)
		if err != nil {
			return fmt.Errorf("gen --demo: %w", err)
		}
		printFiles(stdout, files)
		return nil
	}
	if *people < 1 {
		return exitError{code: 2, err: fmt.Errorf("gen: --people must be at least 1, got %d", *people)}
	}
	st, err := synth.Generate(*out, synth.Config{People: *people, Seed: *seed})
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	printFiles(stdout, st.Files)
	fmt.Fprintf(stdout, "%d towns, %d villages, %d households, %d people, %d cases, %d facilities, %d officers, %d checkpoints in %s\n",
		st.Towns, st.Villages, st.Households, st.People, st.Cases, st.Facilities, st.Officers, st.Checkpoints, time.Since(start).Round(time.Millisecond))
	return nil
}

func printFiles(w io.Writer, files []synth.FileStat) {
	total := 0
	for _, f := range files {
		fmt.Fprintf(w, "%-22s %10d rows\n", f.Name, f.Rows)
		total += f.Rows
	}
	fmt.Fprintf(w, "%-22s %10d rows\n", "total", total)
}
