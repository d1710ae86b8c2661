package graph

import (
	"context"
	"sort"
	"time"
)

// This file is SPEC §12: ledgers of the people who come and go (返乡、未返、返岗台账):
// returnees with their 14-day health ledger, residents away who must not come back
// without notice, and workers returning to the county's enterprises.

// LedgerEntry is one trip of a returnee or a returning worker.
type LedgerEntry struct {
	PersonID, TripID string
	FromArea         string
	OriginLevel      string // the origin's effective level at departure (§5)
	DepartAt         time.Time
	ArriveAt         time.Time
	// The open quarantine as of asOf, if any.
	QuarantineID, QuarantineKind string
	// MissingReports are the dates in [arrival date, asOf date] with no health report.
	MissingReports []Date
}

// AwayResident is a resident whose latest trip took them outside the county.
type AwayResident struct {
	PersonID, TripID string
	AreaCode         string    // where they are: the trip's to_area
	Since            time.Time // the trip's departure
	Level            string    // that area's effective level as of asOf
}

// EmployerLedger is one employer's returning workers.
type EmployerLedger struct {
	Employer *Employer
	Workers  []LedgerEntry // by person, then trip
	// MissingYesterday counts the workers listed with no report on the day before asOf's date.
	MissingYesterday int
}

// outside says whether area code lies outside area x (SPEC §12): neither in or under x
// nor one of x's ancestors. An unknown or empty code says nothing either way.
func (t *areaTree) outside(code, x string) bool {
	if code == "" {
		return false
	}
	if _, ok := t.areas[code]; !ok {
		return false
	}
	return !t.under(code, x) && !t.ancestry(x)[code]
}

// levelAt is the effective level of code at t (§5): from the nearest ancestor-or-self
// with a designation since ≤ t, its latest such one; low when none. ds are each area's
// designations, oldest first.
func (t *areaTree) levelAt(ds map[string][]RiskDesignation, code string, at time.Time) string {
	for a, steps := code, 0; a != "" && steps <= len(t.areas); a, steps = t.parent[a], steps+1 {
		level := ""
		for _, d := range ds[a] {
			if !d.Since.After(at) {
				level = d.Level
			}
		}
		if level != "" {
			return level
		}
	}
	return areaLevelLow
}

// missingReportDates are the dates from..to (inclusive) not in have.
func missingReportDates(from, to Date, have map[Date]bool) []Date {
	var out []Date
	for d, steps := from, 0; !dateBefore(to, d) && steps < 400; d, steps = d.AddDays(1), steps+1 {
		if !have[d] {
			out = append(out, d)
		}
	}
	return out
}

// ledgerState is what the ledgers read once: the area tree, the county and every
// designation (small tables at county scale).
type ledgerState struct {
	tree         *areaTree
	county       string
	designations map[string][]RiskDesignation
}

func (s *Service) readLedgerState(ctx context.Context, tx Tx, op, areaCode string) (*ledgerState, string, error) {
	tree, err := CypherFacts(tx).AreaTree(ctx)
	if err != nil {
		return nil, "", err
	}
	hh, err := CypherFacts(tx).HouseholdAreas(ctx)
	if err != nil {
		return nil, "", err
	}
	st := &ledgerState{tree: tree, county: tree.commonRoot(hh), designations: map[string][]RiskDesignation{}}
	if areaCode == "" {
		areaCode = st.county
	} else if _, ok := tree.areas[areaCode]; !ok {
		return nil, "", &Error{Kind: NotFound, Op: op, Field: "areaCode", Msg: "no area " + areaCode}
	}
	err = collect(ctx, tx, `MATCH (a:Area)-[:DESIGNATED]->(d:RiskDesignation) RETURN a.code AS code, d.level AS level, d.since AS since ORDER BY code, since`,
		nil, func(r *Record) {
			code := str(get(r, "code"))
			st.designations[code] = append(st.designations[code], RiskDesignation{AreaCode: code, Level: str(get(r, "level")), Since: mustTime(get(r, "since"))})
		})
	return st, areaCode, err
}

// tripRow is a trip as the ledgers read it.
type tripRow struct {
	person, id, from, to string
	depart, arrive       time.Time
}

func tripFromRecord(r *Record) tripRow {
	m := get(r, "t").(map[string]any)
	return tripRow{person: str(get(r, "person")), id: str(m["id"]), from: str(m["fromArea"]), to: str(m["toArea"]),
		depart: mustTime(m["departAt"]), arrive: mustTime(m["arriveAt"])}
}

