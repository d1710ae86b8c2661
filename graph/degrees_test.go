package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/graph"
)

func t0() context.Context { return context.Background() }

// roles renders a chain as "id:degree:class" in its order.
func roles(ch *graph.Chain) string {
	var out []string
	for _, c := range ch.Contacts {
		s := fmt.Sprintf("%s:%d:%s", c.PersonID, c.Degree, c.Class)
		if c.CaseStatus != "" {
			s += ":" + c.CaseStatus
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// SPEC §4 "Contacts and degrees", one scenario per rule, all against Neo4j. The case C
// has onset 20 Jan: W = [18 Jan 00:00, asOf].
func TestContactDegrees(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(f *fixture)
		depth int
		want  string
		asOf  string // default 26 Jan 12:00
	}{
		{name: "a person reached at degree 1 and 2 keeps degree 1",
			setup: func(f *fixture) {
				f.people("C", "A", "B")
				f.contact("C", "A", "2020-01-19 10:00", 30, "work", false)
				f.contact("C", "B", "2020-01-19 11:00", 30, "work", false)
				f.contact("A", "B", "2020-01-20 10:00", 30, "work", false)
			},
			depth: 2, want: "A:1:CLOSE B:1:CLOSE"},
		{name: "GENERAL at degree 1 and CLOSE at degree 3: CLOSE at degree 3",
			setup: func(f *fixture) {
				f.people("C", "A", "B", "X")
				f.contact("C", "A", "2020-01-19 10:00", 30, "work", false)
				f.contact("A", "B", "2020-01-20 10:00", 30, "work", false)
				f.contact("B", "X", "2020-01-21 10:00", 30, "work", false)
				f.contact("C", "X", "2020-01-19 12:00", 5, "work", false) // GENERAL to the case
			},
			depth: 3, want: "A:1:CLOSE B:2:CLOSE X:3:CLOSE"},
		{name: "the same at depth 2: X is a general contact",
			setup: func(f *fixture) {
				f.people("C", "A", "B", "X")
				f.contact("C", "A", "2020-01-19 10:00", 30, "work", false)
				f.contact("A", "B", "2020-01-20 10:00", 30, "work", false)
				f.contact("B", "X", "2020-01-21 10:00", 30, "work", false)
				f.contact("C", "X", "2020-01-19 12:00", 5, "work", false)
			},
			depth: 2, want: "A:1:CLOSE X:1:GENERAL B:2:CLOSE"},
		{name: "GENERAL never propagates",
			setup: func(f *fixture) {
				f.people("C", "G", "Y")
				f.contact("C", "G", "2020-01-19 10:00", 5, "work", false)
				f.contact("G", "Y", "2020-01-20 10:00", 60, "meal", false)
			},
			depth: 3, want: "G:1:GENERAL"},
		{name: "a GENERAL exposure to a close contact (not the case) makes no contact",
			setup: func(f *fixture) {
				f.people("C", "A", "Y")
				f.contact("C", "A", "2020-01-19 10:00", 30, "work", false)
				f.contact("A", "Y", "2020-01-20 10:00", 5, "work", false)
			},
			depth: 2, want: "A:1:CLOSE"},
		{name: "a contact who is also a case is listed with their status; a case confirmed after asOf is not marked",
			setup: func(f *fixture) {
				f.people("C", "K", "L", "S")
				f.caseOf("K", "confirmed", "2020-01-24", "2020-01-25 10:00", "")
				f.caseOf("L", "confirmed", "", "2020-01-27 10:00", "")
				f.caseOf("S", "suspected", "", "", "")
				f.contact("C", "K", "2020-01-19 10:00", 30, "work", false)
				f.contact("C", "L", "2020-01-19 10:00", 30, "work", false)
				f.contact("C", "S", "2020-01-19 10:00", 30, "work", false)
			},
			depth: 1, want: "K:1:CLOSE:confirmed L:1:CLOSE S:1:CLOSE:suspected"},
		{name: "the case is never its own contact",
			setup: func(f *fixture) {
				f.people("C@H", "A@H")
				f.contact("C", "A", "2020-01-19 10:00", 30, "work", false)
			},
			depth: 3, want: "A:1:CLOSE"},
		{name: "contact window ends 14 days after the last exposure: a contact one second later is not reached",
			setup: func(f *fixture) {
				f.people("C", "A", "B", "D")
				f.contact("C", "A", "2020-01-18 00:00", 30, "work", false) // last exposure 18 Jan 00:30
				f.contact("A", "B", "2020-02-01 00:30", 0, "meal", false)  // at the window's end
				f.contact("A", "D", "2020-02-01 00:30:01", 0, "meal", false)
			},
			depth: 2, want: "A:1:CLOSE B:2:CLOSE", asOf: "2020-02-05 12:00"},
		{name: "a close contact's isolation ends their contact window",
			setup: func(f *fixture) {
				f.people("C", "A", "B", "D")
				f.caseOf("A", "suspected", "", "", "2020-01-20 08:00")
				f.contact("C", "A", "2020-01-19 10:00", 30, "work", false)
				f.contact("A", "B", "2020-01-20 08:00", 0, "meal", false)
				f.contact("A", "D", "2020-01-20 08:01", 0, "meal", false)
			},
			depth: 2, want: "A:1:CLOSE:suspected B:2:CLOSE"},
		{name: "household cut by the other person's placement: placed before W, never exposed at home",
			setup: func(f *fixture) {
				f.people("C@H", "A@H", "B@H")
				f.placed("A", "2020-01-17 00:00", "2020-02-10 00:00")
			},
			depth: 1, want: "B:1:CLOSE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asOf := tc.asOf
			if asOf == "" {
				asOf = "2020-01-26 12:00"
			}
			f := newFixture(t)
			tc.setup(f)
			if _, err := f.svc.ContactChain(t0(), "C", tc.depth, f.at(asOf)); graph.KindOf(err) != graph.Invalid {
				t.Fatalf("before C is a case: %v, want INVALID", err)
			}
			f.caseOf("C", "confirmed", "2020-01-20", "2020-01-21 09:00", "")
			if got := roles(f.chain("C", tc.depth, asOf)); got != tc.want {
				t.Fatalf("chain = %s\n want   %s", got, tc.want)
			}
		})
	}
}

func TestContactChainArguments(t *testing.T) {
	f := newFixture(t)
	f.people("C", "A")
	f.caseOf("C", "confirmed", "2020-01-20", "2020-01-21 09:00:00", "")
	for _, d := range []int{0, 6} {
		_, err := f.svc.ContactChain(t0(), "C", d, f.at("2020-01-26 12:00"))
		if graph.KindOf(err) != graph.Invalid || !strings.Contains(err.Error(), "maxDepth") {
			t.Errorf("maxDepth %d: %v, want INVALID naming maxDepth", d, err)
		}
	}
	// asOf one second before and after the confirmation.
	if _, err := f.svc.ContactChain(t0(), "C", 2, f.at("2020-01-21 08:59:59")); graph.KindOf(err) != graph.Invalid {
		t.Errorf("one second before confirmation: %v, want INVALID", err)
	}
	if _, err := f.svc.ContactChain(t0(), "C", 2, f.at("2020-01-21 09:00:01")); err != nil {
		t.Errorf("one second after confirmation: %v", err)
	}
	if _, err := f.svc.ContactChain(t0(), "A", 2, f.at("2020-01-26 12:00")); graph.KindOf(err) != graph.Invalid {
		t.Errorf("a person with no case: %v, want INVALID", err)
	}
	if _, err := f.svc.ContactChain(t0(), "nobody", 2, f.at("2020-01-26 12:00")); graph.KindOf(err) != graph.NotFound {
		t.Errorf("an unknown person: %v, want NOT_FOUND", err)
	}
}

// A placement changes the case's window: with asOf one second before it the window
// runs to asOf; one second after, it ends at the placement.
func TestPlacementCutsTheWindow(t *testing.T) {
	f := newFixture(t)
	f.people("C", "A")
	f.caseOf("C", "confirmed", "2020-01-20", "2020-01-21 09:00", "")
	f.placed("C", "2020-01-22 10:00", "2020-02-05 10:00")
	f.contact("C", "A", "2020-01-22 09:59", 30, "work", false)
	for _, tc := range []struct{ asOf, windowTo, last string }{
		{"2020-01-22 09:59:59", "2020-01-22 09:59:59", "2020-01-22 09:59:59"},
		{"2020-01-22 10:00:01", "2020-01-22 10:00", "2020-01-22 10:00"},
	} {
		ch := f.chain("C", 1, tc.asOf)
		if len(ch.Contacts) != 1 || !ch.Window.To.Equal(f.at(tc.windowTo)) || !ch.Contacts[0].LastExposureAt.Equal(f.at(tc.last)) {
			t.Errorf("asOf %s: window to %v, contacts %+v; want window to %s, last exposure %s", tc.asOf, ch.Window.To, ch.Contacts, tc.windowTo, tc.last)
		}
	}
}
