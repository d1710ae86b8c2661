package graph

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// People returns the people with the given ids, keyed by id, in one round trip.
// Unknown ids are absent from the map.
func (s *Service) People(ctx context.Context, ids []string) (map[string]*Person, error) {
	return Read(ctx, s.DB, "people", func(ctx context.Context, tx Tx) (map[string]*Person, error) {
		res, err := tx.Run(ctx, `UNWIND $ids AS id
			MATCH (p:Person {id: id})
			RETURN p {.id, .name, .idNumber, .phone, .sex, .birthDate, .householdId} AS p`,
			map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		out := make(map[string]*Person, len(ids))
		for res.Next(ctx) {
			v, _ := res.Record().Get("p")
			p := personFromMap(v.(map[string]any))
			out[p.ID] = p
		}
		return out, res.Err()
	})
}

// Person returns one person, or a NotFound error.
func (s *Service) Person(ctx context.Context, id string) (*Person, error) {
	m, err := s.People(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	p, ok := m[id]
	if !ok {
		return nil, &Error{Kind: NotFound, Op: "person", Field: "id", Msg: "no person " + id}
	}
	return p, nil
}

func personFromMap(m map[string]any) *Person {
	p := &Person{
		ID:          str(m["id"]),
		Name:        str(m["name"]),
		IDNumber:    str(m["idNumber"]),
		Phone:       str(m["phone"]),
		Sex:         str(m["sex"]),
		HouseholdID: str(m["householdId"]),
	}
	if d, ok := m["birthDate"].(dbtype.Date); ok {
		t := d.Time()
		p.BirthDate = &Date{t.Year(), t.Month(), t.Day()}
	}
	return p
}

// str reads an optional string property: absent is "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// timeOf reads an optional DATETIME property.
func timeOf(v any) *time.Time {
	switch t := v.(type) {
	case time.Time:
		return &t
	case neo4j.LocalDateTime:
		tt := t.Time()
		return &tt
	}
	return nil
}
