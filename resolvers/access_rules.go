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

	// Quarantine (SPEC §6). Running the engine changes every assignment in the county:
	// the command centre's epidemiologists do it. Assignments, tests due, referrals and
	// missing officers belong to their person (ownerOf), so a tracer sees those of
	// people in scope; facility occupancy is an aggregate.
	"Mutation.assignQuarantines": {roles: epiOnly},
	"Query.quarantines":          {roles: personLevel},
	"Query.quarantine":           {roles: personLevel},
	"Query.facilities":           {},
	"Query.pendingPlacements":    {roles: personLevel},
	"Query.testsDue":             {roles: personLevel},
	"Query.officers":             {roles: personLevel},
	"QuarantineRun.runId":        {}, "QuarantineRun.asOf": {}, "QuarantineRun.dryRun": {},
	"QuarantineRun.created": {roles: personLevel}, "QuarantineRun.extended": {roles: personLevel},
	"QuarantineRun.superseded": {roles: personLevel}, "QuarantineRun.completed": {roles: personLevel},
	"QuarantineRun.escalated": {roles: personLevel}, "QuarantineRun.placed": {roles: personLevel},
	"QuarantineRun.pending": {roles: personLevel}, "QuarantineRun.referrals": {roles: personLevel},
	"QuarantineRun.referralReasons": {roles: personLevel}, "QuarantineRun.missingOfficers": {roles: personLevel},
	"Referral.person": {roles: personLevel}, "Referral.rules": {roles: personLevel},
	"MissingOfficer.quarantine": {roles: personLevel}, "MissingOfficer.person": {roles: personLevel},
	"MissingOfficer.role": {roles: personLevel},
	"Quarantine.id":       {roles: personLevel}, "Quarantine.person": {roles: personLevel},
	"Quarantine.kind": {roles: personLevel}, "Quarantine.status": {roles: personLevel},
	"Quarantine.start": {roles: personLevel}, "Quarantine.end": {roles: personLevel},
	"Quarantine.placedAt": {roles: personLevel}, "Quarantine.facility": {roles: personLevel},
	"Quarantine.officers": {roles: personLevel}, "Quarantine.reasons": {roles: personLevel},
	"Quarantine.history":      {roles: personLevel},
	"QuarantineChange.change": {roles: personLevel}, "QuarantineChange.at": {roles: personLevel},
	"QuarantineChange.runId": {roles: personLevel}, "QuarantineChange.reason": {roles: personLevel},
	"QuarantineChange.from": {roles: personLevel}, "QuarantineChange.to": {roles: personLevel},
	"QuarantineChange.facility":  {roles: personLevel},
	"QuarantineConnection.nodes": {roles: personLevel}, "QuarantineConnection.endCursor": {roles: personLevel},
	"QuarantineConnection.hasNextPage": {roles: personLevel}, "QuarantineConnection.totalCount": {roles: personLevel},
	"TestDue.quarantine": {roles: personLevel}, "TestDue.person": {roles: personLevel},
	"TestDue.day": {roles: personLevel}, "TestDue.date": {roles: personLevel},
	"TestDue.facility": {roles: personLevel}, "TestDue.officers": {roles: personLevel},
	"Facility.occupied": {}, "Facility.free": {},
	"Officer.openAssignments": {roles: personLevel},
	"Person.quarantines":      {roles: personLevel},
	"Person.officers":         {roles: personLevel},
	// The export carries identity: audited, and masked as Person's fields are.
	"Query.quarantineExport":           {roles: personLevel},
	"QuarantineExportRow.assignment":   {roles: personLevel},
	"QuarantineExportRow.personId":     {roles: personLevel},
	"QuarantineExportRow.name":         {roles: personLevel, identity: true},
	"QuarantineExportRow.idNumber":     {roles: personLevel, identity: true, mask: graph.MaskIDNumber},
	"QuarantineExportRow.phone":        {roles: personLevel, identity: true, mask: graph.MaskPhone},
	"QuarantineExportRow.address":      {roles: personLevel, identity: true},
	"QuarantineExportRow.areaCode":     {roles: personLevel},
	"QuarantineExportRow.kind":         {roles: personLevel},
	"QuarantineExportRow.status":       {roles: personLevel},
	"QuarantineExportRow.start":        {roles: personLevel},
	"QuarantineExportRow.end":          {roles: personLevel},
	"QuarantineExportRow.placedAt":     {roles: personLevel},
	"QuarantineExportRow.facilityId":   {roles: personLevel},
	"QuarantineExportRow.facilityName": {roles: personLevel},
	"QuarantineExportRow.officers":     {roles: personLevel},
	"QuarantineExportRow.testsDue":     {roles: personLevel},
}
