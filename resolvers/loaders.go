package resolvers

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/tracegraph/tracegraph/graph"
)

// loaders batch the reads of one operation: every Person-valued and list-of-objects
// field loads through one of them, so a page of N people costs the same few round trips
// as a page of one (no N+1). They are made afresh for each response, so nothing is
// cached across requests (or a subscription's events) and a write is visible to the
// next read.
type loaders struct {
	// now is the operation's moment: fields whose asOf is omitted all answer as of it
	// (one answer, one moment), which also lets their loads share a batch.
	now         time.Time
	person      *dataloadgen.Loader[string, *graph.Person]
	household   *dataloadgen.Loader[string, *graph.Household]
	members     *dataloadgen.Loader[string, []*graph.Person]
	area        *dataloadgen.Loader[string, *graph.Area]
	children    *dataloadgen.Loader[string, []*graph.Area]
	designation *dataloadgen.Loader[string, []graph.RiskDesignation]
	event       *dataloadgen.Loader[string, *graph.Event]
	checkpoint  *dataloadgen.Loader[string, *graph.Checkpoint]
	trips       *dataloadgen.Loader[string, []*graph.Trip]
	attendances *dataloadgen.Loader[string, []*graph.Attendance]
	contacts    *dataloadgen.Loader[string, []*graph.ContactRecord]
	tests       *dataloadgen.Loader[string, []*graph.Test]
	passages    *dataloadgen.Loader[string, []*graph.Passage]
	reports     *dataloadgen.Loader[string, []*graph.HealthReport]
	officers    *dataloadgen.Loader[string, []*graph.Officer]
	cases       *dataloadgen.Loader[string, *graph.Case]
	risks       *dataloadgen.Loader[string, *graph.Risk]          // keyed by momentKey
	levels      *dataloadgen.Loader[string, graph.EffectiveLevel] // keyed by momentKey(area code, at)
	// Pages of a list per parent, keyed by graph.PageKey.String() (id, size, cursor).
	attendees   *dataloadgen.Loader[string, *graph.AttendancePage]
	coAttendees *dataloadgen.Loader[string, *graph.CoAttendancePage]
}

// momentKey keys a value of one thing (a person's risk, an area's level) as of a
// moment: the fields of one page may ask for several moments, each batched on its own.
func momentKey(personID string, asOf time.Time) string {
	return asOf.UTC().Format(time.RFC3339Nano) + "\x00" + personID
}

// fetchRisks answers risk keys with one graph.Service.Risks call per moment.
func fetchRisks(svc *graph.Service) func(context.Context, []string) (map[string]*graph.Risk, error) {
	return fetchAtMoments(svc, svc.Risks)
}

// fetchAtMoments answers keys made by momentKey with one call of fetch per moment.
func fetchAtMoments[V any](svc *graph.Service, fetch func(context.Context, []string, time.Time) (map[string]V, error)) func(context.Context, []string) (map[string]V, error) {
	return func(ctx context.Context, keys []string) (map[string]V, error) {
		byMoment := map[string][]string{}
		for _, k := range keys {
			at, id, _ := strings.Cut(k, "\x00")
			byMoment[at] = append(byMoment[at], id)
		}
		out := make(map[string]V, len(keys))
		for at, ids := range byMoment {
			t, err := time.Parse(time.RFC3339Nano, at)
			if err != nil {
				return nil, err
			}
			m, err := fetch(ctx, ids, t.In(svc.Loc))
			if err != nil {
				return nil, err
			}
			for id, r := range m {
				out[at+"\x00"+id] = r
			}
		}
		return out, nil
	}
}

// fetchPages answers keys made by graph.PageKey.String with one call of fetch.
func fetchPages[V any](fetch func(context.Context, []graph.PageKey) (map[graph.PageKey]V, error)) func(context.Context, []string) (map[string]V, error) {
	return func(ctx context.Context, keys []string) (map[string]V, error) {
		pks := make([]graph.PageKey, len(keys))
		for i, k := range keys {
			pks[i] = graph.ParsePageKey(k)
		}
		m, err := fetch(ctx, pks)
		if err != nil {
			return nil, err
		}
		out := make(map[string]V, len(m))
		for k, v := range m {
			out[k.String()] = v
		}
		return out, nil
	}
}

