package resolvers

import (
	"time"

	"github.com/tracegraph/tracegraph/schema"
)

// Costs for the complexity limit (Limits.MaxComplexity, default 10,000). The unit is
// one field of a record already read. A field that computes over the county (or an
// area) costs what that computation holds Neo4j for, whatever its selection: without
// it, 2,400 aliases of summary cost 4,800 and held the Neo4j pool (issue 11 item 4).
// A paged list costs its page size times what each item asks for; a list without a
// page size is costed at the stated bound below (a typical length, not a maximum:
// the limit is for refusing multiplication, not for predicting answers).
//
// The figures keep every screen of the page under the limit (TestPageQueriesFitTheLimits
// logs each one's cost): the dashboard, one county computation and its towns, costs
// about 5,700; the page's deepest chain (depth 3, every contact and exposure) 8,300.
const (
	defaultPage = 50

	// countyCompute: reads every case, contact or person of the county (or the area
	// given) and computes over them: summary (tiers of everyone), clusters,
	// chainStatistics, kpis, zoning, unlinkedExposures, the tier filter of people,
	// a quarantine run, the export workbook.
	countyCompute = 2000
	// areaScan: an indexed scan of an area's records with little computation:
	// daily reports, the epicurve, overdue reports, sweeps, ledgers, exports, the
	// quarantine lists, checkpoint figures, the audit log.
	areaScan = 500
	// chainPerDegree: a contact chain reads, per degree, the facts of every contact
	// of the degree before (SPEC §4), so its cost grows with maxDepth.
	chainPerDegree = 250
	// personCompute: one person's risk tier (their facts and their cases' chains)
	// or one cluster.
	personCompute = 50

	// Stated bounds of lists without a page size.
	typicalChain        = 100 // ContactChain.contacts without first
	typicalExposures    = 3   // Contact.exposures, per contact and degree
	typicalVia          = 2   // Contact.via, RiskReason.via, RiskReason.path
	typicalReasons      = 10  // Risk.reasons
	typicalPerPerson    = 20  // a person's trips, attendances, contacts, tests, passages, reports, quarantines
	typicalOfficers     = 4   // the 1+1 officers of a person or an assignment
	typicalMembers      = 10  // Household.members
	typicalChildren     = 30  // Area.children, Summary.children: a county's towns
	typicalDesignations = 5   // Area.designations
	typicalClusters     = 10  // clusters
	typicalClusterSize  = 20  // a cluster's cases, introductions, links, serial intervals
	typicalWarnings     = 50  // ChainStatistics.warnings, unlinkedExposures
	typicalCheckpoints  = 10  // CheckpointStats.byCheckpoint
	typicalFacilities   = 20  // facilities
	typicalAreaFacs     = 10  // Summary.facilities of one area
	typicalOpen         = 20  // Officer.openAssignments
	typicalHistory      = 5   // Quarantine.history
	typicalRunRows      = 50  // each list of a QuarantineRun: the run's own result, already in memory (its nested reads are batched), so a screen can read a whole run in one operation
	typicalTowns        = 30
	typicalOverdue      = 100
	typicalQuarantined  = 200 // pendingPlacements, testsDue, quarantineExport
	typicalOfficerList  = 200 // officers
	typicalCurveLen     = 60  // epicurve when its dates do not parse (they are checked later)
	typicalZones        = 200 // SPEC §10–12: a county assessed at town and village level
	typicalVillages     = 20  // a town's villages
	typicalEmployers    = 20
	typicalWorkers      = 10
	typicalPair         = 2 // ZoneAssessment.cluster
	typicalAuditPage    = 100
	maxChainDepth       = 5
)

func pageCost(first *int, child int) int {
	n := defaultPage
	if first != nil && *first > 0 {
		n = *first
	}
	return 1 + n*child
}

func list(n int) func(int) int { return func(child int) int { return 1 + n*child } }

