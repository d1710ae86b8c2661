package resolvers_test

import (
	"context"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

// A dashboard reads the KPIs of conformance case04 after its first quarantine run.
func TestKPIsForADashboard(t *testing.T) {
	svc := graphtest.MustService(t)
	ctx := context.Background()
	if _, err := loader.Load(ctx, svc.DB, "../testdata/conformance/case04/bundle", loader.Options{Strict: true, Loc: svc.Loc}); err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2020, 1, 26, 12, 0, 0, 0, svc.Loc)
	if _, err := svc.AssignQuarantines(ctx, asOf); err != nil {
		t.Fatal(err)
	}
	direct, err := svc.KPIs(ctx, "", nil, asOf)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Kpis struct {
			NewCases, ClosePairs, Placed int
			MedianHoursToPlacement       *float64
		}
	}
	newClientAs(t, svc, &graph.Principal{Subject: "screen", Role: graph.RoleDashboard}).
		MustPost(`{ kpis(asOf: "2020-01-26T12:00:00+08:00") { newCases closePairs placed medianHoursToPlacement } }`, &resp)
	k := resp.Kpis
	if k.NewCases != direct.NewCases || k.ClosePairs != direct.ClosePairs || k.Placed != direct.Placed {
		t.Fatalf("GraphQL %+v, service %+v", k, direct)
	}
	if k.NewCases == 0 || k.ClosePairs == 0 || k.Placed == 0 || k.MedianHoursToPlacement == nil {
		t.Fatalf("case04 has new cases whose close contacts were placed at the run: %+v", k)
	}
}
