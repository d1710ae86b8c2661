package graph

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Roles of SPEC §8.
const (
	RoleEpidemiologist = "epidemiologist" // everything in the county
	RoleTracer         = "tracer"         // people in the areas they serve, and their contacts
	RoleDashboard      = "dashboard"      // aggregates only
)

// Roles lists the valid roles.
var Roles = []string{RoleEpidemiologist, RoleTracer, RoleDashboard}

// Principal is who is asking: the verified claims of their token.
type Principal struct {
	Subject string
	Role    string
	Areas   []string // area codes a tracer serves
}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool { return slices.Contains(Roles, role) }

// PersonLevel reports whether the role may read people at all.
func (p *Principal) PersonLevel() bool {
	return p != nil && (p.Role == RoleEpidemiologist || p.Role == RoleTracer)
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, or nil for an anonymous caller.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// MaskIDNumber keeps the first 6 and last 4 characters of a resident ID number
// (the region code and the check digits); the birth date and sequence are hidden.
func MaskIDNumber(s string) string { return mask(s, 6, 4) }

// MaskPhone keeps the first 3 and last 4 digits.
func MaskPhone(s string) string { return mask(s, 3, 4) }

func mask(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

// Scope is how much of a person a tracer may see.
type Scope uint8

const (
	OutOfScope Scope = iota // FORBIDDEN
	ContactOf               // a contact of someone in the tracer's areas: visible, ID number and phone masked
	InArea                  // lives under an area the tracer serves: everything
)

// PeopleInScope says, for each id, how far a tracer serving areas may see that person:
// InArea when the person's household lies in or under one of the areas, ContactOf when
// the person has a recorded exposure link (a CONTACTED edge, a shared event, or a shared
// conveyance) with someone InArea, OutOfScope otherwise. One round trip for all ids.
func (s *Service) PeopleInScope(ctx context.Context, areas, ids []string) (map[string]Scope, error) {
	return Read(ctx, s.DB, "scope", func(ctx context.Context, tx Tx) (map[string]Scope, error) {
		return peopleInScope(ctx, tx, areas, ids)
	})
}

// peopleInScope is PeopleInScope inside a read transaction of the caller's, so a read
// that cuts its rows to a tracer's scope costs one transaction, not two.
func peopleInScope(ctx context.Context, tx Tx, areas, ids []string) (map[string]Scope, error) {
	res, err := tx.Run(ctx, `
UNWIND $ids AS id
MATCH (p:Person {id: id})
WITH p, EXISTS {
  MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(s:Area) WHERE s.code IN $areas
} AS inArea
WITH p, inArea, inArea OR EXISTS {
  MATCH (p)-[:CONTACTED]-(q:Person)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(s:Area)
  WHERE s.code IN $areas
} OR EXISTS {
  MATCH (p)-[:ATTENDED]->(:Event)<-[:ATTENDED]-(q:Person)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(s:Area)
  WHERE s.code IN $areas
} OR EXISTS {
  MATCH (p)-[:TOOK]->(t:Trip), (u:Trip {mode: t.mode, numberKey: t.numberKey})<-[:TOOK]-(q:Person)
  WHERE q <> p AND u.departAt < t.arriveAt AND t.departAt < u.arriveAt
  MATCH (q)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(s:Area) WHERE s.code IN $areas
} AS linked
RETURN p.id AS id, inArea, linked`, map[string]any{"ids": ids, "areas": areas})
	if err != nil {
		return nil, err
	}
	out := make(map[string]Scope, len(ids))
	for res.Next(ctx) {
		r := res.Record()
		id, _ := r.Get("id")
		in, _ := r.Get("inArea")
		linked, _ := r.Get("linked")
		switch {
		case in == true:
			out[id.(string)] = InArea
		case linked == true:
			out[id.(string)] = ContactOf
		}
	}
	return out, res.Err()
}

// AuditRecord is one look at people's identity, or one write, by someone.
type AuditRecord struct {
	ID        string
	Actor     string
	Role      string
	At        time.Time
	Operation string   // the GraphQL operation (name and kind) or command
	PersonIDs []string // whose identity was read or changed
}

// WriteAudit stores an audit record. Nothing in the API updates or deletes them.
func (s *Service) WriteAudit(ctx context.Context, rec AuditRecord) error {
	_, err := Write(ctx, s.DB, "audit", func(ctx context.Context, tx Tx) (any, error) {
		_, err := tx.Run(ctx, `CREATE (:AuditRecord {id: $id, actor: $actor, role: $role, at: $at,
			operation: $operation, personIds: $personIds})`, map[string]any{
			"id": rec.ID, "actor": rec.Actor, "role": rec.Role, "at": rec.At.UTC(),
			"operation": rec.Operation, "personIds": rec.PersonIDs,
		})
		return nil, err
	})
	return err
}

// AuditLog lists audit records, newest first, filtered by person, actor and time
// (each filter optional), at most limit of them.
func (s *Service) AuditLog(ctx context.Context, personID, actor string, from, to *time.Time, limit int) ([]AuditRecord, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return Read(ctx, s.DB, "auditLog", func(ctx context.Context, tx Tx) ([]AuditRecord, error) {
		res, err := tx.Run(ctx, `MATCH (a:AuditRecord)
			WHERE ($personId IS NULL OR $personId IN a.personIds)
			  AND ($actor IS NULL OR a.actor = $actor)
			  AND ($from IS NULL OR a.at >= $from) AND ($to IS NULL OR a.at <= $to)
			RETURN a ORDER BY a.at DESC, a.id LIMIT $limit`, map[string]any{
			"personId": nullable(personID), "actor": nullable(actor), "from": timeParam(from), "to": timeParam(to), "limit": limit,
		})
		if err != nil {
			return nil, err
		}
		var out []AuditRecord
		for res.Next(ctx) {
			v, _ := res.Record().Get("a")
			props := v.(neo4j.Node).Props
			rec := AuditRecord{ID: str(props["id"]), Actor: str(props["actor"]), Role: str(props["role"]), Operation: str(props["operation"])}
			if t := timeOf(props["at"]); t != nil {
				rec.At = *t
			}
			if ids, ok := props["personIds"].([]any); ok {
				for _, id := range ids {
					rec.PersonIDs = append(rec.PersonIDs, str(id))
				}
			}
			out = append(out, rec)
		}
		return out, res.Err()
	})
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// timeParam passes an optional instant. Times are sent in UTC: Neo4j refuses the zone
// name "Local" that time.Now() carries (and the driver's connection is then unusable).
func timeParam(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
