package resolvers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

// Issue 11 item 1, as the attacker ran it: on the demo county after an epidemiologist's
// quarantine run, a tracer for one village reads the quarantine export and the other
// lists of assignments. Every person in them must be one the tracer may see (SPEC §8
// rev 5), unmasked only when they live in the village, and the read must be audited.
func TestTracerListsOfAssignmentsAreScoped(t *testing.T) {
	svc := graphtest.MustService(t)
	ctx := context.Background()
	if _, err := loader.Load(ctx, svc.DB, "../examples/county", loader.Options{Strict: true, Loc: svc.Loc}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AssignQuarantines(ctx, at(t, "2020-01-28T12:00:00+08:00")); err != nil {
		t.Fatal(err)
	}
	village := []string{"411530101200"}
	tracer := &graph.Principal{Subject: "t", Role: graph.RoleTracer, Areas: village}
	c := newClientAs(t, svc, tracer)
	queries := map[string]string{
		"quarantineExport":  `{ quarantineExport(asOf: "2020-01-29T12:00:00+08:00") { personId name idNumber phone address areaCode } }`,
		"quarantines":       `{ quarantines(first: 200) { nodes { person { id name idNumber phone } } } }`,
		"pendingPlacements": `{ pendingPlacements { person { id name idNumber phone } } }`,
		"testsDue":          `{ testsDue(date: "2020-01-29") { person { id name idNumber phone } } }`,
		"officers":          `{ officers { openAssignments { person { id name idNumber phone } } } }`,
	}
	var all []string
	for name, q := range queries {
		resp, err := c.RawPost(q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Contains(string(resp.Errors), "INTERNAL") {
			t.Fatalf("%s: %s", name, resp.Errors)
		}
		rows := personRows(resp.Data)
		t.Logf("%s: %d people, errors %s", name, len(rows), resp.Errors)
		for _, r := range rows {
			all = append(all, r["id"])
		}
		scope, err := svc.PeopleInScope(ctx, village, ids(rows))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			switch scope[r["id"]] {
			case graph.OutOfScope:
				if r["name"] != "" || r["idNumber"] != "" || r["phone"] != "" {
					t.Errorf("%s: the tracer read %s, outside their scope: %v", name, r["id"], r)
				}
			case graph.ContactOf:
				if strings.Count(r["idNumber"], "*") < 8 && r["idNumber"] != "" {
					t.Errorf("%s: %s's ID number unmasked: %q", name, r["id"], r["idNumber"])
				}
			}
		}
	}
	if len(all) == 0 {
		t.Fatal("the tracer saw no one: the test proves nothing")
	}
	// The export read is audited.
	time.Sleep(10 * time.Millisecond)
	var log struct {
		AuditLog []struct {
			Actor     string
			Operation string
			PersonIds []string
		}
	}
	newClient(t, svc).MustPost(`{ auditLog(actor: "t") { actor operation personIds } }`, &log)
	exported := false
	for _, r := range log.AuditLog {
		if strings.Contains(r.Operation, "quarantineExport") && len(r.PersonIds) > 0 {
			exported = true
		}
	}
	if !exported {
		t.Errorf("no audit record of the tracer's export: %+v", log.AuditLog)
	}
}

// personRows finds every object of an answer carrying a person id (id or personId).
func personRows(v any) []map[string]string {
	var out []map[string]string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			id, _ := x["id"].(string)
			if pid, ok := x["personId"].(string); ok {
				id = pid
			}
			if strings.HasPrefix(id, "P") {
				r := map[string]string{"id": id}
				for _, k := range []string{"name", "idNumber", "phone"} {
					r[k], _ = x[k].(string)
				}
				out = append(out, r)
			}
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

func ids(rows []map[string]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r["id"])
	}
	return out
}
