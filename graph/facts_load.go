package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The records the in-memory tracing index (graph/index) is built from and refreshed
// with: everything the rules read about a person, as stored, whatever asOf. The index
// applies the rules' "as of" filters itself (facts.go's contract). Reading a whole person
// again (rather than a delta) makes applying a change idempotent and covers deletions.

// PersonRecord is one person's facts as stored.
type PersonRecord struct {
	ID, Name      string
	HouseholdProp string // p.householdId (personFacts.HouseholdID)
	HouseholdID   string // the household of the MEMBER_OF relationship
	Case          *Case
	Tests         []TestFact
	Contacts      []ContactFact
	Attendances   []AttendanceFact
	Trips         []TripFact
	Passages      []PassageReading
	Visits        []VisitFact
	Reports       []ReportReading
	Quarantines   []QuarantineFact
}

type TestFact struct {
	ID, Kind, Result string
	SampledAt        *time.Time
}

type ContactFact struct {
	Other       string
	At          time.Time
	DurationMin *float64
	Setting     string
	Protected   bool
}

type AttendanceFact struct {
	EventID   string
	From, To  time.Time
	Proximity string // "venue" when not recorded
}

type TripFact struct {
	ID, Mode, Number, NumberKey, Seat string
	Depart, Arrive                    *time.Time
	FromArea                          string // the FROM relationship's area
	HasFromArea                       bool   // t.fromArea is set (the area may be unknown)
}

type VisitFact struct {
	HouseholdID, Status string
	At                  time.Time
	Temperature         *float64
}

type QuarantineFact struct {
	ID, Kind, Status string
	Start, End       *time.Time
	PlacedAt         *time.Time
	FacilityID       string
}

// DesignationFact is a risk designation of an area.
type DesignationFact struct {
	AreaCode, Level string
	Since           time.Time
}

// StaticFacts are the small tables: areas, designations, households' areas, events,
// facilities.
type StaticFacts struct {
	Areas        []Area
	Designations []DesignationFact
	Households   map[string]string // id → area code ("" without one)
	Events       map[string]bool   // id → indoor (true when not recorded)
	Facilities   []Facility
}

const personRecordReturn = `RETURN p.id AS id, p.name AS name, p.householdId AS hh,
	head([(p)-[:MEMBER_OF]->(h:Household) | h.id]) AS member,
	head([(p)-[:HAS_CASE]->(c:Case) | c {.status, .onsetDate, .confirmedAt, .isolatedAt}]) AS c,
	[(p)-[:TESTED]->(t:Test) | t {.id, .kind, .result, .sampledAt}] AS tests,
	[(p)-[r:CONTACTED]-(o:Person) | {other: o.id, at: r.at, dur: r.durationMin, setting: r.setting, protected: coalesce(r.protected, false)}] AS contacts,
	[(p)-[a:ATTENDED]->(e:Event) | {event: e.id, from: a.from, to: a.to, prox: coalesce(a.proximity, 'venue')}] AS attendances,
	[(p)-[:TOOK]->(t:Trip) | t {.id, .mode, .number, .numberKey, .seat, .departAt, .arriveAt, hasFrom: t.fromArea IS NOT NULL,
	    from: head([(t)-[:FROM]->(a:Area) | a.code])}] AS trips,
	[(p)-[x:PASSED]->(k:Checkpoint) | {checkpoint: k.id, at: x.at, temperature: x.temperature}] AS passages,
	[(p)<-[:SAW]-(v:Visit) | v {.householdId, .status, .at, .temperature}] AS visits,
	[(p)-[:REPORTED]->(h:HealthReport) | h {.date, .temperature}] AS reports,
	[(p)-[:ASSIGNED]->(q:Quarantine) | q {.id, .kind, .status, .start, .end, .placedAt,
	    facility: head([(q)-[:AT]->(f:Facility) | f.id])}] AS quarantines`

