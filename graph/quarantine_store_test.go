package graph_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// Integration tests of the quarantine engine against Neo4j: the load and write path,
// idempotence, the lock, dry runs, history and tests due. A fixed tracer stands in for
// the tracing engine (its rules are tested in its own files).

type fixedTracer struct {
	mu       sync.Mutex
	chains   map[string]*graph.Chain
	arrivals []graph.Arrival
	risks    map[string]*graph.Risk
}

func (f *fixedTracer) TracedCaseIDs(ctx context.Context, asOf time.Time) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id := range f.chains {
		ids = append(ids, id)
	}
	return ids, nil
}

func (f *fixedTracer) ContactChain(ctx context.Context, id string, depth int, asOf time.Time) (*graph.Chain, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.chains[id], nil
}

func (f *fixedTracer) Arrivals(ctx context.Context, since, asOf time.Time) ([]graph.Arrival, error) {
	return f.arrivals, nil
}

func (f *fixedTracer) Risks(ctx context.Context, ids []string, asOf time.Time) (map[string]*graph.Risk, error) {
	out := map[string]*graph.Risk{}
	for _, id := range ids {
		if r, ok := f.risks[id]; ok {
			out[id] = r
		}
	}
	return out, nil
}

var sh, _ = time.LoadLocation("Asia/Shanghai")

func jan(day, hour, min int) time.Time { return time.Date(2020, 1, day, hour, min, 0, 0, sh) }

// county fixture: county 411599 ─ town T1 ─ villages V1, V2; facility FV in V1 (1
// place), FT in T1 (1 place); officers in T1 (cadre) and V1 (medical); people P1–P6 in
// households of V1 and V2; C1 a confirmed case.
func countyFixture(t *testing.T, svc *graph.Service) {
	graphtest.Run(t, svc.DB, `
		CREATE (c:Area {code: '411599', name: 'county', level: 'county'})
		CREATE (t1:Area {code: 'T1', name: 'town', level: 'town', parentCode: '411599'})-[:PART_OF]->(c)
		CREATE (v1:Area {code: 'V1', name: 'v1', level: 'village', parentCode: 'T1'})-[:PART_OF]->(t1)
		CREATE (v2:Area {code: 'V2', name: 'v2', level: 'village', parentCode: 'T1'})-[:PART_OF]->(t1)
		CREATE (:Facility {id: 'FV', name: 'village hotel', areaCode: 'V1', capacity: 1})-[:IN]->(v1)
		CREATE (:Facility {id: 'FT', name: 'town hotel', areaCode: 'T1', capacity: 1})-[:IN]->(t1)
		CREATE (:Officer {id: 'OC1', name: 'cadre', role: 'cadre', areaCode: 'T1'})-[:SERVES]->(t1)
		CREATE (:Officer {id: 'OM1', name: 'medic', role: 'medical', areaCode: 'V1'})-[:SERVES]->(v1)
		CREATE (h1:Household {id: 'H1', areaCode: 'V1'})-[:IN]->(v1)
		CREATE (h2:Household {id: 'H2', areaCode: 'V2'})-[:IN]->(v2)
		WITH h1, h2
		UNWIND [['C1', h1], ['P1', h1], ['P2', h2], ['P3', h1], ['P4', h2], ['P5', h1], ['P6', h2]] AS r
		WITH r[0] AS id, r[1] AS h
		CREATE (p:Person {id: id, name: id, householdId: h.id})-[:MEMBER_OF]->(h)`, nil)
	graphtest.Run(t, svc.DB, `MATCH (p:Person {id: 'C1'})
		CREATE (p)-[:HAS_CASE]->(:Case {personId: 'C1', status: 'confirmed', confirmedAt: $at})`,
		map[string]any{"at": jan(20, 12, 0)})
}

func cc(id string, degree int, class string, last time.Time) graph.ChainContact {
	return graph.ChainContact{PersonID: id, Degree: degree, Class: class, LastExposureAt: last}
}

