package graph_test

import (
	"context"
	"testing"
)

// A confirmed at 12:00 on the 20th; B (A's household) placed 6 hours later, C (a
// 30-minute contact on the 19th) 10 hours later. D, confirmed on the 21st, had been
// under home quarantine since the 19th. E was confirmed before the window.
func TestKPIs(t *testing.T) {
	f := newFixture(t)
	f.people("A@H1", "B@H1", "C", "D", "E")
	f.caseOf("A", "confirmed", "", "2020-01-20 12:00", "")
	f.caseOf("D", "confirmed", "", "2020-01-21 09:00", "")
	f.caseOf("E", "recovered", "", "2020-01-01 09:00", "")
	f.contact("A", "C", "2020-01-19 10:00", 30, "other", false)
	f.placed("B", "2020-01-20 18:00", "2020-02-03 18:00")
	f.placed("C", "2020-01-20 22:00", "2020-02-02 10:30")
	f.run(`MATCH (p:Person {id: 'D'}) CREATE (p)-[:ASSIGNED]->(:Quarantine {id: 'QD', personId: 'D',
		kind: 'home', status: 'active', start: $start, end: $end})`,
		map[string]any{"start": f.at("2020-01-19 08:00"), "end": f.at("2020-01-30 08:00")})

	k, err := f.svc.KPIs(context.Background(), "", nil, f.at("2020-01-22 12:00"))
	if err != nil {
		t.Fatal(err)
	}
	if k.NewCases != 2 || k.AlreadyInQuarantine != 1 {
		t.Fatalf("new cases %d, already in quarantine %d; want 2 and 1", k.NewCases, k.AlreadyInQuarantine)
	}
	if s := k.ShareAlreadyInQuarantine(); s == nil || *s != 0.5 {
		t.Fatalf("share = %v, want 0.5", s)
	}
	if k.ClosePairs != 2 || k.Placed != 2 {
		t.Fatalf("close pairs %d placed %d, want 2 and 2", k.ClosePairs, k.Placed)
	}
	if m := k.MedianHoursToPlacement(); m == nil || *m != 8 {
		t.Fatalf("median hours = %v, want 8 (6 and 10)", m)
	}
	if c := k.ContactsPerCase(); c == nil || *c != 1 {
		t.Fatalf("contacts per case = %v, want 1 (A: 2, D: 0)", c)
	}

	// One second before A's confirmation counts neither case nor pair.
	k, err = f.svc.KPIs(context.Background(), "", nil, f.at("2020-01-20 11:59:59"))
	if err != nil {
		t.Fatal(err)
	}
	if k.NewCases != 0 || k.ShareAlreadyInQuarantine() != nil || k.MedianHoursToPlacement() != nil {
		t.Fatalf("before any confirmation: %+v", k)
	}
	from := f.at("2020-01-23 00:00")
	if _, err := f.svc.KPIs(context.Background(), "", &from, f.at("2020-01-22 12:00")); err == nil {
		t.Fatal("from after asOf accepted")
	}
}
