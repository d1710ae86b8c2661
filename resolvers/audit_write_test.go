package resolvers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// auditRecordsOf reads the stored AuditRecords of an actor straight from Neo4j (not
// through auditLog, which first writes what the process has queued).
func auditRecordsOf(t *testing.T, db *graph.DB, actor string) []map[string]any {
	t.Helper()
	out, err := graph.Read(context.Background(), db, "audit records", func(ctx context.Context, tx graph.Tx) ([]map[string]any, error) {
		res, err := tx.Run(ctx, `MATCH (a:AuditRecord {actor: $actor}) RETURN a {.operation, .personIds, .role} AS a ORDER BY a.at`, map[string]any{"actor": actor})
		if err != nil {
			return nil, err
		}
		var out []map[string]any
		for res.Next(ctx) {
			out = append(out, res.Record().Values[0].(map[string]any))
		}
		return out, res.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Issue 11: a write and its audit record commit together. A write that fails — refused
// by the rules, or by Neo4j inside its transaction — leaves no record; a write that
// commits has its record already, in the same transaction.
func TestWriteAndItsAuditRecordCommitTogether(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, accessFixture, nil)
	writer := &graph.Principal{Subject: "writer", Role: graph.RoleEpidemiologist}
	c := newClientAs(t, svc, writer)

	// Refused by the rules (SPEC §3 bounds) before anything is written.
	resp, err := c.RawPost(`mutation Big { recordContact(input: {personA: "P1", personB: "P2", at: "2020-01-20 10:00", durationMin: 1e29}) { at } }`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Errors), `"INVALID"`) {
		t.Fatalf("an absurd duration was not refused: %s %s", resp.Data, resp.Errors)
	}
	if recs := auditRecordsOf(t, svc.DB, "writer"); len(recs) != 0 {
		t.Fatalf("a refused write left audit records: %v", recs)
	}

	// Refused by Neo4j inside the write's transaction: a constraint the test adds for the
	// purpose (one person per household) fails the write after its statements ran.
	graphtest.Run(t, svc.DB, `CREATE CONSTRAINT audit_test_one_per_household IF NOT EXISTS FOR (n:Person) REQUIRE n.householdId IS UNIQUE`, nil)
	t.Cleanup(func() {
		graphtest.Run(t, svc.DB, `DROP CONSTRAINT audit_test_one_per_household IF EXISTS`, nil)
	})
	resp, err = c.RawPost(`mutation Twin { upsertPerson(input: {id: "P9", name: "丁", householdId: "HA"}) { id } }`)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Errors) == 0 {
		t.Fatalf("a write against the constraint succeeded: %s", resp.Data)
	}
	if recs := auditRecordsOf(t, svc.DB, "writer"); len(recs) != 0 {
		t.Fatalf("a write that Neo4j refused left audit records: %v", recs)
	}

	// A write that commits: its record is there at once, naming the mutation and person.
	var out struct{ UpsertPerson struct{ ID string } }
	c.MustPost(`mutation Add { upsertPerson(input: {id: "P9", name: "新"}) { id } }`, &out)
	recs := auditRecordsOf(t, svc.DB, "writer")
	if len(recs) != 1 {
		t.Fatalf("%d audit records after one committed write, want 1: %v", len(recs), recs)
	}
	op, _ := recs[0]["operation"].(string)
	ids, _ := recs[0]["personIds"].([]any)
	if !strings.Contains(op, "mutation Add") || !strings.Contains(op, "upsertPerson") || len(ids) != 1 || ids[0] != "P9" || recs[0]["role"] != graph.RoleEpidemiologist {
		t.Fatalf("audit record of the write: %v", recs[0])
	}
}
