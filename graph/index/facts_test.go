package index_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/graph/index"
)

func factsFollower(t *testing.T) (*graph.Service, *index.Follower) {
	t.Helper()
	svc := graphtest.MustService(t)
	f := index.New(svc.DB, 200*time.Millisecond).WithFacts(svc.Loc)
	if err := f.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	withIndex := *svc
	withIndex.Index = f
	return &withIndex, f
}

// TestAWriteOnThisProcessIsSeenByTheNextRead: a case and a contact written through
// tracegraph are in the very next chain read from the index, with no poll in between.
func TestAWriteOnThisProcessIsSeenByTheNextRead(t *testing.T) {
	svc, f := factsFollower(t)
	ctx := context.Background()
	loc := svc.Loc
	if err := svc.DB.WritePeople(ctx, []graph.Person{{ID: "C1", Name: "甲"}, {ID: "K1", Name: "乙"}}); err != nil {
		t.Fatal(err)
	}
	onset := graph.Date{Year: 2020, Month: 1, Day: 20}
	confirmed := time.Date(2020, 1, 22, 9, 0, 0, 0, loc)
	if err := svc.DB.WriteCases(ctx, []graph.Case{{PersonID: "C1", Status: graph.StatusConfirmed, OnsetDate: &onset, ConfirmedAt: &confirmed}}); err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2020, 1, 25, 12, 0, 0, 0, loc)
	ch, err := svc.ContactChain(ctx, "C1", 2, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Contacts) != 0 {
		t.Fatalf("contacts before any was written: %+v", ch.Contacts)
	}
	dur := 30.0
	if err := svc.DB.WriteContacts(ctx, []graph.Contact{{PersonA: "C1", PersonB: "K1", At: time.Date(2020, 1, 19, 10, 0, 0, 0, loc), DurationMin: &dur}}); err != nil {
		t.Fatal(err)
	}
	ch, err = svc.ContactChain(ctx, "C1", 2, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Contacts) != 1 || ch.Contacts[0].PersonID != "K1" || ch.Contacts[0].Class != graph.ClassClose {
		t.Fatalf("after the contact was written: %+v (index version %d, last written %d)", ch.Contacts, f.Status().Version, svc.DB.LastWrittenSeq())
	}
	if s := f.Status(); s.People != 2 || s.Version != svc.DB.LastWrittenSeq() {
		t.Fatalf("status: %+v", s)
	}
	if diffs, err := f.Verify(ctx); err != nil || len(diffs) != 0 {
		t.Fatalf("verify after writes through tracegraph: %v %v", diffs, err)
	}
}

// TestVerifyFindsAWriteThatBypassesTracegraph: a contact created with raw Cypher records
// nothing in the feed; the index does not see it, and Verify names the person and the
// fact. A rebuild takes it in.
func TestVerifyFindsAWriteThatBypassesTracegraph(t *testing.T) {
	svc, f := factsFollower(t)
	ctx := context.Background()
	if err := svc.DB.WritePeople(ctx, []graph.Person{{ID: "A1", Name: "甲"}, {ID: "B1", Name: "乙"}}); err != nil {
		t.Fatal(err)
	}
	if diffs, err := f.Verify(ctx); err != nil || len(diffs) != 0 {
		t.Fatalf("verify before the planted write: %v %v", diffs, err)
	}
	graphtest.RunBehindFeed(t, svc.DB, `MATCH (a:Person {id: 'A1'}), (b:Person {id: 'B1'})
		CREATE (a)-[:CONTACTED {at: datetime('2020-01-20T10:00:00+08:00'), durationMin: 20.0}]->(b)`, nil)
	diffs, err := f.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(diffs, "\n")
	if len(diffs) != 2 || !strings.Contains(joined, "person A1: contacts") || !strings.Contains(joined, "person B1: contacts") {
		t.Fatalf("verify after a raw write: %q", diffs)
	}
	if err := f.Build(ctx); err != nil {
		t.Fatal(err)
	}
	if diffs, err := f.Verify(ctx); err != nil || len(diffs) != 0 {
		t.Fatalf("verify after a rebuild: %v %v", diffs, err)
	}
}
