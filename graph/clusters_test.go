package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/graph"
)

// SPEC §4 likely-source links and clusters, against Neo4j.
func TestClusters(t *testing.T) {
	f := newFixture(t)
	f.people("A", "B", "D", "E", "Z")
	f.caseOf("A", "confirmed", "2020-01-10", "2020-01-12 10:00", "") // W from 8 Jan
	f.caseOf("B", "confirmed", "2020-01-15", "2020-01-17 10:00", "") // reference 15 Jan 00:00
	f.caseOf("D", "recovered", "2020-01-20", "2020-01-21 10:00", "") // reference 20 Jan 00:00
	f.caseOf("E", "confirmed", "", "2020-01-25 10:00", "")           // reference confirmedAt
	f.caseOf("Z", "confirmed", "2020-01-18", "2020-01-27 10:00", "") // confirmed after asOf: not a case yet
	f.contact("A", "B", "2020-01-14 23:59", 0, "meal", false)        // in [B − 14 d, B): A → B
	f.contact("B", "D", "2020-01-19 10:00", 30, "work", false)       // B → D
	f.contact("D", "E", "2020-01-25 10:00", 30, "work", false)       // at E's reference: not before it, no link
	f.contact("A", "Z", "2020-01-12 10:00", 30, "work", false)
	asOf := f.at("2020-01-26 12:00")
	all, err := f.svc.Clusters(t0(), asOf, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range all {
		var ms []string
		for _, m := range c.Cases {
			ms = append(ms, fmt.Sprintf("%s@%d", m.PersonID, m.Generation))
		}
		var si []string
		for _, s := range c.SerialIntervals {
			si = append(si, fmt.Sprintf("%s>%s:%d", s.SourceID, s.TargetID, s.Days))
		}
		got = append(got, fmt.Sprintf("%s[%s] si[%s] active=%v", c.IndexCaseID, strings.Join(ms, " "), strings.Join(si, " "), c.Active))
	}
	want := []string{
		"A[A@0 B@1 D@2] si[A>B:5 B>D:5] active=true",
		"E[E@0] si[] active=false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("clusters:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	big, err := f.svc.Clusters(t0(), asOf, 2)
	if err != nil || len(big) != 1 || big[0].Size() != 3 || big[0].FirstOnset.String() != "2020-01-10" || big[0].LastOnset.String() != "2020-01-20" {
		t.Fatalf("minSize 2: %+v %v", big, err)
	}
	c, err := f.svc.Cluster(t0(), "D", asOf)
	if err != nil || c == nil || c.IndexCaseID != "A" {
		t.Fatalf("cluster of D: %+v %v", c, err)
	}
	if c, err := f.svc.Cluster(t0(), "Z", asOf); err != nil || c != nil {
		t.Fatalf("cluster of a case confirmed after asOf: %+v %v, want none", c, err)
	}
	// Once Z counts it links to A (a CLOSE exposure 6 days before its onset); the index
	// case stays A, the earliest reference.
	c, err = f.svc.Cluster(t0(), "Z", f.at("2020-01-27 10:00"))
	if err != nil || c == nil || c.IndexCaseID != "A" || c.Size() != 4 {
		t.Fatalf("cluster of Z once confirmed: %+v %v", c, err)
	}
	// Active: a link within the last 14 days (B → D on 19 Jan above; here A → B on 14 Jan).
	c, err = f.svc.Cluster(t0(), "A", f.at("2020-01-20 12:00"))
	if err != nil || c == nil || !c.Active {
		t.Fatalf("cluster as of 20 Jan should be active: %+v %v", c, err)
	}
	c, err = f.svc.Cluster(t0(), "A", f.at("2020-02-10 12:00"))
	if err != nil || c == nil || c.Active {
		t.Fatalf("cluster as of 10 Feb (last link 19 Jan) should not be active: %+v %v", c, err)
	}
}

// describe spells a cluster on one line: index, introductions, cases (id@generation:
// reference kind), links (source>target:serial interval or -, * when linked both ways).
func describe(c *graph.Cluster) string {
	var cs, ls []string
	for _, m := range c.Cases {
		cs = append(cs, fmt.Sprintf("%s@%d:%s", m.PersonID, m.Generation, m.ReferenceKind))
	}
	for _, l := range c.Links {
		si := "-"
		if l.SerialIntervalDays != nil {
			si = fmt.Sprint(*l.SerialIntervalDays)
		}
		both := ""
		if l.BothWays {
			both = "*"
		}
		ls = append(ls, fmt.Sprintf("%s>%s:%s%s", l.SourceID, l.TargetID, si, both))
	}
	return fmt.Sprintf("index %s intro [%s] cases [%s] links [%s]", c.IndexCaseID, strings.Join(c.Introductions, " "),
		strings.Join(cs, " "), strings.Join(ls, " "))
}

func mustCluster(t *testing.T, f *fixture, id, asOf string) *graph.Cluster {
	t.Helper()
	c, err := f.svc.Cluster(t0(), id, f.at(asOf))
	if err != nil || c == nil {
		t.Fatalf("cluster of %s: %v %v", id, c, err)
	}
	return c
}

// SPEC §4 rev 5: a pair linked both ways with equal reference times is one link, from
// the smaller id, with one serial interval (0), not two.
func TestClusterBothWaysEqualReference(t *testing.T) {
	f := newFixture(t)
	f.people("A", "B")
	f.caseOf("A", "confirmed", "2020-01-15", "2020-01-16 10:00", "")
	f.caseOf("B", "confirmed", "2020-01-15", "2020-01-16 11:00", "")
	// In both windows (from 13 Jan) and before both references (15 Jan 00:00).
	f.contact("A", "B", "2020-01-13 19:00", 60, "meal", false)
	got := describe(mustCluster(t, f, "B", "2020-01-20 12:00"))
	want := "index A intro [A] cases [A@0:ONSET B@1:ONSET] links [A>B:0*]"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if c := mustCluster(t, f, "A", "2020-01-20 12:00"); len(c.SerialIntervals) != 1 {
		t.Fatalf("serial intervals %+v, want one", c.SerialIntervals)
	}
}

// A pair linked both ways with different reference times runs from the earlier one,
// whatever the ids.
func TestClusterBothWaysEarlierReference(t *testing.T) {
	f := newFixture(t)
	f.people("A", "B")
	f.caseOf("A", "confirmed", "2020-01-15", "2020-01-16 10:00", "")
	f.caseOf("B", "confirmed", "2020-01-14", "2020-01-16 11:00", "")
	f.contact("A", "B", "2020-01-13 08:00", 60, "meal", false)
	got := describe(mustCluster(t, f, "A", "2020-01-20 12:00"))
	want := "index B intro [B] cases [B@0:ONSET A@1:ONSET] links [B>A:1*]"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// A cycle of one-way links (isolations cut the windows so that each pair links one way
// only): no case lacks a link into it, so the earliest reference (C) becomes the
// introduction and generations run along the links from it. Two links have negative
// serial intervals (the target fell ill first).
func TestClusterCycle(t *testing.T) {
	f := newFixture(t)
	f.people("A", "B", "C")
	f.caseOf("A", "confirmed", "2020-01-15", "2020-01-16 10:00", "")                 // W from 13 Jan
	f.caseOf("B", "confirmed", "2020-01-14", "2020-01-16 10:00", "2020-01-12 12:00") // W 12 Jan 00:00–12:00
	f.caseOf("C", "confirmed", "2020-01-13", "2020-01-16 10:00", "2020-01-11 12:00") // W 11 Jan 00:00–12:00
	f.contact("A", "B", "2020-01-13 10:00", 30, "meal", false)                       // in A's W only: A → B
	f.contact("B", "C", "2020-01-12 08:00", 30, "meal", false)                       // in B's W only: B → C
	f.contact("C", "A", "2020-01-11 10:00", 30, "meal", false)                       // in C's W only: C → A
	c := mustCluster(t, f, "A", "2020-01-20 12:00")
	got := describe(c)
	want := "index C intro [C] cases [C@0:ONSET A@1:ONSET B@2:ONSET] links [A>B:-1 B>C:-1 C>A:2]"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if !c.Cases[0].Introduction || c.Cases[1].Introduction {
		t.Fatalf("introduction marks: %+v", c.Cases)
	}
}

// generations is the rule on its own: two introductions, a case reached from both takes
// the shorter path, and a cycle hanging off nothing is broken at its earliest case.
func TestGenerationsAlongLinks(t *testing.T) {
	links := func(pairs ...string) []graph.TransmissionLink {
		var out []graph.TransmissionLink
		for _, p := range pairs {
			out = append(out, graph.TransmissionLink{SourceID: p[:1], TargetID: p[1:]})
		}
		return out
	}
	byID := func(a, b string) bool { return a < b }
	gen, intros := graph.Generations([]string{"A", "B", "C", "D", "E"}, links("AB", "BC", "EC", "CD"), byID)
	if fmt.Sprint(gen, intros) != "map[A:0 B:1 C:1 D:2 E:0] [A E]" {
		t.Fatalf("two introductions: %v %v", gen, intros)
	}
	// X → Y → Z → X, and Z → W: nothing without a link into it; X is earliest.
	gen, intros = graph.Generations([]string{"W", "X", "Y", "Z"}, links("XY", "YZ", "ZX", "ZW"), byID)
	if fmt.Sprint(gen, intros) != "map[W:3 X:0 Y:1 Z:2] [X]" {
		t.Fatalf("cycle: %v %v", gen, intros)
	}
	// The earliest by the order given (here Z), not by id.
	gen, intros = graph.Generations([]string{"W", "X", "Y", "Z"}, links("XY", "YZ", "ZX", "ZW"), func(a, b string) bool { return a > b })
	if fmt.Sprint(gen, intros) != "map[W:1 X:1 Y:2 Z:0] [Z]" {
		t.Fatalf("cycle broken at Z: %v %v", gen, intros)
	}
}

// Reference kinds: a case with only a confirmation is placed by it, and is the index
// case when that is the earliest; a positive sample gives SAMPLE; a traced case with no
// date at all is NONE (a cluster of one).
func TestClusterReferenceKinds(t *testing.T) {
	f := newFixture(t)
	f.people("E", "F", "G", "N")
	f.caseOf("E", "confirmed", "", "2020-01-10 10:00", "")           // reference 10 Jan 10:00, W from 8 Jan
	f.caseOf("F", "confirmed", "2020-01-15", "2020-01-17 10:00", "") // W from 13 Jan
	f.caseOf("G", "asymptomatic", "", "2020-01-20 10:00", "")
	f.test("T1", "G", "pcr", "2020-01-18 09:00", "positive") // reference 18 Jan 09:00
	f.caseOf("N", "confirmed", "", "", "")
	f.contact("E", "F", "2020-01-11 10:00", 30, "meal", false) // in E's W, not F's: E → F
	f.contact("F", "G", "2020-01-16 10:00", 30, "work", false) // F → G (and G → F? G's W from 16 Jan, but 16 Jan is after F's reference)
	got := describe(mustCluster(t, f, "G", "2020-01-25 12:00"))
	want := "index E intro [E] cases [E@0:CONFIRMATION F@1:ONSET G@2:SAMPLE] links [E>F:- F>G:-]"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	got = describe(mustCluster(t, f, "N", "2020-01-25 12:00"))
	if want := "index N intro [N] cases [N@0:NONE] links []"; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// SPEC §4 rev 5 unlinked exposures: traced cases that share a household, a recorded
// contact, an event or a conveyance (the raw facts, as of asOf) with no likely-source
// link either way.
func TestUnlinkedExposures(t *testing.T) {
	f := newFixture(t)
	f.area("C0", "")
	f.area("V1", "C0")
	f.area("V2", "C0")
	f.people("H@h1", "K@h1", "X@h1", "A@h2", "B@h2", "M", "N", "P", "Q", "R", "S")
	f.run(`MATCH (h:Household), (a:Area) WHERE [h.id, a.code] IN [['h1', 'V1'], ['h2', 'V2']] CREATE (h)-[:IN]->(a)`, nil)
	// H isolated on 2 Jan, K ill on 25 Jan: their household exposure is outside the
	// windows, and so is their contact of 1 December. No link: listed.
	f.caseOf("H", "recovered", "2020-01-01", "2020-01-02 10:00", "2020-01-02 00:00")
	f.caseOf("K", "confirmed", "2020-01-25", "2020-01-25 10:00", "")
	f.contact("H", "K", "2019-12-01 10:00", 30, "meal", false)
	f.caseOf("X", "suspected", "2020-01-24", "", "") // not traced: never listed
	// A → B through their household: linked, not listed.
	f.caseOf("A", "confirmed", "2020-01-15", "2020-01-16 10:00", "")
	f.caseOf("B", "confirmed", "2020-01-18", "2020-01-19 10:00", "")
	// M and N at one event, P and Q on one train, long before either fell ill.
	f.caseOf("M", "confirmed", "2020-01-10", "2020-01-11 10:00", "")
	f.caseOf("N", "confirmed", "2020-01-20", "2020-01-21 10:00", "")
	f.event("EV1", true, "2019-12-01 09:00", "2019-12-01 12:00")
	f.attend("M", "EV1", "2019-12-01 09:00", "2019-12-01 10:00", "venue")
	f.attend("N", "EV1", "2019-12-01 11:00", "2019-12-01 12:00", "venue") // attended one event, not at one time
	f.caseOf("P", "confirmed", "2020-01-10", "2020-01-11 10:00", "")
	f.caseOf("Q", "confirmed", "2020-01-20", "2020-01-21 10:00", "")
	f.trip("T1", "P", "train", "G 101", "01-01A", "", "2019-12-01 08:00", "2019-12-01 12:00")
	f.trip("T2", "Q", "train", "g101", "09-01A", "", "2019-12-01 10:00", "2019-12-01 14:00")
	// R and S meet only after asOf: that contact does not exist yet.
	f.caseOf("R", "confirmed", "2020-01-10", "2020-01-11 10:00", "")
	f.caseOf("S", "confirmed", "2020-01-10", "2020-01-11 10:00", "")
	f.contact("R", "S", "2020-01-30 10:00", 30, "meal", false)

	spell := func(us []graph.UnlinkedExposure) string {
		var out []string
		for _, u := range us {
			out = append(out, fmt.Sprintf("%s-%s%v", u.AID, u.BID, u.Shared))
		}
		return strings.Join(out, " ")
	}
	asOf := f.at("2020-01-26 12:00")
	all, err := f.svc.UnlinkedExposures(t0(), asOf, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := spell(all), "H-K[HOUSEHOLD DIRECT_CONTACT] M-N[EVENT] P-Q[CONVEYANCE]"; got != want {
		t.Fatalf("unlinked exposures:\n got  %s\n want %s", got, want)
	}
	v1, err := f.svc.UnlinkedExposures(t0(), asOf, "V1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := spell(v1), "H-K[HOUSEHOLD DIRECT_CONTACT]"; got != want {
		t.Fatalf("unlinked exposures in V1: got %s, want %s", got, want)
	}
	if v2, err := f.svc.UnlinkedExposures(t0(), asOf, "V2"); err != nil || len(v2) != 0 {
		t.Fatalf("unlinked exposures in V2 (only a linked pair): %v %v", v2, err)
	}
	if _, err := f.svc.UnlinkedExposures(t0(), asOf, "nowhere"); graph.KindOf(err) != graph.NotFound {
		t.Fatalf("unknown area: %v, want NOT_FOUND", err)
	}
	// Once the contact of R and S has happened it is shared (they are ill by then: no link).
	later, err := f.svc.UnlinkedExposures(t0(), f.at("2020-01-31 12:00"), "")
	if err != nil || !strings.Contains(spell(later), "R-S[DIRECT_CONTACT]") {
		t.Fatalf("after R and S met: %s %v", spell(later), err)
	}
}
