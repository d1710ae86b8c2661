package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/graph"
)

func TestChainStatistics(t *testing.T) {
	f := newFixture(t)
	f.area("TOWN", "")
	f.area("ELSEWHERE", "")
	f.run(`CREATE (:Household {id: 'HA', areaCode: 'TOWN'}), (:Household {id: 'HB', areaCode: 'TOWN'}),
		  (:Household {id: 'HC', areaCode: 'TOWN'}), (:Household {id: 'HE', areaCode: 'ELSEWHERE'})
		WITH 1 AS x MATCH (h:Household), (a:Area {code: h.areaCode}) CREATE (h)-[:IN]->(a)`, nil)
	f.people("A@HA", "B@HB", "C@HC", "D@HE", "X")
	f.caseOf("A", "confirmed", "2020-01-10", "2020-01-12 10:00", "")
	f.caseOf("B", "confirmed", "2020-01-09", "2020-01-17 10:00", "") // onset before its source A's
	f.caseOf("C", "confirmed", "2020-01-20", "2020-01-22 09:00", "2020-01-22 10:00")
	f.caseOf("D", "confirmed", "", "", "") // no dates: no window
	f.contact("A", "B", "2020-01-08 12:00", 30, "work", false)
	f.contact("C", "X", "2020-01-23 08:00", 30, "work", false) // after C's isolation
	st, err := f.svc.ChainStatistics(t0(), f.at("2020-01-26 12:00"), "")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("cases=%d contacts mean=%.2f median=%.2f new=%d known=%d share=%.2f serial n=%d mean=%.1f median=%.1f",
		st.Cases, st.ContactsPerCaseMean, st.ContactsPerCaseMedian, st.NewCases, st.NewCasesKnownContacts, *st.KnownContactShare,
		st.SerialIntervals, *st.SerialIntervalMean, *st.SerialIntervalMedian)
	// A–B are linked both ways (each was in the other's window 14 days before their
	// reference): serial intervals −1 (A → B) and +1 (B → A).
	want := "cases=4 contacts mean=0.50 median=0.50 new=2 known=1 share=0.50 serial n=2 mean=0.0 median=0.0"
	if got != want {
		t.Errorf("statistics:\n got  %s\n want %s", got, want)
	}
	var ws []string
	for _, w := range st.Warnings {
		ws = append(ws, w.Kind+":"+w.CaseID+":"+w.PersonID)
	}
	wantW := "EXPOSED_AFTER_ISOLATION:C:X NO_WINDOW:D: ONSET_BEFORE_SOURCE:B:A"
	if strings.Join(ws, " ") != wantW {
		t.Errorf("warnings = %v\n want %s", ws, wantW)
	}
	// In an area: only its cases.
	st, err = f.svc.ChainStatistics(t0(), f.at("2020-01-26 12:00"), "ELSEWHERE")
	if err != nil || st.Cases != 1 || len(st.Warnings) != 1 || st.Warnings[0].Kind != graph.WarnNoWindow {
		t.Fatalf("ELSEWHERE: %+v %v", st, err)
	}
}
