package synth_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

// graphCounts is nodes per label and relationships per type, each with the number of
// properties they carry: equal counts after a second load mean nothing was duplicated
// and nothing gained or lost a property.
func graphCounts(t *testing.T, db *graph.DB) map[string]int64 {
	t.Helper()
	out, err := graph.Read(context.Background(), db, "test counts", func(ctx context.Context, tx graph.Tx) (map[string]int64, error) {
		m := map[string]int64{}
		for _, q := range []string{
			`MATCH (n) WHERE NOT n:Migration AND NOT n:Feed AND NOT n:Change RETURN labels(n)[0] AS k, count(*) AS n, sum(size(keys(n))) AS p`,
			`MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS n, sum(size(keys(r))) AS p`,
		} {
			res, err := tx.Run(ctx, q, nil)
			if err != nil {
				return nil, err
			}
			for res.Next(ctx) {
				rec := res.Record()
				k, _ := rec.Get("k")
				n, _ := rec.Get("n")
				p, _ := rec.Get("p")
				m[k.(string)] = n.(int64)
				m[k.(string)+".props"] = p.(int64)
			}
			if err := res.Err(); err != nil {
				return nil, err
			}
		}
		return m, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func loadClean(t *testing.T, db *graph.DB, dir string) *loader.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := loader.Load(ctx, db, dir, loader.Options{})
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	if !rep.Clean() {
		var lines []string
		for i, r := range rep.Rejects {
			if i == 10 {
				lines = append(lines, fmt.Sprintf("… %d in all", len(rep.Rejects)))
				break
			}
			lines = append(lines, r.String())
		}
		t.Fatalf("load %s rejected rows:\n%s", dir, strings.Join(lines, "\n"))
	}
	return rep
}

// wantCounts is what a bundle must become: one node per key, one relationship per row.
func wantCounts(b map[string]rows) map[string]int64 {
	n := func(f string) int64 { return int64(len(b[f].recs)) }
	members := int64(0)
	for _, r := range b["people.csv"].recs {
		if r[6] != "" {
			members++
		}
	}
	return map[string]int64{
		"Area": n("areas.csv"), "RiskDesignation": n("risk_designations.csv"), "Household": n("households.csv"),
		"Person": n("people.csv"), "Case": n("cases.csv"), "Trip": n("trips.csv"), "Event": n("events.csv"),
		"Test": n("tests.csv"), "Checkpoint": n("checkpoints.csv"), "Facility": n("facilities.csv"),
		"Officer": n("officers.csv"), "HealthReport": n("health_reports.csv"),
		"MEMBER_OF": members, "ATTENDED": n("attendance.csv"), "CONTACTED": n("contacts.csv"),
		"PASSED": n("passages.csv"), "RESPONSIBLE_FOR": n("responsibilities.csv"), "HAS_CASE": n("cases.csv"),
		"TOOK": n("trips.csv"), "TESTED": n("tests.csv"), "REPORTED": n("health_reports.csv"),
	}
}

func checkCounts(t *testing.T, got, want map[string]int64) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got[k] != want[k] {
			t.Errorf("%s: %d in the graph, want %d", k, got[k], want[k])
		}
	}
}

// The demo county loads with no rejects, into one node per key and one relationship
// per row; loading it again changes nothing.
func TestLoadDemoTwice(t *testing.T) {
	db := graphtest.MustOpen(t)
	b := checkBundle(t, examplesCounty)
	loadClean(t, db, examplesCounty)
	first := graphCounts(t, db)
	checkCounts(t, first, wantCounts(b))
	loadClean(t, db, examplesCounty)
	if second := graphCounts(t, db); !maps.Equal(first, second) {
		t.Errorf("a second load changed the graph:\nfirst  %v\nsecond %v", first, second)
	}
}

// A generated county loads with no rejects and every row lands.
func TestLoadGeneratedCounty(t *testing.T) {
	db := graphtest.MustOpen(t)
	dir, _ := generate(t, 3000, 11)
	b := checkBundle(t, dir)
	loadClean(t, db, dir)
	checkCounts(t, graphCounts(t, db), wantCounts(b))
}

