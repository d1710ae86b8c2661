package resolvers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/tracegraph/tracegraph/graph"
)

// Access control is decided here and only here (SPEC §8): every field of the schema
// has a rule in accessRules; a field without one is refused, and the role × field
// matrix test walks the schema to make sure none is missing.

// fieldRule says who may resolve one field.
type fieldRule struct {
	roles    []string            // roles allowed; nil means every authenticated role
	identity bool                // carries a name, ID number, phone or address: audited
	mask     func(string) string // masks the value for those who may not see it whole
	// personArg names an argument holding a person id whose scope a tracer must have.
	personArg string
}

var (
	personLevel = []string{graph.RoleEpidemiologist, graph.RoleTracer}
	epiOnly     = []string{graph.RoleEpidemiologist}
)

// ownerOf tells, for objects that belong to one person, whose they are, so a tracer's
// scope applies to all their fields. Types without an entry are not person-owned.
var ownerOf = map[string]func(obj any) (string, bool){
	"Person": func(obj any) (string, bool) {
		switch p := obj.(type) {
		case *graph.Person:
			return p.ID, p != nil
		case graph.Person:
			return p.ID, true
		case **graph.Person:
			if p != nil && *p != nil {
				return (*p).ID, true
			}
		}
		return "", false
	},
	// Quarantine objects belong to their person.
	"Quarantine": func(obj any) (string, bool) {
		q, ok := obj.(*graph.Quarantine)
		return personOf(q, ok, func() string { return q.PersonID })
	},
	"TestDue": func(obj any) (string, bool) {
		t, ok := obj.(*graph.TestDue)
		return personOf(t, ok, func() string { return t.PersonID })
	},
	"Referral": func(obj any) (string, bool) {
		r, ok := obj.(*graph.Referral)
		return personOf(r, ok, func() string { return r.PersonID })
	},
	"QuarantineExportRow": func(obj any) (string, bool) {
		r, ok := obj.(*graph.ExportRow)
		return personOf(r, ok, func() string { return r.PersonID })
	},
	"MissingOfficer": func(obj any) (string, bool) {
		m, ok := obj.(*graph.MissingOfficer)
		return personOf(m, ok, func() string { return m.PersonID })
	},
}

// personOf reads a person id from a typed, non-nil pointer.
func personOf[T any](p *T, ok bool, id func() string) (string, bool) {
	if !ok || p == nil {
		return "", false
	}
	return id(), true
}

type requestAccess struct {
	principal *graph.Principal
	scope     *dataloadgen.Loader[string, graph.Scope]
	mu        sync.Mutex
	audited   map[string]bool // person ids whose identity fields were read
}

type requestAccessKey struct{}

// accessControl enforces accessRules for one handler.
type accessControl struct {
	svc   *graph.Service
	rules map[string]fieldRule
	log   zerolog.Logger
}

func (a *accessControl) aroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	p := graph.PrincipalFrom(ctx)
	ra := &requestAccess{principal: p, audited: map[string]bool{}}
	if p != nil && p.Role == graph.RoleTracer {
		areas := p.Areas
		ra.scope = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]graph.Scope, error) {
			return a.svc.PeopleInScope(ctx, areas, ids)
		}, dataloadgen.WithWait(time.Millisecond))
	}
	ctx = context.WithValue(ctx, requestAccessKey{}, ra)
	op := graphql.GetOperationContext(ctx)
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		a.audit(ctx, ra, op)
		return resp
	}
}

// audit records who read whose identity, and every write, once per operation.
func (a *accessControl) audit(ctx context.Context, ra *requestAccess, op *graphql.OperationContext) {
	if ra.principal == nil || op == nil || op.Operation == nil {
		return
	}
	ra.mu.Lock()
	ids := make([]string, 0, len(ra.audited))
	for id := range ra.audited {
		ids = append(ids, id)
	}
	ra.mu.Unlock()
	write := op.Operation.Operation == ast.Mutation
	if len(ids) == 0 && !write {
		return
	}
	slices.Sort(ids)
	name := op.OperationName
	if name == "" {
		name = "anonymous"
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	rec := graph.AuditRecord{
		ID: hex.EncodeToString(b[:]), Actor: ra.principal.Subject, Role: ra.principal.Role, At: time.Now(),
		Operation: string(op.Operation.Operation) + " " + name + ": " + rootFields(op), PersonIDs: ids,
	}
	// The audit write must not be cut short by the operation's own time-out.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := a.svc.WriteAudit(wctx, rec); err != nil {
		a.log.Error().Err(err).Str("actor", rec.Actor).Msg("audit record not written")
	}
}

func rootFields(op *graphql.OperationContext) string {
	var names []string
	for _, sel := range op.Operation.SelectionSet {
		if f, ok := sel.(*ast.Field); ok {
			names = append(names, f.Name)
		}
	}
	return strings.Join(names, ",")
}

func forbidden(format string, args ...any) error {
	return &graph.Error{Kind: graph.Forbidden, Msg: fmt.Sprintf(format, args...)}
}

func (a *accessControl) aroundFields(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || strings.HasPrefix(fc.Object, "__") || strings.HasPrefix(fc.Field.Name, "__") {
		return next(ctx) // introspection
	}
	ra, _ := ctx.Value(requestAccessKey{}).(*requestAccess)
	if ra == nil || ra.principal == nil {
		return nil, forbidden("no caller identity")
	}
	p := ra.principal
	key := fc.Object + "." + fc.Field.Name
	rule, ok := a.rules[key]
	if !ok {
		return nil, forbidden("%s has no access rule", key)
	}
	if rule.roles != nil && !slices.Contains(rule.roles, p.Role) {
		return nil, forbidden("%s is not available to the %s role", key, p.Role)
	}
	scope := graph.InArea
	ownerID := ""
	if owner, ok := ownerOf[fc.Object]; ok && fc.Parent != nil {
		if id, ok := owner(fc.Parent.Result); ok {
			ownerID = id
		}
	}
	if rule.personArg != "" {
		if id, ok := fc.Args[rule.personArg].(string); ok {
			ownerID = id
		}
	}
	if p.Role == graph.RoleTracer && ownerID != "" {
		s, err := ra.scope.Load(ctx, ownerID)
		if errors.Is(err, dataloadgen.ErrNotFound) {
			s, err = graph.OutOfScope, nil // no such person: nothing to see
		}
		if err != nil {
			return nil, err
		}
		if s == graph.OutOfScope {
			return nil, forbidden("person %s is outside the areas you serve", ownerID)
		}
		scope = s
	}
	res, err := next(ctx)
	if err != nil || res == nil {
		return res, err
	}
	if rule.identity && ownerID != "" {
		ra.mu.Lock()
		ra.audited[ownerID] = true
		ra.mu.Unlock()
	}
	if rule.mask != nil && !(p.Role == graph.RoleEpidemiologist || (p.Role == graph.RoleTracer && scope == graph.InArea)) {
		return maskValue(res, rule.mask), nil
	}
	return res, nil
}

func maskValue(v any, mask func(string) string) any {
	switch s := v.(type) {
	case string:
		return mask(s)
	case *string:
		if s == nil {
			return s
		}
		m := mask(*s)
		return &m
	}
	return v
}
