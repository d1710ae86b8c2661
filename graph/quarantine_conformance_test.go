package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

// The conformance vectors (testdata/conformance, SPEC §3–6) replayed through the
// quarantine engine.

type qvQuarantine struct {
	ID         string   `json:"id"`
	Person     string   `json:"person"`
	Kind       string   `json:"kind"`
	Status     string   `json:"status"`
	Start      string   `json:"start"`
	End        string   `json:"end"`
	PlacedAt   *string  `json:"placedAt"`
	Facility   *string  `json:"facility"`
	Officers   []string `json:"officers"`
	Reasons    []string `json:"reasons"`
	Assignment string   `json:"assignment"` // testsDue rows
	Day        int      `json:"day"`
	Date       string   `json:"date"`
	Role       string   `json:"role"` // missingOfficers rows
	Rules      []string `json:"rules"`
}

type qvRun struct {
	AsOf            string         `json:"asOf"`
	Created         []qvQuarantine `json:"created"`
	Extended        []qvQuarantine `json:"extended"`
	Superseded      []qvQuarantine `json:"superseded"`
	Completed       []qvQuarantine `json:"completed"`
	Escalated       []qvQuarantine `json:"escalated"`
	Placed          []qvQuarantine `json:"placed"`
	Pending         []qvQuarantine `json:"pending"`
	Referrals       []qvQuarantine `json:"referrals"`
	MissingOfficers []qvQuarantine `json:"missingOfficers"`
}

type qvChain struct {
	Error    string `json:"error"`
	Traced   *bool  `json:"traced"`
	Contacts []struct {
		Person         string `json:"person"`
		Degree         int    `json:"degree"`
		Class          string `json:"class"`
		LastExposureAt string `json:"lastExposureAt"`
	} `json:"contacts"`
}

type qvReason struct {
	Rule  string `json:"rule"`
	Since string `json:"since"`
	Area  string `json:"area"`
	Trip  string `json:"trip"`
	Case  string `json:"case"`
}

type qVector struct {
	Before struct {
		AsOf   string             `json:"asOf"`
		Chains map[string]qvChain `json:"chains"`
		Risk   map[string]struct {
			Tier    string     `json:"tier"`
			Reasons []qvReason `json:"reasons"`
		} `json:"risk"`
	} `json:"before"`
	Quarantine struct {
		Runs     []qvRun                   `json:"runs"`
		State    []qvQuarantine            `json:"state"`
		TestsDue map[string][]qvQuarantine `json:"testsDue"`
	} `json:"quarantine"`
}

func readQVector(t *testing.T, dir string) *qVector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v qVector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tt, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tt
}

