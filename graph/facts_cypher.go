package graph

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// cypherFacts is Facts read with Cypher inside one transaction (a read transaction for
// the read-only rules; the quarantine run's write transaction, whose lock and snapshot
// it shares). Every statement is parameterised and starts from an indexed node.
type cypherFacts struct{ tx Tx }

// CypherFacts is Facts over a transaction of the caller's.
func CypherFacts(tx Tx) Facts { return cypherFacts{tx} }

// readNeighbourhoods reads, for each source person and the hull of their windows, the
// facts that can make an exposure: household members, CONTACTED edges overlapping the
// hull, co-attendances of the same events, and co-travellers on the same conveyance.
// Four parameterised statements, each one round trip for all sources. With targets, only
// the facts linking the sources to those people are read.
func (c cypherFacts) Neighbourhoods(ctx context.Context, hulls map[string]Interval, targets []string) (map[string]*neighbourhood, error) {
	tx := c.tx
	rows := make([]map[string]any, 0, len(hulls))
	out := make(map[string]*neighbourhood, len(hulls))
	for id, h := range hulls {
		rows = append(rows, map[string]any{"id": id, "from": h.From, "to": h.To})
		out[id] = &neighbourhood{}
	}
	params := map[string]any{"rows": rows}
	// only is a constant fragment (never a value): the target filter, when there is one.
	// The targets go as a map looked up per row, so that the planner starts from the
	// source (an IN list would tempt it to seek the targets and join).
	only := "true"
	if targets != nil {
		set := make(map[string]any, len(targets))
		for _, t := range targets {
			set[t] = true
		}
		params["targets"] = set
		only = "$targets[p.id] IS NOT NULL"
	}

	res, err := tx.Run(ctx, `UNWIND $rows AS row
		MATCH (s:Person {id: row.id})-[:MEMBER_OF]->(h:Household)
		OPTIONAL MATCH (h)<-[:MEMBER_OF]-(p:Person) WHERE p <> s AND `+only+`
		RETURN row.id AS id, h.id AS hid, collect(p.id) AS members`, params)
	if err != nil {
		return nil, fmt.Errorf("households: %w", err)
	}
	for res.Next(ctx) {
		r := res.Record().AsMap()
		n := out[r["id"].(string)]
		n.HouseholdID = str(r["hid"])
		for _, m := range r["members"].([]any) {
			n.Members = append(n.Members, m.(string))
		}
		sort.Strings(n.Members)
	}
	if err := res.Err(); err != nil {
		return nil, err
	}

	// A contact's end is at + duration; the exact overlap test is done in Go, the
	// statement only narrows (rounding the duration up).
	res, err = tx.Run(ctx, `UNWIND $rows AS row
		MATCH (s:Person {id: row.id})-[r:CONTACTED]-(p:Person)
		WHERE `+only+` AND r.at <= row.to
		  AND r.at + duration({seconds: toInteger(ceil(coalesce(r.durationMin, 0) * 60))}) >= row.from
		RETURN row.id AS id, p.id AS other, r.at AS at, r.durationMin AS dur, r.setting AS setting,
		       coalesce(r.protected, false) AS protected`, params)
	if err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	for res.Next(ctx) {
		r := res.Record().AsMap()
		n := out[r["id"].(string)]
		n.Contacts = append(n.Contacts, rawContact{Other: r["other"].(string), At: *timeOf(r["at"]),
			DurationMin: floatOf(r["dur"]), Setting: str(r["setting"]), Protected: r["protected"] == true})
	}
	if err := res.Err(); err != nil {
		return nil, err
	}

	res, err = tx.Run(ctx, `UNWIND $rows AS row
		MATCH (s:Person {id: row.id})-[a:ATTENDED]->(e:Event)
		WHERE a.from <= row.to AND a.to >= row.from
		MATCH (e)<-[b:ATTENDED]-(p:Person)
		WHERE p <> s AND `+only+` AND b.from < a.to AND b.to > a.from
		RETURN row.id AS id, e.id AS event, coalesce(e.indoor, true) AS indoor,
		       a.from AS from, a.to AS to, coalesce(a.proximity, 'venue') AS prox,
		       p.id AS other, b.from AS ofrom, b.to AS oto, coalesce(b.proximity, 'venue') AS oprox`, params)
	if err != nil {
		return nil, fmt.Errorf("attendances: %w", err)
	}
	for res.Next(ctx) {
		r := res.Record().AsMap()
		n := out[r["id"].(string)]
		n.Attendances = append(n.Attendances, rawAttendance{EventID: r["event"].(string), Indoor: r["indoor"] == true,
			From: *timeOf(r["from"]), To: *timeOf(r["to"]), Proximity: str(r["prox"]),
			Other: r["other"].(string), OtherFrom: *timeOf(r["ofrom"]), OtherTo: *timeOf(r["oto"]), OtherProximity: str(r["oprox"])})
	}
	if err := res.Err(); err != nil {
		return nil, err
	}

	res, err = tx.Run(ctx, `UNWIND $rows AS row
		MATCH (s:Person {id: row.id})-[:TOOK]->(t:Trip)
		WHERE t.numberKey IS NOT NULL AND t.departAt <= row.to AND t.arriveAt >= row.from
		MATCH (o:Trip {mode: t.mode, numberKey: t.numberKey})
		WHERE o <> t AND o.departAt < t.arriveAt AND o.arriveAt > t.departAt
		MATCH (p:Person)-[:TOOK]->(o) WHERE p <> s AND `+only+`
		RETURN row.id AS id, t.id AS trip, t.mode AS mode, t.number AS number, t.seat AS seat,
		       t.departAt AS depart, t.arriveAt AS arrive,
		       p.id AS other, o.id AS otrip, o.seat AS oseat, o.departAt AS odepart, o.arriveAt AS oarrive`, params)
	if err != nil {
		return nil, fmt.Errorf("trips: %w", err)
	}
	for res.Next(ctx) {
		r := res.Record().AsMap()
		n := out[r["id"].(string)]
		n.Trips = append(n.Trips, rawTrip{TripID: r["trip"].(string), Mode: str(r["mode"]), Number: str(r["number"]),
			Seat: str(r["seat"]), Depart: *timeOf(r["depart"]), Arrive: *timeOf(r["arrive"]),
			Other: r["other"].(string), OtherTripID: r["otrip"].(string), OtherSeat: str(r["oseat"]),
			OtherDepart: *timeOf(r["odepart"]), OtherArrive: *timeOf(r["oarrive"])})
	}
	return out, res.Err()
}

