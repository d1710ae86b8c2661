package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/loader"
)

// export is `tracegraph export quarantines --as-of T [--area CODE] --format csv|json
// [--unmasked]`: the quarantine list teams print and phone through. ID numbers and
// phones are masked (SPEC §8) unless --unmasked is given by an operator entitled to
// see them.
func export(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, log zerolog.Logger) error {
	if len(args) == 0 || args[0] != "quarantines" {
		fmt.Fprintln(stderr, "usage: tracegraph export quarantines [--as-of T] [--area CODE] [--format csv|json] [--unmasked]")
		return exitError{code: 2, err: fmt.Errorf("export: want `quarantines`, the one list there is to export")}
	}
	fs := flag.NewFlagSet("export quarantines", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asOfFlag := fs.String("as-of", "", "the moment: RFC 3339 or local `2020-01-26 12:00` (default now)")
	area := fs.String("area", "", "only people whose household is in this area `CODE` or below")
	format := fs.String("format", "csv", "csv or json")
	unmasked := fs.Bool("unmasked", false, "print ID numbers and phones whole")
	if err := fs.Parse(args[1:]); err != nil {
		return exitError{code: 2, err: err}
	}
	if fs.NArg() != 0 {
		return exitError{code: 2, err: fmt.Errorf("export quarantines: unexpected arguments %v", fs.Args())}
	}
	if *format != "csv" && *format != "json" {
		return exitError{code: 2, err: fmt.Errorf("export quarantines: --format %q: want csv or json", *format)}
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
	recs := graph.ExportRecords(rows, loc, !*unmasked)
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
