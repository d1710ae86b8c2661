package resolvers

import (
	"context"
	"fmt"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/tracegraph/tracegraph/schema"
)

// QueryCost is the cost the complexity limit computes for query with vars, for tests
// that show what a screen costs against the limit.
func QueryCost(query string, vars map[string]any) (int, error) {
	es := schema.NewExecutableSchema(schema.Config{Complexity: complexity()})
	doc, errs := gqlparser.LoadQuery(es.Schema(), query)
	if len(errs) > 0 {
		return 0, errs
	}
	if len(doc.Operations) != 1 {
		return 0, fmt.Errorf("%d operations", len(doc.Operations))
	}
	vals, err := validator.VariableValues(es.Schema(), doc.Operations[0], vars)
	if err != nil {
		return 0, err
	}
	return gqlcomplexity.Calculate(context.Background(), es, doc.Operations[0], vals), nil
}

// DefaultMaxComplexity is the limit NewHandler applies when Options leave it zero.
const DefaultMaxComplexity = defaultMaxComplexity

// WithGateHeld makes expensive operations run held(ctx) while they hold their slot of
// the per-principal bound, so a test can keep them in flight.
func WithGateHeld(l Limits, held func(context.Context)) Limits {
	l.gateHeld = held
	return l
}
