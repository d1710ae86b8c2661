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
}
