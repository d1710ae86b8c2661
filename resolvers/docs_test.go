package resolvers_test

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

// Every query and mutation of docs/api.md runs against the county it names, without
// errors, and every root field answers something (no null, no empty list): the ids
// in the documentation exist.
func TestDocsAPIQueriesRun(t *testing.T) {
	svc := graphtest.MustService(t)
	rep, err := loader.Load(context.Background(), svc.DB, "../testdata/conformance/case01/bundle", loader.Options{Loc: svc.Loc})
	if err != nil || len(rep.Rejects) > 0 {
		t.Fatalf("load: %v %v", err, rep.Rejects)
	}
	// The bundle has no quarantine assignments (the quarantine engine makes them):
	// two as it would store them, for the queries that read assignments.
	graphtest.Run(t, svc.DB, `UNWIND $rows AS r MATCH (p:Person {id: r.person})
		CREATE (p)-[:ASSIGNED]->(:Quarantine {id: r.id, personId: r.person, kind: r.kind, status: 'active', start: r.start, end: r.end})`,
		map[string]any{"rows": []map[string]any{
			{"id": "QD1", "person": "R003", "kind": "home", "start": at(t, "2020-01-24T12:00"), "end": at(t, "2020-01-31T12:00")},
			{"id": "QD2", "person": "R004", "kind": "centralized", "start": at(t, "2020-01-24T12:00"), "end": at(t, "2020-02-07T12:00")},
		}})
	doc, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	c := newClient(t, svc)
	ran := 0
	for _, b := range blocks {
		q := b[1]
		if strings.HasPrefix(strings.TrimSpace(q), "subscription") {
			continue // subscriptions are tested over their transports
		}
		resp, err := c.RawPost(q)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Errors) > 0 {
			t.Errorf("docs/api.md query fails:\n%s\nerrors: %s", q, resp.Errors)
			continue
		}
		for field, v := range resp.Data.(map[string]any) {
			if v == nil {
				t.Errorf("docs/api.md: %s is null in\n%s", field, q)
			}
			if l, ok := v.([]any); ok && len(l) == 0 {
				t.Errorf("docs/api.md: %s is empty in\n%s", field, q)
			}
			if m, ok := v.(map[string]any); ok {
				if nodes, ok := m["nodes"].([]any); ok && len(nodes) == 0 {
					b, _ := json.Marshal(m)
					t.Errorf("docs/api.md: %s has no nodes (%s) in\n%s", field, b, q)
				}
			}
		}
		ran++
	}
	if ran < 12 {
		t.Fatalf("ran %d blocks of docs/api.md, want the ten queries and the writes", ran)
	}
}