func summary(r *graph.QuarantineRun) string {
	var parts []string
	for _, l := range []struct {
		name string
		qs   []*graph.Quarantine
	}{{"created", r.Created}, {"extended", r.Extended}, {"superseded", r.Superseded}, {"completed", r.Completed},
		{"escalated", r.Escalated}, {"placed", r.Placed}, {"pending", r.Pending}} {
		var s []string
		for _, q := range l.qs {
			e := q.PersonID + "/" + q.Kind + "/" + q.Status
			if q.FacilityID != "" {
				e += "@" + q.FacilityID
			}
			if len(q.OfficerIDs) > 0 {
				e += "+" + strings.Join(q.OfficerIDs, ",")
			}
			s = append(s, e)
		}
		parts = append(parts, l.name+"["+strings.Join(s, " ")+"]")
	}
	return strings.Join(parts, " ")
}

func count(t *testing.T, db *graph.DB, cypher string, params map[string]any) int {
	t.Helper()
	n, err := graph.Read(context.Background(), db, "test", func(ctx context.Context, tx graph.Tx) (int, error) {
		res, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return 0, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return 0, err
		}
		v, _ := rec.Get("n")
		return int(v.(int64)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAssignQuarantinesWritesTheRunAndASecondRunChangesNothing(t *testing.T) {
	svc := graphtest.MustService(t)
	countyFixture(t, svc)
	ctx := context.Background()
	asOf := jan(26, 12, 0)
	tr := &fixedTracer{chains: map[string]*graph.Chain{"C1": {SourceID: "C1", Contacts: []graph.ChainContact{
		cc("P1", 1, graph.ClassClose, jan(25, 10, 0)),
		cc("P2", 1, graph.ClassClose, jan(25, 11, 0)),
		cc("P3", 1, graph.ClassClose, jan(25, 12, 0)),
		cc("P4", 2, graph.ClassClose, jan(25, 13, 0)),
		cc("P5", 1, graph.ClassGeneral, jan(24, 13, 0)),
	}}}, risks: map[string]*graph.Risk{}}
	run, err := graph.RunQuarantinesWith(svc, ctx, tr, asOf, false)
	if err != nil {
		t.Fatal(err)
	}
	// P1 (V1) gets the village facility, P2 (V2) shares the town with FT, P3 waits.
	want := "created[P1/centralized/active@FV P2/centralized/active@FT P3/centralized/pending " +
		"P4/home/active+OC1 P5/health_monitoring/active+OC1,OM1] extended[] superseded[] completed[] " +
		"escalated[] placed[] pending[P3/centralized/pending]"
	if got := summary(run); got != want {
		t.Fatalf("run 1:\n got %s\nwant %s", got, want)
	}
	if run.RunID == "" {
		t.Fatal("a run that changed something is recorded")
	}
	if n := count(t, svc.DB, `MATCH (:Person {id: 'P1'})-[:ASSIGNED]->(q:Quarantine {status: 'active'})-[:AT]->(:Facility {id: 'FV'})
		WHERE q.placedAt = $asOf AND q.start = $asOf RETURN count(q) AS n`, map[string]any{"asOf": asOf}); n != 1 {
		t.Fatalf("P1's placed assignment is stored with AT and placedAt: %d", n)
	}
	if n := count(t, svc.DB, `MATCH (q:Quarantine {personId: 'P5'})-[:STAFFED_BY]->(o:Officer)-[:RESPONSIBLE_FOR]->(:Person {id: 'P5'})
		RETURN count(o) AS n`, nil); n != 2 {
		t.Fatalf("P5 has %d staffed officers responsible for them, want 2", n)
	}

	again, err := graph.RunQuarantinesWith(svc, ctx, tr, asOf, false)
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed() || again.RunID != "" {
		t.Fatalf("second run changed something: %s", summary(again))
	}
	if len(again.Pending) != 1 {
		t.Fatalf("the pending list still lists who waits: %s", summary(again))
	}
	if n := count(t, svc.DB, `MATCH (r:QuarantineRun) RETURN count(r) AS n`, nil); n != 1 {
		t.Fatalf("%d runs recorded, want 1", n)
	}

	// A later run: P1's exposure repeats (extended), P2 completes? no: P2 becomes a
	// case (escalated, which frees FT for P3), P5 becomes a close contact (supersedes).
	graphtest.Run(t, svc.DB, `MATCH (p:Person {id: 'P2'})
		CREATE (p)-[:HAS_CASE]->(:Case {personId: 'P2', status: 'confirmed', confirmedAt: $at})`, map[string]any{"at": jan(27, 9, 0)})
	tr.chains["C1"].Contacts = []graph.ChainContact{
		cc("P1", 1, graph.ClassClose, jan(27, 10, 0)),
		cc("P3", 1, graph.ClassClose, jan(25, 12, 0)),
		cc("P4", 2, graph.ClassClose, jan(25, 13, 0)),
		cc("P5", 1, graph.ClassClose, jan(26, 13, 0)),
	}
	later := jan(27, 12, 0)
	run3, err := graph.RunQuarantinesWith(svc, ctx, tr, later, false)
	if err != nil {
		t.Fatal(err)
	}
	want = "created[P5/centralized/pending] extended[P1/centralized/active@FV] superseded[P5/health_monitoring/superseded+OC1,OM1] " +
		"completed[] escalated[P2/centralized/escalated@FT] placed[P3/centralized/active@FT] pending[P5/centralized/pending]"
	if got := summary(run3); got != want {
		t.Fatalf("run 3:\n got %s\nwant %s", got, want)
	}
	if q := run3.Placed[0]; !q.PlacedAt.Equal(later) {
		t.Fatalf("placedAt = %v, want the run's asOf", q.PlacedAt)
	}
	if q := run3.Escalated[0]; !q.End.Equal(later) {
		t.Fatalf("escalated end = %v, want asOf", q.End)
	}

	// history of P1's assignment: created, placed, then extended from → to
	p1 := run3.Extended[0].ID
	hist, err := svc.QuarantineHistory(ctx, []string{p1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist[p1] {
		e := h.Change + "@" + h.At.In(sh).Format("02 15:04") + "/" + h.RunID
		if h.From != nil {
			e += fmt.Sprintf(" %s→%s", h.From.In(sh).Format("02 15:04"), h.To.In(sh).Format("02 15:04"))
		}
		got = append(got, e)
	}
	wantHist := "created@26 12:00/QR0001 placed@26 12:00/QR0001 extended@27 12:00/QR0002 08 10:00→10 10:00"
	if strings.Join(got, " ") != wantHist {
		t.Fatalf("history = %v\nwant %s", got, wantHist)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	svc := graphtest.MustService(t)
	countyFixture(t, svc)
	tr := &fixedTracer{chains: map[string]*graph.Chain{"C1": {SourceID: "C1", Contacts: []graph.ChainContact{
		cc("P1", 1, graph.ClassClose, jan(25, 10, 0))}}}}
	run, err := graph.RunQuarantinesWith(svc, context.Background(), tr, jan(26, 12, 0), true)
	if err != nil {
		t.Fatal(err)
	}
	if !run.DryRun || len(run.Created) != 1 || run.Created[0].FacilityID != "FV" {
		t.Fatalf("dry run = %s", summary(run))
	}
	if n := count(t, svc.DB, `MATCH (q:Quarantine) RETURN count(q) AS n`, nil); n != 0 {
		t.Fatalf("dry run wrote %d assignments", n)
	}
}

func TestConcurrentRunsNeverExceedCapacity(t *testing.T) {
	svc := graphtest.MustService(t)
	countyFixture(t, svc)
	var contacts []graph.ChainContact
	for _, p := range []string{"P1", "P2", "P3", "P4", "P5", "P6"} {
		contacts = append(contacts, cc(p, 1, graph.ClassClose, jan(25, 10, 0)))
	}
	// A first run with nothing to do creates the lock node, so that the concurrent runs
	// below meet on an existing node (not on the constraint of a node being created).
	if _, err := graph.RunQuarantinesWith(svc, context.Background(), &fixedTracer{}, jan(20, 0, 0), false); err != nil {
		t.Fatal(err)
	}
	tr := &fixedTracer{chains: map[string]*graph.Chain{"C1": {SourceID: "C1", Contacts: contacts}}}
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// runs at the same and at later moments, all at once
			_, err := graph.RunQuarantinesWith(svc, context.Background(), tr, jan(26, 12+i%3, 0), false)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, svc.DB, `MATCH (f:Facility) OPTIONAL MATCH (q:Quarantine {status: 'active'})-[:AT]->(f)
		WITH f, count(q) AS occ WHERE occ > f.capacity RETURN count(f) AS n`, nil); n != 0 {
		t.Fatalf("%d facilities above capacity", n)
	}
	if n := count(t, svc.DB, `MATCH (p:Person)-[:ASSIGNED]->(q:Quarantine) WHERE q.status IN ['active', 'pending']
		WITH p, count(q) AS open WHERE open > 1 RETURN count(p) AS n`, nil); n != 0 {
		t.Fatalf("%d people with more than one open assignment", n)
	}
	if n := count(t, svc.DB, `MATCH (q:Quarantine {status: 'active'}) RETURN count(q) AS n`, nil); n != 2 {
		t.Fatalf("%d placed, want 2 (one place in each facility)", n)
	}
	if n := count(t, svc.DB, `MATCH (q:Quarantine) RETURN count(q) AS n`, nil); n != 6 {
		t.Fatalf("%d assignments, want 6", n)
	}
}

func TestReferralsForPositiveTestAndFeverButNotActiveCases(t *testing.T) {
	svc := graphtest.MustService(t)
	countyFixture(t, svc)
	asOf := jan(26, 12, 0)
	graphtest.Run(t, svc.DB, `
		MATCH (p1:Person {id: 'P1'}), (p2:Person {id: 'P2'}), (c1:Person {id: 'C1'})
		CREATE (p1)-[:TESTED]->(:Test {id: 'T1', personId: 'P1', kind: 'pcr', result: 'positive', sampledAt: $t})
		CREATE (c1)-[:TESTED]->(:Test {id: 'T2', personId: 'C1', kind: 'pcr', result: 'positive', sampledAt: $t})
		CREATE (p2)-[:PASSED {at: $t, temperature: 37.5}]->(:Checkpoint {id: 'CP1'})`, map[string]any{"t": jan(25, 8, 0)})
	since := jan(25, 8, 0)
	tr := &fixedTracer{chains: map[string]*graph.Chain{}, risks: map[string]*graph.Risk{
		"P1": {PersonID: "P1", Tier: "RED", Reasons: []graph.RiskReason{{Rule: "POSITIVE_TEST", Since: &since}}},
		"P2": {PersonID: "P2", Tier: "YELLOW", Reasons: []graph.RiskReason{{Rule: "FEVER", Since: &since}}},
		"C1": {PersonID: "C1", Tier: "RED", Reasons: []graph.RiskReason{{Rule: "ACTIVE_CASE"}, {Rule: "FEVER"}}},
	}}
	for range 2 { // at every run while the reason lasts
		run, err := graph.RunQuarantinesWith(svc, context.Background(), tr, asOf, false)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(run.Referrals)
		if got != "[{P1 [POSITIVE_TEST]} {P2 [FEVER]}]" {
			t.Fatalf("referrals = %s", got)
		}
		if len(run.Created) != 0 {
			t.Fatalf("a referral gets no quarantine: %s", summary(run))
		}
	}
}

func TestTestsDueOnDays1_7_14OfAPlacedCentralizedAssignment(t *testing.T) {
	svc := graphtest.MustService(t)
	countyFixture(t, svc)
	ctx := context.Background()
	tr := &fixedTracer{chains: map[string]*graph.Chain{"C1": {SourceID: "C1", Contacts: []graph.ChainContact{
		cc("P1", 1, graph.ClassClose, jan(25, 10, 0)), // placed at FV, ends Feb 8 10:00
		cc("P2", 1, graph.ClassClose, jan(20, 10, 0)), // placed at FT, ends Feb 3 10:00 (before day 14)
		cc("P3", 1, graph.ClassClose, jan(25, 10, 0)), // pending: no tests due
	}}}}
	if _, err := graph.RunQuarantinesWith(svc, ctx, tr, jan(26, 23, 30), false); err != nil {
		t.Fatal(err)
	}
	// P2 gave a negative antigen sample on day 7; an antibody test does not count
	graphtest.Run(t, svc.DB, `MATCH (p2:Person {id: 'P2'}), (p1:Person {id: 'P1'})
		CREATE (p2)-[:TESTED]->(:Test {id: 'T1', personId: 'P2', kind: 'antigen', result: 'negative', sampledAt: $d7})
		CREATE (p1)-[:TESTED]->(:Test {id: 'T2', personId: 'P1', kind: 'antibody', result: 'negative', sampledAt: $d7})`,
		map[string]any{"d7": time.Date(2020, 2, 1, 23, 59, 0, 0, sh)})
	due := func(date string) string {
		d, _ := graph.ParseDate(date)
		l, err := svc.TestsDue(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, td := range l {
			s = append(s, fmt.Sprintf("%s/d%d@%s", td.PersonID, td.Day, td.FacilityID))
		}
		return strings.Join(s, " ")
	}
	for date, want := range map[string]string{
		"2020-01-26": "P1/d1@FV P2/d1@FT", // day 1 = the local date of placedAt
		"2020-01-27": "",
		"2020-02-01": "P1/d7@FV", // P2 sampled that day
		"2020-02-08": "P1/d14@FV",
		"2020-02-09": "",
	} {
		if got := due(date); got != want {
			t.Errorf("testsDue(%s) = %q, want %q", date, got, want)
		}
	}
}

func TestExportListsTheAssignmentsInForceWithOfficersAndTestDates(t *testing.T) {
	svc := graphtest.MustService(t)
	countyFixture(t, svc)
	graphtest.Run(t, svc.DB, `MATCH (h:Household {id: 'H1'}) SET h.address = '1 Well Lane'
		WITH h MATCH (p:Person {id: 'P1'}) SET p.idNumber = '411599196106044145', p.phone = '13918442154'`, nil)
	ctx := context.Background()
	tr := &fixedTracer{chains: map[string]*graph.Chain{"C1": {SourceID: "C1", Contacts: []graph.ChainContact{
		cc("P1", 1, graph.ClassClose, jan(25, 10, 0)), // V1: placed at FV
		cc("P4", 2, graph.ClassClose, jan(25, 13, 0)), // V2: home
		cc("P5", 1, graph.ClassGeneral, jan(24, 13, 0)),
	}}}}
	if _, err := graph.RunQuarantinesWith(svc, ctx, tr, jan(26, 12, 0), false); err != nil {
		t.Fatal(err)
	}
	rows, err := svc.ExportQuarantines(ctx, jan(27, 9, 0), "V1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		var offs, due []string
		for _, o := range r.Officers {
			offs = append(offs, o.ID)
		}
		for _, d := range r.TestsDue {
			due = append(due, d.String())
		}
		got = append(got, fmt.Sprintf("%s %s %s %s %s %s [%s] [%s]", r.PersonID, r.IDNumber, r.Address, r.Kind, r.FacilityID,
			r.End.In(sh).Format("01-02 15:04"), strings.Join(offs, ","), strings.Join(due, ",")))
	}
	want := []string{
		// day 1 (Jan 26) is past at Jan 27: days 7 and 14 remain
		"P1 411599196106044145 1 Well Lane centralized FV 02-08 10:00 [] [2020-02-01,2020-02-08]",
		"P5  1 Well Lane health_monitoring  02-07 13:00 [OC1,OM1] []",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("export V1 =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// after its end an assignment is no longer in force
	rows, err = svc.ExportQuarantines(ctx, jan(26, 12, 0).Add(30*24*time.Hour), "")
	if err != nil || len(rows) != 0 {
		t.Fatalf("export a month later = %v, %v", rows, err)
	}
}

// SPEC §4 with §6: placedAt isolates the person from then on, which ends their
// household exposure; a pending person stays exposed. Real tracing engine.
func TestPlacementIsolatesThePersonFromPlacedAt(t *testing.T) {
	svc := graphtest.MustService(t)
	countyFixture(t, svc) // C1 (case, confirmed Jan 20) lives in H1 with P1, P3, P5
	graphtest.Run(t, svc.DB, `MATCH (c:Case {personId: 'C1'}) SET c.onsetDate = date('2020-01-19')
		WITH c MATCH (f:Facility {id: 'FT'}) SET f.capacity = 0`, nil) // one place in all: FV
	ctx := context.Background()
	t1, t2 := jan(26, 12, 0), jan(28, 12, 0)
	run, err := svc.AssignQuarantines(ctx, t1)
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(run); !strings.Contains(got, "P1/centralized/active@FV P3/centralized/pending P5/centralized/pending") {
		t.Fatalf("run = %s", got)
	}
	chain, err := svc.ContactChain(ctx, "C1", 1, t2)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chain.Contacts {
		switch c.PersonID {
		case "P1": // placed at t1: the household exposure stops there
			if !c.LastExposureAt.Equal(t1) {
				t.Errorf("P1 last exposure = %v, want placedAt %v", c.LastExposureAt, t1)
			}
		case "P3", "P5": // still waiting at home
			if !c.LastExposureAt.Equal(t2) {
				t.Errorf("%s last exposure = %v, want asOf %v", c.PersonID, c.LastExposureAt, t2)
			}
		}
	}
	// the later run extends the pending ones (exposed until t2), not P1
	run, err = svc.AssignQuarantines(ctx, t2)
	if err != nil {
		t.Fatal(err)
	}
	var ext []string
	for _, q := range run.Extended {
		ext = append(ext, q.PersonID)
	}
	if strings.Join(ext, " ") != "P3 P5" {
		t.Fatalf("extended = %v, want the pending P3 and P5 only", ext)
	}
}

// A protocol's follow-on is stored with the assignment and started when it completes.
func TestFollowOnIsStoredAndStartedOnCompletion(t *testing.T) {
	svc := graphtest.MustService(t)
	svc.Policy = graph.Edition8Policy()
	countyFixture(t, svc)
	ctx := context.Background()
	last := jan(25, 10, 0)
	tr := &fixedTracer{chains: map[string]*graph.Chain{"C1": {SourceID: "C1", Contacts: []graph.ChainContact{
		cc("P1", 1, graph.ClassClose, last)}}}}
	if _, err := graph.RunQuarantinesWith(svc, ctx, tr, jan(26, 12, 0), false); err != nil {
		t.Fatal(err)
	}
	end := last.Add(14 * 24 * time.Hour)
	run, err := graph.RunQuarantinesWith(svc, ctx, tr, end.Add(time.Hour), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Completed) != 1 || len(run.Created) != 1 {
		t.Fatalf("run = %s", summary(run))
	}
	q := run.Created[0]
	if q.Kind != graph.KindHealthMonitoring || !q.End.Equal(end.Add(7*24*time.Hour)) || q.PersonID != "P1" || len(q.OfficerIDs) != 2 {
		t.Fatalf("follow-on = %+v", q)
	}
	// edition8 samples close contacts on days 1, 4, 7 and 14
	d4, _ := graph.ParseDate("2020-01-29")
	due, err := svc.TestsDue(ctx, d4)
	if err != nil || len(due) != 1 || due[0].Day != 4 {
		t.Fatalf("tests due on day 4 = %+v, %v", due, err)
	}
}