// LoadPeople reads the records of these people (unknown ids are absent).
func (db *DB) LoadPeople(ctx context.Context, ids []string) ([]PersonRecord, error) {
	return Read(ctx, db, "index people", func(ctx context.Context, tx Tx) ([]PersonRecord, error) {
		return readPersonRecords(ctx, tx, `UNWIND $ids AS id MATCH (p:Person {id: id}) `, map[string]any{"ids": ids})
	})
}

// LoadPeoplePage reads up to limit people with id > after, by id (the index's build).
func (db *DB) LoadPeoplePage(ctx context.Context, after string, limit int) ([]PersonRecord, error) {
	return Read(ctx, db, "index people", func(ctx context.Context, tx Tx) ([]PersonRecord, error) {
		return readPersonRecords(ctx, tx, `MATCH (p:Person) WHERE p.id > $after WITH p ORDER BY p.id LIMIT $limit `,
			map[string]any{"after": after, "limit": limit})
	})
}

func readPersonRecords(ctx context.Context, tx Tx, match string, params map[string]any) ([]PersonRecord, error) {
	res, err := tx.Run(ctx, match+personRecordReturn, params)
	if err != nil {
		return nil, fmt.Errorf("person records: %w", err)
	}
	var out []PersonRecord
	for res.Next(ctx) {
		r := res.Record().AsMap()
		p := PersonRecord{ID: str(r["id"]), Name: str(r["name"]), HouseholdProp: str(r["hh"]), HouseholdID: str(r["member"])}
		if cm, ok := r["c"].(map[string]any); ok {
			p.Case = &Case{PersonID: p.ID, Status: str(cm["status"]), OnsetDate: dateOf(cm["onsetDate"]),
				ConfirmedAt: timeOf(cm["confirmedAt"]), IsolatedAt: timeOf(cm["isolatedAt"])}
		}
		for _, v := range list(r["tests"]) {
			p.Tests = append(p.Tests, TestFact{ID: str(v["id"]), Kind: str(v["kind"]), Result: str(v["result"]), SampledAt: timeOf(v["sampledAt"])})
		}
		for _, v := range list(r["contacts"]) {
			at := timeOf(v["at"])
			if at == nil {
				continue // r.at <= row.to is never true for a contact without a time
			}
			p.Contacts = append(p.Contacts, ContactFact{Other: str(v["other"]), At: *at, DurationMin: floatOf(v["dur"]),
				Setting: str(v["setting"]), Protected: v["protected"] == true})
		}
		for _, v := range list(r["attendances"]) {
			from, to := timeOf(v["from"]), timeOf(v["to"])
			if from == nil || to == nil {
				continue
			}
			p.Attendances = append(p.Attendances, AttendanceFact{EventID: str(v["event"]), From: *from, To: *to, Proximity: str(v["prox"])})
		}
		for _, v := range list(r["trips"]) {
			p.Trips = append(p.Trips, TripFact{ID: str(v["id"]), Mode: str(v["mode"]), Number: str(v["number"]), NumberKey: str(v["numberKey"]),
				Seat: str(v["seat"]), Depart: timeOf(v["departAt"]), Arrive: timeOf(v["arriveAt"]), FromArea: str(v["from"]), HasFromArea: v["hasFrom"] == true})
		}
		for _, v := range list(r["passages"]) {
			if at := timeOf(v["at"]); at != nil {
				p.Passages = append(p.Passages, PassageReading{CheckpointID: str(v["checkpoint"]), At: *at, Temperature: floatOf(v["temperature"])})
			}
		}
		for _, v := range list(r["visits"]) {
			if at := timeOf(v["at"]); at != nil {
				p.Visits = append(p.Visits, VisitFact{HouseholdID: str(v["householdId"]), Status: str(v["status"]), At: *at, Temperature: floatOf(v["temperature"])})
			}
		}
		for _, v := range list(r["reports"]) {
			if d := dateOf(v["date"]); d != nil {
				p.Reports = append(p.Reports, ReportReading{Date: *d, Temperature: floatOf(v["temperature"])})
			}
		}
		for _, v := range list(r["quarantines"]) {
			p.Quarantines = append(p.Quarantines, QuarantineFact{ID: str(v["id"]), Kind: str(v["kind"]), Status: str(v["status"]),
				Start: timeOf(v["start"]), End: timeOf(v["end"]), PlacedAt: timeOf(v["placedAt"]), FacilityID: str(v["facility"])})
		}
		p.Normalise()
		out = append(out, p)
	}
	return out, res.Err()
}