// readPersonFacts reads people's cases, first positive samples and isolations as of
// asOf, in one round trip. Unknown ids are absent from the map.
func (c cypherFacts) PersonFacts(ctx context.Context, ids []string, asOf time.Time) (map[string]*personFacts, error) {
	tx := c.tx
	res, err := tx.Run(ctx, `UNWIND $ids AS id
		MATCH (p:Person {id: id})
		OPTIONAL MATCH (p)-[:HAS_CASE]->(c:Case)
		RETURN p.id AS id, p.name AS name, p.householdId AS hh,
		       c {.status, .onsetDate, .confirmedAt, .isolatedAt} AS c,
		       [(p)-[:TESTED]->(t:Test) WHERE t.kind IN ['pcr', 'antigen'] AND t.result = 'positive'
		          AND t.sampledAt <= $asOf | t.sampledAt] AS positives,
		       [(p)-[:ASSIGNED]->(q:Quarantine) WHERE q.kind = 'centralized' AND q.placedAt IS NOT NULL
		          AND q.placedAt <= $asOf | [q.placedAt, q.end]] AS placed`,
		map[string]any{"ids": ids, "asOf": asOf})
	if err != nil {
		return nil, fmt.Errorf("person facts: %w", err)
	}
	out := make(map[string]*personFacts, len(ids))
	for res.Next(ctx) {
		r := res.Record().AsMap()
		f := &personFacts{ID: r["id"].(string), Name: str(r["name"]), HouseholdID: str(r["hh"])}
		if cm, ok := r["c"].(map[string]any); ok {
			f.Case = &Case{PersonID: f.ID, Status: str(cm["status"]), OnsetDate: dateOf(cm["onsetDate"]),
				ConfirmedAt: timeOf(cm["confirmedAt"]), IsolatedAt: timeOf(cm["isolatedAt"])}
		}
		for _, v := range r["positives"].([]any) {
			if t := timeOf(v); t != nil && (f.FirstPositive == nil || t.Before(*f.FirstPositive)) {
				f.FirstPositive = t
			}
		}
		var placed []Interval
		for _, v := range r["placed"].([]any) {
			pair := v.([]any)
			from, to := timeOf(pair[0]), timeOf(pair[1])
			if from == nil {
				continue
			}
			end := farFuture
			if to != nil {
				end = *to
			}
			placed = append(placed, Interval{*from, end})
		}
		var isolatedAt *time.Time
		if f.Case != nil {
			isolatedAt = f.Case.IsolatedAt
		}
		f.Isolations = isolationsOf(isolatedAt, placed, asOf)
		out[f.ID] = f
	}
	return out, res.Err()
}

