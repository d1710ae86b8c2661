package resolvers

import "github.com/tracegraph/tracegraph/graph"

// accessRules is the one table that decides who sees what (SPEC §8; docs/security.md):
//   - epidemiologists: everything;
//   - tracers: people in the areas they serve and their contacts (ID numbers and
//     phones of the contacts masked), and every aggregate;
//   - dashboards: aggregates only, never a person.
//
// Every field of the schema must be listed; the matrix test fails for one that is not.
var accessRules = map[string]fieldRule{
	"Query.policy": {},
	"Query.person": {roles: personLevel, personArg: "id"},
	// The audit log is for epidemiologists; nothing in the API changes it.
	"Query.auditLog":        {roles: epiOnly},
	"AuditRecord.id":        {roles: epiOnly},
	"AuditRecord.actor":     {roles: epiOnly},
	"AuditRecord.role":      {roles: epiOnly},
	"AuditRecord.at":        {roles: epiOnly},
	"AuditRecord.operation": {roles: epiOnly},
	"AuditRecord.personIds": {roles: epiOnly},

	"Policy.name": {}, "Policy.windowLeadDays": {}, "Policy.closeContactMinutes": {},
	"Policy.flightRowRange": {}, "Policy.contactWindowDays": {}, "Policy.likelySourceDays": {},
	"Policy.positiveTestDays": {}, "Policy.contactRiskDays": {}, "Policy.arrivalRiskDays": {},
	"Policy.feverCelsius": {}, "Policy.feverDays": {}, "Policy.quarantine": {},
	"QuarantinePolicy.closeContact": {}, "QuarantinePolicy.highRiskArrival": {},
	"QuarantinePolicy.secondaryContact": {}, "QuarantinePolicy.generalContact": {},
	"QuarantinePolicy.mediumRiskArrival": {}, "QuarantinePolicy.testDays": {},
	"Measure.kind": {}, "Measure.days": {}, "Measure.testDays": {}, "Measure.then": {},

	"Person.id":          {roles: personLevel},
	"Person.name":        {roles: personLevel, identity: true},
	"Person.idNumber":    {roles: personLevel, identity: true, mask: graph.MaskIDNumber},
	"Person.phone":       {roles: personLevel, identity: true, mask: graph.MaskPhone},
	"Person.sex":         {roles: personLevel},
	"Person.birthDate":   {roles: personLevel, identity: true},
	"Person.householdId": {roles: personLevel},

	// Facilities are aggregates a dashboard shows (capacity, occupancy).
	"Facility.id": {}, "Facility.name": {}, "Facility.areaCode": {}, "Facility.capacity": {},
	// Officers are staff, not the traced: their names and phones are for person-level roles.
	"Officer.id":       {roles: personLevel},
	"Officer.name":     {roles: personLevel},
	"Officer.role":     {roles: personLevel},
	"Officer.areaCode": {roles: personLevel},
	"Officer.phone":    {roles: personLevel},

	// ---- Reads for tracing teams and dashboards (schema/api.graphqls) ----
	// Lists of people and their records are person-level; a tracer's lists are cut to
	// the areas they serve in graph, and each person's fields are checked by ownerOf.
	"Query.people": {roles: personLevel}, "Query.household": {roles: personLevel},
	"Query.cases": {roles: personLevel}, "Query.overdueHealthReports": {roles: personLevel},
	"PersonPage.nodes": {roles: personLevel}, "PersonPage.endCursor": {roles: personLevel}, "PersonPage.hasNextPage": {roles: personLevel},
	"CasePage.nodes": {roles: personLevel}, "CasePage.endCursor": {roles: personLevel}, "CasePage.hasNextPage": {roles: personLevel},
	"CaseRecord.person": {roles: personLevel}, "CaseRecord.status": {roles: personLevel}, "CaseRecord.onsetDate": {roles: personLevel},
	"CaseRecord.confirmedAt": {roles: personLevel}, "CaseRecord.isolatedAt": {roles: personLevel},
	// A household's address identifies its members.
	"Household.id": {roles: personLevel}, "Household.address": {roles: personLevel}, "Household.areaCode": {roles: personLevel},
	"Household.area": {roles: personLevel}, "Household.members": {roles: personLevel},
	"Person.household": {roles: personLevel}, "Person.trips": {roles: personLevel}, "Person.attendances": {roles: personLevel},
	"Person.contacts": {roles: personLevel}, "Person.tests": {roles: personLevel}, "Person.passages": {roles: personLevel},
	"Person.healthReports": {roles: personLevel},
	"Trip.id":              {roles: personLevel}, "Trip.mode": {roles: personLevel}, "Trip.number": {roles: personLevel},
	"Trip.seat": {roles: personLevel}, "Trip.fromArea": {roles: personLevel}, "Trip.toArea": {roles: personLevel},
	"Trip.departAt": {roles: personLevel}, "Trip.arriveAt": {roles: personLevel},
	"Attendance.event": {roles: personLevel}, "Attendance.from": {roles: personLevel}, "Attendance.to": {roles: personLevel},
	"Attendance.proximity": {roles: personLevel},
	"Event.id":             {roles: personLevel}, "Event.kind": {roles: personLevel}, "Event.place": {roles: personLevel},
	"Event.areaCode": {roles: personLevel}, "Event.start": {roles: personLevel}, "Event.end": {roles: personLevel},
	"Event.indoor":        {roles: personLevel},
	"ContactRecord.other": {roles: personLevel}, "ContactRecord.at": {roles: personLevel},
	"ContactRecord.durationMin": {roles: personLevel}, "ContactRecord.setting": {roles: personLevel},
	"ContactRecord.protected": {roles: personLevel},
	"Test.id":                 {roles: personLevel}, "Test.kind": {roles: personLevel}, "Test.sampledAt": {roles: personLevel},
	"Test.result":        {roles: personLevel},
	"Passage.checkpoint": {roles: personLevel}, "Passage.at": {roles: personLevel}, "Passage.plate": {roles: personLevel},
	"Passage.temperature": {roles: personLevel}, "Passage.turnedBack": {roles: personLevel},
	"HealthReport.date": {roles: personLevel}, "HealthReport.temperature": {roles: personLevel},
	"HealthReport.symptoms":      {roles: personLevel},
	"OverdueHealthReport.person": {roles: personLevel}, "OverdueHealthReport.kind": {roles: personLevel},
	"OverdueHealthReport.officers": {roles: personLevel},
	// The area tree, checkpoints and the aggregates are for every role.
	"Query.area": {}, "Query.checkpointStats": {}, "Query.dailyReports": {}, "Query.epicurve": {},
	"Area.code": {}, "Area.name": {}, "Area.level": {}, "Area.parent": {}, "Area.children": {},
	"Area.designations": {}, "Area.effectiveLevel": {},
	"RiskDesignation.areaCode": {}, "RiskDesignation.level": {}, "RiskDesignation.since": {},
	"EffectiveLevel.level": {}, "EffectiveLevel.designatedArea": {}, "EffectiveLevel.since": {},
	"Checkpoint.id": {}, "Checkpoint.name": {}, "Checkpoint.areaCode": {},
	"CheckpointStats.checkpoint": {}, "CheckpointStats.passages": {}, "CheckpointStats.people": {},
	"CheckpointStats.vehicles": {}, "CheckpointStats.fevers": {}, "CheckpointStats.turnedBack": {},
	"CheckpointStats.outsideVehicles": {}, "CheckpointStats.byCheckpoint": {},
	"DailyReport.areaCode": {}, "DailyReport.areaName": {}, "DailyReport.date": {}, "DailyReport.newReturnees": {},
	"DailyReport.newFevers": {}, "DailyReport.newQuarantines": {}, "DailyReport.newCases": {},
	"DailyReport.submitted": {}, "DailyReport.submittedAt": {}, "DailyReport.note": {},
	"EpicurvePoint.date": {}, "EpicurvePoint.cases": {},

	// ---- Writes (schema/writes.graphqls): person-level roles record what they trace;
	// facilities, officers and risk designations are the command centre's (epidemiologists).
	"Mutation.upsertPerson": {roles: personLevel}, "Mutation.upsertHousehold": {roles: personLevel},
	"Mutation.recordTrip": {roles: personLevel}, "Mutation.recordEvent": {roles: personLevel},
	"Mutation.recordAttendance": {roles: personLevel}, "Mutation.recordContact": {roles: personLevel},
	"Mutation.recordTest": {roles: personLevel}, "Mutation.setCaseStatus": {roles: personLevel},
	"Mutation.recordPassage": {roles: personLevel}, "Mutation.submitHealthReport": {roles: personLevel},
	"Mutation.submitDailyReport": {roles: personLevel},
	"Mutation.designateRisk":     {roles: epiOnly}, "Mutation.upsertFacility": {roles: epiOnly}, "Mutation.upsertOfficer": {roles: epiOnly},
	// ---- Subscriptions (schema/subscriptions.graphqls): they name people.
	"Subscription.caseConfirmed": {roles: personLevel}, "Subscription.riskChanged": {roles: personLevel},
	"Subscription.quarantineChanged": {roles: personLevel},
	"RiskChange.personIds":           {roles: personLevel}, "RiskChange.people": {roles: personLevel},
	"RiskChange.cause": {roles: personLevel}, "RiskChange.at": {roles: personLevel},
	"QuarantineChange.personIds": {roles: personLevel}, "QuarantineChange.cause": {roles: personLevel},
	"QuarantineChange.at": {roles: personLevel},
}
