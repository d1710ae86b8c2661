package graph_test

import (
	"context"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

func schemaNames(t *testing.T, db *graph.DB) (constraints, indexes []string) {
	t.Helper()
	ctx := context.Background()
	got, err := graph.Read(ctx, db, "test", func(ctx context.Context, tx graph.Tx) ([2][]string, error) {
		var out [2][]string
		for i, q := range []string{"SHOW CONSTRAINTS YIELD name RETURN name", "SHOW INDEXES YIELD name RETURN name"} {
			res, err := tx.Run(ctx, q, nil)
			if err != nil {
				return out, err
			}
			for res.Next(ctx) {
				n, _ := res.Record().Get("name")
				out[i] = append(out[i], n.(string))
			}
			if err := res.Err(); err != nil {
				return out, err
			}
		}
		return out, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got[0])
	slices.Sort(got[1])
	return got[0], got[1]
}

func TestMigrateTwiceLeavesTheSameSchema(t *testing.T) {
	db := graphtest.MustOpen(t) // migrates once
	ctx := context.Background()
	c1, i1 := schemaNames(t, db)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c2, i2 := schemaNames(t, db)
	if !slices.Equal(c1, c2) || !slices.Equal(i1, i2) {
		t.Fatalf("second migration changed the schema:\n%v %v\n%v %v", c1, i1, c2, i2)
	}
	// Every key of SPEC §2 has its uniqueness constraint.
	for _, want := range []string{"area_code", "risk_designation_key", "household_id", "person_id", "case_person",
		"trip_id", "event_id", "test_id", "checkpoint_id", "facility_id", "officer_id", "quarantine_id", "health_report_key"} {
		if !slices.Contains(c2, want) {
			t.Errorf("constraint %s missing; have %v", want, c2)
		}
	}
	if err := db.Ready(ctx); err != nil {
		t.Fatalf("Ready after migrating: %v", err)
	}
}

func TestUniquenessConstraintRejectsDuplicatePerson(t *testing.T) {
	db := graphtest.MustOpen(t)
	graphtest.Run(t, db, "CREATE (:Person {id: 'P1'})", nil)
	_, err := graph.Write(context.Background(), db, "test", func(ctx context.Context, tx graph.Tx) (any, error) {
		_, err := tx.Run(ctx, "CREATE (:Person {id: 'P1'})", nil)
		return nil, err
	})
	if graph.KindOf(err) != graph.Invalid {
		t.Fatalf("duplicate person: got %v (kind %v), want an Invalid constraint error", err, graph.KindOf(err))
	}
}
