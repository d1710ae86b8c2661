package resolvers

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tracegraph/tracegraph/graph"
)

// quarantineLoader gives every operation one read of the facilities (with occupancy)
// and of the officers, so that a run or a page of assignments costs a fixed number of
// round trips however many assignments it lists. Both tables are small (a county has
// hundreds of facilities and a few thousand officers).
type quarantineLoader struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = quarantineLoader{}

func (quarantineLoader) ExtensionName() string                   { return "QuarantineLoader" }
func (quarantineLoader) Validate(graphql.ExecutableSchema) error { return nil }
func (quarantineLoader) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	return next(context.WithValue(ctx, quarantineKey{}, &quarantineCache{}))
}

type quarantineKey struct{}

type quarantineCache struct {
	mu         sync.Mutex
	facilities map[string]graph.FacilityOccupancy
	officers   map[string]graph.Officer
}

// facilitiesByID reads every facility once per operation.
func (r *Resolver) facilitiesByID(ctx context.Context) (map[string]graph.FacilityOccupancy, error) {
	c, _ := ctx.Value(quarantineKey{}).(*quarantineCache)
	if c != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.facilities != nil {
			return c.facilities, nil
		}
	}
	l, err := r.Svc.Facilities(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]graph.FacilityOccupancy, len(l))
	for _, f := range l {
		m[f.ID] = f
	}
	if c != nil {
		c.facilities = m
	}
	return m, nil
}

// officersByID reads every officer once per operation.
func (r *Resolver) officersByID(ctx context.Context) (map[string]graph.Officer, error) {
	c, _ := ctx.Value(quarantineKey{}).(*quarantineCache)
	if c != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.officers != nil {
			return c.officers, nil
		}
	}
	l, err := r.Svc.Officers(ctx, nil)
	if err != nil {
		return nil, err
	}
	m := make(map[string]graph.Officer, len(l))
	for _, o := range l {
		m[o.ID] = o
	}
	if c != nil {
		c.officers = m
	}
	return m, nil
}

func (r *Resolver) quarantine(ctx context.Context, id string) (*graph.Quarantine, error) {
	m, err := r.Svc.QuarantinesByID(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	q, ok := m[id]
	if !ok {
		return nil, &graph.Error{Kind: graph.NotFound, Op: "quarantine", Field: "id", Msg: "no assignment " + id}
	}
	return q, nil
}

func (r *Resolver) facilityOccupancy(ctx context.Context, id string) (graph.FacilityOccupancy, bool, error) {
	m, err := r.facilitiesByID(ctx)
	if err != nil {
		return graph.FacilityOccupancy{}, false, err
	}
	f, ok := m[id]
	return f, ok, nil
}

func (r *Resolver) facility(ctx context.Context, id string) (*graph.Facility, error) {
	if id == "" {
		return nil, nil
	}
	f, ok, err := r.facilityOccupancy(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	return &f.Facility, nil
}

func (r *Resolver) officers(ctx context.Context, ids []string) ([]*graph.Officer, error) {
	if len(ids) == 0 {
		return []*graph.Officer{}, nil
	}
	byID, err := r.officersByID(ctx)
	if err != nil {
		return nil, err
	}
	out := []*graph.Officer{}
	for _, id := range ids { // keep the assignment's order: cadre, then medical
		if o, ok := byID[id]; ok {
			out = append(out, &o)
		}
	}
	return out, nil
}

// primeQuarantines loads the people of a list of assignments in one round trip.
func (r *Resolver) primeQuarantines(ctx context.Context, lists ...[]*graph.Quarantine) error {
	var ids []string
	for _, l := range lists {
		for _, q := range l {
			ids = append(ids, q.PersonID)
		}
	}
	return r.prime(ctx, ids)
}

func officerPtrs(l []graph.Officer) []*graph.Officer {
	out := make([]*graph.Officer, len(l))
	for i := range l {
		out[i] = &l[i]
	}
	return out
}
