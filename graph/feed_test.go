package graph_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

func feedAfter(t *testing.T, db *graph.DB, after int64) []graph.Change {
	t.Helper()
	cs, err := db.FeedSince(context.Background(), after, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func describeChanges(cs []graph.Change) string {
	var parts []string
	for _, c := range cs {
		var kinds []string
		for k, keys := range c.Keys {
			kinds = append(kinds, fmt.Sprintf("%s=%s", k, strings.Join(keys, ",")))
		}
		parts = append(parts, fmt.Sprintf("%s{%s}", c.Op, strings.Join(kinds, ";")))
	}
	return strings.Join(parts, " ")
}

// TestChangeFeedRecordsEveryWritePathInOrder: a loader batch, a mutation and a
// quarantine run each record what they touched under consecutive seqs, in commit order,
// and the process knows the last seq it wrote.
func TestChangeFeedRecordsEveryWritePathInOrder(t *testing.T) {
	svc := graphtest.MustService(t)
	countyFixture(t, svc) // loader batches
	ctx := context.Background()
	head, err := svc.DB.FeedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head == 0 || svc.DB.LastWrittenSeq() != head {
		t.Fatalf("after the fixture: head %d, last written %d", head, svc.DB.LastWrittenSeq())
	}
	start := head

	if err := svc.DB.WriteContacts(ctx, []graph.Contact{{PersonA: "P2", PersonB: "P1", At: jan(20, 10, 0)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpsertPerson(ctx, graph.Cells{"id": "P1", "name": "改名"}); err != nil {
		t.Fatal(err)
	}
	tr := &fixedTracer{chains: map[string]*graph.Chain{"C1": {SourceID: "C1", Contacts: []graph.ChainContact{
		cc("P1", 1, graph.ClassClose, jan(25, 10, 0))}}}, risks: map[string]*graph.Risk{}}
	run, err := graph.RunQuarantinesWith(svc, ctx, tr, jan(26, 12, 0), false)
	if err != nil {
		t.Fatal(err)
	}
	cs := feedAfter(t, svc.DB, start)
	if len(cs) != 3 {
		t.Fatalf("feed after %d: %s", start, describeChanges(cs))
	}
	for i, c := range cs {
		if c.Seq != start+int64(i)+1 {
			t.Errorf("change %d has seq %d, want %d", i, c.Seq, start+int64(i)+1)
		}
	}
	if got := describeChanges(cs[:2]); got != "write contacts{contacts=P1|P2|2020-01-20T02:00:00Z} write people{people=P1}" {
		t.Errorf("loader batch and mutation: %s", got)
	}
	if cs[2].Op != "assignQuarantines" && !strings.Contains(cs[2].Op, "uarantine") {
		t.Errorf("third change is %q, want the quarantine run", cs[2].Op)
	}
	if q := cs[2].Keys[graph.ChangeQuarantines]; len(q) != 1 || q[0] != run.Created[0].ID {
		t.Errorf("quarantine run touched %v, want [%s]", q, run.Created[0].ID)
	}
	if svc.DB.LastWrittenSeq() != cs[2].Seq {
		t.Errorf("last written seq %d, want %d", svc.DB.LastWrittenSeq(), cs[2].Seq)
	}
}

// TestChangeFeedRecordsNothingForARolledBackWrite: a write that fails after touching
// facts, and a dry quarantine run (written, then rolled back), leave no change and do
// not move the sequence.
func TestChangeFeedRecordsNothingForARolledBackWrite(t *testing.T) {
	svc := graphtest.MustService(t)
	countyFixture(t, svc)
	ctx := context.Background()
	head, err := svc.DB.FeedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	_, err = graph.Write(ctx, svc.DB, "failing write", func(ctx context.Context, tx graph.Tx) (any, error) {
		graph.Touch(ctx, graph.ChangePeople, "P1")
		if _, err := tx.Run(ctx, `MATCH (p:Person {id: 'P1'}) SET p.name = 'x'`, nil); err != nil {
			return nil, err
		}
		return nil, boom
	})
	if !errors.Is(err, boom) && (err == nil || !strings.Contains(err.Error(), "boom")) {
		t.Fatalf("failing write: %v", err)
	}
	tr := &fixedTracer{chains: map[string]*graph.Chain{"C1": {SourceID: "C1", Contacts: []graph.ChainContact{
		cc("P1", 1, graph.ClassClose, jan(25, 10, 0))}}}, risks: map[string]*graph.Risk{}}
	if _, err := graph.RunQuarantinesWith(svc, ctx, tr, jan(26, 12, 0), true); err != nil {
		t.Fatal(err)
	}
	if cs := feedAfter(t, svc.DB, head); len(cs) != 0 {
		t.Fatalf("rolled-back writes recorded: %s", describeChanges(cs))
	}
	if h, _ := svc.DB.FeedHead(ctx); h != head {
		t.Fatalf("feed head moved from %d to %d", head, h)
	}
}
