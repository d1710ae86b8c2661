package resolvers

import "github.com/tracegraph/tracegraph/graph"

// Access rules of SPEC §10–12 (schema/practices.graphqls), merged into accessRules:
// zoning and a sweep's counts are aggregates every role may read (a dashboard shows
// them); the lists behind them name households and people and are person-level; the
// ledgers list people. Each person-owned object is checked against a tracer's scope
// through ownerOf, and their Person fields are masked and audited as everywhere.
var practicesRules = map[string]fieldRule{
	"Query.zoning": {}, "Summary.zoning": {},
	"ZoneAssessment.areaCode": {}, "ZoneAssessment.areaName": {}, "ZoneAssessment.areaLevel": {},
	"ZoneAssessment.asOf": {}, "ZoneAssessment.assessed": {}, "ZoneAssessment.current": {},
	"ZoneAssessment.currentSince": {}, "ZoneAssessment.proposal": {}, "ZoneAssessment.confirmedTotal": {},
	"ZoneAssessment.new14": {}, "ZoneAssessment.clusterWithin14d": {}, "ZoneAssessment.lastConfirmedAt": {},
	"ZoneAssessment.lowFrom": {},
	// The two cases of the cluster are people.
	"ZoneAssessment.cluster": {roles: personLevel},

	"Query.sweepCoverage": {}, "SweepCoverage.areaCode": {}, "SweepCoverage.areaName": {},
	"SweepCoverage.from": {}, "SweepCoverage.to": {}, "SweepCoverage.households": {},
	"SweepCoverage.visited": {}, "SweepCoverage.people": {}, "SweepCoverage.accountedFor": {},
	"SweepCoverage.children":        {},
	"SweepCoverage.notVisited":      {roles: personLevel},
	"SweepCoverage.notAccountedFor": {roles: personLevel},
	"MissedHouseholdPage.nodes":     {roles: personLevel}, "MissedHouseholdPage.totalCount": {roles: personLevel},
	"MissedHouseholdPage.endCursor": {roles: personLevel}, "MissedHouseholdPage.hasNextPage": {roles: personLevel},
	"MissedPersonPage.nodes": {roles: personLevel}, "MissedPersonPage.totalCount": {roles: personLevel},
	"MissedPersonPage.endCursor": {roles: personLevel}, "MissedPersonPage.hasNextPage": {roles: personLevel},
	"MissedHousehold.household": {roles: personLevel}, "MissedHousehold.householdId": {roles: personLevel},
	"MissedHousehold.areaCode": {roles: personLevel}, "MissedHousehold.lastNoAnswer": {roles: personLevel},
	"MissedHousehold.members": {roles: personLevel},
	"MissedPerson.person":     {roles: personLevel}, "MissedPerson.householdId": {roles: personLevel},
	"MissedPerson.areaCode": {roles: personLevel},

	"Query.returnees": {roles: personLevel}, "Query.awayResidents": {roles: personLevel},
	"Query.workerLedger": {roles: personLevel},
	"LedgerPage.nodes":   {roles: personLevel}, "LedgerPage.totalCount": {roles: personLevel},
	"LedgerPage.endCursor": {roles: personLevel}, "LedgerPage.hasNextPage": {roles: personLevel},
	"AwayPage.nodes": {roles: personLevel}, "AwayPage.totalCount": {roles: personLevel},
	"AwayPage.endCursor": {roles: personLevel}, "AwayPage.hasNextPage": {roles: personLevel},
	"LedgerEntry.person": {roles: personLevel}, "LedgerEntry.tripId": {roles: personLevel},
	"LedgerEntry.fromArea": {roles: personLevel}, "LedgerEntry.originLevel": {roles: personLevel},
	"LedgerEntry.departAt": {roles: personLevel}, "LedgerEntry.arrivedAt": {roles: personLevel},
	"LedgerEntry.quarantine": {roles: personLevel}, "LedgerEntry.quarantineKind": {roles: personLevel},
	"LedgerEntry.missingReports": {roles: personLevel},
	"AwayResident.person":        {roles: personLevel}, "AwayResident.tripId": {roles: personLevel},
	"AwayResident.areaCode": {roles: personLevel}, "AwayResident.since": {roles: personLevel},
	"AwayResident.level":      {roles: personLevel},
	"EmployerLedger.employer": {roles: personLevel}, "EmployerLedger.workers": {roles: personLevel},
	"EmployerLedger.missingYesterday": {roles: personLevel},
	// Employers are enterprises, not people.
	"Employer.id": {}, "Employer.name": {}, "Employer.areaCode": {},

	// Writes: tracers within their areas (the resolvers check), epidemiologists anywhere.
	"Mutation.recordVisit": {roles: personLevel}, "Mutation.upsertEmployer": {roles: personLevel},
	"Mutation.recordEmployment": {roles: personLevel},
	"Visit.householdId":         {roles: personLevel}, "Visit.at": {roles: personLevel}, "Visit.person": {roles: personLevel},
	"Visit.status": {roles: personLevel}, "Visit.officerId": {roles: personLevel}, "Visit.temperature": {roles: personLevel},
	"Employment.person": {roles: personLevel}, "Employment.employerId": {roles: personLevel},
	"Employment.since": {roles: personLevel},

	"RiskReason.visitHouseholdId": {roles: personLevel},
}

func init() {
	for k, v := range practicesRules {
		if _, dup := accessRules[k]; dup {
			panic("resolvers: access rule " + k + " defined twice")
		}
		accessRules[k] = v
	}
	// Objects of §10–12 that belong to one person: a tracer's scope applies to them.
	ownerOf["LedgerEntry"] = ownedBy(func(e *graph.LedgerEntry) string { return e.PersonID })
	ownerOf["AwayResident"] = ownedBy(func(a *graph.AwayResident) string { return a.PersonID })
	ownerOf["MissedPerson"] = ownedBy(func(m *graph.MissedPerson) string { return m.PersonID })
	ownerOf["Visit"] = ownedBy(func(v *graph.Visit) string { return v.PersonID })
	ownerOf["Employment"] = ownedBy(func(e *graph.Employment) string { return e.PersonID })
}
