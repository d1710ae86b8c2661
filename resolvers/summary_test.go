package resolvers_test

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/client"

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

// people(filter: {tier}) pages through the people at a tier; the three tiers partition
// everyone and agree with risk for each person (conformance case01, before).
func TestPeopleByTier(t *testing.T) {
	svc := graphtest.MustService(t)
	if _, err := loader.Load(context.Background(), svc.DB, "../testdata/conformance/case01/bundle", loader.Options{Strict: true, Loc: svc.Loc}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, svc)
	seen := map[string]string{}
	for _, tier := range []string{"RED", "YELLOW", "GREEN"} {
		after := ""
		for {
			var resp struct {
				People struct {
					Nodes []struct {
						ID   string
						Risk struct{ Tier string }
					}
					EndCursor   *string
					HasNextPage bool
				}
			}
			q := `query($tier: RiskTier, $after: String) { people(filter: {tier: $tier}, first: 7, after: $after, asOf: "2020-01-26T12:00:00+08:00") {
				nodes { id risk(asOf: "2020-01-26T12:00:00+08:00") { tier } } endCursor hasNextPage } }`
			opts := []client.Option{client.Var("tier", tier)}
			if after != "" {
				opts = append(opts, client.Var("after", after))
			}
			c.MustPost(q, &resp, opts...)
			for _, n := range resp.People.Nodes {
				if n.Risk.Tier != tier {
					t.Errorf("%s listed under %s but its risk says %s", n.ID, tier, n.Risk.Tier)
				}
				if prev, dup := seen[n.ID]; dup {
					t.Errorf("%s listed under %s and %s", n.ID, prev, tier)
				}
				seen[n.ID] = tier
			}
			if !resp.People.HasNextPage {
				break
			}
			after = *resp.People.EndCursor
		}
	}
	if len(seen) != 40 {
		t.Fatalf("%d people over the three tiers, want all 40", len(seen))
	}
}
