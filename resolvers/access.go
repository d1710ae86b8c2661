package resolvers

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
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
// gqlgen hands field middleware its parent as whatever the resolver returned: *T for a
// single object, **T for an element of a []*T list (the element's address), T or *T for
// one of []T; ownedValue reduces every shape to *T, so no result shape escapes the scope.
var ownerOf = map[string]func(obj any) (string, bool){
	"Person": ownedBy(func(p *graph.Person) string { return p.ID }),
	// Quarantine objects belong to their person (schema/quarantine.graphqls).
	"Quarantine":          ownedBy(func(q *graph.Quarantine) string { return q.PersonID }),
	"TestDue":             ownedBy(func(t *graph.TestDue) string { return t.PersonID }),
	"Referral":            ownedBy(func(r *graph.Referral) string { return r.PersonID }),
	"QuarantineExportRow": ownedBy(func(r *graph.ExportRow) string { return r.PersonID }),
	"MissingOfficer":      ownedBy(func(m *graph.MissingOfficer) string { return m.PersonID }),
	// Records that belong to one person (schema/api.graphqls).
	"Case":                ownedBy(func(c *graph.Case) string { return c.PersonID }),
	"Trip":                ownedBy(func(t *graph.Trip) string { return t.PersonID }),
	"Attendance":          ownedBy(func(a *graph.Attendance) string { return a.PersonID }),
	"ContactRecord":       ownedBy(func(c *graph.ContactRecord) string { return c.PersonID }),
	"Test":                ownedBy(func(t *graph.Test) string { return t.PersonID }),
	"Passage":             ownedBy(func(p *graph.Passage) string { return p.PersonID }),
	"HealthReport":        ownedBy(func(h *graph.HealthReport) string { return h.PersonID }),
	"OverdueHealthReport": ownedBy(func(o *graph.OverdueHealthReport) string { return o.Person.ID }),
	// A cluster's member (schema/tracing.graphqls): generation, onset, reference kind.
	"ClusterCase": ownedBy(func(c *graph.ClusterCase) string { return c.PersonID }),
}

// pairOwnerOf tells, for objects that are about two people (a transmission link, a
// pair that shares a fact, a warning about a case and another person), whose they are:
// a tracer must have both in scope, and masks apply as for the narrower of the two.
// The second id may be "" (a warning about one case).
var pairOwnerOf = map[string]func(obj any) (string, string, bool){
	"TransmissionLink": pairOwnedBy(func(l *graph.TransmissionLink) (string, string) { return l.SourceID, l.TargetID }),
	"SerialInterval":   pairOwnedBy(func(l *graph.SerialInterval) (string, string) { return l.SourceID, l.TargetID }),
	"UnlinkedExposure": pairOwnedBy(func(u *graph.UnlinkedExposure) (string, string) { return u.AID, u.BID }),
	"DataWarning":      pairOwnedBy(func(w *graph.DataWarning) (string, string) { return w.CaseID, w.PersonID }),
	// Another person's attendance beside this person's: whose list it is, and who was there.
	"CoAttendance": pairOwnedBy(func(c *graph.CoAttendance) (string, string) { return c.PersonID, c.Attendance.PersonID }),
}

// pairOwnedBy makes a pairOwnerOf entry for T, whatever the shape it comes in (see
// ownedValue).
func pairOwnedBy[T any](ids func(*T) (string, string)) func(obj any) (string, string, bool) {
	return func(obj any) (string, string, bool) {
		if v := ownedValue[T](obj); v != nil {
			a, b := ids(v)
			return a, b, true
		}
		return "", "", false
	}
}

// ownedBy makes an ownerOf entry for a record type T, whatever the shape it comes in.
func ownedBy[T any](id func(*T) string) func(obj any) (string, bool) {
	return func(obj any) (string, bool) {
		if v := ownedValue[T](obj); v != nil {
			return id(v), true
		}
		return "", false
	}
}

