package resolvers_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

func TestDepthLimit(t *testing.T) {
	c := newClient(t, graph.NewService(nil, graph.DefaultPolicy(), time.UTC))
	nest := func(n int) string { // policy { quarantine { closeContact { then { then … { days } } } } }
		return "{ policy { quarantine { closeContact { " + strings.Repeat("then { ", n) + "days" + strings.Repeat(" }", n) + " } } } }"
	}
	var ok map[string]any
	if err := c.Post(nest(8), &ok); err != nil { // 3 + 8 + 1 = 12 levels
		t.Fatalf("12 levels refused: %v", err)
	}
	resp, err := c.RawPost(nest(9))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Errors), "at most 12") || !strings.Contains(string(resp.Errors), "INVALID") {
		t.Fatalf("13 levels: errors %s", resp.Errors)
	}
}

// The introspection GraphiQL 5 sends (the IDE at /) nests 15 levels through its
// TypeRef fragment; it walks the schema, not the contact graph, so the depth limit
// does not apply to it, while the same depth over data fields is still refused.
func TestDepthLimitLetsTheIDEsIntrospectionThrough(t *testing.T) {
	c := newClient(t, graph.NewService(nil, graph.DefaultPolicy(), time.UTC))
	q, err := os.ReadFile("testdata/graphiql5-introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.RawPost(string(q))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Errors) > 0 {
		t.Fatalf("GraphiQL's introspection refused: %s", resp.Errors)
	}
	if !strings.Contains(fmt.Sprint(resp.Data), "queryType") {
		t.Fatalf("no schema in %.200s", resp.Data)
	}
	// An introspection field cannot carry a data selection deeper than the limit.
	mixed := "{ __typename policy { quarantine { closeContact { " + strings.Repeat("then { ", 9) + "days" + strings.Repeat(" }", 9) + " } } } }"
	if resp, err = c.RawPost(mixed); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Errors), "at most 12") {
		t.Fatalf("13 data levels beside an introspection field: errors %s", resp.Errors)
	}
}