func complexity() schema.ComplexityRoot {
	var c schema.ComplexityRoot
	// Query fields that compute over the county or an area.
	c.Query.Summary = func(child int, _ *time.Time, _ *string) int { return countyCompute + child }
	c.Query.Clusters = func(child int, _ *time.Time, _ *int) int { return countyCompute + typicalClusters*child }
	c.Query.Cluster = func(child int, _ string, _ *time.Time) int { return personCompute + child }
	c.Query.ChainStatistics = func(child int, _ *time.Time, _ *string) int { return countyCompute + child }
	c.Query.Kpis = func(child int, _, _ *time.Time, _ *string) int { return countyCompute + child }
	c.Query.UnlinkedExposures = func(child int, _ *time.Time, _ *string) int {
		return countyCompute + typicalWarnings*child
	}
	c.Query.Zoning = func(child int, _ *time.Time, _ *string, _ []string) int { return countyCompute + typicalZones*child }
	c.Query.QuarantineExportWorkbook = func(child int, _ *time.Time, _ *string) int { return countyCompute + child }
	// exportWorkbook reads each named list whole (county-wide for an epidemiologist).
	c.Query.ExportWorkbook = func(child int, lists []string, _ *time.Time, _ *string, _, _ *time.Time) int {
		return countyCompute + max(1, len(lists))*child
	}
	// Who was at an event, and who else was where a person was: pages (scoped before
	// the page is cut, so a page costs what it reads).
	c.Event.Attendees = func(child int, first *int, _ *string) int { return pageCost(first, child) }
	c.Person.CoAttendees = func(child int, first *int, _ *string) int { return pageCost(first, child) }
	c.Query.ContactChain = func(child int, _ string, maxDepth *int, _ *time.Time) int {
		d := 2
		if maxDepth != nil {
			d = min(max(*maxDepth, 1), maxChainDepth) // out of range is INVALID when it runs
		}
		return chainPerDegree*d + child
	}
	c.Query.Risk = func(child int, _ string, _ *time.Time) int { return personCompute + child }
	c.Query.People = func(child int, filter *schema.PeopleFilter, first *int, _ *string, _ *time.Time) int {
		if filter != nil && filter.Tier != nil {
			return countyCompute + pageCost(first, child) // every person's tier is computed
		}
		return pageCost(first, child)
	}
	c.Query.Cases = func(child int, _ *schema.CaseFilter, _ *schema.CaseDate, first *int, _ *string, _ *time.Time) int {
		return pageCost(first, child)
	}
	c.Query.DailyReports = func(child int, _ string) int { return areaScan + typicalTowns*child }
	c.Query.OverdueHealthReports = func(child int, _ string) int { return areaScan + typicalOverdue*child }
	c.Query.Epicurve = func(child int, from, to string, _ *string, _ *schema.CaseDate) int {
		n := typicalCurveLen
		f, err1 := time.Parse(time.DateOnly, from)
		t, err2 := time.Parse(time.DateOnly, to)
		if err1 == nil && err2 == nil && !t.Before(f) {
			n = min(int(t.Sub(f).Hours()/24)+1, 366)
		}
		return areaScan + n*child
	}
	c.Query.CheckpointStats = func(child int, _, _ string, _ *string) int { return areaScan + child }
	c.Query.SweepCoverage = func(child int, _ string, _, _ time.Time) int { return areaScan + child }
	c.Query.Returnees = func(child int, _ *time.Time, _ *string, _ *int, _ *string, first *int, _ *string) int {
		return areaScan + pageCost(first, child)
	}
	c.Query.AwayResidents = func(child int, _ *time.Time, _ *string, _ *string, first *int, _ *string) int {
		return areaScan + pageCost(first, child)
	}
	c.Query.WorkerLedger = func(child int, _ *time.Time, _ *string, _ *string) int { return areaScan + typicalEmployers*child }
	c.Query.QuarantineExport = func(child int, _ *time.Time, _ *string) int { return areaScan + typicalQuarantined*child }
	c.Query.Quarantines = func(child int, _ *schema.QuarantineFilter, first *int, _ *string) int {
		return areaScan + pageCost(first, child) // totalCount counts every match
	}
	c.Query.PendingPlacements = func(child int) int { return areaScan + typicalQuarantined*child }
	c.Query.TestsDue = func(child int, _ string) int { return areaScan + typicalQuarantined*child }
	c.Query.Officers = func(child int) int { return areaScan + typicalOfficerList*child }
	c.Query.Facilities = func(child int) int { return 1 + typicalFacilities*child }
	c.Query.AuditLog = func(child int, _, _ *string, _, _ *time.Time, first *int) int {
		n := typicalAuditPage
		if first != nil && *first > 0 {
			n = *first
		}
		return areaScan + n*child
	}
	c.Mutation.AssignQuarantines = func(child int, _ *time.Time, _ *bool) int { return countyCompute + child }

	// Fields computed per parent.
	c.Person.Risk = func(child int, _ *time.Time) int { return personCompute + child }
	c.Summary.Zoning = func(child int) int { return personCompute + child }

	// Lists without a page size, at their stated bounds.
	c.ContactChain.Contacts = func(child int, first *int, _ *string) int {
		if first != nil && *first >= 0 {
			return 1 + *first*child
		}
		return 1 + typicalChain*child
	}
	c.Contact.Exposures = list(typicalExposures)
	c.Contact.Via = list(typicalVia)
	c.Risk.Reasons = list(typicalReasons)
	c.RiskReason.Path = list(typicalVia)
	c.RiskReason.Via = list(typicalVia)
	c.Person.Trips = list(typicalPerPerson)
	c.Person.Attendances = list(typicalPerPerson)
	c.Person.Contacts = list(typicalPerPerson)
	c.Person.Tests = list(typicalPerPerson)
	c.Person.Passages = list(typicalPerPerson)
	c.Person.HealthReports = list(typicalPerPerson)
	c.Person.Quarantines = list(typicalPerPerson)
	c.Person.Officers = list(typicalOfficers)
	c.Household.Members = list(typicalMembers)
	c.Area.Children = list(typicalChildren)
	c.Area.Designations = list(typicalDesignations)
	c.Summary.Children = list(typicalChildren)
	c.Summary.Facilities = list(typicalAreaFacs)
	c.Cluster.Cases = list(typicalClusterSize)
	c.Cluster.Introductions = list(typicalClusterSize)
	c.Cluster.Links = list(typicalClusterSize)
	c.Cluster.SerialIntervals = list(typicalClusterSize)
	c.ChainStatistics.Warnings = list(typicalWarnings)
	c.CheckpointStats.ByCheckpoint = list(typicalCheckpoints)
	c.Quarantine.Officers = list(typicalOfficers)
	c.Quarantine.History = list(typicalHistory)
	c.Officer.OpenAssignments = list(typicalOpen)
	c.OverdueHealthReport.Officers = list(typicalOfficers)
	c.TestDue.Officers = list(typicalOfficers)
	c.QuarantineExportRow.Officers = list(typicalOfficers)
	c.QuarantineRun.Created = list(typicalRunRows)
	c.QuarantineRun.Extended = list(typicalRunRows)
	c.QuarantineRun.Superseded = list(typicalRunRows)
	c.QuarantineRun.Completed = list(typicalRunRows)
	c.QuarantineRun.Escalated = list(typicalRunRows)
	c.QuarantineRun.Placed = list(typicalRunRows)
	c.QuarantineRun.Pending = list(typicalRunRows)
	c.QuarantineRun.Referrals = list(typicalRunRows)
	c.QuarantineRun.ReferralReasons = list(typicalRunRows)
	c.QuarantineRun.MissingOfficers = list(typicalRunRows)
	c.RiskChange.People = list(typicalRunRows)
	c.ZoneAssessment.Cluster = list(typicalPair)
	c.EmployerLedger.Workers = list(typicalWorkers)
	c.SweepCoverage.Children = list(typicalVillages)
	c.SweepCoverage.NotVisited = func(child int, first *int, _ *string) int { return pageCost(first, child) }
	c.SweepCoverage.NotAccountedFor = func(child int, first *int, _ *string) int { return pageCost(first, child) }
	return c
}
