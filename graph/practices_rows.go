package graph

import (
	"context"
	"fmt"
	"time"
)

// The files SPEC §3 added for §10–12: visits.csv (door-to-door sweeps), employers.csv
// and employment.csv (ledgers of returning workers): their values, row rules, batched
// writers and the API's writes. The rules are shared by the loader and the mutations,
// as for every other file (graph/rowrules.go).

// Visit statuses: a row without a person says what happened at the door, a row with one
// accounts for that member of the household.
const (
	VisitVisited  = "visited"
	VisitNoAnswer = "no_answer"
	VisitPresent  = "present"
	VisitAway     = "away"
)

var (
	VisitDoorStatuses   = []string{VisitVisited, VisitNoAnswer}
	VisitPersonStatuses = []string{VisitPresent, VisitAway}
	visitStatuses       = []string{VisitVisited, VisitNoAnswer, VisitPresent, VisitAway}
)

// Visit is one row of visits.csv: a door-to-door check of a household at a moment, for
// the household (PersonID "") or for one of its members.
type Visit struct {
	HouseholdID string
	At          time.Time
	PersonID    string
	Status      string
	OfficerID   string
	Temperature *float64
}

// Employer is an enterprise of the county (employers.csv).
type Employer struct {
	ID       string
	Name     string
	AreaCode string
}

// Employment ties a person to an employer (employment.csv), since a date when known.
type Employment struct {
	PersonID   string
	EmployerID string
	Since      *Date
}

// NotAMember is the reason a visit row naming someone outside the household is refused.
const NotAMember = "not a member of the household"

// VisitRow reads a visits.csv row. The household membership of a person row is checked
// by the caller, against the bundle and the database (CheckVisitMembers).
func VisitRow(r RowValues) Visit {
	v := Visit{HouseholdID: r.Ref("household_id", KeyHousehold)}
	v.At = r.Time("at", false)
	v.PersonID = r.Ref("person_id", KeyPerson)
	if v.PersonID == "" {
		v.Status = r.Enum("status", visitStatuses, VisitVisited)
		if v.Status == VisitPresent || v.Status == VisitAway {
			r.Fail("status", fmt.Sprintf("%s is for a row with a person_id; a row without one is visited or no_answer", v.Status))
		}
	} else {
		v.Status = r.Enum("status", visitStatuses, VisitPresent)
		if v.Status == VisitVisited || v.Status == VisitNoAnswer {
			r.Fail("status", fmt.Sprintf("%s is for the household's row (without person_id); a person is present or away", v.Status))
		}
	}
	v.OfficerID = r.Ref("officer_id", KeyOfficer)
	v.Temperature = r.Decimal("temperature", MinTemperature, MaxTemperature)
	// A reading belongs to someone seen: a household's row or an absent member has none
	// (docs/rules.md §11).
	if v.Temperature != nil && v.Status != VisitPresent && v.Status != "" {
		r.Fail("temperature", "a temperature is taken of a present person only")
	}
	return v
}

func EmployerRow(r RowValues) Employer {
	return Employer{ID: r.Text("id", TextID), Name: r.Text("name", TextName), AreaCode: r.Ref("area_code", KeyArea)}
}

func EmploymentRow(r RowValues) Employment {
	e := Employment{PersonID: r.Ref("person_id", KeyPerson), EmployerID: r.Ref("employer_id", KeyEmployer)}
	e.Since = r.Date("since")
	return e
}

