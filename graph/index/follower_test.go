package index_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/graph/index"
)

func writePerson(t *testing.T, db *graph.DB, id string) {
	t.Helper()
	if err := db.WritePeople(context.Background(), []graph.Person{{ID: id, Name: "某" + id}}); err != nil {
		t.Fatal(err)
	}
}

// TestAnswersFollowTheFeed: an answer is computed once per (version, asOf, args); a write
// on the same process is seen by the next request without waiting for a poll; another
// asOf or other arguments are other answers.
func TestAnswersFollowTheFeed(t *testing.T) {
	db := graphtest.MustOpen(t)
	ctx := context.Background()
	f := index.New(db, 200*time.Millisecond)
	if err := f.Ready(); err == nil {
		t.Fatal("ready before the build")
	}
	if err := f.Build(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.Ready(); err != nil {
		t.Fatalf("after the build: %v", err)
	}
	calls := 0
	asOf := time.Date(2020, 1, 26, 12, 0, 0, 0, time.UTC)
	ask := func(args string, at time.Time) string {
		t.Helper()
		got, err := index.Answer(ctx, f, db.LastWrittenSeq(), "test", args, at, func() (string, error) {
			calls++
			return fmt.Sprintf("answer %d", calls), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if a, b := ask("x", asOf), ask("x", asOf); a != "answer 1" || b != a {
		t.Fatalf("repeated while nothing changed: %q then %q", a, b)
	}
	if got := ask("y", asOf); got != "answer 2" {
		t.Fatalf("other arguments: %q", got)
	}
	if got := ask("x", asOf.Add(time.Hour)); got != "answer 3" {
		t.Fatalf("another asOf: %q", got)
	}
	before := f.Status().Version
	writePerson(t, db, "P1")
	if got := ask("x", asOf); got != "answer 4" {
		t.Fatalf("after a write on this process: %q (version %d, was %d)", got, f.Status().Version, before)
	}
	if s := f.Status(); s.Version != db.LastWrittenSeq() || s.Answers != 1 {
		t.Fatalf("status after the write: %+v (last written %d)", s, db.LastWrittenSeq())
	}
}

// TestAnotherProcessesWriteIsSeenWithinASecond: a write committed through another
// connection (another process) moves the running follower's version within 1 s.
func TestAnotherProcessesWriteIsSeenWithinASecond(t *testing.T) {
	db := graphtest.MustOpen(t)
	other, err := graph.Open(graphtest.Config(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := index.New(db, 200*time.Millisecond)
	if err := f.Build(ctx); err != nil {
		t.Fatal(err)
	}
	go f.Run(ctx, func(err error) { t.Log(err) })
	writePerson(t, other, "P9")
	start := time.Now()
	want := other.LastWrittenSeq()
	for f.Status().Version < want {
		if time.Since(start) > time.Second {
			t.Fatalf("version %d after 1 s, want %d", f.Status().Version, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("another process's write applied after %s", time.Since(start).Round(time.Millisecond))
	if err := f.Ready(); err != nil {
		t.Fatal(err)
	}
}

// TestAFeedGapRebuilds: a change that disappears from the feed (deleted behind
// tracegraph's back) is a gap; the follower rebuilds at the head and drops its answers
// instead of skipping it. A reset (all data deleted) rebuilds too.
func TestAFeedGapRebuilds(t *testing.T) {
	db := graphtest.MustOpen(t)
	ctx := context.Background()
	f := index.New(db, time.Second)
	if err := f.Build(ctx); err != nil {
		t.Fatal(err)
	}
	writePerson(t, db, "P1")
	lost := db.LastWrittenSeq()
	writePerson(t, db, "P2")
	graphtest.RunBehindFeed(t, db, "MATCH (c:Change {seq: $seq}) DELETE c", map[string]any{"seq": lost})
	if err := f.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if s := f.Status(); s.Rebuilds != 1 || s.Version != db.LastWrittenSeq() || s.Lag != 0 {
		t.Fatalf("after a gap: %+v, want one rebuild at %d", s, db.LastWrittenSeq())
	}
	if err := db.DeleteAllData(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if s := f.Status(); s.Rebuilds != 2 || s.Version != db.LastWrittenSeq() {
		t.Fatalf("after a reset: %+v, want a second rebuild at %d", s, db.LastWrittenSeq())
	}
}