// ownedValue returns obj as *T when it is a T, *T, **T or deeper, else nil.
func ownedValue[T any](obj any) *T {
	switch v := obj.(type) {
	case *T:
		return v
	case T:
		return &v
	case nil:
		return nil
	}
	rv := reflect.ValueOf(obj)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil
		}
		if t, ok := rv.Interface().(*T); ok {
			return t
		}
		rv = rv.Elem()
	}
	if rv.IsValid() && rv.CanInterface() {
		if t, ok := rv.Interface().(T); ok {
			return &t
		}
	}
	return nil
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
	ra := a.newRequestAccess(p)
	ctx = context.WithValue(ctx, requestAccessKey{}, ra)
	ctx = graph.WithScopeMemo(ctx) // one build of the tracer's chains per operation
	op := graphql.GetOperationContext(ctx)
	subscription := op != nil && op.Operation != nil && op.Operation.Operation == ast.Subscription
	// graph writes the audit record of a mutation's writes inside their transactions
	// (graph.auditWrite), naming the request from here.
	ctx = graph.WithOperation(ctx, operationLabel(op))
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		cur := ra
		if subscription {
			// Each event of a subscription is its own answer: the scope is decided as of
			// its delivery (not cached from the first event) and its audit record names
			// the people of that event only.
			cur = a.newRequestAccess(p)
			ctx = graph.WithScopeMemo(context.WithValue(ctx, requestAccessKey{}, cur))
		}
		resp := h(ctx)
		if err := a.audit(ctx, cur, op); err != nil {
			// The reads could not be recorded: the answer is withheld (SPEC §8), never
			// handed out unaudited.
			a.log.Error().Err(err).Str("actor", cur.principal.Subject).Msg("audit record not queued; answer withheld")
			return &graphql.Response{Data: []byte("null"), Errors: gqlerror.List{presentError(ctx, err, a.log)}}
		}
		return resp
	}
}

func (a *accessControl) newRequestAccess(p *graph.Principal) *requestAccess {
	ra := &requestAccess{principal: p, audited: map[string]bool{}}
	if p != nil && p.Role == graph.RoleTracer {
		areas := p.Areas
		ra.scope = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]graph.Scope, error) {
			return a.svc.PeopleInScope(ctx, areas, ids)
		}, dataloadgen.WithWait(loaderWait))
	}
	return ra
}

// operationLabel names an operation for audit records: kind, name and root fields.
func operationLabel(op *graphql.OperationContext) string {
	if op == nil || op.Operation == nil {
		return ""
	}
	name := op.OperationName
	if name == "" {
		name = op.Operation.Name // the document's one operation, named there
	}
	if name == "" {
		name = "anonymous"
	}
	return string(op.Operation.Operation) + " " + name + ": " + rootFields(op)
}

