package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/loader"
)

// quarantine is `tracegraph quarantine --as-of T [--dry-run] [--json]`: one run of the
// quarantine engine (SPEC §6). With --dry-run the run is computed and rolled back.
func quarantine(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, log zerolog.Logger) error {
	fs := flag.NewFlagSet("quarantine", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tracegraph quarantine [--as-of TIME] [--dry-run] [--json]")
		fs.PrintDefaults()
	}
	asOfFlag := fs.String("as-of", "", "the moment to run as of: RFC 3339 or local `2020-01-26 12:00` (default now)")
	dry := fs.Bool("dry-run", false, "compute the run and roll it back: nothing is written")
	asJSON := fs.Bool("json", false, "print the run as JSON")
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2, err: err}
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitError{code: 2, err: fmt.Errorf("quarantine: unexpected arguments %v", fs.Args())}
	}
	loc, err := loadZone(getenv)
	if err != nil {
		return err
	}
	asOf := time.Now()
	if *asOfFlag != "" {
		asOf, err = loader.ParseTime(*asOfFlag, loc, false)
		if err != nil {
			return exitError{code: 2, err: fmt.Errorf("quarantine: --as-of %q: %v", *asOfFlag, err)}
		}
	}
	env, err := openEnv(ctx, getenv, log, nil)
	if err != nil {
		return err
	}
	defer env.close()
	var run *graph.QuarantineRun
	if *dry {
		run, err = env.svc.DryRunQuarantines(ctx, asOf)
	} else {
		run, err = env.svc.AssignQuarantines(ctx, asOf)
	}
	if err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(runJSON(run, env.svc.Loc))
	}
	printRun(stdout, run, env.svc.Loc)
	return nil
}

func printRun(w io.Writer, r *graph.QuarantineRun, loc *time.Location) {
	head := "run " + r.RunID
	switch {
	case r.DryRun:
		head = "dry run (rolled back)"
	case r.RunID == "":
		head = "run: nothing changed"
	}
	fmt.Fprintf(w, "%s as of %s\n", head, r.AsOf.In(loc).Format(time.RFC3339))
	for _, l := range runLists(r) {
		fmt.Fprintf(w, "%-11s %d\n", l.name, len(l.qs))
		for _, q := range l.qs {
			fmt.Fprintf(w, "  %s %s %s %s %s→%s", q.ID, q.PersonID, q.Kind, q.Status,
				q.Start.In(loc).Format("2006-01-02 15:04"), q.End.In(loc).Format("2006-01-02 15:04"))
			if q.FacilityID != "" {
				fmt.Fprintf(w, " @%s", q.FacilityID)
			}
			if len(q.OfficerIDs) > 0 {
				fmt.Fprintf(w, " officers %s", strings.Join(q.OfficerIDs, ","))
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "%-11s %d\n", "referrals", len(r.Referrals))
	for _, ref := range r.Referrals {
		fmt.Fprintf(w, "  %s %s\n", ref.PersonID, strings.Join(ref.Rules, ","))
	}
	var phases []string
	for _, p := range r.Phases {
		phases = append(phases, fmt.Sprintf("%s %s", p.Name, p.Duration.Round(time.Millisecond)))
	}
	defer fmt.Fprintf(w, "took        %s\n", strings.Join(phases, ", "))
	fmt.Fprintf(w, "%-11s %d\n", "unstaffed", len(r.MissingOfficers))
	for _, m := range r.MissingOfficers {
		fmt.Fprintf(w, "  %s %s no %s officer\n", m.QuarantineID, m.PersonID, m.Role)
	}
}

type namedList struct {
	name string
	qs   []*graph.Quarantine
}

func runLists(r *graph.QuarantineRun) []namedList {
	return []namedList{{"created", r.Created}, {"extended", r.Extended}, {"superseded", r.Superseded},
		{"completed", r.Completed}, {"escalated", r.Escalated}, {"placed", r.Placed}, {"pending", r.Pending}}
}

func runJSON(r *graph.QuarantineRun, loc *time.Location) map[string]any {
	ts := func(t time.Time) string { return t.In(loc).Format(time.RFC3339) }
	out := map[string]any{"runId": r.RunID, "asOf": ts(r.AsOf), "dryRun": r.DryRun}
	for _, l := range runLists(r) {
		rows := []map[string]any{}
		for _, q := range l.qs {
			row := map[string]any{"id": q.ID, "person": q.PersonID, "kind": q.Kind, "status": q.Status,
				"start": ts(q.Start), "end": ts(q.End), "placedAt": nil, "facility": nil,
				"officers": append([]string{}, q.OfficerIDs...), "reasons": append([]string{}, graph.SplitReasons(q.Reason)...)}
			if q.PlacedAt != nil {
				row["placedAt"] = ts(*q.PlacedAt)
			}
			if q.FacilityID != "" {
				row["facility"] = q.FacilityID
			}
			rows = append(rows, row)
		}
		out[l.name] = rows
	}
	refs := []map[string]any{}
	for _, ref := range r.Referrals {
		refs = append(refs, map[string]any{"person": ref.PersonID, "rules": ref.Rules})
	}
	out["referrals"] = refs
	missing := []map[string]any{}
	for _, m := range r.MissingOfficers {
		missing = append(missing, map[string]any{"assignment": m.QuarantineID, "person": m.PersonID, "role": m.Role})
	}
	out["missingOfficers"] = missing
	return out
}
