package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestIndexVerifyFindsAPlantedWrite: `tracegraph index verify --for` builds the index,
// and a contact created with raw Cypher while it follows the feed (a write that bypasses
// tracegraph) is listed as a difference, exit status 1; with nothing planted it says so
// and exits 0.
func TestIndexVerifyFindsAPlantedWrite(t *testing.T) {
	db := graphtest.MustOpen(t)
	ctx := context.Background()
	if err := db.WritePeople(ctx, []graph.Person{{ID: "V1", Name: "甲"}, {ID: "V2", Name: "乙"}}); err != nil {
		t.Fatal(err)
	}
	getenv := getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_LOG_LEVEL": "error"})
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"tracegraph", "index", "verify"}, getenv, &out, &errb); err != nil {
		t.Fatalf("clean graph: %v\n%s%s", err, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "no differences") {
		t.Fatalf("clean graph: %q", out.String())
	}

	var sout, serr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"tracegraph", "index", "verify", "--for", "2s"}, getenv, &sout, &serr)
	}()
	for start := time.Now(); !strings.Contains(sout.String(), "index built"); time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 20*time.Second {
			t.Fatalf("no build after 20 s: %q %q", sout.String(), serr.String())
		}
	}
	graphtest.RunBehindFeed(t, db, `MATCH (a:Person {id: 'V1'}), (b:Person {id: 'V2'})
		CREATE (a)-[:CONTACTED {at: datetime('2020-01-20T10:00:00+08:00'), durationMin: 20.0}]->(b)`, nil)
	err := <-done
	if exitCode(err) != 1 || !strings.Contains(sout.String(), "person V1: contacts") || !strings.Contains(sout.String(), "person V2: contacts") {
		t.Fatalf("after a planted write: exit %d (%v)\n%s", exitCode(err), err, sout.String())
	}
}