// audit queues the record of whose identity the operation read (one per operation);
// writes are recorded in their own transactions by graph. An error means the record
// could not be queued.
func (a *accessControl) audit(ctx context.Context, ra *requestAccess, op *graphql.OperationContext) error {
	if ra.principal == nil || op == nil || op.Operation == nil {
		return nil
	}
	ra.mu.Lock()
	ids := make([]string, 0, len(ra.audited))
	for id := range ra.audited {
		ids = append(ids, id)
	}
	ra.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	return a.svc.RecordRead(ctx, operationLabel(op), ids)
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
	if err := subStateFrom(ctx).ended(); err != nil {
		return nil, err // a subscription's last event: why it ends (feed.go)
	}
	if err := tokenExpired(p, time.Now()); err != nil {
		return nil, err
	}
	key := fc.Object + "." + fc.Field.Name
	rule, ok := a.rules[key]
	if !ok {
		return nil, forbidden("%s has no access rule", key)
	}
	if rule.roles != nil && !slices.Contains(rule.roles, p.Role) {
		return nil, forbidden("%s is not available to the %s role", key, p.Role)
	}
	scope := graph.InArea
	var owners []string // the people the field belongs to
	if owner, ok := ownerOf[fc.Object]; ok && fc.Parent != nil {
		id, ok := owner(fc.Parent.Result)
		if !ok && p.Role != graph.RoleEpidemiologist {
			// A shape deref does not know: refuse rather than fall back to "in area".
			return nil, forbidden("%s: the record's owner could not be checked", key)
		}
		if id != "" {
			owners = []string{id}
		}
	}
	if pair, ok := pairOwnerOf[fc.Object]; ok && fc.Parent != nil {
		a, b, ok := pair(fc.Parent.Result)
		if !ok && p.Role != graph.RoleEpidemiologist {
			return nil, forbidden("%s: the record's owners could not be checked", key)
		}
		owners = nil
		for _, id := range []string{a, b} {
			if id != "" {
				owners = append(owners, id)
			}
		}
	}
	if rule.personArg != "" {
		if id, ok := fc.Args[rule.personArg].(string); ok {
			owners = []string{id}
		}
	}
	if p.Role == graph.RoleTracer {
		for _, ownerID := range owners {
			s, err := ra.scope.Load(ctx, ownerID)
			if errors.Is(err, dataloadgen.ErrNotFound) {
				s, err = graph.OutOfScope, nil // no such person: nothing to see
			}
			if err != nil {
				return nil, err
			}
			if s == graph.OutOfScope {
				// The refusal names no one (SPEC §8): the id may be one the reader never knew.
				if rule.personArg != "" {
					return nil, forbidden("%s: argument %s names a person outside the areas you serve", key, rule.personArg)
				}
				return nil, forbidden("%s: a person outside the areas you serve", key)
			}
			if s != graph.InArea {
				scope = s
			}
		}
	}
	res, err := next(ctx)
	if err != nil || res == nil {
		return res, err
	}
	if rule.identity && len(owners) > 0 {
		ra.mu.Lock()
		for _, ownerID := range owners {
			if ownerID != "" {
				ra.audited[ownerID] = true
			}
		}
		ra.mu.Unlock()
	}
	if rule.mask != nil && !(p.Role == graph.RoleEpidemiologist || (p.Role == graph.RoleTracer && scope == graph.InArea)) {
		return maskValue(res, rule.mask), nil
	}
	return res, nil
}

// maskValue masks a string field; a mask that leaves nothing (a birth date) gives null
// for a nullable field.
func maskValue(v any, mask func(string) string) any {
	switch s := v.(type) {
	case string:
		return mask(s)
	case *string:
		if s == nil {
			return s
		}
		m := mask(*s)
		if m == "" {
			return (*string)(nil)
		}
		return &m
	}
	return v
}

// auditPeople records that this operation read these people's identities (SPEC §8),
// for values that carry them whole, such as an export workbook.
func auditPeople(ctx context.Context, personIDs ...string) {
	ra, _ := ctx.Value(requestAccessKey{}).(*requestAccess)
	if ra == nil {
		return
	}
	ra.mu.Lock()
	defer ra.mu.Unlock()
	for _, id := range personIDs {
		ra.audited[id] = true
	}
}

// tracerAreas is the areas a tracer serves (never nil for a tracer, so a tracer with
// no areas sees no one), or nil for roles that see the whole county.
func tracerAreas(ctx context.Context) []string {
	p := graph.PrincipalFrom(ctx)
	if p == nil || p.Role != graph.RoleTracer {
		return nil
	}
	if p.Areas == nil {
		return []string{}
	}
	return p.Areas
}

// Writes by tracers are kept to the areas they serve (SPEC §8): the resolvers of the
// write mutations call these before writing. Other roles pass (the field rules already
// keep dashboards out).

// tracerMayWriteAbout checks that every named person is in the tracer's scope (in
// their areas, or a contact of someone there: a tracer records their cases' contacts'
// tests and trips too).
func (r *Resolver) tracerMayWriteAbout(ctx context.Context, personIDs ...string) error {
	areas := tracerAreas(ctx)
	if areas == nil {
		return nil
	}
	scope, err := r.Svc.PeopleInScope(ctx, areas, personIDs)
	if err != nil {
		return err
	}
	for _, id := range personIDs {
		if scope[id] == graph.OutOfScope {
			return forbidden("a person named in this request is outside the areas you serve")
		}
	}
	return nil
}