// TracedCaseIDs: the traced cases, cut to the cases whose household lies in or under
// one of areas (nil: the whole county). The Go rule (personFacts.isTraced) has the last
// word; this is the one Cypher pre-filter of the traced statuses.
func (c cypherFacts) TracedCaseIDs(ctx context.Context, asOf time.Time, areas []string) ([]string, error) {
	tx := c.tx
	var inAreas any // null, not an empty list, when the whole county is asked
	if areas != nil {
		inAreas = areas
	}
	res, err := tx.Run(ctx, `MATCH (p:Person)-[:HAS_CASE]->(c:Case)
		WHERE c.status IN $traced
		  AND (c.confirmedAt IS NULL OR c.confirmedAt <= $asOf)
		  AND ($areas IS NULL OR EXISTS {
		    MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(s:Area) WHERE s.code IN $areas })
		RETURN p.id AS id ORDER BY id`, map[string]any{"asOf": asOf, "traced": tracedStatuses, "areas": inAreas})
	if err != nil {
		return nil, err
	}
	var out []string
	for res.Next(ctx) {
		id, _ := res.Record().Get("id")
		out = append(out, id.(string))
	}
	return out, res.Err()
}

// Arrivals reads the trips arriving in (since, asOf] of the given people (all people
// when ids is nil) with the designations of their from_area and its ancestors, and
// keeps those whose effective level at departure is medium or high: the nearest
// ancestor-or-self with a designation since ≤ departAt gives it (its latest such one);
// low when none.
func (c cypherFacts) Arrivals(ctx context.Context, ids []string, since, asOf time.Time) ([]Arrival, error) {
	tx := c.tx
	match := `MATCH (t:Trip) WHERE t.arriveAt > $since AND t.arriveAt <= $asOf
		MATCH (p:Person)-[:TOOK]->(t)`
	if ids != nil {
		match = `UNWIND $ids AS id
		MATCH (p:Person {id: id})-[:TOOK]->(t:Trip) WHERE t.arriveAt > $since AND t.arriveAt <= $asOf`
	}
	res, err := tx.Run(ctx, match+`
		MATCH (t)-[:FROM]->(a:Area)
		CALL (t, a) {
		  MATCH path = (a)-[:PART_OF*0..]->(anc:Area)-[:DESIGNATED]->(d:RiskDesignation)
		  WHERE d.since <= t.departAt
		  RETURN anc.code AS designatedArea, d.level AS level
		  ORDER BY length(path) ASC, d.since DESC LIMIT 1
		}
		RETURN p.id AS person, t.id AS trip, a.code AS fromArea, t.arriveAt AS arriveAt, t.departAt AS departAt,
		       designatedArea, level
		ORDER BY person, arriveAt, trip`,
		map[string]any{"ids": ids, "since": since, "asOf": asOf})
	if err != nil {
		return nil, fmt.Errorf("arrivals: %w", err)
	}
	var out []Arrival
	for res.Next(ctx) {
		r := res.Record().AsMap()
		level := str(r["level"])
		if level != areaLevelHigh && level != areaLevelMedium {
			continue
		}
		out = append(out, Arrival{PersonID: r["person"].(string), TripID: r["trip"].(string), FromArea: str(r["fromArea"]),
			DesignatedArea: str(r["designatedArea"]), Level: level, ArriveAt: *timeOf(r["arriveAt"]), DepartAt: *timeOf(r["departAt"])})
	}
	return out, res.Err()
}

