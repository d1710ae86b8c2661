package graph_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

func query(t *testing.T, db *graph.DB, cypher string) string {
	t.Helper()
	out, err := graph.Read(context.Background(), db, "test", func(ctx context.Context, tx graph.Tx) (string, error) {
		res, err := tx.Run(ctx, cypher, nil)
		if err != nil {
			return "", err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return "", err
		}
		s := ""
		for _, r := range recs {
			s += fmt.Sprint(r.Values)
		}
		return s, nil
	})
	if err != nil {
		t.Fatalf("%s: %v", cypher, err)
	}
	return out
}

// TestWritersMergeReplaceAndRelink: writing the same rows twice adds nothing, a later
// row replaces values (absent removes) and moves the one relationship with its copy.
func TestWritersMergeReplaceAndRelink(t *testing.T) {
	db := graphtest.MustOpen(t)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	areas := []graph.Area{{Code: "V1", Name: "村", Level: "village", ParentCode: "C1"}, {Code: "C1", Name: "县", Level: "county"}}
	must(db.WriteAreas(ctx, areas)) // a child before its parent in one batch
	must(db.WriteAreas(ctx, areas))
	must(db.WriteHouseholds(ctx, []graph.Household{{ID: "H1", AreaCode: "V1"}, {ID: "H2", AreaCode: "C1"}}))
	birth := graph.Date{Year: 1990, Month: 5, Day: 6}
	people := []graph.Person{{ID: "P1", Name: "甲", Phone: "139", BirthDate: &birth, HouseholdID: "H1"}, {ID: "P2", Name: "乙", HouseholdID: "H1"}}
	must(db.WritePeople(ctx, people))
	must(db.WritePeople(ctx, people))
	if got := query(t, db, "MATCH (a:Area)-[:PART_OF]->(p:Area) RETURN a.code, p.code"); got != "[V1 C1]" {
		t.Errorf("PART_OF: %s", got)
	}
	if got := query(t, db, "MATCH (p:Person)-[:MEMBER_OF]->(h) RETURN p.id, h.id ORDER BY p.id"); got != "[P1 H1][P2 H1]" {
		t.Errorf("MEMBER_OF after two writes: %s", got)
	}

	// P1 moves to H2 and loses the phone; P2 leaves its household.
	must(db.WritePeople(ctx, []graph.Person{{ID: "P1", Name: "甲", HouseholdID: "H2"}, {ID: "P2", Name: "乙"}}))
	if got := query(t, db, "MATCH (p:Person) OPTIONAL MATCH (p)-[:MEMBER_OF]->(h) RETURN p.id, p.householdId, h.id, p.phone, p.birthDate ORDER BY p.id"); got != "[P1 H2 H2 <nil> <nil>][P2 <nil> <nil> <nil> <nil>]" {
		t.Errorf("after the move: %s", got)
	}

	// Contacts are stored once per (pair, at), from the smaller id, whatever the order.
	// Times go out in a named IANA zone, as the loader writes them (Neo4j refuses
	// abbreviations such as "CST" as zone ids).
	loc, err := time.LoadLocation("Asia/Shanghai")
	must(err)
	at := time.Date(2020, 1, 21, 18, 0, 0, 0, loc)
	d := 20.0
	must(db.WriteContacts(ctx, []graph.Contact{{PersonA: "P2", PersonB: "P1", At: at, DurationMin: &d, Setting: "meal"}}))
	must(db.WriteContacts(ctx, []graph.Contact{{PersonA: "P1", PersonB: "P2", At: at}}))
	if got := query(t, db, "MATCH (a)-[r:CONTACTED]->(b) RETURN a.id, b.id, r.durationMin, r.setting, r.protected"); got != "[P1 P2 <nil> <nil> false]" {
		t.Errorf("contacts: %s", got)
	}

	found, err := db.ExistingKeys(ctx, graph.KeyPerson, []string{"P1", "P9"})
	must(err)
	if !found["P1"] || found["P9"] || len(found) != 1 {
		t.Errorf("ExistingKeys = %v", found)
	}
	anc, err := db.AreaAncestry(ctx, []string{"V1"})
	must(err)
	if len(anc) != 2 || anc["V1"] != "C1" || anc["C1"] != "" {
		t.Errorf("AreaAncestry = %v", anc)
	}
}
