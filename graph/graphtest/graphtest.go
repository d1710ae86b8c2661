// Package graphtest opens the real Neo4j for tests. There is no mock: every test that
// needs a graph talks to Neo4j over Bolt. Neo4j Community has one user database, so
// packages that use it run one at a time (make test passes -p 1) and each MustOpen
// starts from an empty graph.
package graphtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/index"
)

// Config is the Neo4j the tests use: TRACEGRAPH_TEST_NEO4J_URI (and _USER, _PASSWORD,
// _DATABASE). Tests delete all data, so they never fall back to NEO4J_URI or to the
// default local server: a developer's or a county's graph cannot be wiped by a test run
// that forgot a variable. make test starts a separate local Neo4j for them.
func Config() graph.Config {
	return graph.ConfigFromEnv(func(name string) string {
		return os.Getenv("TRACEGRAPH_TEST_" + name)
	})
}

// EnvVar names the variable that points the tests at their Neo4j.
const EnvVar = "TRACEGRAPH_TEST_NEO4J_URI"

// MustOpen connects to the test Neo4j, migrates it, deletes all data and closes the
// connection when the test ends. A Neo4j that does not answer fails the test: start it
// with `make test-neo4j` (make test does).
func MustOpen(tb testing.TB) *graph.DB {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if os.Getenv(EnvVar) == "" {
		tb.Fatalf("%s is not set. Tests delete every node of the Neo4j they use, so they only "+
			"run against one named for them: `make test` starts a local test Neo4j and sets it "+
			"(or: make test-neo4j; export %s=bolt://127.0.0.1:7688)", EnvVar, EnvVar)
	}
	cfg := Config()
	db, err := graph.Open(cfg, nil)
	if err != nil {
		tb.Fatalf("open neo4j %s: %v", cfg.URI, err)
	}
	tb.Cleanup(func() { _ = db.Close(context.Background()) })
	if err := db.Ping(ctx); err != nil {
		tb.Fatalf("neo4j at %s does not answer (run `make test-neo4j`): %v", cfg.URI, err)
	}
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	if err := db.DeleteAllData(ctx); err != nil {
		tb.Fatalf("empty the graph: %v", err)
	}
	return db
}

// MustService is MustOpen with a Service in the spec's default zone and policy.
func MustService(tb testing.TB) *graph.Service {
	tb.Helper()
	db := MustOpen(tb)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	svc := graph.NewService(db, graph.DefaultPolicy(), loc)
	if IndexOn() {
		// TRACEGRAPH_TEST_INDEX=on: the rules read the tracing index, built now and
		// following the feed (Run records a reset, so fixtures reach it too).
		ix := index.New(db, 200*time.Millisecond).WithFacts(loc)
		if err := ix.Build(context.Background()); err != nil {
			tb.Fatal(err)
		}
		svc.Index = ix
	}
	return svc
}

// IndexOn reports whether TRACEGRAPH_TEST_INDEX=on: every test service then reads its
// facts from the in-memory tracing index instead of Cypher.
func IndexOn() bool { return os.Getenv("TRACEGRAPH_TEST_INDEX") == "on" }

// Run executes one Cypher statement in a write transaction, for fixtures. With
// TRACEGRAPH_TEST_INDEX=on it also records a reset in the change feed: a raw statement
// may have touched anything, so a tracing index rebuilds before its next read (as an
// operator rebuilds after a write behind tracegraph's back).
func Run(tb testing.TB, db *graph.DB, cypher string, params map[string]any) {
	tb.Helper()
	run(tb, db, cypher, params, IndexOn())
}

// RunBehindFeed is Run that never records a change: a write that bypasses tracegraph,
// for tests of what the feed and the index do then.
func RunBehindFeed(tb testing.TB, db *graph.DB, cypher string, params map[string]any) {
	tb.Helper()
	run(tb, db, cypher, params, false)
}

func run(tb testing.TB, db *graph.DB, cypher string, params map[string]any, reset bool) {
	tb.Helper()
	_, err := graph.Write(context.Background(), db, "fixture", func(ctx context.Context, tx graph.Tx) (any, error) {
		if reset {
			graph.Touch(ctx, graph.ChangeReset, "fixture")
		}
		res, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		_, err = res.Consume(ctx)
		return nil, err
	})
	if err != nil {
		tb.Fatalf("fixture %q: %v", cypher, err)
	}
}