// tracedCaseNeighbours are the traced cases (as of asOf) with an exposure link to one
// of the sources inside its hull. Unlike NeighbourIDs it collapses shared events and
// conveyances before looking for cases among their attendees, so that a crowded event
// attended by many sources is walked once.
func (c cypherFacts) tracedCaseNeighbours(ctx context.Context, hulls map[string]Interval, asOf time.Time) ([]string, error) {
	tx := c.tx
	rows := make([]map[string]any, 0, len(hulls))
	for id, h := range hulls {
		rows = append(rows, map[string]any{"id": id, "from": h.From, "to": h.To})
	}
	const traced = `EXISTS { MATCH (p)-[:HAS_CASE]->(c:Case)
		  WHERE c.status IN $traced
		    AND (c.confirmedAt IS NULL OR c.confirmedAt <= $asOf) }`
	res, err := tx.Run(ctx, `CALL () {
		  UNWIND $rows AS row
		  MATCH (s:Person {id: row.id})-[:MEMBER_OF]->(:Household)<-[:MEMBER_OF]-(p:Person)
		  WHERE `+traced+`
		  RETURN p
		  UNION
		  UNWIND $rows AS row
		  MATCH (s:Person {id: row.id})-[r:CONTACTED]-(p:Person)
		  WHERE r.at <= row.to
		    AND r.at + duration({seconds: toInteger(ceil(coalesce(r.durationMin, 0) * 60))}) >= row.from
		    AND `+traced+`
		  RETURN p
		  UNION
		  UNWIND $rows AS row
		  MATCH (s:Person {id: row.id})-[a:ATTENDED]->(e:Event)
		  WHERE a.from <= row.to AND a.to >= row.from
		  WITH e, collect([a.from, a.to]) AS spans
		  MATCH (e)<-[b:ATTENDED]-(p:Person)
		  WHERE any(sp IN spans WHERE b.from < sp[1] AND b.to > sp[0]) AND `+traced+`
		  RETURN p
		  UNION
		  UNWIND $rows AS row
		  MATCH (s:Person {id: row.id})-[:TOOK]->(t:Trip)
		  WHERE t.numberKey IS NOT NULL AND t.departAt <= row.to AND t.arriveAt >= row.from
		  WITH DISTINCT t
		  MATCH (o:Trip {mode: t.mode, numberKey: t.numberKey})
		  WHERE o <> t AND o.departAt < t.arriveAt AND o.arriveAt > t.departAt
		  MATCH (p:Person)-[:TOOK]->(o)
		  WHERE `+traced+`
		  RETURN p
		}
		RETURN DISTINCT p.id AS id`, map[string]any{"rows": rows, "asOf": asOf, "traced": tracedStatuses})
	if err != nil {
		return nil, fmt.Errorf("case neighbours: %w", err)
	}
	var out []string
	for res.Next(ctx) {
		id, _ := res.Record().Get("id")
		out = append(out, id.(string))
	}
	return out, res.Err()
}

