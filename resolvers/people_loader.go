package resolvers

import (
	"context"
	"errors"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"github.com/tracegraph/tracegraph/graph"
)

// peopleLoader gives every operation a memo of the answers it computes more than once
// (zoning, zoneOf). People themselves are read through the operation's person loader
// (resolvers/loaders.go): the many Person fields of a chain, a risk or a cluster
// (contacts, sources, via, paths) cost one round trip because the top-level resolver
// loads every id of its answer at once (prime) and the field resolvers then find them
// in that loader's cache. One batching mechanism serves every Person field.
type peopleLoader struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = peopleLoader{}

func (peopleLoader) ExtensionName() string                   { return "PeopleLoader" }
func (peopleLoader) Validate(graphql.ExecutableSchema) error { return nil }
func (peopleLoader) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	return next(context.WithValue(ctx, peopleKey{}, &peopleCache{}))
}

type peopleKey struct{}

type peopleCache struct {
	mu sync.Mutex
	// zoning holds one zoning assessment per asOf for the operation (zoneOf).
	zoning map[string]*zoneSet
}

func cacheOf(ctx context.Context) *peopleCache {
	c, _ := ctx.Value(peopleKey{}).(*peopleCache)
	return c
}

// prime loads the ids the operation's person loader lacks, in one batch.
func (r *Resolver) prime(ctx context.Context, ids []string) error {
	l := loadersFrom(ctx)
	if l == nil || len(ids) == 0 {
		return nil
	}
	_, err := l.person.LoadAll(ctx, ids)
	if err != nil && !onlyNotFound(err) {
		return err
	}
	return nil
}

// onlyNotFound reports whether a LoadAll error says no more than that some ids are
// unknown (they read as absent, like a dangling reference).
func onlyNotFound(err error) bool {
	var errs dataloadgen.ErrorSlice
	if !errors.As(err, &errs) {
		return errors.Is(err, dataloadgen.ErrNotFound)
	}
	for _, e := range errs {
		if e != nil && !errors.Is(e, dataloadgen.ErrNotFound) {
			return false
		}
	}
	return true
}

// personOf is a person by id, through the operation's person loader.
func (r *Resolver) personOf(ctx context.Context, id string) (*graph.Person, error) {
	l := loadersFrom(ctx)
	if l == nil {
		return r.Svc.Person(ctx, id)
	}
	p, err := load(ctx, l.person, id)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, &graph.Error{Kind: graph.NotFound, Op: "person", Msg: "no person " + id}
	}
	return p, nil
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