// fillLedger adds the health ledger and the open quarantine to entries, in two round trips.
func (s *Service) fillLedger(ctx context.Context, tx Tx, entries []LedgerEntry, asOf time.Time) error {
	if len(entries) == 0 {
		return nil
	}
	ids := map[string]bool{}
	var list []string
	for _, e := range entries {
		if !ids[e.PersonID] {
			ids[e.PersonID] = true
			list = append(list, e.PersonID)
		}
	}
	reports := map[string]map[Date]bool{}
	asOfDate := DateOf(asOf, s.Loc)
	if err := collect(ctx, tx, `UNWIND $ids AS id MATCH (:Person {id: id})-[:REPORTED]->(h:HealthReport) WHERE h.date <= $asOfDate
		RETURN id, h.date AS date`, map[string]any{"ids": list, "asOfDate": neoDate(asOfDate)}, func(r *Record) {
		id := str(get(r, "id"))
		if reports[id] == nil {
			reports[id] = map[Date]bool{}
		}
		if d := dateOf(get(r, "date")); d != nil {
			reports[id][*d] = true
		}
	}); err != nil {
		return err
	}
	type open struct{ id, kind string }
	quarantine := map[string]open{}
	if err := collect(ctx, tx, `UNWIND $ids AS id MATCH (:Person {id: id})-[:ASSIGNED]->(q:Quarantine)
		WHERE q.status IN ['active', 'pending'] AND q.start <= $asOf AND q.end > $asOf
		RETURN id, q.id AS qid, q.kind AS kind ORDER BY id, q.start DESC, qid`, map[string]any{"ids": list, "asOf": asOf}, func(r *Record) {
		id := str(get(r, "id"))
		if _, ok := quarantine[id]; !ok { // a person has at most one open assignment (§6)
			quarantine[id] = open{str(get(r, "qid")), str(get(r, "kind"))}
		}
	}); err != nil {
		return err
	}
	for i := range entries {
		e := &entries[i]
		e.MissingReports = missingReportDates(DateOf(e.ArriveAt, s.Loc), asOfDate, reports[e.PersonID])
		if q, ok := quarantine[e.PersonID]; ok {
			e.QuarantineID, e.QuarantineKind = q.id, q.kind
		}
	}
	return nil
}

func (s *Service) checkLevel(op, field, level string) error {
	if level == "" {
		return nil
	}
	if _, ok := levelRank[level]; !ok {
		return InvalidArg(op, field, "unknown risk level %q: want one of low medium high", level)
	}
	return nil
}

// Returnees lists the residents of areaCode (default: the county) with a trip arriving
// in (asOf − days, asOf] from outside the county, with the origin's level at departure
// at or above fromLevel (when given), by person then trip.
func (s *Service) Returnees(ctx context.Context, asOf time.Time, areaCode string, days int, fromLevel string, scopeAreas []string) ([]LedgerEntry, error) {
	const op = "returnees"
	asOf = s.zoned(asOf)
	if days < 1 || days > 366 {
		return nil, InvalidArg(op, "days", "%d is not in 1–366", days)
	}
	if err := s.checkLevel(op, "fromLevel", fromLevel); err != nil {
		return nil, err
	}
	return Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) ([]LedgerEntry, error) {
		st, area, err := s.readLedgerState(ctx, tx, op, areaCode)
		if err != nil {
			return nil, err
		}
		var out []LedgerEntry
		err = collect(ctx, tx, `MATCH (t:Trip) WHERE t.arriveAt > $since AND t.arriveAt <= $asOf
			MATCH (p:Person)-[:TOOK]->(t)
			WHERE EXISTS { MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(:Area {code: $area}) }
			  AND `+scopeCond+`
			RETURN p.id AS person, t {.id, .fromArea, .toArea, .departAt, .arriveAt} AS t ORDER BY person, t.id`,
			map[string]any{"since": asOf.Add(-time.Duration(days) * Day), "asOf": asOf, "area": area, "scope": scopeParam(scopeAreas)},
			func(r *Record) {
				t := tripFromRecord(r)
				if !st.tree.outside(t.from, st.county) {
					return
				}
				level := st.tree.levelAt(st.designations, t.from, t.depart)
				if fromLevel != "" && levelRank[level] < levelRank[fromLevel] {
					return
				}
				out = append(out, LedgerEntry{PersonID: t.person, TripID: t.id, FromArea: t.from, OriginLevel: level,
					DepartAt: t.depart, ArriveAt: t.arrive})
			})
		if err != nil {
			return nil, err
		}
		return out, s.fillLedger(ctx, tx, out, asOf)
	})
}

// AwayResidents lists the residents of areaCode (default: the county) whose latest trip
// with departAt ≤ asOf went to an area outside the county, with that area's level as of
// asOf (at or above fromLevel, when given), by person.
func (s *Service) AwayResidents(ctx context.Context, asOf time.Time, areaCode, fromLevel string, scopeAreas []string) ([]AwayResident, error) {
	const op = "awayResidents"
	asOf = s.zoned(asOf)
	if err := s.checkLevel(op, "fromLevel", fromLevel); err != nil {
		return nil, err
	}
	return Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) ([]AwayResident, error) {
		st, area, err := s.readLedgerState(ctx, tx, op, areaCode)
		if err != nil {
			return nil, err
		}
		var out []AwayResident
		err = collect(ctx, tx, `MATCH (:Area {code: $area})<-[:PART_OF*0..]-(:Area)<-[:IN]-(:Household)<-[:MEMBER_OF]-(p:Person)
			WHERE `+scopeCond+`
			CALL (p) {
			  MATCH (p)-[:TOOK]->(t:Trip) WHERE t.departAt <= $asOf
			  RETURN t ORDER BY t.departAt DESC, t.arriveAt DESC, t.id DESC LIMIT 1
			}
			RETURN p.id AS person, t {.id, .fromArea, .toArea, .departAt, .arriveAt} AS t ORDER BY person`,
			map[string]any{"asOf": asOf, "area": area, "scope": scopeParam(scopeAreas)}, func(r *Record) {
				t := tripFromRecord(r)
				if !st.tree.outside(t.to, st.county) {
					return
				}
				level := st.tree.levelAt(st.designations, t.to, asOf)
				if fromLevel != "" && levelRank[level] < levelRank[fromLevel] {
					return
				}
				out = append(out, AwayResident{PersonID: t.person, TripID: t.id, AreaCode: t.to, Since: t.depart, Level: level})
			})
		return out, err
	})
}

