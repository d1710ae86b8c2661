package resolvers_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/resolvers"
)

// Issue 11: every identity read by a person-level role is recorded, but not with a
// write transaction per request: N reads cost about one audit write per flush
// interval, and every one of them is in the log.
func TestAuditReadsAreBatched(t *testing.T) {
	base := graphtest.MustService(t)
	graphtest.Run(t, base.DB, accessFixture, nil)
	var auditWrites atomic.Int64
	db, err := graph.Open(graphtest.Config(), func(op string, _ time.Duration, err error) {
		// Audit records are written by transactions named "audit…"; auditLog is the read.
		if strings.HasPrefix(op, "audit") && op != "auditLog" && err == nil {
			auditWrites.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(t.Context()) })
	svc := graph.NewService(db, base.Policy, base.Loc)
	h := resolvers.NewHandler(&resolvers.Resolver{Svc: svc}, resolvers.Options{Logger: testLogger(t)})
	epi := &graph.Principal{Subject: "epi", Role: graph.RoleEpidemiologist}
	tracer := &graph.Principal{Subject: "tracer-a", Role: graph.RoleTracer, Areas: []string{"A"}}

	const perWorker, workers = 15, 4 // 60 reads
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		who := epi
		if w%2 == 1 {
			who = tracer
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clientFor(h, who)
			for i := range perWorker {
				// A single person, a list element and a nested field: each reads P1's identity.
				q := []string{
					`query R%d { person(id: "P1") { name } }`,
					`query R%d { people(filter: {areaCode: "A"}) { nodes { name phone } } }`,
					`query R%d { person(id: "P1") { household { members { idNumber } } } }`,
				}[i%3]
				resp, err := c.RawPost(fmt.Sprintf(q, i))
				if err != nil || len(resp.Errors) > 0 {
					t.Errorf("read %d: %v %s", i, err, resp.Errors)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	writes := auditWrites.Load()

	var log struct {
		AuditLog []struct {
			Actor     string
			PersonIds []string
		}
	}
	clientFor(h, epi).MustPost(`{ auditLog(personId: "P1", first: 1000) { actor personIds } }`, &log)
	if got := len(log.AuditLog); got != perWorker*workers {
		t.Fatalf("%d audit records of P1, want one per read (%d)", got, perWorker*workers)
	}
	// One flush per interval (1 s) at most while reading, and the one auditLog asked for.
	allowed := int64(elapsed/time.Second) + 2
	t.Logf("%d reads in %s: %d audit write transactions", perWorker*workers, elapsed.Round(time.Millisecond), writes)
	if writes > allowed {
		t.Fatalf("%d audit write transactions for %d reads in %s, want at most %d (batched)", writes, perWorker*workers, elapsed, allowed)
	}
}
