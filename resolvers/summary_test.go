package resolvers_test

import (
	"context"
	"testing"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

// A dashboard reads the summary (aggregates only) of conformance case01.
func TestSummaryForADashboard(t *testing.T) {
	svc := graphtest.MustService(t)
	if _, err := loader.Load(context.Background(), svc.DB, "../testdata/conformance/case01/bundle", loader.Options{Strict: true, Loc: svc.Loc}); err != nil {
		t.Fatal(err)
	}
	c := newClientAs(t, svc, &graph.Principal{Subject: "screen", Role: graph.RoleDashboard})
	var resp struct {
		Summary struct {
			ConfirmedTotal, ActiveCases, People int
			DaysSinceLastNewConfirmed           *int
			PeopleByTier                        struct{ Red, Yellow, Green int }
			OpenQuarantines                     struct{ Centralized int }
			Facilities                          []struct {
				Facility       struct{ ID, Name string }
				Capacity, Free int
			}
			Children []struct {
				AreaCode, AreaName string
				People             int
			}
		}
	}
	c.MustPost(`{ summary(asOf: "2020-01-26T12:00:00+08:00") {
		confirmedTotal activeCases people daysSinceLastNewConfirmed
		peopleByTier { red yellow green } openQuarantines { centralized }
		facilities { facility { id name } capacity free }
		children { areaCode areaName people } } }`, &resp)
	s := resp.Summary
	if s.ConfirmedTotal != 2 || s.ActiveCases != 2 || s.People != 40 {
		t.Fatalf("summary = %+v", s)
	}
	if s.PeopleByTier.Red+s.PeopleByTier.Yellow+s.PeopleByTier.Green != 40 {
		t.Fatalf("tiers %+v do not add up to 40 people", s.PeopleByTier)
	}
	if len(s.Facilities) == 0 || s.Facilities[0].Free != s.Facilities[0].Capacity || len(s.Children) == 0 {
		t.Fatalf("facilities %+v children %+v", s.Facilities, s.Children)
	}
}