// NeighbourIDs are the distinct people with an exposure link to one of the sources
// (same household; a contact, shared event or shared conveyance overlapping the
// source's hull), in one statement; with onlyCases, only the traced cases among them
// (tracedCaseNeighbours).
func (c cypherFacts) NeighbourIDs(ctx context.Context, hulls map[string]Interval, onlyCases bool, asOf time.Time) ([]string, error) {
	if onlyCases {
		return c.tracedCaseNeighbours(ctx, hulls, asOf)
	}
	tx := c.tx
	rows := make([]map[string]any, 0, len(hulls))
	for id, h := range hulls {
		rows = append(rows, map[string]any{"id": id, "from": h.From, "to": h.To})
	}
	res, err := tx.Run(ctx, `UNWIND $rows AS row
		MATCH (s:Person {id: row.id})
		CALL (s, row) {
		  MATCH (s)-[:MEMBER_OF]->(:Household)<-[:MEMBER_OF]-(p:Person) RETURN p
		  UNION
		  MATCH (s)-[r:CONTACTED]-(p:Person)
		  WHERE r.at <= row.to
		    AND r.at + duration({seconds: toInteger(ceil(coalesce(r.durationMin, 0) * 60))}) >= row.from
		  RETURN p
		  UNION
		  MATCH (s)-[a:ATTENDED]->(:Event)<-[b:ATTENDED]-(p:Person)
		  WHERE a.from <= row.to AND a.to >= row.from AND b.from < a.to AND b.to > a.from
		  RETURN p
		  UNION
		  MATCH (s)-[:TOOK]->(t:Trip)
		  WHERE t.numberKey IS NOT NULL AND t.departAt <= row.to AND t.arriveAt >= row.from
		  MATCH (o:Trip {mode: t.mode, numberKey: t.numberKey})
		  WHERE o <> t AND o.departAt < t.arriveAt AND o.arriveAt > t.departAt
		  MATCH (p:Person)-[:TOOK]->(o)
		  RETURN p
		}
		RETURN DISTINCT p.id AS id`, map[string]any{"rows": rows})
	if err != nil {
		return nil, fmt.Errorf("neighbours: %w", err)
	}
	var out []string
	for res.Next(ctx) {
		id, _ := res.Record().Get("id")
		out = append(out, id.(string))
	}
	return out, res.Err()
}

// Readings reads tests, passages, visits and health reports in one round trip. Health
// reports are read at 00:00 local of their date; the dates are narrowed here by a day on
// each side and the exact test is done by the rule.
func (c cypherFacts) Readings(ctx context.Context, ids []string, q ReadingQuery) (map[string]*Readings, error) {
	res, err := c.tx.Run(ctx, `UNWIND $ids AS id
		MATCH (p:Person {id: id})
		RETURN p.id AS id,
		  [(p)-[:TESTED]->(t:Test) WHERE t.kind IN ['pcr', 'antigen'] AND t.result = 'positive'
		      AND t.sampledAt > $testSince AND t.sampledAt <= $asOf | t {.id, .kind, .sampledAt}] AS tests,
		  [(p)-[x:PASSED]->(c:Checkpoint) WHERE x.temperature >= $fever AND x.at > $feverSince AND x.at <= $asOf
		      | {checkpoint: c.id, at: x.at, temperature: x.temperature}] AS passages,
		  [(p)<-[:SAW]-(v:Visit) WHERE v.status = 'present' AND v.temperature >= $fever AND v.at > $feverSince AND v.at <= $asOf
		      | {household: v.householdId, at: v.at, temperature: v.temperature}] AS visits,
		  [(p)-[:REPORTED]->(h:HealthReport) WHERE h.temperature >= $fever
		      AND h.date >= date($feverSince) - duration({days: 1}) AND h.date <= date($asOf) + duration({days: 1})
		      | {date: h.date, temperature: h.temperature}] AS reports`,
		map[string]any{"ids": ids, "asOf": q.AsOf, "testSince": q.TestSince, "feverSince": q.FeverSince, "fever": q.Fever})
	if err != nil {
		return nil, fmt.Errorf("tests and readings: %w", err)
	}
	out := map[string]*Readings{}
	for res.Next(ctx) {
		r := res.Record().AsMap()
		rd := &Readings{}
		out[r["id"].(string)] = rd
		for _, v := range r["tests"].([]any) {
			m := v.(map[string]any)
			rd.Tests = append(rd.Tests, TestReading{ID: str(m["id"]), Kind: str(m["kind"]), SampledAt: *timeOf(m["sampledAt"])})
		}
		for _, v := range r["passages"].([]any) {
			m := v.(map[string]any)
			rd.Passages = append(rd.Passages, PassageReading{CheckpointID: str(m["checkpoint"]), At: *timeOf(m["at"]), Temperature: floatOf(m["temperature"])})
		}
		for _, v := range r["visits"].([]any) {
			m := v.(map[string]any)
			rd.Visits = append(rd.Visits, VisitReading{HouseholdID: str(m["household"]), At: *timeOf(m["at"]), Temperature: floatOf(m["temperature"])})
		}
		for _, v := range r["reports"].([]any) {
			m := v.(map[string]any)
			if d := dateOf(m["date"]); d != nil {
				rd.Reports = append(rd.Reports, ReportReading{Date: *d, Temperature: floatOf(m["temperature"])})
			}
		}
	}
	return out, res.Err()
}

