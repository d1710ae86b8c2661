package graph

import (
	"strings"
	"testing"
	"time"
)

func testTree() *areaTree {
	t := &areaTree{areas: map[string]*Area{}, parent: map[string]string{}, children: map[string][]string{}}
	for _, a := range [][2]string{{"P", ""}, {"CITY", "P"}, {"COUNTY", "CITY"}, {"TOWN", "COUNTY"}, {"OTHERCOUNTY", "CITY"},
		{"HUBEI", ""}, {"WUHAN", "HUBEI"}} {
		t.areas[a[0]] = &Area{Code: a[0], ParentCode: a[1]}
		if a[1] != "" {
			t.parent[a[0]] = a[1]
			t.children[a[1]] = append(t.children[a[1]], a[0])
		}
	}
	return t
}

// SPEC §12 "outside": a trip from inside versus outside the county or the city.
func TestOutside(t *testing.T) {
	tree := testTree()
	for _, c := range []struct {
		from, x string
		want    bool
	}{
		{"TOWN", "COUNTY", false},       // inside the county
		{"COUNTY", "COUNTY", false},     // the county itself
		{"CITY", "COUNTY", false},       // only as far as the county's city: says nothing
		{"P", "COUNTY", false},          // nor its province
		{"OTHERCOUNTY", "COUNTY", true}, // another county of the city: outside the county
		{"OTHERCOUNTY", "CITY", false},  // but inside the city (workers' ledger)
		{"WUHAN", "CITY", true},         // another province
		{"HUBEI", "COUNTY", true},
		{"", "COUNTY", false},        // no origin recorded
		{"NOWHERE", "COUNTY", false}, // unknown code
	} {
		if got := tree.outside(c.from, c.x); got != c.want {
			t.Errorf("outside(%s, %s) = %v, want %v", c.from, c.x, got, c.want)
		}
	}
}

func TestLevelAt(t *testing.T) {
	tree := testTree()
	day := func(d int) time.Time { return time.Date(2020, 1, d, 0, 0, 0, 0, time.UTC) }
	ds := map[string][]RiskDesignation{
		"HUBEI": {{Level: "medium", Since: day(10)}},
		"WUHAN": {{Level: "high", Since: day(20)}, {Level: "medium", Since: day(25)}},
	}
	for _, c := range []struct {
		code string
		at   time.Time
		want string
	}{
		{"WUHAN", day(9), "low"}, {"WUHAN", day(10), "medium"}, {"WUHAN", day(20), "high"},
		{"WUHAN", day(24), "high"}, {"WUHAN", day(26), "medium"}, {"CITY", day(26), "low"},
	} {
		if got := tree.levelAt(ds, c.code, c.at); got != c.want {
			t.Errorf("levelAt(%s, %s) = %s, want %s", c.code, c.at.Format("01-02"), got, c.want)
		}
	}
}

// The 14-day health ledger: every date from arrival to asOf, both included.
func TestMissingReportDates(t *testing.T) {
	from := Date{2020, 1, 20}
	to := from.AddDays(13) // exactly 14 days
	have := map[Date]bool{from: true, from.AddDays(5): true, to: true}
	got := missingReportDates(from, to, have)
	if len(got) != 11 {
		t.Fatalf("got %d dates %v, want 11", len(got), got)
	}
	var s []string
	for _, d := range got[:2] {
		s = append(s, d.String())
	}
	if strings.Join(s, ",") != "2020-01-21,2020-01-22" {
		t.Errorf("got %v", s)
	}
	if n := len(missingReportDates(from, from, nil)); n != 1 {
		t.Errorf("arrival on asOf's date: %d dates, want 1", n)
	}
}
