package resolvers

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tracegraph/tracegraph/graph"
)

// peopleLoader gives every operation a cache of people by id, so that the many Person
// fields of a chain, a risk or a cluster (contacts, sources, via, paths) cost one round
// trip: the top-level resolver primes the cache with every id in its answer, and the
// field resolvers read from it.
type peopleLoader struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = peopleLoader{}

func (peopleLoader) ExtensionName() string                   { return "PeopleLoader" }
func (peopleLoader) Validate(graphql.ExecutableSchema) error { return nil }
func (peopleLoader) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	return next(context.WithValue(ctx, peopleKey{}, &peopleCache{m: map[string]*graph.Person{}}))
}

type peopleKey struct{}

type peopleCache struct {
	mu sync.Mutex
	m  map[string]*graph.Person
	// zoning holds one zoning assessment per asOf for the operation (zoneOf).
	zoning map[string]*zoneSet
}

func cacheOf(ctx context.Context) *peopleCache {
	c, _ := ctx.Value(peopleKey{}).(*peopleCache)
	return c
}

// prime loads the ids the cache lacks in one round trip.
func (r *Resolver) prime(ctx context.Context, ids []string) error {
	c := cacheOf(ctx)
	if c == nil {
		return nil
	}
	c.mu.Lock()
	var need []string
	seen := map[string]bool{}
	for _, id := range ids {
		if _, ok := c.m[id]; !ok && !seen[id] {
			need = append(need, id)
			seen[id] = true
		}
	}
	c.mu.Unlock()
	if len(need) == 0 {
		return nil
	}
	got, err := r.Svc.People(ctx, need)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range need {
		c.m[id] = got[id] // nil for an unknown id: not asked again
	}
	return nil
}

// personOf is a person by id, from the cache when primed.
func (r *Resolver) personOf(ctx context.Context, id string) (*graph.Person, error) {
	if err := r.prime(ctx, []string{id}); err != nil {
		return nil, err
	}
	if c := cacheOf(ctx); c != nil {
		c.mu.Lock()
		p := c.m[id]
		c.mu.Unlock()
		if p != nil {
			return p, nil
		}
		return nil, &graph.Error{Kind: graph.NotFound, Op: "person", Msg: "no person " + id}
	}
	return r.Svc.Person(ctx, id)
}

func (r *Resolver) peopleOf(ctx context.Context, ids []string) ([]*graph.Person, error) {
	if err := r.prime(ctx, ids); err != nil {
		return nil, err
	}
	out := make([]*graph.Person, 0, len(ids))
	for _, id := range ids {
		p, err := r.personOf(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