// loaderWait is how long a loader gathers keys before its round trip. The resolvers of
// a list's items are started together and ask within microseconds of each other, so
// a fraction of a millisecond gathers a page; every nested level of an answer waits it
// once, so it is kept short (it was 16 ms, which made a four-level answer cost 64 ms
// of waiting). A straggler on a busy machine goes in a second batch: one more round
// trip, the same answer. A batch also closes at graph.MaxPageSize keys.
const loaderWait = 300 * time.Microsecond

func one[V any](fetch func(context.Context, []string) (map[string]V, error)) *dataloadgen.Loader[string, V] {
	return dataloadgen.NewMappedLoader(fetch, dataloadgen.WithWait(loaderWait), dataloadgen.WithBatchCapacity(graph.MaxPageSize))
}

// many is a loader of lists: a key with nothing gets an empty list, not ErrNotFound.
func many[V any](fetch func(context.Context, []string) (map[string][]V, error)) *dataloadgen.Loader[string, []V] {
	return one(func(ctx context.Context, keys []string) (map[string][]V, error) {
		m, err := fetch(ctx, keys)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				m[k] = []V{}
			}
		}
		return m, nil
	})
}

func newLoaders(svc *graph.Service) *loaders {
	l := &loaders{}
	*l = loaders{
		now:    svc.Now(),
		person: one(svc.People),
		// A household comes with its members and its area, which prime their loaders:
		// person → household → members, area is two round trips, not four.
		household: one(func(ctx context.Context, ids []string) (map[string]*graph.Household, error) {
			hs, members, areas, err := svc.HouseholdsAround(ctx, ids)
			if err != nil {
				return nil, err
			}
			for id, ms := range members {
				l.members.Prime(id, ms)
			}
			for code, a := range areas {
				l.area.Prime(code, a)
			}
			return hs, nil
		}),
		members:     many(svc.HouseholdMembers),
		area:        one(svc.Areas),
		children:    many(svc.AreaChildren),
		designation: many(svc.Designations),
		event:       one(svc.Events),
		checkpoint:  one(svc.Checkpoints),
		trips:       many(svc.TripsOf),
		attendances: many(svc.AttendancesOf),
		contacts:    many(svc.ContactsOf),
		tests:       many(svc.TestsOf),
		passages:    many(svc.PassagesOf),
		reports:     many(svc.HealthReportsOf),
		officers:    many(svc.OfficersResponsibleFor),
		cases:       one(svc.CasesOf),
		risks:       one(fetchRisks(svc)),
		levels:      one(fetchAtMoments(svc, svc.EffectiveLevels)),
		attendees:   one(fetchPages(svc.EventAttendees)),
		coAttendees: one(fetchPages(svc.CoAttendees)),
	}
	return l
}

type loadersKey struct{}

func loadersFrom(ctx context.Context) *loaders {
	l, _ := ctx.Value(loadersKey{}).(*loaders)
	return l
}

// load reads one key through a loader, turning "not found" into a nil value: a
// dangling reference shows as null rather than as an error.
func load[V any](ctx context.Context, l *dataloadgen.Loader[string, V], key string) (V, error) {
	var zero V
	if key == "" {
		return zero, nil
	}
	v, err := l.Load(ctx, key)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return zero, nil
	}
	return v, err
}