// recordedTracer answers with the tracing results recorded in a qVector's `before`
// section, as of before.asOf, so the quarantine engine can be replayed at that moment
// independently of the tracing engine. The contact roles come from the recorded risk
// reasons (CLOSE_CONTACT, SECONDARY_CONTACT, GENERAL_CONTACT, each with its case and
// lastExposureAt), because those are taken from chains of depth 2 as the engine's are
// (the recorded chains go to depth 3, where a general contact can show as CLOSE at
// degree 3); the arrivals from the arrival reasons.
func recordedTracer(t *testing.T, v *qVector) *fixedTracer {
	tr := &fixedTracer{chains: map[string]*graph.Chain{}, risks: map[string]*graph.Risk{}}
	for id, ch := range v.Before.Chains {
		if ch.Error != "" || (ch.Traced != nil && !*ch.Traced) {
			continue
		}
		tr.chains[id] = &graph.Chain{SourceID: id}
	}
	pids := make([]string, 0, len(v.Before.Risk))
	for pid := range v.Before.Risk {
		pids = append(pids, pid)
	}
	sort.Strings(pids)
	for _, pid := range pids {
		r := v.Before.Risk[pid]
		risk := &graph.Risk{PersonID: pid, Tier: r.Tier}
		for _, reason := range r.Reasons {
			risk.Reasons = append(risk.Reasons, graph.RiskReason{Rule: reason.Rule})
			switch reason.Rule {
			case "HIGH_RISK_ARRIVAL", "MEDIUM_RISK_ARRIVAL":
				level := map[string]string{"HIGH_RISK_ARRIVAL": "high", "MEDIUM_RISK_ARRIVAL": "medium"}[reason.Rule]
				tr.arrivals = append(tr.arrivals, graph.Arrival{PersonID: pid, TripID: reason.Trip, FromArea: reason.Area,
					Level: level, ArriveAt: mustTime(t, reason.Since)})
			case "CLOSE_CONTACT", "SECONDARY_CONTACT", "GENERAL_CONTACT":
				ch := tr.chains[reason.Case]
				if ch == nil {
					t.Fatalf("%s: reason %s names %s, not a traced case", pid, reason.Rule, reason.Case)
				}
				degree, class := 1, graph.ClassClose
				if reason.Rule == "SECONDARY_CONTACT" {
					degree = 2
				} else if reason.Rule == "GENERAL_CONTACT" {
					class = graph.ClassGeneral
				}
				ch.Contacts = append(ch.Contacts, cc(pid, degree, class, mustTime(t, reason.Since)))
			}
		}
		tr.risks[pid] = risk
	}
	return tr
}

// rowOf is the comparable form of an assignment: (person, kind, status, start, end,
// placedAt, facility, officers).
func rowOf(q *graph.Quarantine) string {
	placed := "-"
	if q.PlacedAt != nil {
		placed = q.PlacedAt.UTC().Format(time.RFC3339)
	}
	offs := append([]string(nil), q.OfficerIDs...)
	sort.Strings(offs)
	return strings.Join([]string{q.PersonID, strings.ToUpper(q.Kind), strings.ToUpper(q.Status),
		q.Start.UTC().Format(time.RFC3339), q.End.UTC().Format(time.RFC3339), placed, q.FacilityID, strings.Join(offs, ",")}, " ")
}

func vecRowOf(t *testing.T, q qvQuarantine) string {
	placed := "-"
	if q.PlacedAt != nil {
		placed = mustTime(t, *q.PlacedAt).UTC().Format(time.RFC3339)
	}
	fac := ""
	if q.Facility != nil {
		fac = *q.Facility
	}
	offs := append([]string(nil), q.Officers...)
	sort.Strings(offs)
	return strings.Join([]string{q.Person, q.Kind, q.Status, mustTime(t, q.Start).UTC().Format(time.RFC3339),
		mustTime(t, q.End).UTC().Format(time.RFC3339), placed, fac, strings.Join(offs, ",")}, " ")
}