// WorkerLedger lists, per employer (the one given, or those in or under areaCode,
// default the county), its workers who arrived in (asOf − 14 days, asOf] (the arrival
// days of the policy) on a trip from outside the county's parent area (the city), by
// employer id. A tracer's ledger holds the employers in their areas and, of their
// workers, those who live there; MissingYesterday counts the workers listed.
func (s *Service) WorkerLedger(ctx context.Context, asOf time.Time, employerID, areaCode string, scopeAreas []string) ([]*EmployerLedger, error) {
	const op = "workerLedger"
	asOf = s.zoned(asOf)
	if employerID != "" && areaCode != "" {
		return nil, InvalidArg(op, "areaCode", "give employerId or areaCode, not both")
	}
	days := s.Policy.ArrivalRiskDays
	return Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) ([]*EmployerLedger, error) {
		st, area, err := s.readLedgerState(ctx, tx, op, areaCode)
		if err != nil {
			return nil, err
		}
		city := st.tree.parent[st.county]
		if city == "" {
			city = st.county
		}
		var out []*EmployerLedger
		byID := map[string]*EmployerLedger{}
		err = collect(ctx, tx, `MATCH (e:Employer)-[:IN]->(ea:Area)
			WHERE (($employer = '' AND EXISTS { MATCH (ea)-[:PART_OF*0..]->(:Area {code: $area}) }) OR e.id = $employer)
			  AND ($scope IS NULL OR EXISTS { MATCH (ea)-[:PART_OF*0..]->(sa:Area) WHERE sa.code IN $scope })
			RETURN e.id AS id, e.name AS name, e.areaCode AS area ORDER BY id`,
			map[string]any{"employer": employerID, "area": area, "scope": scopeParam(scopeAreas)}, func(r *Record) {
				l := &EmployerLedger{Employer: &Employer{ID: str(get(r, "id")), Name: str(get(r, "name")), AreaCode: str(get(r, "area"))}}
				out = append(out, l)
				byID[l.Employer.ID] = l
			})
		if err != nil {
			return nil, err
		}
		if employerID != "" && len(out) == 0 {
			return nil, &Error{Kind: NotFound, Op: op, Field: "employerId", Msg: "no employer " + employerID}
		}
		ids := make([]string, 0, len(out))
		for _, l := range out {
			ids = append(ids, l.Employer.ID)
		}
		var entries []LedgerEntry
		var owner []string
		err = collect(ctx, tx, `UNWIND $ids AS eid MATCH (p:Person)-[:WORKS_AT]->(:Employer {id: eid})
			WHERE `+scopeCond+`
			MATCH (p)-[:TOOK]->(t:Trip) WHERE t.arriveAt > $since AND t.arriveAt <= $asOf
			RETURN eid, p.id AS person, t {.id, .fromArea, .toArea, .departAt, .arriveAt} AS t ORDER BY eid, person, t.id`,
			map[string]any{"ids": ids, "since": asOf.Add(-time.Duration(days) * Day), "asOf": asOf, "scope": scopeParam(scopeAreas)},
			func(r *Record) {
				t := tripFromRecord(r)
				if !st.tree.outside(t.from, city) {
					return
				}
				entries = append(entries, LedgerEntry{PersonID: t.person, TripID: t.id, FromArea: t.from,
					OriginLevel: st.tree.levelAt(st.designations, t.from, t.depart), DepartAt: t.depart, ArriveAt: t.arrive})
				owner = append(owner, str(get(r, "eid")))
			})
		if err != nil {
			return nil, err
		}
		if err := s.fillLedger(ctx, tx, entries, asOf); err != nil {
			return nil, err
		}
		yesterday := DateOf(asOf, s.Loc).AddDays(-1)
		missing := map[string]map[string]bool{}
		for i, e := range entries {
			l := byID[owner[i]]
			l.Workers = append(l.Workers, e)
			for _, d := range e.MissingReports {
				if d == yesterday {
					if missing[owner[i]] == nil {
						missing[owner[i]] = map[string]bool{}
					}
					missing[owner[i]][e.PersonID] = true
				}
			}
		}
		for _, l := range out {
			l.MissingYesterday = len(missing[l.Employer.ID])
			sort.SliceStable(l.Workers, func(i, j int) bool { return l.Workers[i].PersonID < l.Workers[j].PersonID })
		}
		return out, nil
	})
}