// riskOf is a person's risk as of a moment through the operation's batching loader: a
// page of people costs one graph.Service.Risks call, not one Risk call each.
func (r *Resolver) riskOf(ctx context.Context, personID string, asOf *time.Time) (*graph.Risk, error) {
	l := loadersFrom(ctx)
	if l == nil {
		return r.Svc.Risk(ctx, personID, r.Svc.AsOf(asOf))
	}
	at := l.now
	if asOf != nil {
		at = *asOf
	}
	risk, err := l.risks.Load(ctx, momentKey(personID, at))
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, &graph.Error{Kind: graph.NotFound, Op: "risk", Msg: "no person " + personID}
	}
	return risk, err
}

// levelOf is an area's effective level at a moment through the operation's loader.
func (r *Resolver) levelOf(ctx context.Context, code string, at *time.Time) (*graph.EffectiveLevel, error) {
	l := loadersFrom(ctx)
	t := l.now
	if at != nil {
		t = *at
	}
	lv, err := l.levels.Load(ctx, momentKey(code, t))
	if err != nil {
		return nil, err
	}
	return &lv, nil
}

// prefetch is the batching trigger that does not depend on timing: when a field
// answers a list of people (a page, a household's members, a case list), it hands
// every loader that the list's items will ask (their household, case, tests, risk…)
// all the items' keys at once, before the items' resolvers run. The items then find
// their values in the loader's cache (or join the batch already under way), so one
// nested level costs one round trip even when the machine is too busy for
// loaderWait to gather the items' requests.
func prefetch(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil || res == nil {
		return res, err
	}
	l := loadersFrom(ctx)
	fc := graphql.GetFieldContext(ctx)
	if l == nil || fc == nil || fc.Field.Field == nil {
		return res, err
	}
	sel := fc.Field.Selections
	var people []*graph.Person
	var cases []*graph.Case
	switch v := res.(type) {
	case []*graph.Person:
		people = v
	case *graph.PersonPage:
		people, sel = v.People, childSelections(ctx, sel, "nodes")
	case []*graph.Case:
		cases = v
	case *graph.CasePage:
		cases, sel = v.Cases, childSelections(ctx, sel, "nodes")
	default:
		return res, err
	}
	if len(people)+len(cases) < 2 || sel == nil {
		return res, err
	}
	op := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFields(op, sel, nil) {
		if len(cases) > 0 {
			if f.Name == "person" {
				ids := make([]string, len(cases))
				for i, c := range cases {
					ids[i] = c.PersonID
				}
				l.person.LoadAllThunk(ctx, ids)
			}
			continue
		}
		ids := make([]string, 0, len(people))
		for _, p := range people {
			ids = append(ids, p.ID)
		}
		switch f.Name {
		case "household":
			hs := make([]string, 0, len(people))
			for _, p := range people {
				if p.HouseholdID != "" {
					hs = append(hs, p.HouseholdID)
				}
			}
			l.household.LoadAllThunk(ctx, hs)
		case "case":
			l.cases.LoadAllThunk(ctx, ids)
		case "tests":
			l.tests.LoadAllThunk(ctx, ids)
		case "trips":
			l.trips.LoadAllThunk(ctx, ids)
		case "attendances":
			l.attendances.LoadAllThunk(ctx, ids)
		case "contacts":
			l.contacts.LoadAllThunk(ctx, ids)
		case "passages":
			l.passages.LoadAllThunk(ctx, ids)
		case "healthReports":
			l.reports.LoadAllThunk(ctx, ids)
		case "risk":
			at := l.now
			if v, ok := f.ArgumentMap(op.Variables)["asOf"].(string); ok {
				t, err := time.Parse(time.RFC3339Nano, v)
				if err != nil {
					continue // the field reports its own argument error
				}
				at = t
			}
			keys := make([]string, len(ids))
			for i, id := range ids {
				keys[i] = momentKey(id, at)
			}
			l.risks.LoadAllThunk(ctx, keys)
		}
	}
	return res, err
}

// childSelections is the selection set of the named field within sel (a page's nodes).
func childSelections(ctx context.Context, sel ast.SelectionSet, name string) ast.SelectionSet {
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), sel, nil) {
		if f.Name == name {
			return f.Selections
		}
	}
	return nil
}