// The demo's story holds under the tracing rules: as of January 26, the contacts of
// 李建国 (P0001) are close or general exactly as the README tells.
func TestDemoStoryTraces(t *testing.T) {
	db := graphtest.MustOpen(t)
	loadClean(t, db, examplesCounty)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	svc := graph.NewService(db, graph.DefaultPolicy(), loc)
	asOf := time.Date(2020, 1, 26, 0, 0, 0, 0, loc)
	chain, err := svc.ContactChain(context.Background(), "P0001", 1, asOf)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range chain.Contacts {
		got[c.PersonID] = c.Class
	}
	want := map[string]string{
		"P0002": "CLOSE", "P0003": "CLOSE", "P0004": "CLOSE", "P0005": "CLOSE", // household
		"P0006": "CLOSE", "P0007": "CLOSE", "P0008": "CLOSE", "P0009": "CLOSE", "P0010": "CLOSE", "P0011": "CLOSE", // dinner
		"P0018": "CLOSE", "P0020": "CLOSE", "P0022": "GENERAL", // G1722: carriage 05, carriage 08
		"P0033": "CLOSE", "P0035": "CLOSE", "P0036": "GENERAL", // the market: both close; ten minutes
		"P0016": "CLOSE", "P0017": "GENERAL", "P0012": "GENERAL", "P0014": "CLOSE", // 15, 14, 5 min, unknown
		"P0037": "GENERAL", // protected
	}
	for id, class := range want {
		if got[id] != class {
			t.Errorf("%s: class %q, want %s", id, got[id], class)
		}
	}
	for _, id := range []string{"P0023", "P0025", "P0026", "P0027", "P0029"} { // the flight was someone else's
		if _, ok := got[id]; ok {
			t.Errorf("%s is a contact of P0001, but shared nothing with him", id)
		}
	}
	// On the flight of 周敏 (P0023, 14C), rows within ±3 are close, ±4 general.
	chain, err = svc.ContactChain(context.Background(), "P0023", 1, time.Date(2020, 1, 28, 0, 0, 0, 0, loc))
	if err != nil {
		t.Fatal(err)
	}
	got = map[string]string{}
	for _, c := range chain.Contacts {
		got[c.PersonID] = c.Class
	}
	for id, class := range map[string]string{"P0025": "CLOSE", "P0027": "CLOSE", "P0026": "GENERAL", "P0029": "GENERAL", "P0024": "CLOSE"} {
		if got[id] != class {
			t.Errorf("flight CZ3861: %s class %q, want %s", id, got[id], class)
		}
	}
}

// The demo's SPEC §10–12 story holds: the sweep of 白塔乡 misses what the README says,
// the returning workers are on their employers' ledgers, and zoning proposes 白塔乡
// medium → low with the county still medium.
func TestDemoPracticesStory(t *testing.T) {
	db := graphtest.MustOpen(t)
	loadClean(t, db, examplesCounty)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	svc := graph.NewService(db, graph.DefaultPolicy(), loc)
	sw, err := svc.SweepCoverage(ctx, "411530102", time.Date(2020, 1, 27, 0, 0, 0, 0, loc), time.Date(2020, 1, 28, 23, 59, 0, 0, loc), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sw.Children) != 2 {
		t.Fatalf("白塔乡 has %d villages in the sweep", len(sw.Children))
	}
	for _, v := range sw.Children {
		noAnswer := 0
		for _, h := range v.NotVisited {
			if h.LastNoAnswer != nil {
				noAnswer++
			}
		}
		if len(v.NotVisited) != 2 || noAnswer != 1 || len(v.NotAccountedFor) != 1 || v.Visited != v.Households-2 {
			t.Errorf("%s: %d households, %d visited, missed %+v, not accounted for %+v", v.Area.Code, v.Households, v.Visited, v.NotVisited, v.NotAccountedFor)
		}
	}
	workers, err := svc.WorkerLedger(ctx, time.Date(2020, 1, 30, 12, 0, 0, 0, loc), "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, l := range workers {
		count[l.Employer.ID] = len(l.Workers)
	}
	if count["EM01"] != 1 || count["EM02"] != 2 {
		t.Errorf("returning workers by employer: %v, want EM01 1 (黄涛), EM02 2 (张伟, 何静)", count)
	}
	zones, err := svc.Zoning(ctx, time.Date(2020, 2, 9, 12, 0, 0, 0, loc), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range zones {
		switch z.Area.Code {
		case "411530102":
			if z.Current != "medium" || z.Assessed != "medium" || z.LowFrom == nil || z.LowFrom.String() != "2020-02-10" {
				t.Errorf("白塔乡 as of February 9: %+v", z)
			}
		case "411530":
			if z.Assessed != "medium" || z.LowFrom == nil || z.LowFrom.String() != "2020-02-16" {
				t.Errorf("the county as of February 9: %+v", z)
			}
		}
	}
	zones, _ = svc.Zoning(ctx, time.Date(2020, 2, 10, 12, 0, 0, 0, loc), "411530102", []string{"town"})
	if len(zones) != 1 || zones[0].Assessed != "low" || zones[0].Proposal != graph.ProposalDown {
		t.Errorf("白塔乡 as of February 10: %+v", zones)
	}
}