// normalise orders a record's lists, so that two reads of the same facts are equal
// (index verify compares them).
func (p *PersonRecord) Normalise() {
	sort.Slice(p.Tests, func(i, j int) bool { return p.Tests[i].ID < p.Tests[j].ID })
	sort.Slice(p.Contacts, func(i, j int) bool {
		a, b := p.Contacts[i], p.Contacts[j]
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		return fmt.Sprint(a.Other, a.DurationMin, a.Setting, a.Protected) < fmt.Sprint(b.Other, b.DurationMin, b.Setting, b.Protected)
	})
	sort.Slice(p.Attendances, func(i, j int) bool {
		a, b := p.Attendances[i], p.Attendances[j]
		if !a.From.Equal(b.From) {
			return a.From.Before(b.From)
		}
		return a.EventID+a.To.String() < b.EventID+b.To.String()
	})
	sort.Slice(p.Trips, func(i, j int) bool { return p.Trips[i].ID < p.Trips[j].ID })
	sort.Slice(p.Passages, func(i, j int) bool {
		if !p.Passages[i].At.Equal(p.Passages[j].At) {
			return p.Passages[i].At.Before(p.Passages[j].At)
		}
		return p.Passages[i].CheckpointID < p.Passages[j].CheckpointID
	})
	sort.Slice(p.Visits, func(i, j int) bool {
		if !p.Visits[i].At.Equal(p.Visits[j].At) {
			return p.Visits[i].At.Before(p.Visits[j].At)
		}
		return p.Visits[i].HouseholdID < p.Visits[j].HouseholdID
	})
	sort.Slice(p.Reports, func(i, j int) bool { return p.Reports[i].Date.In(time.UTC).Before(p.Reports[j].Date.In(time.UTC)) })
	sort.Slice(p.Quarantines, func(i, j int) bool { return p.Quarantines[i].ID < p.Quarantines[j].ID })
}

