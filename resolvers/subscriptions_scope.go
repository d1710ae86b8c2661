package resolvers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// What a subscription delivers is decided by the same scope as every query (SPEC §8,
// issue 11 items 12 and 13): the service's ScopeOf, asked afresh for each event (a
// subscription lives for hours; the chains that make people visible change), and the
// token's expiry ends the subscription.

// visibleIDs keeps, in order, the ids the principal in ctx may see (graph's ScopeOf:
// everyone for an epidemiologist, PeopleInScope for a tracer, no one otherwise). Each
// call builds the tracer's chains anew: an event is judged as of its delivery.
func (r *Resolver) visibleIDs(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	scope, err := r.Svc.ScopeOf(graph.WithScopeMemo(ctx), ids)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if scope[id] != graph.OutOfScope {
			out = append(out, id)
		}
	}
	return out, nil
}

// tracerMaySubscribeToArea: a tracer's area argument must be one of their areas or lie
// under one. The refusal names the argument, never a person.
func (r *Resolver) tracerMaySubscribeToArea(ctx context.Context, field, code string) error {
	areas := tracerAreas(ctx)
	if areas == nil || code == "" {
		return nil
	}
	ok, err := r.Svc.AreaUnder(ctx, code, areas)
	if err != nil {
		return err
	}
	if !ok {
		return forbidden("%s: argument areaCode %q is not one of the areas you serve or under them", field, code)
	}
	return nil
}

// tokenExpired is the refusal of every field once the caller's token has expired: it
// ends a subscription opened before (relay delivers one last event that resolves to it).
func tokenExpired(p *graph.Principal, now time.Time) error {
	if p == nil || p.Expires.IsZero() || now.Before(p.Expires) {
		return nil
	}
	return forbidden("%s", fmt.Sprintf("the token expired at %s: this subscription has ended; subscribe again with a new token",
		p.Expires.UTC().Format(time.RFC3339)))
}

func parseVersion(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a feed version (a non-negative integer)", s)
	}
	return n, nil
}
