package resolvers

import (
	"time"

	"github.com/tracegraph/tracegraph/schema"
)

// Per-field costs for the complexity limit (Options.MaxComplexity): a paged list costs
// its page size times what each item asks for, so a deep selection over a large page
// is refused before it runs instead of holding Neo4j; lists without a page size are
// costed at a typical length.
const (
	defaultPage     = 50
	typicalTowns    = 30
	typicalOverdue  = 100
	typicalCurveLen = 60
)

func pageCost(first *int, child int) int {
	n := defaultPage
	if first != nil && *first > 0 {
		n = *first
	}
	return 1 + n*child
}

func complexity() schema.ComplexityRoot {
	var c schema.ComplexityRoot
	c.Query.People = func(child int, _ *schema.PeopleFilter, first *int, _ *string, _ *time.Time) int {
		return pageCost(first, child)
	}
	c.Query.Cases = func(child int, _ *schema.CaseFilter, _ *schema.CaseDate, first *int, _ *string, _ *time.Time) int {
		return pageCost(first, child)
	}
	c.Query.DailyReports = func(child int, _ string) int { return 1 + typicalTowns*child }
	c.Query.OverdueHealthReports = func(child int, _ string) int { return 1 + typicalOverdue*child }
	c.Query.Epicurve = func(child int, _, _ string, _ *string, _ *schema.CaseDate) int { return 1 + typicalCurveLen*child }
	return c
}