func list(v any) []map[string]any {
	xs, _ := v.([]any)
	out := make([]map[string]any, 0, len(xs))
	for _, x := range xs {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// LoadStaticFacts reads the small tables whole.
func (db *DB) LoadStaticFacts(ctx context.Context) (*StaticFacts, error) {
	return Read(ctx, db, "index static", func(ctx context.Context, tx Tx) (*StaticFacts, error) {
		tree, err := CypherFacts(tx).AreaTree(ctx)
		if err != nil {
			return nil, err
		}
		st := &StaticFacts{Households: map[string]string{}, Events: map[string]bool{}}
		for _, a := range tree.areas {
			st.Areas = append(st.Areas, *a)
		}
		sort.Slice(st.Areas, func(i, j int) bool { return st.Areas[i].Code < st.Areas[j].Code })
		rows := func(cypher string, fn func(map[string]any)) error {
			res, err := tx.Run(ctx, cypher, nil)
			if err != nil {
				return err
			}
			for res.Next(ctx) {
				fn(res.Record().AsMap())
			}
			return res.Err()
		}
		if err := rows(`MATCH (a:Area)-[:DESIGNATED]->(d:RiskDesignation) RETURN a.code AS area, d.level AS level, d.since AS since
			ORDER BY area, since, level`, func(r map[string]any) {
			if t := timeOf(r["since"]); t != nil {
				st.Designations = append(st.Designations, DesignationFact{AreaCode: str(r["area"]), Level: str(r["level"]), Since: *t})
			}
		}); err != nil {
			return nil, fmt.Errorf("designations: %w", err)
		}
		if err := rows(`MATCH (h:Household) RETURN h.id AS id, head([(h)-[:IN]->(a:Area) | a.code]) AS area`, func(r map[string]any) {
			st.Households[str(r["id"])] = str(r["area"])
		}); err != nil {
			return nil, fmt.Errorf("households: %w", err)
		}
		if err := rows(`MATCH (e:Event) RETURN e.id AS id, coalesce(e.indoor, true) AS indoor`, func(r map[string]any) {
			st.Events[str(r["id"])] = r["indoor"] == true
		}); err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
		if err := rows(`MATCH (f:Facility) RETURN f.id AS id, f.name AS name, f.capacity AS capacity,
			head([(f)-[:IN]->(a:Area) | a.code]) AS area ORDER BY id`, func(r map[string]any) {
			c, _ := r["capacity"].(int64)
			st.Facilities = append(st.Facilities, Facility{ID: str(r["id"]), Name: str(r["name"]), AreaCode: str(r["area"]), Capacity: int(c)})
		}); err != nil {
			return nil, fmt.Errorf("facilities: %w", err)
		}
		return st, nil
	})
}

// PeopleTouchedBy names the people whose records a change may have changed, as far as
// the graph tells now (the index adds the owners it knew before: a fact moved from one
// person to another touches both). Keys whose kind names a person directly are read
// from the key (feedKeyOf).
func (db *DB) PeopleTouchedBy(ctx context.Context, keys map[string][]string) ([]string, error) {
	set := map[string]bool{}
	add := func(id string) {
		if id != "" {
			set[id] = true
		}
	}
	part := func(k string, i int) string {
		ps := strings.Split(k, "|")
		if i < len(ps) {
			return ps[i]
		}
		return ""
	}
	var households, visitHouseholds []string
	var passages []map[string]any
	for kind, ks := range keys {
		for _, k := range ks {
			switch kind {
			case ChangePeople, ChangeCases:
				add(k)
			case ChangeContacts:
				add(part(k, 0))
				add(part(k, 1))
			case ChangeAttendances, ChangeHealthReports:
				add(part(k, 0))
			case ChangePassages:
				passages = append(passages, map[string]any{"checkpoint": part(k, 0), "at": part(k, 1), "who": part(k, 2)})
			case ChangeHouseholds:
				households = append(households, k)
			case ChangeVisits:
				visitHouseholds = append(visitHouseholds, part(k, 0))
			}
		}
	}
	params := map[string]any{"tests": keys[ChangeTests], "trips": keys[ChangeTrips], "quarantines": keys[ChangeQuarantines],
		"households": households, "visits": visitHouseholds, "passages": passages}
	ids, err := Read(ctx, db, "index touched", func(ctx context.Context, tx Tx) ([]string, error) {
		res, err := tx.Run(ctx, `CALL () {
			  UNWIND coalesce($tests, []) AS k MATCH (p:Person)-[:TESTED]->(:Test {id: k}) RETURN p.id AS id
			  UNION UNWIND coalesce($trips, []) AS k MATCH (p:Person)-[:TOOK]->(:Trip {id: k}) RETURN p.id AS id
			  UNION UNWIND coalesce($quarantines, []) AS k MATCH (p:Person)-[:ASSIGNED]->(:Quarantine {id: k}) RETURN p.id AS id
			  UNION UNWIND $households AS k MATCH (p:Person)-[:MEMBER_OF]->(:Household {id: k}) RETURN p.id AS id
			  UNION UNWIND $households AS k MATCH (p:Person {householdId: k}) RETURN p.id AS id
			  UNION UNWIND $visits AS k MATCH (:Visit {householdId: k})-[:SAW]->(p:Person) RETURN p.id AS id
			  UNION UNWIND $passages AS k MATCH (p:Person)-[x:PASSED]->(:Checkpoint {id: k.checkpoint})
			    WHERE p.id = k.who OR x.at = datetime(k.at) RETURN p.id AS id
			}
			RETURN DISTINCT id`, params)
		if err != nil {
			return nil, err
		}
		var out []string
		for res.Next(ctx) {
			v, _ := res.Record().Get("id")
			out = append(out, str(v))
		}
		return out, res.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("index touched: %w", err)
	}
	for _, id := range ids {
		add(id)
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out, nil
}

// FarFuture closes open-ended intervals (as isolationsOf does).
var FarFuture = farFuture
