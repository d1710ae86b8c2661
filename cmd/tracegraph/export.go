package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/loader"
	"github.com/tracegraph/tracegraph/workbook"
)

// export is `tracegraph export quarantines --as-of T [--area CODE] --format csv|json|xlsx
// [--out FILE] [--unmasked]`: the quarantine list teams print and phone through. ID numbers and
// phones are masked (SPEC §8) unless --unmasked is given by an operator entitled to
// see them.
func export(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, log zerolog.Logger) error {
	if len(args) == 0 || args[0] != "quarantines" {
		fmt.Fprintln(stderr, "usage: tracegraph export quarantines [--as-of T] [--area CODE] [--format csv|json|xlsx] [--out FILE] [--unmasked]")
		return exitError{code: 2, err: fmt.Errorf("export: want `quarantines`, the one list there is to export")}
	}
	fs := flag.NewFlagSet("export quarantines", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asOfFlag := fs.String("as-of", "", "the moment: RFC 3339 or local `2020-01-26 12:00` (default now)")
	area := fs.String("area", "", "only people whose household is in this area `CODE` or below")
	format := fs.String("format", "csv", "csv, json or xlsx (a workbook with one sheet, quarantines)")
	outPath := fs.String("out", "", "write to `FILE` instead of standard output")
	unmasked := fs.Bool("unmasked", false, "print ID numbers and phones whole")
	if err := fs.Parse(args[1:]); err != nil {
		return exitError{code: 2, err: err}
	}
	if fs.NArg() != 0 {
		return exitError{code: 2, err: fmt.Errorf("export quarantines: unexpected arguments %v", fs.Args())}
	}
	if *format != "csv" && *format != "json" && *format != "xlsx" {
		return exitError{code: 2, err: fmt.Errorf("export quarantines: --format %q: want csv, json or xlsx", *format)}
	}
	loc, err := loadZone(getenv)
	if err != nil {
		return err
	}
	asOf := time.Now()
	if *asOfFlag != "" {
		if asOf, err = loader.ParseTime(*asOfFlag, loc, false); err != nil {
			return exitError{code: 2, err: fmt.Errorf("export quarantines: --as-of %q: %v", *asOfFlag, err)}
		}
	}
	env, err := openEnv(ctx, getenv, log, nil)
	if err != nil {
		return err
	}
	defer env.close()
	rows, err := env.svc.ExportQuarantines(ctx, asOf, *area)
	if err != nil {
		return fmt.Errorf("export quarantines: %w", err)
	}
	read := make([]string, len(rows))
	for i, r := range rows {
		read[i] = r.PersonID
	}
	if err := auditCommandRead(ctx, env.svc, getenv, "command export quarantines", read); err != nil {
		return err
	}
	recs := graph.ExportRecords(rows, loc, !*unmasked)
	if *outPath != "" {
		f, err := os.Create(*outPath)
		if err != nil {
			return fmt.Errorf("export quarantines: --out: %w", err)
		}
		defer f.Close()
		stdout = f
	}
	if *format == "xlsx" {
		// The same records as CSV: masked and formula-neutralised by ExportRecords.
		return workbook.Write(stdout, workbook.Sheet{Name: graph.ExportSheet, Header: graph.ExportHeader, Rows: recs})
	}
	if *format == "json" {
		out := make([]map[string]string, len(recs))
		for i, r := range recs {
			out[i] = map[string]string{}
			for j, h := range graph.ExportHeader {
				out[i][h] = r[j]
			}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := csv.NewWriter(stdout)
	_ = w.Write(graph.ExportHeader)
	_ = w.WriteAll(recs)
	return w.Error()
}
