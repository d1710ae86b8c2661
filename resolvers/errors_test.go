package resolvers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// A Neo4j that does not answer is UNAVAILABLE in extensions.code: never a panic, an
// INTERNAL or a stack trace.
func TestNeo4jOutageIsUnavailable(t *testing.T) {
	db, err := graph.Open(graph.Config{URI: "bolt://127.0.0.1:1", Database: "neo4j", QueryTimeout: 5 * time.Second, RetryTime: time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := graph.NewService(db, graph.DefaultPolicy(), time.UTC)
	resp, err := newClient(t, svc).RawPost(`{ person(id: "P1") { id name } summary { people } }`)
	if err != nil {
		t.Fatal(err)
	}
	errs := string(resp.Errors)
	if !strings.Contains(errs, `"code":"UNAVAILABLE"`) || strings.Contains(errs, `"INTERNAL"`) {
		t.Fatalf("errors: %s", errs)
	}
	if strings.Contains(errs, "goroutine") || strings.Contains(errs, ".go:") {
		t.Fatalf("a stack trace leaked: %s", errs)
	}
}

// Issue 11: during a Neo4j outage a request fails fast (≤ 5 s) with UNAVAILABLE —
// whether Neo4j went away (connections closed, the port refuses) or hangs (connections
// accepted, nothing answers) — after the service had a warm pool. The driver's own
// reconnect retries would take 15–25 s.
func TestNeo4jOutageFailsFast(t *testing.T) {
	base := graphtest.MustService(t)
	graphtest.Run(t, base.DB, accessFixture, nil)
	for _, outage := range []string{"refused", "hang"} {
		t.Run(outage, func(t *testing.T) {
			px := graphtest.NewProxy(t)
			cfg := graphtest.Config()
			cfg.URI = px.URI() // the defaults otherwise: retries, connect time-out
			db, err := graph.Open(cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close(context.Background())
			svc := graph.NewService(db, base.Policy, base.Loc)
			c := newClient(t, svc)
			q := `{ person(id: "P1") { id name } }`
			var warm map[string]any
			c.MustPost(q, &warm) // a pool with a live connection
			if outage == "refused" {
				px.Down()
			} else {
				px.Hang()
			}
			for i := range 4 {
				start := time.Now()
				resp, err := c.RawPost(q)
				took := time.Since(start)
				if err != nil {
					t.Fatal(err)
				}
				errs := string(resp.Errors)
				t.Logf("%s, request %d: UNAVAILABLE after %s", outage, i+1, took.Round(time.Millisecond))
				if !strings.Contains(errs, `"code":"UNAVAILABLE"`) {
					t.Fatalf("request %d: errors %s", i+1, errs)
				}
				if took > 5*time.Second {
					t.Fatalf("request %d took %s to fail, want ≤ 5 s", i+1, took)
				}
			}
			// Neo4j back: the service answers again without a restart.
			px.Up()
			deadline := time.Now().Add(20 * time.Second)
			for {
				resp, err := c.RawPost(q)
				if err == nil && len(resp.Errors) == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no answer 20 s after Neo4j came back: %v %s", err, resp.Errors)
				}
				time.Sleep(300 * time.Millisecond)
			}
		})
	}
}

// An operation that runs past its time-out answers TIMEOUT and says which time-out, not
// "the database is unavailable": the database answered, the work was too long. Here a
// write waits on a lock another transaction holds.
func TestTimeoutIsNotUnavailable(t *testing.T) {
	base := graphtest.MustService(t)
	graphtest.Run(t, base.DB, accessFixture, nil)
	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := graph.Write(context.Background(), base.DB, "hold P1", func(ctx context.Context, tx graph.Tx) (any, error) {
			if _, err := tx.Run(ctx, `MATCH (p:Person {id: 'P1'}) SET p.held = true`, nil); err != nil {
				return nil, err
			}
			select {
			case <-held:
			default:
				close(held)
			}
			<-release
			return nil, nil
		})
		done <- err
	}()
	<-held
	defer func() { close(release); <-done }()

	// The transaction's time-out (QueryTimeout), through GraphQL.
	cfg := graphtest.Config()
	cfg.QueryTimeout = time.Second
	db, err := graph.Open(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	svc := graph.NewService(db, base.Policy, base.Loc)
	start := time.Now()
	resp, err := newClient(t, svc).RawPost(`mutation { upsertPerson(input: {id: "P1", name: "甲"}) { id } }`)
	if err != nil {
		t.Fatal(err)
	}
	errs := string(resp.Errors)
	t.Logf("transaction time-out: %s after %s", errs, time.Since(start).Round(time.Millisecond))
	if !strings.Contains(errs, `"code":"TIMEOUT"`) || !strings.Contains(errs, "ran past its 1 s time-out") || strings.Contains(errs, "unavailable") {
		t.Fatalf("a write past its transaction time-out: %s", errs)
	}

	// The operation's time-out (the request's deadline), from the service.
	ctx, cancel := graph.WithTimeLimit(graph.WithPrincipal(context.Background(), &graph.Principal{Subject: "epi", Role: graph.RoleEpidemiologist}), 1500*time.Millisecond)
	defer cancel()
	_, err = base.UpsertPerson(ctx, graph.Cells{"id": "P1", "name": "甲"})
	if graph.KindOf(err) != graph.Timeout || !strings.Contains(err.Error(), "ran past its 1.5 s time-out") {
		t.Fatalf("a write past its operation's time-out: kind %v, %v", graph.KindOf(err), err)
	}
}
