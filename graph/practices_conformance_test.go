package graph_test

// The replay of the SPEC §10–12 vectors (testdata/conformance/practices*): load the
// bundle, then ask zoning, sweepCoverage, returnees, awayResidents, workerLedger and the
// risk of a person whose fever was read at a visit; no quarantine runs (README).

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

type practicesVector struct {
	Zoning map[string]struct {
		AsOf  time.Time
		Root  string
		Areas []vecZone
	}
	Sweeps []struct {
		AreaCode string
		From, To time.Time
		Answer   vecSweep
	}
	Returnees map[string][]vecLedger
	Away      map[string][]struct {
		Person, At, Level string
		Since             time.Time
	}
	Workers map[string][]struct {
		Employer         string
		Workers          []vecLedger
		MissingYesterday int
	}
	Fever struct {
		AsOf   time.Time
		Person string
		Risk   struct {
			Tier      string
			ExpiresAt *time.Time
			Reasons   []struct {
				Rule             string
				Since, ExpiresAt *time.Time
				Visit            string
			}
		}
	}
}

type vecZone struct {
	Area, Level, Assessed, Current, Proposal string
	ConfirmedTotal, New14                    int
	ClusterWithin14d                         bool
	Cluster                                  any
	LastConfirmedAt                          *time.Time
	LowFrom                                  *string
}

type vecSweep struct {
	Area                                      string
	Households, Visited, People, AccountedFor int
	NotVisited                                []struct {
		Household    string
		LastNoAnswer *time.Time
	}
	NotAccountedFor []string
	Children        []vecSweep
}

type vecLedger struct {
	Person, Trip, From, OriginLevel string
	ArrivedAt                       time.Time
	Quarantine                      any
	MissingReports                  []string
}

func readPracticesVector(t *testing.T, dir string) practicesVector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v practicesVector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s/expected.json: %v", dir, err)
	}
	return v
}

func TestPracticesConformance(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(conformanceDir, "practices*"))
	if len(dirs) == 0 {
		t.Fatal("no practices vectors in testdata/conformance")
	}
	svc := graphtest.MustService(t)
	ctx := context.Background()
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			v := readPracticesVector(t, dir)
			if err := svc.DB.DeleteAllData(ctx); err != nil {
				t.Fatal(err)
			}
			loadVector(t, svc, dir)
			replayPractices(t, svc, v)
		})
	}
}

func fmtDates(ds []graph.Date) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

