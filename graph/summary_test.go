package graph_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// The summary of conformance vector case01 as of its `before` moment
// (2020-01-26 12:00 +08:00). Cases that count then: R007 and R033 confirmed (R033 on
// the 25th), R040 suspected; R023, R034 and R014 are confirmed later and do not exist
// yet. The tiers must add up to what the vector's risk answers say person by person.
func TestSummaryOfCase01(t *testing.T) {
	svc := graphtest.MustService(t)
	loadVector(t, svc, "../testdata/conformance/case01")
	var exp struct {
		Before struct {
			AsOf time.Time
			Risk map[string]struct{ Tier string }
		}
	}
	data, err := os.ReadFile("../testdata/conformance/case01/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, r := range exp.Before.Risk {
		want[r.Tier]++
	}

	s, err := svc.Summary(context.Background(), "", exp.Before.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	f := s.Figures
	check := func(name string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	check("confirmed total", f.ConfirmedTotal, 2)
	check("asymptomatic total", f.AsymptomaticTotal, 0)
	check("active cases", f.ActiveCases, 2)
	check("suspected", f.Suspected, 1)
	check("recovered", f.Recovered, 0)
	check("deceased", f.Deceased, 0)
	check("new confirmed on the 26th", f.NewConfirmed, 0)
	if f.DaysSinceLastNew == nil || *f.DaysSinceLastNew != 1 {
		t.Errorf("days since last new confirmed = %v, want 1 (the 25th to the 26th)", f.DaysSinceLastNew)
	}
	check("people", f.People, 40)
	check("RED", f.PeopleByTier.Red, want["RED"])
	check("YELLOW", f.PeopleByTier.Yellow, want["YELLOW"])
	check("GREEN", f.PeopleByTier.Green, want["GREEN"])
	check("open quarantines", f.OpenQuarantines.Centralized+f.OpenQuarantines.Home+f.OpenQuarantines.HealthMonitoring, 0)

	// Children partition the people who have a household: R012 and R023 have none, so
	// they count for the whole graph only (both are RED: close contacts of R033).
	if len(s.Children) == 0 {
		t.Fatal("no child areas")
	}
	sum := 0
	red := 0
	for _, c := range s.Children {
		sum += c.People
		red += c.PeopleByTier.Red
	}
	check("people over children", sum, f.People-2)
	check("RED over children", red, f.PeopleByTier.Red-2)

	// Facilities appear with their capacity and no occupancy before any assignment.
	if len(s.Facilities) == 0 {
		t.Fatal("no facilities")
	}
	for _, fo := range s.Facilities {
		if fo.Occupied != 0 || fo.Free != fo.Facility.Capacity {
			t.Errorf("facility %s: occupied %d free %d capacity %d", fo.Facility.ID, fo.Occupied, fo.Free, fo.Facility.Capacity)
		}
	}

	// One second before R033's confirmation on the 25th it did not count.
	earlier, err := svc.Summary(context.Background(), "", time.Date(2020, 1, 25, 15, 59, 59, 0, svc.Loc))
	if err != nil {
		t.Fatal(err)
	}
	check("confirmed total a second before R033", earlier.ConfirmedTotal, 1)

	if _, err := svc.Summary(context.Background(), "nowhere", exp.Before.AsOf); err == nil {
		t.Error("unknown area code accepted")
	}
}

// The demo county's bundle also names provinces and cities as trip origins; without an
// area the summary is the county's (the deepest area holding every household), and its
// children are the county's towns.
func TestSummaryDefaultsToTheCounty(t *testing.T) {
	svc := graphtest.MustService(t)
	loadBundle(t, svc, "../examples/county")
	s, err := svc.Summary(context.Background(), "", time.Date(2020, 2, 1, 12, 0, 0, 0, svc.Loc))
	if err != nil {
		t.Fatal(err)
	}
	if s.Area == nil || s.Area.Level != "county" {
		t.Fatalf("scope = %+v, want the county", s.Area)
	}
	if len(s.Children) == 0 {
		t.Fatal("no towns")
	}
	for _, c := range s.Children {
		if c.Area.Level != "town" {
			t.Errorf("child %s is a %s, want a town", c.Area.Code, c.Area.Level)
		}
	}
	if s.People == 0 || s.ConfirmedTotal == 0 {
		t.Errorf("people %d, confirmed %d", s.People, s.ConfirmedTotal)
	}
}
