package resolvers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

// The SPEC §10–12 vectors replayed end to end through GraphQL: zoning, sweepCoverage
// (every list paged through), returnees, awayResidents, workerLedger and a fever read
// at a visit, compared with expected.json.
func TestPracticesThroughGraphQL(t *testing.T) {
	dirs, _ := filepath.Glob("../testdata/conformance/practices*")
	if len(dirs) == 0 {
		t.Fatal("no practices vectors in testdata/conformance")
	}
	svc := graphtest.MustService(t)
	c := newClient(t, svc)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ctx := context.Background()
			if err := svc.DB.DeleteAllData(ctx); err != nil {
				t.Fatal(err)
			}
			rep, err := loader.Load(ctx, svc.DB, filepath.Join(dir, "bundle"), loader.Options{Strict: true, Loc: svc.Loc})
			if err != nil || !rep.Clean() {
				t.Fatalf("load: %v %v", err, rep)
			}
			data, err := os.ReadFile(filepath.Join(dir, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			var v map[string]any
			if err := json.Unmarshal(data, &v); err != nil {
				t.Fatal(err)
			}
			replayPracticesGQL(t, c, v)
		})
	}
}

// j joins values with a space (fmt.Sprint adds none between strings).
func j(vs ...any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, " ")
}

func s(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case float64:
		return fmt.Sprint(int(x))
	case []any:
		var parts []string
		for _, p := range x {
			parts = append(parts, s(p))
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

func lines(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got:\n  %s\n want:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func replayPracticesGQL(t *testing.T, c *client.Client, v map[string]any) {
	for asOf, z := range v["zoning"].(map[string]any) {
		var resp struct {
			Zoning []struct {
				AreaCode, AreaLevel, Assessed, Current, Proposal string
				ConfirmedTotal, New14                            int
				ClusterWithin14d                                 bool
				Cluster                                          []struct{ ID string }
				LastConfirmedAt, LowFrom                         *string
			}
		}
		c.MustPost(`query($asOf: DateTime) { zoning(asOf: $asOf) { areaCode areaLevel assessed current proposal
			confirmedTotal new14 clusterWithin14d cluster { id } lastConfirmedAt lowFrom } }`, &resp, client.Var("asOf", asOf))
		var got, want []string
		for _, a := range resp.Zoning {
			last := "null"
			if a.LastConfirmedAt != nil {
				last = instant(t, *a.LastConfirmedAt)
			}
			got = append(got, j(a.AreaCode, a.AreaLevel, a.Assessed, a.Current, a.Proposal, a.ConfirmedTotal, a.New14,
				a.ClusterWithin14d, len(a.Cluster) == 2, last, optS(a.LowFrom)))
		}
		for _, x := range z.(map[string]any)["areas"].([]any) {
			a := x.(map[string]any)
			last := "null"
			if a["lastConfirmedAt"] != nil {
				last = instant(t, a["lastConfirmedAt"].(string))
			}
			low := "<nil>"
			if a["lowFrom"] != nil {
				low = a["lowFrom"].(string)
			}
			want = append(want, j(a["area"], a["level"], a["assessed"], a["current"], a["proposal"], s(a["confirmedTotal"]),
				s(a["new14"]), a["clusterWithin14d"], a["cluster"] != nil, last, low))
		}
		lines(t, "zoning "+asOf, got, want)
	}
	for _, x := range v["sweeps"].([]any) {
		sw := x.(map[string]any)
		got := sweepThroughGraphQL(t, c, sw["areaCode"].(string), sw["from"].(string), sw["to"].(string))
		lines(t, "sweepCoverage "+sw["areaCode"].(string), got, expectedSweep(t, sw["answer"].(map[string]any), true))
	}
	for asOf, x := range v["returnees"].(map[string]any) {
		var resp struct {
			Returnees struct {
				Nodes []struct {
					Person                                   struct{ ID string }
					TripID, FromArea, OriginLevel, ArrivedAt string
					Quarantine                               *struct{ ID string }
					MissingReports                           []string
				}
				TotalCount int
			}
		}
		c.MustPost(`query($asOf: DateTime) { returnees(asOf: $asOf, first: 100) { totalCount nodes { person { id } tripId fromArea
			originLevel arrivedAt quarantine { id } missingReports } } }`, &resp, client.Var("asOf", asOf))
		var got, want []string
		for _, n := range resp.Returnees.Nodes {
			got = append(got, j(n.Person.ID, n.TripID, n.FromArea, n.OriginLevel, instant(t, n.ArrivedAt), n.Quarantine == nil, strings.Join(n.MissingReports, ",")))
		}
		for _, y := range x.([]any) {
			e := y.(map[string]any)
			want = append(want, j(e["person"], e["trip"], e["from"], e["originLevel"], instant(t, e["arrivedAt"].(string)), e["quarantine"] == nil, s(e["missingReports"])))
		}
		lines(t, "returnees "+asOf, got, want)
		if resp.Returnees.TotalCount != len(want) {
			t.Errorf("returnees %s: totalCount %d, want %d", asOf, resp.Returnees.TotalCount, len(want))
		}
	}
	for asOf, x := range v["away"].(map[string]any) {
		var resp struct {
			AwayResidents struct {
				Nodes []struct {
					Person                 struct{ ID string }
					AreaCode, Since, Level string
				}
			}
		}
		c.MustPost(`query($asOf: DateTime) { awayResidents(asOf: $asOf) { nodes { person { id } areaCode since level } } }`, &resp, client.Var("asOf", asOf))
		var got, want []string
		for _, n := range resp.AwayResidents.Nodes {
			got = append(got, j(n.Person.ID, n.AreaCode, instant(t, n.Since), n.Level))
		}
		for _, y := range x.([]any) {
			e := y.(map[string]any)
			want = append(want, j(e["person"], e["at"], instant(t, e["since"].(string)), e["level"]))
		}
		lines(t, "awayResidents "+asOf, got, want)
	}
	for asOf, x := range v["workers"].(map[string]any) {
		var resp struct {
			WorkerLedger []struct {
				Employer         struct{ ID string }
				MissingYesterday int
				Workers          []struct {
					Person            struct{ ID string }
					TripID, ArrivedAt string
					MissingReports    []string
				}
			}
		}
		c.MustPost(`query($asOf: DateTime) { workerLedger(asOf: $asOf) { employer { id } missingYesterday
			workers { person { id } tripId arrivedAt missingReports } } }`, &resp, client.Var("asOf", asOf))
		var got, want []string
		for _, l := range resp.WorkerLedger {
			got = append(got, j(l.Employer.ID, " missingYesterday ", l.MissingYesterday))
			for _, w := range l.Workers {
				got = append(got, j(l.Employer.ID, w.Person.ID, w.TripID, instant(t, w.ArrivedAt), strings.Join(w.MissingReports, ",")))
			}
		}
		for _, y := range x.([]any) {
			l := y.(map[string]any)
			want = append(want, j(l["employer"], " missingYesterday ", s(l["missingYesterday"])))
			for _, z := range l["workers"].([]any) {
				w := z.(map[string]any)
				want = append(want, j(l["employer"], w["person"], w["trip"], instant(t, w["arrivedAt"].(string)), s(w["missingReports"])))
			}
		}
		lines(t, "workerLedger "+asOf, got, want)
	}
	f := v["fever"].(map[string]any)
	var resp struct {
		Risk struct {
			Tier    string
			Reasons []struct {
				Rule             string
				Since            string
				VisitHouseholdID *string
				Temperature      *float64
			}
		}
	}
	c.MustPost(`query($id: ID!, $asOf: DateTime) { risk(personId: $id, asOf: $asOf) { tier reasons { rule since visitHouseholdId temperature } } }`,
		&resp, client.Var("id", f["person"]), client.Var("asOf", f["asOf"]))
	var got, want []string
	for _, r := range resp.Risk.Reasons {
		v := "null"
		if r.VisitHouseholdID != nil {
			v = *r.VisitHouseholdID
		}
		got = append(got, j(r.Rule, instant(t, r.Since), v))
	}
	for _, y := range f["risk"].(map[string]any)["reasons"].([]any) {
		r := y.(map[string]any)
		want = append(want, j(r["rule"], instant(t, r["since"].(string)), s(r["visit"])))
	}
	lines(t, "fever risk", got, want)
	if want := f["risk"].(map[string]any)["tier"]; resp.Risk.Tier != want {
		t.Errorf("fever risk tier %s, want %s", resp.Risk.Tier, want)
	}
}

type SweepNode struct {
	AreaCode                                  string
	Households, Visited, People, AccountedFor int
	NotVisited                                struct {
		Nodes []struct {
			HouseholdID  string
			LastNoAnswer *string
		}
		EndCursor   *string
		HasNextPage bool
	}
	NotAccountedFor struct {
		Nodes []struct {
			Person struct{ ID string }
		}
		EndCursor   *string
		HasNextPage bool
	}
	Children []SweepNode
}

// sweepThroughGraphQL reads a sweep's figures and its children's, then its own two
// lists a page of one at a time, following the cursors.
func sweepThroughGraphQL(t *testing.T, c *client.Client, area, from, to string) []string {
	t.Helper()
	var resp struct{ SweepCoverage SweepNode }
	c.MustPost(`query($a: ID!, $f: DateTime!, $t: DateTime!) { sweepCoverage(areaCode: $a, from: $f, to: $t) {
		areaCode households visited people accountedFor
		children { areaCode households visited people accountedFor
			notVisited(first: 20) { nodes { householdId lastNoAnswer } hasNextPage }
			notAccountedFor(first: 20) { nodes { person { id } } hasNextPage } } } }`,
		&resp, client.Var("a", area), client.Var("f", from), client.Var("t", to))
	out := sweepFigures(resp.SweepCoverage)
	for _, ch := range resp.SweepCoverage.Children {
		out = append(out, sweepFigures(ch)...)
		out = append(out, sweepLists(t, ch)...)
	}
	for _, list := range []string{"notVisited", "notAccountedFor"} {
		sel := "nodes { householdId lastNoAnswer }"
		if list == "notAccountedFor" {
			sel = "nodes { person { id } }"
		}
		var after *string
		for pages := 0; pages < 100; pages++ {
			var r struct{ SweepCoverage SweepNode }
			c.MustPost(`query($a: ID!, $f: DateTime!, $t: DateTime!, $after: String) { sweepCoverage(areaCode: $a, from: $f, to: $t) {
				areaCode `+list+`(first: 1, after: $after) { `+sel+` endCursor hasNextPage } } }`,
				&r, client.Var("a", area), client.Var("f", from), client.Var("t", to), client.Var("after", after))
			n := r.SweepCoverage
			out = append(out, sweepLists(t, n)...)
			more, cur := n.NotVisited.HasNextPage, n.NotVisited.EndCursor
			if list == "notAccountedFor" {
				more, cur = n.NotAccountedFor.HasNextPage, n.NotAccountedFor.EndCursor
			}
			if !more {
				break
			}
			after = cur
		}
	}
	return out
}

func sweepFigures(n SweepNode) []string {
	return []string{j(n.AreaCode, n.Households, n.Visited, n.People, n.AccountedFor)}
}

func sweepLists(t *testing.T, n SweepNode) []string {
	var out []string
	for _, h := range n.NotVisited.Nodes {
		last := "null"
		if h.LastNoAnswer != nil {
			last = instant(t, *h.LastNoAnswer)
		}
		out = append(out, n.AreaCode+" notVisited "+h.HouseholdID+" "+last)
	}
	for _, p := range n.NotAccountedFor.Nodes {
		out = append(out, n.AreaCode+" notAccountedFor "+p.Person.ID)
	}
	return out
}

func expectedSweep(t *testing.T, a map[string]any, withChildren bool) []string {
	area := a["area"].(string)
	out := []string{j(area, int(a["households"].(float64)), int(a["visited"].(float64)), int(a["people"].(float64)), int(a["accountedFor"].(float64)))}
	for _, x := range a["notVisited"].([]any) {
		h := x.(map[string]any)
		last := "null"
		if h["lastNoAnswer"] != nil {
			last = instant(t, h["lastNoAnswer"].(string))
		}
		out = append(out, area+" notVisited "+h["household"].(string)+" "+last)
	}
	for _, p := range a["notAccountedFor"].([]any) {
		out = append(out, area+" notAccountedFor "+p.(string))
	}
	if withChildren {
		for _, ch := range a["children"].([]any) {
			out = append(out, expectedSweep(t, ch.(map[string]any), false)...)
		}
	}
	return out
}

func optS(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}
