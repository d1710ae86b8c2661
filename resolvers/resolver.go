// Package resolvers translates GraphQL into calls on graph/. It holds no rules: every
// decision about tracing, tiers or quarantine is made in graph/.
package resolvers

import (
	"github.com/tracegraph/tracegraph/graph"
)

// Resolver is the root of the resolvers; it carries the service's dependencies.
type Resolver struct {
	Svc *graph.Service
}

// deref reads an optional string argument: absent is "".
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
