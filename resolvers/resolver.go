// Package resolvers translates GraphQL into calls on graph/. It holds no rules: every
// decision about tracing, tiers or quarantine is made in graph/.
package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/index"
)

// Resolver is the root of the resolvers; it carries the service's dependencies.
type Resolver struct {
	Svc *graph.Service
	// Index, when set, caches whole-county answers (summary, clusters) by feed version
	// and asOf (graph/index); nil reads Neo4j every time.
	Index *index.Follower
	// Feed reads the change feed for subscriptions and read-your-writes (graph.FeedHub);
	// NewHandler makes one (idle until someone subscribes) when it is nil.
	Feed *graph.FeedHub
}

// deref reads an optional string argument: absent is "".
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// optString is an optional string field: "" (absent in the graph) is null.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optDate writes an optional date as YYYY-MM-DD.
func optDate(d *graph.Date) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

// pageSize is the first argument of a paged list; graph checks its range.
func pageSize(first *int) int {
	if first == nil {
		return 50
	}
	return *first
}

// operationName names the running operation for events ("anonymous" when unnamed).
func operationName(ctx context.Context) string {
	if graphql.HasOperationContext(ctx) {
		op := graphql.GetOperationContext(ctx)
		if fc := graphql.GetFieldContext(ctx); fc != nil {
			return fc.Field.Name
		}
		if op.OperationName != "" {
			return op.OperationName
		}
	}
	return "anonymous"
}
