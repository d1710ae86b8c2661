package resolvers_test

import (
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