// tracerMayRecordContact checks that at least one of the two people lives in the
// tracer's areas: a new contact may be with someone from anywhere.
func (r *Resolver) tracerMayRecordContact(ctx context.Context, a, b string) error {
	areas := tracerAreas(ctx)
	if areas == nil {
		return nil
	}
	scope, err := r.Svc.PeopleInScope(ctx, areas, []string{a, b})
	if err != nil {
		return err
	}
	if scope[a] != graph.InArea && scope[b] != graph.InArea {
		return forbidden("neither person of the contact lives in the areas you serve")
	}
	return nil
}

// tracerMayWriteInArea checks that an area (a household's, a town's) is under the
// tracer's areas. An empty code is out of scope for a tracer.
func (r *Resolver) tracerMayWriteInArea(ctx context.Context, code string) error {
	areas := tracerAreas(ctx)
	if areas == nil {
		return nil
	}
	ok := false
	if code != "" {
		var err error
		if ok, err = r.Svc.AreaUnder(ctx, code, areas); err != nil {
			return err
		}
	}
	if !ok {
		return forbidden("area %q is outside the areas you serve", code)
	}
	return nil
}

// tracerMayUpsertPerson: an existing person must live in the tracer's areas, and the
// household given must be in them too.
func (r *Resolver) tracerMayUpsertPerson(ctx context.Context, personID, householdID string) error {
	areas := tracerAreas(ctx)
	if areas == nil {
		return nil
	}
	scope, err := r.Svc.PeopleInScope(ctx, areas, []string{personID})
	if err != nil {
		return err
	}
	existing, err := r.Svc.People(ctx, []string{personID})
	if err != nil {
		return err
	}
	if existing[personID] != nil && scope[personID] != graph.InArea {
		return forbidden("the person is outside the areas you serve")
	}
	hs, err := r.Svc.Households(ctx, []string{householdID})
	if err != nil {
		return err
	}
	code := ""
	if h := hs[householdID]; h != nil {
		code = h.AreaCode
	}
	return r.tracerMayWriteInArea(ctx, code)
}

// tracerMayUpsertHousehold: the household's new area, and its current one, must be in
// the tracer's areas.
func (r *Resolver) tracerMayUpsertHousehold(ctx context.Context, householdID, areaCode string) error {
	if tracerAreas(ctx) == nil {
		return nil
	}
	if err := r.tracerMayWriteInArea(ctx, areaCode); err != nil {
		return err
	}
	hs, err := r.Svc.Households(ctx, []string{householdID})
	if err != nil {
		return err
	}
	if h := hs[householdID]; h != nil {
		return r.tracerMayWriteInArea(ctx, h.AreaCode)
	}
	return nil
}

// tracerMayWriteEvent: an event is a place and time in an area; a tracer records and
// changes only those of their areas (the new area, and an existing event's current one).
func (r *Resolver) tracerMayWriteEvent(ctx context.Context, eventID, areaCode string) error {
	if tracerAreas(ctx) == nil {
		return nil
	}
	if err := r.tracerMayWriteInArea(ctx, areaCode); err != nil {
		return err
	}
	es, err := r.Svc.Events(ctx, []string{eventID})
	if err != nil {
		return err
	}
	if e := es[eventID]; e != nil {
		return r.tracerMayWriteInArea(ctx, e.AreaCode)
	}
	return nil
}

// tracerMayWriteAtCheckpoint: passages are recorded at checkpoints of the tracer's areas.
func (r *Resolver) tracerMayWriteAtCheckpoint(ctx context.Context, checkpointID string) error {
	if tracerAreas(ctx) == nil {
		return nil
	}
	cs, err := r.Svc.Checkpoints(ctx, []string{checkpointID})
	if err != nil {
		return err
	}
	code := ""
	if c := cs[checkpointID]; c != nil {
		code = c.AreaCode
	}
	return r.tracerMayWriteInArea(ctx, code)
}
