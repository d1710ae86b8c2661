package resolvers_test

import (
	"context"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/graph/index"
	"github.com/tracegraph/tracegraph/resolvers"
)

// TestSummaryThroughTheIndexSeesTheNextWrite: with the index on, a repeated summary is
// the cached answer, and a mutation on the same process is in the very next summary.
func TestSummaryThroughTheIndexSeesTheNextWrite(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	ix := index.New(svc.DB, time.Second)
	if err := ix.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := resolvers.NewHandler(&resolvers.Resolver{Svc: svc, Index: ix}, resolvers.Options{Logger: testLogger(t)})
	c := clientFor(h, &graph.Principal{Subject: "test-epi", Role: graph.RoleEpidemiologist})
	total := func() int {
		t.Helper()
		var resp struct{ Summary struct{ ConfirmedTotal int } }
		c.MustPost(`{ summary(asOf: "2020-01-26T12:00:00+08:00") { confirmedTotal } }`, &resp)
		return resp.Summary.ConfirmedTotal
	}
	before := total()
	if again := total(); again != before {
		t.Fatalf("confirmed before the write: %d then %d", before, again)
	}
	if s := ix.Status(); s.Answers != 1 {
		t.Fatalf("answers cached: %+v, want the one summary", s)
	}
	c.MustPost(`mutation { setCaseStatus(input: {personId: "P04", status: "confirmed", confirmedAt: "2020-01-25 10:00"}) { status } }`, &map[string]any{})
	if got := total(); got != before+1 {
		t.Fatalf("confirmed after setCaseStatus on this process: %d, want %d", got, before+1)
	}
}