func compareSets(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func compareRun(t *testing.T, label string, got *graph.QuarantineRun, want qvRun) {
	t.Helper()
	lists := []struct {
		name string
		got  []*graph.Quarantine
		want []qvQuarantine
	}{{"created", got.Created, want.Created}, {"extended", got.Extended, want.Extended},
		{"superseded", got.Superseded, want.Superseded}, {"completed", got.Completed, want.Completed},
		{"escalated", got.Escalated, want.Escalated}, {"placed", got.Placed, want.Placed},
		{"pending", got.Pending, want.Pending}}
	for _, l := range lists {
		var g, w []string
		for _, q := range l.got {
			g = append(g, rowOf(q))
		}
		for _, q := range l.want {
			w = append(w, vecRowOf(t, q))
		}
		compareSets(t, label+" "+l.name, g, w)
	}
	var g, w []string
	for _, r := range got.Referrals {
		g = append(g, r.PersonID+" "+strings.Join(r.Rules, ","))
	}
	for _, r := range want.Referrals {
		rules := append([]string(nil), r.Rules...)
		sort.Strings(rules)
		w = append(w, r.Person+" "+strings.Join(rules, ","))
	}
	compareSets(t, label+" referrals", g, w)
	g, w = nil, nil
	for _, m := range got.MissingOfficers {
		g = append(g, m.PersonID+" "+m.Role)
	}
	for _, m := range want.MissingOfficers {
		w = append(w, m.Person+" "+m.Role)
	}
	compareSets(t, label+" missing officers", g, w)
}

func loadQBundle(t *testing.T, db *graph.DB, dir string) {
	t.Helper()
	rep, err := loader.Load(context.Background(), db, filepath.Join(dir, "bundle"), loader.Options{Loc: sh})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Clean() {
		// the vectors hold deliberately bad rows; the good ones load
		t.Logf("%s: %d rejected rows", dir, len(rep.Rejects))
	}
}

// TestConformanceFirstRunFromRecordedChains replays each qVector's first run (at
// before.asOf, with no assignments yet) with the chains, arrivals and risk reasons the
// qVector records, and compares every list.
func TestConformanceFirstRunFromRecordedChains(t *testing.T) {
	dirs, _ := filepath.Glob("../testdata/conformance/case*")
	if len(dirs) == 0 {
		t.Fatal("no conformance vectors in testdata/conformance")
	}
	svc := graphtest.MustService(t)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			if err := svc.DB.DeleteAllData(context.Background()); err != nil {
				t.Fatal(err)
			}
			v := readQVector(t, dir)
			first := v.Quarantine.Runs[0]
			if first.AsOf != v.Before.AsOf {
				t.Fatalf("first run at %s, chains recorded at %s", first.AsOf, v.Before.AsOf)
			}
			loadQBundle(t, svc.DB, dir)
			run, err := graph.RunQuarantinesWith(svc, context.Background(), recordedTracer(t, v), mustTime(t, first.AsOf), false)
			if err != nil {
				t.Fatal(err)
			}
			compareRun(t, "run 1", run, first)
		})
	}
}

// TestConformanceQuarantineRuns replays every qVector's quarantine section through the
// real tracing engine: each run in order, then the final state and testsDue.
func TestConformanceQuarantineRuns(t *testing.T) {
	dirs, _ := filepath.Glob("../testdata/conformance/case*")
	if len(dirs) == 0 {
		t.Fatal("no conformance vectors in testdata/conformance")
	}
	svc := graphtest.MustService(t)
	ctx := context.Background()
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			if err := svc.DB.DeleteAllData(ctx); err != nil {
				t.Fatal(err)
			}
			v := readQVector(t, dir)
			loadQBundle(t, svc.DB, dir)
			var ids []string
			for i, want := range v.Quarantine.Runs {
				run, err := svc.AssignQuarantines(ctx, mustTime(t, want.AsOf))
				if err != nil {
					t.Fatalf("run %d: %v", i+1, err)
				}
				compareRun(t, fmt.Sprintf("run %d", i+1), run, want)
				for _, q := range run.Created {
					ids = append(ids, q.ID)
				}
			}
			state, err := svc.QuarantinesByID(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			var g, w []string
			for _, q := range state {
				g = append(g, rowOf(q))
			}
			for _, q := range v.Quarantine.State {
				w = append(w, vecRowOf(t, q))
			}
			compareSets(t, "state", g, w)
			// testsDue rows name assignments by the qVector's ids: compare by person and day
			for date, want := range v.Quarantine.TestsDue {
				d, _ := graph.ParseDate(date)
				got, err := svc.TestsDue(ctx, d)
				if err != nil {
					t.Fatal(err)
				}
				var g, w []string
				for _, td := range got {
					g = append(g, fmt.Sprintf("%s d%d %s %s", td.PersonID, td.Day, td.Date, td.FacilityID))
				}
				for _, td := range want {
					fac := ""
					if td.Facility != nil {
						fac = *td.Facility
					}
					w = append(w, fmt.Sprintf("%s d%d %s %s", td.Person, td.Day, td.Date, fac))
				}
				compareSets(t, "testsDue "+date, g, w)
			}
		})
	}
}