// HouseholdsOf returns the stored household of each person that has one.
func (db *DB) HouseholdsOf(ctx context.Context, personIDs []string) (map[string]string, error) {
	return Read(ctx, db, "households of people", func(ctx context.Context, tx Tx) (map[string]string, error) {
		out := map[string]string{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (:Person {id: id})-[:MEMBER_OF]->(h:Household)
			RETURN id, h.id AS h`, map[string]any{"ids": personIDs}, func(r *Record) {
			out[str(get(r, "id"))] = str(get(r, "h"))
		})
		return out, err
	})
}

// visitPersonKey is the third part of a visit's key: the person, or "" for the
// household's own row (a key part must have a value to be unique; docs/graph-model.md).
func visitPersonKey(v Visit) string { return v.PersonID }

// WriteVisits stores visits as (Household)-[:VISITED]->(Visit), (Visit)-[:SAW]->(Person)
// for a person row (present or away), (Visit)-[:BY]->(Officer).
func (db *DB) WriteVisits(ctx context.Context, vs []Visit) error {
	rows := make([]map[string]any, len(vs))
	for i, v := range vs {
		rows[i] = map[string]any{"householdId": v.HouseholdID, "at": v.At, "personKey": visitPersonKey(v),
			"personId": nz(v.PersonID), "status": v.Status, "officerId": nz(v.OfficerID), "temperature": optFloat(v.Temperature)}
	}
	return writeRows(ctx, db, "write visits", rows,
		`UNWIND $rows AS row MATCH (h:Household {id: row.householdId})
		MERGE (n:Visit {householdId: row.householdId, at: row.at, personKey: row.personKey})
		SET n.personId = row.personId, n.status = row.status, n.officerId = row.officerId, n.temperature = row.temperature
		MERGE (h)-[:VISITED]->(n)
		WITH n, row`+
			link("SAW", "Person", "id", "personId", true)+
			link("BY", "Officer", "id", "officerId", true))
}

func (db *DB) WriteEmployers(ctx context.Context, es []Employer) error {
	rows := make([]map[string]any, len(es))
	for i, e := range es {
		rows[i] = map[string]any{"id": e.ID, "name": e.Name, "areaCode": e.AreaCode}
	}
	return writeRows(ctx, db, "write employers", rows,
		"UNWIND $rows AS row MERGE (n:Employer {id: row.id}) SET n.name = row.name, n.areaCode = row.areaCode WITH n, row"+
			link("IN", "Area", "code", "areaCode", true))
}

func (db *DB) WriteEmployment(ctx context.Context, es []Employment) error {
	rows := make([]map[string]any, len(es))
	for i, e := range es {
		rows[i] = map[string]any{"personId": e.PersonID, "employerId": e.EmployerID, "since": optDate(e.Since)}
	}
	return writeRows(ctx, db, "write employment", rows,
		`UNWIND $rows AS row MATCH (p:Person {id: row.personId}) MATCH (e:Employer {id: row.employerId})
		MERGE (p)-[r:WORKS_AT]->(e) SET r.since = row.since`)
}

var (
	colsVisits     = []string{"household_id!", "at!", "person_id", "status", "officer_id", "temperature"}
	colsEmployers  = []string{"id!", "name!", "area_code!"}
	colsEmployment = []string{"person_id!", "employer_id!", "since"}
)

// RecordVisit records one door-to-door visit row (key: household, at, person or none).
// A person row must name a member of the household as stored now.
func (s *Service) RecordVisit(ctx context.Context, cells Cells) (*Visit, error) {
	const op = "recordVisit"
	v, err := checkRow(ctx, s, op, colsVisits, cells, VisitRow)
	if err != nil {
		return nil, err
	}
	if v.PersonID != "" {
		hh, err := s.DB.HouseholdsOf(ctx, []string{v.PersonID})
		if err != nil {
			return nil, err
		}
		if hh[v.PersonID] != v.HouseholdID {
			return nil, InvalidArg(op, "personId", NotAMember)
		}
	}
	return &v, s.DB.WriteVisits(ctx, []Visit{v})
}

// UpsertEmployer creates or replaces an employer.
func (s *Service) UpsertEmployer(ctx context.Context, cells Cells) (*Employer, error) {
	e, err := checkRow(ctx, s, "upsertEmployer", colsEmployers, cells, EmployerRow)
	if err != nil {
		return nil, err
	}
	return &e, s.DB.WriteEmployers(ctx, []Employer{e})
}

// RecordEmployment ties a person to an employer (key: person, employer).
func (s *Service) RecordEmployment(ctx context.Context, cells Cells) (*Employment, error) {
	e, err := checkRow(ctx, s, "recordEmployment", colsEmployment, cells, EmploymentRow)
	if err != nil {
		return nil, err
	}
	return &e, s.DB.WriteEmployment(ctx, []Employment{e})
}

// Employers returns the employers with the given ids.
func (s *Service) Employers(ctx context.Context, ids []string) (map[string]*Employer, error) {
	return Read(ctx, s.DB, "employers", func(ctx context.Context, tx Tx) (map[string]*Employer, error) {
		out := map[string]*Employer{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (e:Employer {id: id}) RETURN e.id AS id, e.name AS name, e.areaCode AS area`,
			map[string]any{"ids": ids}, func(r *Record) {
				e := &Employer{ID: str(get(r, "id")), Name: str(get(r, "name")), AreaCode: str(get(r, "area"))}
				out[e.ID] = e
			})
		return out, err
	})
}
