package graph

import (
	"strings"
	"testing"
	"time"
)

// SPEC §11 for one household: which rows make it visited, who is accounted for.
func TestHouseholdSweep(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2020, 1, 21, h, 0, 0, 0, time.UTC) }
	members := []string{"P1", "P2", "P3"}
	cases := []struct {
		name     string
		rows     []visitRow
		visited  bool
		noAnswer string
		unnamed  string
	}{
		{"no rows", nil, false, "", ""},
		{"no_answer only: not visited", []visitRow{{At: at(9), Status: VisitNoAnswer}}, false, "09", ""},
		{"two no_answers: the last is shown", []visitRow{{At: at(9), Status: VisitNoAnswer}, {At: at(15), Status: VisitNoAnswer}}, false, "15", ""},
		{"no_answer followed by a visit", []visitRow{{At: at(9), Status: VisitNoAnswer}, {At: at(15), Status: VisitVisited}, {At: at(15), PersonID: "P1", Status: VisitPresent}}, true, "09", "P2,P3"},
		{"visited without person rows: nobody accounted for", []visitRow{{At: at(9), Status: VisitVisited}}, true, "", "P1,P2,P3"},
		{"a person row alone makes it visited", []visitRow{{At: at(9), PersonID: "P2", Status: VisitAway}}, true, "", "P1,P3"},
		{"away counts as accounted for", []visitRow{{At: at(9), Status: VisitVisited}, {At: at(9), PersonID: "P1", Status: VisitAway},
			{At: at(9), PersonID: "P2", Status: VisitPresent}, {At: at(9), PersonID: "P3", Status: VisitPresent}}, true, "", ""},
		// A member who moved household: the row names someone no longer a member; the
		// members as stored now decide.
		{"a row for someone who moved out", []visitRow{{At: at(9), PersonID: "P9", Status: VisitPresent}}, true, "", "P1,P2,P3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			visited, last, missing := householdSweep(sweepHousehold{ID: "H1", Members: members, Rows: c.rows})
			gotLast := ""
			if last != nil {
				gotLast = last.Format("15")
			}
			if visited != c.visited || gotLast != c.noAnswer || strings.Join(missing, ",") != c.unnamed {
				t.Errorf("got visited=%v lastNoAnswer=%q missing=%v", visited, gotLast, missing)
			}
		})
	}
}