// AreaTree reads every area with its parent.
func (c cypherFacts) AreaTree(ctx context.Context) (*areaTree, error) {
	res, err := c.tx.Run(ctx, `MATCH (a:Area) OPTIONAL MATCH (a)-[:PART_OF]->(p:Area)
		RETURN a.code AS code, a.name AS name, a.level AS level, p.code AS parent`, nil)
	if err != nil {
		return nil, err
	}
	var areas []Area
	for res.Next(ctx) {
		r := res.Record().AsMap()
		areas = append(areas, Area{Code: str(r["code"]), Name: str(r["name"]), Level: str(r["level"]), ParentCode: str(r["parent"])})
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	return NewAreaTree(areas), nil
}

// HouseholdAreas lists the distinct areas that have households.
func (c cypherFacts) HouseholdAreas(ctx context.Context) ([]string, error) {
	res, err := c.tx.Run(ctx, `MATCH (:Household)-[:IN]->(a:Area) RETURN DISTINCT a.code AS code ORDER BY code`, nil)
	if err != nil {
		return nil, err
	}
	var out []string
	for res.Next(ctx) {
		v, _ := res.Record().Get("code")
		out = append(out, str(v))
	}
	return out, res.Err()
}

func (c cypherFacts) AreasOf(ctx context.Context, ids []string) (map[string]string, error) {
	res, err := c.tx.Run(ctx, `UNWIND $ids AS id MATCH (p:Person {id: id})
		OPTIONAL MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(a:Area)
		RETURN p.id AS id, a.code AS area`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ids))
	for res.Next(ctx) {
		r := res.Record().AsMap()
		out[str(r["id"])] = str(r["area"])
	}
	return out, res.Err()
}

// CasesInArea is the set of ids whose household lies in or under area.
func (c cypherFacts) CasesInArea(ctx context.Context, ids []string, area string) (map[string]bool, error) {
	res, err := c.tx.Run(ctx, `UNWIND $ids AS id
		MATCH (p:Person {id: id})-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(:Area {code: $area})
		RETURN DISTINCT p.id AS id`, map[string]any{"ids": ids, "area": area})
	if err != nil {
		return nil, fmt.Errorf("cases in area: %w", err)
	}
	in := map[string]bool{}
	for res.Next(ctx) {
		id, _ := res.Record().Get("id")
		in[id.(string)] = true
	}
	return in, res.Err()
}

