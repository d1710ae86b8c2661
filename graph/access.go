package graph

import (
	"context"
	"slices"
	"strings"
	"sync"
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
	// Expires is when the token behind this principal stops being valid (zero: never,
	// for the service's own work); a subscription ends then (issue 11 item 13).
	Expires time.Time
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

type operationKey struct{}

// WithOperation returns ctx naming the request it serves (e.g. "mutation M:
// recordContact"), for the audit record a write under a principal leaves.
func WithOperation(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, operationKey{}, name)
}

func operationFrom(ctx context.Context) string {
	s, _ := ctx.Value(operationKey{}).(string)
	return s
}

// MaskIDNumber keeps the first 6 and last 4 characters of a resident ID number
// (the region code and the check digits); the birth date and sequence are hidden.
func MaskIDNumber(s string) string { return mask(s, 6, 4) }

// MaskBirthDate hides a birth date whole: it is digits 7–14 of the ID number, which
// MaskIDNumber hides, so wherever the ID number is masked the birth date is too (SPEC
// §8: a masked value must not be recoverable from another field).
func MaskBirthDate(string) string { return "" }

// MaskPhone keeps the first 3 and last 4 digits.
func MaskPhone(s string) string { return mask(s, 3, 4) }

func mask(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

// Scope is how much of a person a reader may see.
type Scope uint8

const (
	OutOfScope Scope = iota // FORBIDDEN
	ContactOf               // a contact in the chain of a traced case of the tracer's areas: visible, ID number, phone and birth date masked
	InArea                  // lives under an area the tracer serves: everything
)

// ScopeChainDepth is the depth of the chains that make people outside a tracer's areas
// visible to them: close contacts (1) and secondary contacts (2), SPEC §4's roles.
const ScopeChainDepth = 2

// PeopleInScope says, for each id, how far a tracer serving areas may see that person
// (SPEC §8 rev 5): InArea when the person's household lies in or under one of the
// areas; ContactOf when the person is a contact, to depth ScopeChainDepth as of now, in
// the chain (§4) of a traced case whose household lies there; OutOfScope otherwise.
// A recorded link by itself (a contact, an attendance, a trip a tracer wrote) grants
// nothing: only the chain does, so a tracer's own write cannot widen what they read
// unless it makes someone a contact of one of their cases. Absent ids are OutOfScope.
func (s *Service) PeopleInScope(ctx context.Context, areas, ids []string) (map[string]Scope, error) {
	return Read(ctx, s.DB, "scope", func(ctx context.Context, tx Tx) (map[string]Scope, error) {
		return s.peopleInScopeTx(ctx, tx, areas, ids)
	})
}

// peopleInScopeTx is PeopleInScope inside a caller's read transaction, for reads that
// check the people they found in the transaction that found them.
func (s *Service) peopleInScopeTx(ctx context.Context, tx Tx, areas, ids []string) (map[string]Scope, error) {
	res, err := tx.Run(ctx, `
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN p.id AS id, EXISTS {
  MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(s:Area) WHERE s.code IN $areas
} AS inArea`, map[string]any{"ids": ids, "areas": areas})
	if err != nil {
		return nil, err
	}
	out := make(map[string]Scope, len(ids))
	outside := false
	for res.Next(ctx) {
		r := res.Record()
		id, _ := r.Get("id")
		in, _ := r.Get("inArea")
		if in == true {
			out[id.(string)] = InArea
		} else {
			out[id.(string)] = OutOfScope
			outside = true
		}
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	if !outside {
		return out, nil
	}
	contacts, err := s.chainContactsOfAreas(ctx, tx, areas)
	if err != nil {
		return nil, err
	}
	for id, sc := range out {
		if sc == OutOfScope && contacts[id] {
			out[id] = ContactOf
		}
	}
	for id, sc := range out {
		if sc == OutOfScope {
			delete(out, id)
		}
	}
	return out, nil
}

// chainContactsOfAreas is the set of people in the depth-2 chains, as of now, of the
// traced cases living in or under areas. It is computed once per scope memo (one
// request) and otherwise on every call.
func (s *Service) chainContactsOfAreas(ctx context.Context, tx Tx, areas []string) (map[string]bool, error) {
	memo, _ := ctx.Value(scopeMemoKey{}).(*scopeMemo)
	key := strings.Join(areas, ",")
	if memo != nil {
		memo.mu.Lock()
		defer memo.mu.Unlock()
		if m, ok := memo.contacts[key]; ok {
			return m, nil
		}
	}
	now := s.zoned(s.now())
	ids, err := CypherFacts(tx).TracedCaseIDs(ctx, now, areas)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	if len(ids) > 0 {
		facts, err := CypherFacts(tx).PersonFacts(ctx, ids, now)
		if err != nil {
			return nil, err
		}
		var cases []*personFacts
		for _, id := range ids {
			if f := facts[id]; f != nil && f.isTraced(now) {
				cases = append(cases, f)
			}
		}
		chains, err := s.chainsTx(ctx, CypherFacts(tx), cases, facts, ScopeChainDepth, now, nil)
		if err != nil {
			return nil, err
		}
		for _, ch := range chains {
			for _, c := range ch.Contacts {
				out[c.PersonID] = true
			}
		}
	}
	if memo != nil {
		memo.contacts[key] = out
	}
	return out, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

type scopeMemoKey struct{}

type scopeMemo struct {
	mu       sync.Mutex
	contacts map[string]map[string]bool // areas → chain contacts
}

// WithScopeMemo returns ctx carrying a memo of the chains behind tracers' scopes, so
// that one request (one GraphQL operation) builds them once however many batches of
// people it checks. Within it the scope is as of the request's first check.
func WithScopeMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, scopeMemoKey{}, &scopeMemo{contacts: map[string]map[string]bool{}})
}

// ScopeOf says how far the principal in ctx may see each person: everything for an
// epidemiologist (and for the service's own work, with no principal), PeopleInScope
// for a tracer, nothing for a dashboard or any other role. It is the one decision the
// service's person-listing functions and every transport share.
func (s *Service) ScopeOf(ctx context.Context, ids []string) (map[string]Scope, error) {
	return s.scopeOf(ctx, nil, ids)
}

// scopeOfTx is ScopeOf inside a caller's read transaction.
func (s *Service) scopeOfTx(ctx context.Context, tx Tx, ids []string) (map[string]Scope, error) {
	return s.scopeOf(ctx, tx, ids)
}

func (s *Service) scopeOf(ctx context.Context, tx Tx, ids []string) (map[string]Scope, error) {
	p := PrincipalFrom(ctx)
	out := make(map[string]Scope, len(ids))
	switch {
	case p == nil || p.Role == RoleEpidemiologist:
		for _, id := range ids {
			out[id] = InArea
		}
		return out, nil
	case p.Role == RoleTracer:
		areas := p.Areas
		if areas == nil {
			areas = []string{}
		}
		if tx != nil {
			return s.peopleInScopeTx(ctx, tx, areas, ids)
		}
		return s.PeopleInScope(ctx, areas, ids)
	}
	return out, nil
}

// visibleOnly keeps the items whose person the principal in ctx may see (ScopeOf), in
// order, and returns each kept item's scope alongside.
func visibleOnly[T any](ctx context.Context, s *Service, items []T, personID func(T) string) ([]T, []Scope, error) {
	if p := PrincipalFrom(ctx); p == nil || p.Role == RoleEpidemiologist {
		sc := make([]Scope, len(items))
		for i := range sc {
			sc[i] = InArea
		}
		return items, sc, nil
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, personID(it))
	}
	scope, err := s.ScopeOf(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	out := items[:0:0]
	var scopes []Scope
	for _, it := range items {
		if sc := scope[personID(it)]; sc != OutOfScope {
			out = append(out, it)
			scopes = append(scopes, sc)
		}
	}
	return out, scopes, nil
}

// ListScope is the area cut a paged person list applies for the principal in ctx: the
// tracer's areas (never nil for a tracer, so a tracer with none sees no one), an empty
// list for roles that see no one, nil for roles that see the county.
func ListScope(ctx context.Context) []string {
	p := PrincipalFrom(ctx)
	switch {
	case p == nil || p.Role == RoleEpidemiologist:
		return nil
	case p.Role == RoleTracer && p.Areas != nil:
		return p.Areas
	}
	return []string{}
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

// RecordRead queues the record of a read of these people's identity by the principal
// in ctx (SPEC §8); it is written within the audit interval (audit.go). An error means
// the record could not be queued: the caller must withhold what was read.
func (s *Service) RecordRead(ctx context.Context, operation string, personIDs []string) error {
	p := PrincipalFrom(ctx)
	if p == nil {
		return &Error{Kind: Forbidden, Op: "audit", Msg: "no caller identity to record"}
	}
	return s.Audit.Record(ctx, AuditRecord{Actor: p.Subject, Role: p.Role, Operation: operation, PersonIDs: personIDs})
}

// AuditLog lists audit records, newest first, filtered by person, actor and time
// (each filter optional), at most limit of them.
func (s *Service) AuditLog(ctx context.Context, personID, actor string, from, to *time.Time, limit int) ([]AuditRecord, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	// What this process has queued is written first, so the log is complete up to now
	// for reads served here (other replicas' within their flush interval).
	if err := s.Audit.Flush(ctx); err != nil {
		return nil, err
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
