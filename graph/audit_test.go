package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

func countAuditRecords(t *testing.T, db *graph.DB, actor string) int {
	t.Helper()
	n, err := graph.Read(context.Background(), db, "count audit", func(ctx context.Context, tx graph.Tx) (int64, error) {
		res, err := tx.Run(ctx, `MATCH (a:AuditRecord {actor: $actor}) RETURN count(a)`, map[string]any{"actor": actor})
		if err != nil {
			return 0, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return 0, err
		}
		return rec.Values[0].(int64), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func readRecord(actor string, i int) graph.AuditRecord {
	return graph.AuditRecord{Actor: actor, Role: graph.RoleTracer, Operation: fmt.Sprintf("query R%d: person", i), PersonIDs: []string{"P1"}}
}

// A batch is one write transaction: 25 records in batches of 10 are three writes.
func TestAuditFlushWritesABatchPerTransaction(t *testing.T) {
	db := graphtest.MustOpen(t)
	a := graph.NewAuditor(db, graph.AuditConfig{Batch: 10, Interval: time.Hour})
	for i := range 25 {
		if err := a.Record(t.Context(), readRecord("batch", i)); err != nil {
			t.Fatal(err)
		}
	}
	if got := countAuditRecords(t, db, "batch"); got != 20 {
		// The two full batches are written as soon as they fill, without waiting an hour.
		deadline := time.Now().Add(10 * time.Second)
		for got < 20 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			got = countAuditRecords(t, db, "batch")
		}
		if got != 20 {
			t.Fatalf("%d records written before the interval, want the two full batches (20)", got)
		}
	}
	if err := a.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := countAuditRecords(t, db, "batch"); got != 25 {
		t.Fatalf("%d records after Close, want 25", got)
	}
	if s := a.Status(); s.Flushes != 3 || s.Written != 25 || s.Queued != 0 {
		t.Fatalf("status %+v, want 3 flushes of 25 records", s)
	}
	if err := a.Record(t.Context(), readRecord("batch", 99)); graph.KindOf(err) != graph.Unavailable {
		t.Fatalf("record after Close: %v, want Unavailable", err)
	}
}

// Without a flush, a record waits at most the interval.
func TestAuditFlushesEveryInterval(t *testing.T) {
	db := graphtest.MustOpen(t)
	a := graph.NewAuditor(db, graph.AuditConfig{Interval: 200 * time.Millisecond})
	defer a.Close(t.Context())
	if err := a.Record(t.Context(), readRecord("tick", 0)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for countAuditRecords(t, db, "tick") == 0 {
		if time.Since(start) > 5*time.Second {
			t.Fatal("record not written within 5 s with a 200 ms interval")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A flush that cannot reach Neo4j keeps its records, makes the queue unready, and
// writes them once Neo4j is back. A full queue refuses after its wait rather than
// drop a record.
func TestAuditBacklogWhenNeo4jIsDown(t *testing.T) {
	graphtest.MustOpen(t)
	px := graphtest.NewProxy(t)
	cfg := graphtest.Config()
	cfg.URI = px.URI()
	db, err := graph.Open(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	a := graph.NewAuditor(db, graph.AuditConfig{Queue: 4, Batch: 2, Interval: time.Hour, Wait: 300 * time.Millisecond})
	defer a.Close(context.Background())
	if err := a.Record(t.Context(), readRecord("down", 0)); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := a.Ready(); err != nil {
		t.Fatalf("ready after a good flush: %v", err)
	}

	px.Down()
	if err := a.Record(t.Context(), readRecord("down", 1)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := a.Flush(t.Context()); graph.KindOf(err) != graph.Unavailable {
		t.Fatalf("flush with Neo4j down: %v, want Unavailable", err)
	}
	t.Logf("a flush with Neo4j down failed in %s", time.Since(start).Round(time.Millisecond))
	s := a.Status()
	if s.Queued != 1 || s.FailedFlushes == 0 || s.ConsecutiveFailures == 0 {
		t.Fatalf("status after a failed flush: %+v", s)
	}
	if err := a.Ready(); err == nil || !strings.Contains(err.Error(), "flushes of audit records failed") {
		t.Fatalf("Ready after a failed flush: %v", err)
	}
	// Fill the queue (4): the records wait in the process, the fifth read is refused.
	for i := 2; i <= 4; i++ {
		if err := a.Record(t.Context(), readRecord("down", i)); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	start = time.Now()
	err = a.Record(t.Context(), readRecord("down", 5))
	if graph.KindOf(err) != graph.Unavailable || !strings.Contains(err.Error(), "audit queue is full") {
		t.Fatalf("record into a full queue: %v, want Unavailable naming the full queue", err)
	}
	if waited := time.Since(start); waited < 250*time.Millisecond || waited > 3*time.Second {
		t.Fatalf("a full queue refused after %s, want after its 300 ms wait", waited)
	}
	if s := a.Status(); s.Refused != 1 || s.Queued != 4 {
		t.Fatalf("status with a full queue: %+v", s)
	}

	px.Up()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := a.Flush(t.Context())
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("flush after Neo4j came back: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := a.Ready(); err != nil {
		t.Fatalf("Ready after the backlog was written: %v", err)
	}
	if got := countAuditRecords(t, db, "down"); got != 5 {
		t.Fatalf("%d records written, want the 5 accepted (none dropped)", got)
	}
}

// More than half the queue waiting is a backlog: unready before reads are refused.
func TestAuditBacklogBoundMakesUnready(t *testing.T) {
	db := graphtest.MustOpen(t)
	a := graph.NewAuditor(db, graph.AuditConfig{Queue: 6, Batch: 6, Interval: time.Hour})
	defer a.Close(t.Context())
	for i := range 4 {
		if err := a.Record(t.Context(), readRecord("bound", i)); err != nil {
			t.Fatal(err)
		}
		if err := a.Ready(); (err != nil) != (i+1 > 3) {
			t.Fatalf("after %d records: Ready = %v", i+1, err)
		}
	}
	if err := a.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := a.Ready(); err != nil {
		t.Fatalf("Ready after the flush: %v", err)
	}
}

func TestAuditConfigFromEnv(t *testing.T) {
	env := map[string]string{"TRACEGRAPH_AUDIT_QUEUE": "100", "TRACEGRAPH_AUDIT_BATCH": "10", "TRACEGRAPH_AUDIT_FLUSH_INTERVAL": "250ms"}
	c, err := graph.AuditConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || c.Queue != 100 || c.Batch != 10 || c.Interval != 250*time.Millisecond || c.Wait != graph.DefaultAuditWait {
		t.Fatalf("config %+v, %v", c, err)
	}
	for k, v := range map[string]string{"TRACEGRAPH_AUDIT_QUEUE": "0", "TRACEGRAPH_AUDIT_BATCH": "many", "TRACEGRAPH_AUDIT_FLUSH_INTERVAL": "soon"} {
		_, err := graph.AuditConfigFromEnv(func(name string) string {
			if name == k {
				return v
			}
			return ""
		})
		if graph.KindOf(err) != graph.Invalid || !strings.Contains(err.Error(), k) {
			t.Fatalf("%s=%s: %v, want Invalid naming it", k, v, err)
		}
	}
}
