package resolvers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
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