func replayPractices(t *testing.T, svc *graph.Service, v practicesVector) {
	ctx := context.Background()
	for key, want := range v.Zoning {
		zones, err := svc.Zoning(ctx, want.AsOf, "", nil)
		if err != nil {
			t.Fatalf("zoning %s: %v", key, err)
		}
		var got, exp []string
		for _, z := range zones {
			lowFrom := "null"
			if z.LowFrom != nil {
				lowFrom = z.LowFrom.String()
			}
			got = append(got, strings.Join([]string{z.Area.Code, z.Area.Level, z.Assessed, z.Current, z.Proposal,
				itoa(z.ConfirmedTotal), itoa(z.New), boolS(z.ClusterWithin), boolS(z.ClusterA != ""), fmtTP(z.LastConfirmedAt), lowFrom}, " "))
		}
		for _, a := range want.Areas {
			lowFrom := "null"
			if a.LowFrom != nil {
				lowFrom = *a.LowFrom
			}
			exp = append(exp, strings.Join([]string{a.Area, a.Level, a.Assessed, a.Current, a.Proposal,
				itoa(a.ConfirmedTotal), itoa(a.New14), boolS(a.ClusterWithin14d), boolS(a.Cluster != nil), fmtTP(a.LastConfirmedAt), lowFrom}, " "))
		}
		diffLines(t, "zoning "+key, got, exp)
	}
	for _, sw := range v.Sweeps {
		got, err := svc.SweepCoverage(ctx, sw.AreaCode, sw.From, sw.To, nil)
		if err != nil {
			t.Fatalf("sweepCoverage %s: %v", sw.AreaCode, err)
		}
		diffLines(t, "sweepCoverage "+sw.AreaCode, sweepLines(got, true), expSweepLines(sw.Answer, true))
	}
	for key, want := range v.Returnees {
		asOf := mustParse(t, key)
		got, err := svc.Returnees(ctx, asOf, "", 14, "", nil)
		if err != nil {
			t.Fatalf("returnees %s: %v", key, err)
		}
		var g, e []string
		for _, r := range got {
			g = append(g, ledgerLine(r, true))
		}
		for _, r := range want {
			e = append(e, expLedgerLine(r, true))
		}
		diffLines(t, "returnees "+key, sorted(g), sorted(e))
	}
	for key, want := range v.Away {
		asOf := mustParse(t, key)
		got, err := svc.AwayResidents(ctx, asOf, "", "", nil)
		if err != nil {
			t.Fatalf("awayResidents %s: %v", key, err)
		}
		var g, e []string
		for _, r := range got {
			g = append(g, strings.Join([]string{r.PersonID, r.AreaCode, fmtT(r.Since), r.Level}, " "))
		}
		for _, r := range want {
			e = append(e, strings.Join([]string{r.Person, r.At, fmtT(r.Since), r.Level}, " "))
		}
		diffLines(t, "awayResidents "+key, sorted(g), sorted(e))
	}
	for key, want := range v.Workers {
		asOf := mustParse(t, key)
		got, err := svc.WorkerLedger(ctx, asOf, "", "", nil)
		if err != nil {
			t.Fatalf("workerLedger %s: %v", key, err)
		}
		var g, e []string
		for _, l := range got {
			g = append(g, l.Employer.ID+" missingYesterday="+itoa(l.MissingYesterday))
			for _, w := range l.Workers {
				g = append(g, l.Employer.ID+" "+ledgerLine(w, false))
			}
		}
		for _, l := range want {
			e = append(e, l.Employer+" missingYesterday="+itoa(l.MissingYesterday))
			for _, w := range l.Workers {
				e = append(e, l.Employer+" "+expLedgerLine(w, false))
			}
		}
		diffLines(t, "workerLedger "+key, sorted(g), sorted(e))
	}
	if f := v.Fever; f.Person != "" {
		r, err := svc.Risk(ctx, f.Person, f.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		g := []string{r.Tier + " " + fmtTP(r.ExpiresAt)}
		e := []string{f.Risk.Tier + " " + fmtTP(f.Risk.ExpiresAt)}
		for _, x := range r.Reasons {
			g = append(g, x.Rule+" "+fmtTP(x.Since)+" "+fmtTP(x.ExpiresAt)+" "+x.VisitHouseholdID)
		}
		for _, x := range f.Risk.Reasons {
			e = append(e, x.Rule+" "+fmtTP(x.Since)+" "+fmtTP(x.ExpiresAt)+" "+x.Visit)
		}
		diffLines(t, "fever risk of "+f.Person, sorted(g), sorted(e))
	}
}

func sweepLines(s *graph.SweepCoverage, withChildren bool) []string {
	out := []string{strings.Join([]string{s.Area.Code, itoa(s.Households), itoa(s.Visited), itoa(s.People), itoa(s.AccountedFor)}, " ")}
	for _, h := range s.NotVisited {
		out = append(out, s.Area.Code+" notVisited "+h.HouseholdID+" "+fmtTP(h.LastNoAnswer))
	}
	for _, p := range s.NotAccountedFor {
		out = append(out, s.Area.Code+" notAccountedFor "+p.PersonID)
	}
	if withChildren {
		for _, c := range s.Children {
			out = append(out, sweepLines(c, false)...)
		}
	}
	return out
}

func expSweepLines(s vecSweep, withChildren bool) []string {
	out := []string{strings.Join([]string{s.Area, itoa(s.Households), itoa(s.Visited), itoa(s.People), itoa(s.AccountedFor)}, " ")}
	for _, h := range s.NotVisited {
		out = append(out, s.Area+" notVisited "+h.Household+" "+fmtTP(h.LastNoAnswer))
	}
	for _, p := range s.NotAccountedFor {
		out = append(out, s.Area+" notAccountedFor "+p)
	}
	if withChildren {
		for _, c := range s.Children {
			out = append(out, expSweepLines(c, false)...)
		}
	}
	return out
}

func ledgerLine(r graph.LedgerEntry, origin bool) string {
	q := "null"
	if r.QuarantineID != "" {
		q = r.QuarantineKind
	}
	parts := []string{r.PersonID, r.TripID, fmtT(r.ArriveAt)}
	if origin {
		parts = append(parts, r.FromArea, r.OriginLevel)
	}
	return strings.Join(append(parts, q, strings.Join(fmtDates(r.MissingReports), ",")), " ")
}

func expLedgerLine(r vecLedger, origin bool) string {
	q := "null"
	if r.Quarantine != nil {
		q = "open"
	}
	parts := []string{r.Person, r.Trip, fmtT(r.ArrivedAt)}
	if origin {
		parts = append(parts, r.From, r.OriginLevel)
	}
	return strings.Join(append(parts, q, strings.Join(r.MissingReports, ",")), " ")
}

func diffLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got:\n  %s\n want:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func sorted(s []string) []string { sort.Strings(s); return s }

func itoa(n int) string { return strconv.Itoa(n) }

func boolS(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func mustParse(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The ledgers show the open quarantine: after a run, the returnees from a medium-risk
// origin are under health monitoring, and the ledger says so.
func TestLedgersShowTheOpenQuarantine(t *testing.T) {
	svc := graphtest.MustService(t)
	ctx := context.Background()
	if err := svc.DB.DeleteAllData(ctx); err != nil {
		t.Fatal(err)
	}
	loadVector(t, svc, filepath.Join(conformanceDir, "practices01"))
	asOf := mustParse(t, "2020-01-21T12:00:00+08:00")
	if _, err := svc.AssignQuarantines(ctx, asOf); err != nil {
		t.Fatal(err)
	}
	got, err := svc.Returnees(ctx, asOf, "", 14, "medium", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("no returnees from medium-risk origins")
	}
	for _, e := range got {
		if e.OriginLevel != "medium" && e.OriginLevel != "high" {
			t.Errorf("%s %s: origin %s kept by fromLevel medium", e.PersonID, e.TripID, e.OriginLevel)
		}
		if e.QuarantineID == "" || e.QuarantineKind == "" {
			t.Errorf("%s %s: no open quarantine shown after the run", e.PersonID, e.TripID)
		}
	}
	workers, err := svc.WorkerLedger(ctx, asOf, "EM01", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(workers) != 1 || len(workers[0].Workers) == 0 || workers[0].Workers[0].QuarantineKind == "" {
		t.Errorf("worker ledger of EM01 after the run: %+v", workers)
	}
	if _, err := svc.WorkerLedger(ctx, asOf, "EM99", "", nil); err == nil {
		t.Error("an unknown employer is not an error")
	}
}