func (c cypherFacts) CountedCases(ctx context.Context, asOf time.Time) ([]CountedCase, error) {
	res, err := c.tx.Run(ctx, `MATCH (p:Person)-[:HAS_CASE]->(c:Case)
		WHERE c.confirmedAt IS NULL OR c.confirmedAt <= $asOf
		OPTIONAL MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(a:Area)
		RETURN p.id AS id, c.status AS status, c.confirmedAt AS confirmedAt, a.code AS area`, map[string]any{"asOf": asOf})
	if err != nil {
		return nil, err
	}
	var out []CountedCase
	for res.Next(ctx) {
		r := res.Record().AsMap()
		out = append(out, CountedCase{PersonID: str(r["id"]), Status: str(r["status"]), Area: str(r["area"]), ConfirmedAt: timeOf(r["confirmedAt"])})
	}
	return out, res.Err()
}

func (c cypherFacts) PeopleByArea(ctx context.Context) (map[string]int, error) {
	res, err := c.tx.Run(ctx, `MATCH (p:Person)
		OPTIONAL MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(a:Area)
		RETURN a.code AS area, count(p) AS n`, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for res.Next(ctx) {
		r := res.Record().AsMap()
		out[str(r["area"])] += int(r["n"].(int64))
	}
	return out, res.Err()
}

func (c cypherFacts) OpenQuarantines(ctx context.Context, asOf time.Time) ([]QuarantineCount, error) {
	res, err := c.tx.Run(ctx, `MATCH (p:Person)-[:ASSIGNED]->(q:Quarantine)
		WHERE q.status IN ['active', 'pending'] AND q.start <= $asOf AND q.end > $asOf
		OPTIONAL MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(a:Area)
		RETURN a.code AS area, q.kind AS kind, q.status AS status, count(q) AS n`, map[string]any{"asOf": asOf})
	if err != nil {
		return nil, err
	}
	var out []QuarantineCount
	for res.Next(ctx) {
		r := res.Record().AsMap()
		out = append(out, QuarantineCount{Area: str(r["area"]), Kind: str(r["kind"]), Status: str(r["status"]), N: int(r["n"].(int64))})
	}
	return out, res.Err()
}

func (c cypherFacts) Occupancy(ctx context.Context, asOf time.Time) ([]FacilityOccupancy, error) {
	res, err := c.tx.Run(ctx, `MATCH (f:Facility)
		OPTIONAL MATCH (f)-[:IN]->(a:Area)
		OPTIONAL MATCH (q:Quarantine)-[:AT]->(f)
		WHERE q.kind = 'centralized' AND q.status = 'active' AND q.placedAt <= $asOf AND q.end > $asOf
		RETURN f.id AS id, f.name AS name, f.capacity AS capacity, a.code AS area, count(q) AS occupied
		ORDER BY id`, map[string]any{"asOf": asOf})
	if err != nil {
		return nil, err
	}
	var out []FacilityOccupancy
	for res.Next(ctx) {
		r := res.Record().AsMap()
		capacity, _ := r["capacity"].(int64)
		out = append(out, FacilityOccupancy{Facility: Facility{ID: str(r["id"]), Name: str(r["name"]), AreaCode: str(r["area"]), Capacity: int(capacity)},
			Occupied: int(r["occupied"].(int64))})
	}
	return out, res.Err()
}

func (c cypherFacts) NonGreenSeeds(ctx context.Context, q ReadingQuery, arrivalSince time.Time) ([]string, error) {
	res, err := c.tx.Run(ctx, `
CALL () {
  MATCH (p:Person)-[:HAS_CASE]->(c:Case)
  WHERE c.confirmedAt IS NULL OR c.confirmedAt <= $asOf
  RETURN p.id AS id
  UNION
  MATCH (p:Person)-[:TESTED]->(t:Test)
  WHERE t.result = 'positive' AND t.kind IN ['pcr', 'antigen'] AND $testFrom < t.sampledAt <= $asOf
  RETURN p.id AS id
  UNION
  MATCH (p:Person)-[:TOOK]->(t:Trip)
  WHERE $arrivalFrom < t.arriveAt <= $asOf AND t.fromArea IS NOT NULL
  RETURN p.id AS id
  UNION
  MATCH (p:Person)-[r:PASSED]->(:Checkpoint)
  WHERE $feverFrom < r.at <= $asOf AND r.temperature >= $fever
  RETURN p.id AS id
  UNION
  MATCH (p:Person)-[:REPORTED]->(h:HealthReport)
  WHERE h.date >= date($feverFrom) AND h.date <= date($asOf) AND h.temperature >= $fever
  RETURN p.id AS id
}
RETURN DISTINCT id`, map[string]any{"asOf": q.AsOf, "fever": q.Fever, "testFrom": q.TestSince,
		"arrivalFrom": arrivalSince, "feverFrom": q.FeverSince})
	if err != nil {
		return nil, err
	}
	var out []string
	for res.Next(ctx) {
		id, _ := res.Record().Get("id")
		out = append(out, str(id))
	}
	return out, res.Err()
}

// sharedFactsStatements read, for each traced case, the other traced cases (with a
// larger id) it shares a raw fact with as of $asOf (SPEC §2, §4 "As of"): the same
// household now; a recorded contact at or before asOf; attendances of one event begun
// by then; trips on one conveyance (same mode and number, overlapping) both begun
// before asOf. Windows play no part: that is the point of the warning.
var sharedFactsStatements = []struct{ kind, cypher string }{
	{ExpHousehold, `UNWIND $ids AS id
		MATCH (a:Person {id: id})-[:MEMBER_OF]->(:Household)<-[:MEMBER_OF]-(b:Person)
		WHERE $cases[b.id] IS NOT NULL AND b.id > id
		RETURN DISTINCT id AS a, b.id AS b`},
	{ExpDirectContact, `UNWIND $ids AS id
		MATCH (a:Person {id: id})-[r:CONTACTED]-(b:Person)
		WHERE $cases[b.id] IS NOT NULL AND b.id > id AND r.at <= $asOf
		RETURN DISTINCT id AS a, b.id AS b`},
	{ExpEvent, `UNWIND $ids AS id
		MATCH (a:Person {id: id})-[x:ATTENDED]->(:Event)<-[y:ATTENDED]-(b:Person)
		WHERE $cases[b.id] IS NOT NULL AND b.id > id AND x.from <= $asOf AND y.from <= $asOf
		RETURN DISTINCT id AS a, b.id AS b`},
	{ExpConveyance, `UNWIND $ids AS id
		MATCH (a:Person {id: id})-[:TOOK]->(t:Trip)
		WHERE t.numberKey IS NOT NULL AND t.departAt < $asOf
		MATCH (o:Trip {mode: t.mode, numberKey: t.numberKey})
		WHERE o <> t AND o.departAt < $asOf AND o.departAt < t.arriveAt AND o.arriveAt > t.departAt
		MATCH (b:Person)-[:TOOK]->(o)
		WHERE $cases[b.id] IS NOT NULL AND b.id > id
		RETURN DISTINCT id AS a, b.id AS b`},
}

func (c cypherFacts) SharedFacts(ctx context.Context, ids []string, asOf time.Time) ([]SharedFact, error) {
	cases := make(map[string]any, len(ids))
	for _, id := range ids {
		cases[id] = true
	}
	params := map[string]any{"ids": ids, "cases": cases, "asOf": asOf}
	var out []SharedFact
	for _, st := range sharedFactsStatements {
		res, err := c.tx.Run(ctx, st.cypher, params)
		if err != nil {
			return nil, fmt.Errorf("shared %s: %w", st.kind, err)
		}
		for res.Next(ctx) {
			r := res.Record().AsMap()
			out = append(out, SharedFact{Kind: st.kind, A: r["a"].(string), B: r["b"].(string)})
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

var _ = sort.Strings
