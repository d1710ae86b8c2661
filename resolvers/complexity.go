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
	// SPEC §10–12: a county assessed at town and village level, a town's villages, the
	// county's employers and each one's returning workers.
	typicalZones     = 200
	typicalVillages  = 20
	typicalEmployers = 20
	typicalWorkers   = 10
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
	c.Query.Zoning = func(child int, _ *time.Time, _ *string, _ []string) int { return 1 + typicalZones*child }
	c.Query.Returnees = func(child int, _ *time.Time, _ *string, _ *int, _ *string, first *int, _ *string) int {
		return pageCost(first, child)
	}
	c.Query.AwayResidents = func(child int, _ *time.Time, _ *string, _ *string, first *int, _ *string) int {
		return pageCost(first, child)
	}
	c.Query.WorkerLedger = func(child int, _ *time.Time, _ *string, _ *string) int { return 1 + typicalEmployers*child }
	c.EmployerLedger.Workers = func(child int) int { return 1 + typicalWorkers*child }
	c.SweepCoverage.Children = func(child int) int { return 1 + typicalVillages*child }
	c.SweepCoverage.NotVisited = func(child int, first *int, _ *string) int { return pageCost(first, child) }
	c.SweepCoverage.NotAccountedFor = func(child int, first *int, _ *string) int { return pageCost(first, child) }
	return c
}
