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
	f.people("A@HA", "B@HB", "C@HC", "E@HC", "D@HE", "X", "F", "G")
	f.caseOf("A", "confirmed", "2020-01-10", "2020-01-12 10:00", "")
	f.caseOf("B", "confirmed", "2020-01-09", "2020-01-17 10:00", "") // onset before A's
	f.caseOf("C", "confirmed", "2020-01-20", "2020-01-22 09:00", "2020-01-22 10:00")
	f.caseOf("D", "confirmed", "", "", "") // no dates: no window
	// E shares C's household but was isolated long before C's window: unlinked.
	f.caseOf("E", "recovered", "2020-01-02", "2020-01-03 10:00", "2020-01-03 00:00")
	// F → G one way only (G was isolated before they met), G ill a day before F: a
	// negative serial interval.
	f.caseOf("F", "confirmed", "2020-01-20", "2020-01-21 10:00", "")
	f.caseOf("G", "confirmed", "2020-01-19", "2020-01-21 11:00", "2020-01-17 12:00")
	f.contact("A", "B", "2020-01-08 12:00", 30, "work", false)
	f.contact("C", "X", "2020-01-23 08:00", 30, "work", false) // after C's isolation
	f.contact("F", "G", "2020-01-18 10:00", 30, "meal", false)
	st, err := f.svc.ChainStatistics(t0(), f.at("2020-01-26 12:00"), "")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("cases=%d contacts mean=%.2f median=%.2f new=%d known=%d share=%.2f serial n=%d mean=%.1f median=%.1f",
		st.Cases, st.ContactsPerCaseMean, st.ContactsPerCaseMedian, st.NewCases, st.NewCasesKnownContacts, *st.KnownContactShare,
		st.SerialIntervals, *st.SerialIntervalMean, *st.SerialIntervalMedian)
	// A–B are linked both ways (each was in the other's window 14 days before their
	// reference): one transmission link from the earlier reference, B → A (+1), not two
	// intervals (−1 and +1). F → G gives −1.
	want := "cases=7 contacts mean=0.57 median=1.00 new=4 known=3 share=0.75 serial n=2 mean=0.0 median=0.0"
	if got != want {
		t.Errorf("statistics:\n got  %s\n want %s", got, want)
	}
	var ws []string
	for _, w := range st.Warnings {
		ws = append(ws, w.Kind+":"+w.CaseID+":"+w.PersonID)
	}
	wantW := "EXPOSED_AFTER_ISOLATION:C:X EXPOSED_AFTER_ISOLATION:G:F NO_WINDOW:D: ONSET_BEFORE_SOURCE:G:F UNLINKED_EXPOSURE:C:E"
	if strings.Join(ws, " ") != wantW {
		t.Errorf("warnings = %v\n want %s", ws, wantW)
	}
	for _, w := range st.Warnings {
		if w.Kind == graph.WarnUnlinkedExposure && !strings.Contains(w.Message, "HOUSEHOLD") {
			t.Errorf("unlinked exposure warning does not say what they share: %q", w.Message)
		}
	}
	// In an area: only its cases.
	st, err = f.svc.ChainStatistics(t0(), f.at("2020-01-26 12:00"), "ELSEWHERE")
	if err != nil || st.Cases != 1 || len(st.Warnings) != 1 || st.Warnings[0].Kind != graph.WarnNoWindow {
		t.Fatalf("ELSEWHERE: %+v %v", st, err)
	}
}
