package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/loader"
)

// load is `tracegraph load [--strict] [--rejects FILE] DIR|BOOK.xlsx` (SPEC §3, §9):
// exit 0 when clean, 2 with rejects, 1 on failure. A workbook holds one sheet per
// bundle file (sheet `people` for people.csv); `--to-xlsx OUT` instead writes the CSV
// bundle DIR as such a workbook and loads nothing.
func load(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, log zerolog.Logger) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tracegraph load [--strict] [--rejects FILE] DIR|BOOK.xlsx\n       tracegraph load --bulk [--neo4j-home DIR] [--strict] [--rejects FILE] DIR|BOOK.xlsx\n       tracegraph load --to-xlsx OUT.xlsx DIR")
		fs.PrintDefaults()
	}
	strict := fs.Bool("strict", false, "validate the whole bundle first and write nothing if any row is bad")
	rejectsPath := fs.String("rejects", "", "also write the rejects as CSV (file, line, column, reason, raw row) to `FILE`")
	batch := fs.Int("batch", loader.DefaultBatchSize, "rows per write transaction")
	toXLSX := fs.String("to-xlsx", "", "write the CSV bundle as a workbook to `FILE` (one sheet per file) instead of loading it")
	// The bulk path is asked for, never chosen: NEO4J_URI may name a county's server while
	// a stale local store sits in NEO4J_HOME, and a guess would load the wrong database.
	bulk := fs.Bool("bulk", false, "first load only: write a new store for the stopped local Neo4j with Neo4j's bulk importer (docs/loader.md)")
	home := fs.String("neo4j-home", envOr(getenv, "NEO4J_HOME", ".neo4j"), "with --bulk: the local Neo4j's store `DIR` (NEO4J_HOME of deploy/neo4j)")
	importer := fs.String("importer", "deploy/neo4j/neo4j.sh import", "with --bulk: the `COMMAND` that runs Neo4j's importer")
	if err := fs.Parse(interspersed(fs, args)); err != nil {
		return exitError{code: 1, err: err}
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitError{code: 1, err: fmt.Errorf("load: want exactly one bundle (a folder or an .xlsx workbook), got %d arguments", fs.NArg())}
	}
	dir := fs.Arg(0)
	st, err := os.Stat(dir)
	isBook := err == nil && !st.IsDir() && strings.EqualFold(filepath.Ext(dir), ".xlsx")
	if err != nil || (!st.IsDir() && !isBook) || (isBook && *toXLSX != "") {
		return exitError{code: 1, err: fmt.Errorf("load: %s is not a readable folder or .xlsx workbook", dir)}
	}
	if *toXLSX != "" {
		return bundleToWorkbook(dir, *toXLSX, stdout)
	}
	var rejectsOut *os.File
	if *rejectsPath != "" {
		f, err := os.Create(*rejectsPath)
		if err != nil {
			return exitError{code: 1, err: fmt.Errorf("load: --rejects: %w", err)}
		}
		defer f.Close()
		rejectsOut = f
	}

	var rep *loader.Report
	if *bulk {
		loc, err := loadZone(getenv)
		if err != nil {
			return err
		}
		rep, err = loader.Bulk(ctx, dir, loader.BulkOptions{
			Options: loader.Options{Strict: *strict, Loc: loc, Progress: stderr, Log: &log},
			Home:    *home, Importer: strings.Fields(*importer),
		})
		if err != nil {
			return fmt.Errorf("load --bulk %s: %w (running the same command again starts the import over)", dir, err)
		}
	} else {
		env, err := openEnv(ctx, getenv, log, nil)
		if err != nil {
			return err
		}
		defer env.close()
		rep, err = loader.Load(ctx, env.db, dir, loader.Options{
			Strict: *strict, Loc: env.svc.Loc, BatchSize: *batch, Progress: stderr, Log: &log,
		})
		if err != nil {
			return fmt.Errorf("load %s: %w (running the load again finishes it)", dir, err)
		}
	}
	for _, r := range rep.Rejects {
		fmt.Fprintln(stderr, r.String())
	}
	if rejectsOut != nil {
		if err := writeRejects(rejectsOut, rep.Rejects); err != nil {
			return fmt.Errorf("load: --rejects %s: %w", *rejectsPath, err)
		}
	}
	printSummary(stdout, rep)
	if *bulk && rep.Written {
		fmt.Fprintf(stdout, "bulk: store written in %s; start Neo4j on it (make neo4j): the first tracegraph command applies the migrations\n", *home)
	}
	if !rep.Clean() {
		what := "rejected rows were not loaded"
		if !rep.Written {
			what = "--strict: nothing was written"
		}
		return exitError{code: 2, err: fmt.Errorf("load %s: %d rejects; %s", dir, len(rep.Rejects), what)}
	}
	return nil
}

// interspersed moves flags after the folder in front of it, so that both
// `load --strict DIR` and `load DIR --strict` work.
func interspersed(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if f := fs.Lookup(name); f != nil && !strings.Contains(name, "=") {
				if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !(ok && bf.IsBoolFlag()) && i+1 < len(args) {
					flags = append(flags, args[i+1])
					i++
				}
			}
			continue
		}
		rest = append(rest, a)
	}
	return append(flags, rest...)
}

func writeRejects(w io.Writer, rejects []loader.Reject) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"file", "line", "column", "reason", "raw"}); err != nil {
		return err
	}
	for _, r := range rejects {
		if err := cw.Write([]string{r.File, fmt.Sprint(r.Line), r.Column, r.Reason, rawRow(r.Raw)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// rawRow is the row as a CSV line, so that it can be fixed and pasted back.
func rawRow(raw []string) string {
	if raw == nil {
		return ""
	}
	var b strings.Builder
	cw := csv.NewWriter(&b)
	_ = cw.Write(raw)
	cw.Flush()
	return strings.TrimRight(b.String(), "\n")
}

func printSummary(w io.Writer, rep *loader.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\tread\twritten\trejected\ttime\t")
	for _, f := range rep.Files {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t\n", f.File, f.Read, f.Written, f.Rejected, f.Elapsed.Round(1e6))
	}
	read, written := rep.Rows()
	rate := float64(read) / max(rep.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(tw, "total\t%d\t%d\t%d\t%s\t\n", read, written, len(rep.Rejects), rep.Elapsed.Round(1e6))
	tw.Flush()
	fmt.Fprintf(w, "%.0f rows/s\n", rate)
}

func bundleToWorkbook(dir, out string, stdout io.Writer) error {
	f, err := os.Create(out)
	if err != nil {
		return exitError{code: 1, err: fmt.Errorf("load --to-xlsx: %w", err)}
	}
	if err := loader.BundleToWorkbook(f, dir); err != nil {
		f.Close()
		return exitError{code: 1, err: fmt.Errorf("load --to-xlsx: %w", err)}
	}
	if err := f.Close(); err != nil {
		return exitError{code: 1, err: fmt.Errorf("load --to-xlsx: %w", err)}
	}
	fmt.Fprintf(stdout, "wrote %s (one sheet per file of %s); load it with: tracegraph load %s\n", out, dir, out)
	return nil
}
