package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// AssignQuarantines runs SPEC §6 as of asOf and commits it whole (or not at all).
func (s *Service) AssignQuarantines(ctx context.Context, asOf time.Time) (*QuarantineRun, error) {
	tr, err := s.tracer()
	if err != nil {
		return nil, err
	}
	return s.runQuarantines(ctx, tr, asOf, false)
}

// DryRunQuarantines computes the run that AssignQuarantines would make and rolls it
// back: nothing is written.
func (s *Service) DryRunQuarantines(ctx context.Context, asOf time.Time) (*QuarantineRun, error) {
	tr, err := s.tracer()
	if err != nil {
		return nil, err
	}
	return s.runQuarantines(ctx, tr, asOf, true)
}

// tracer is the tracing engine: the Service itself.
func (s *Service) tracer() (Tracer, error) { return s, nil }

// RunTimeout bounds one quarantine run's transaction: a county-wide batch job, longer
// than an API query may take.
const RunTimeout = 5 * time.Minute

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run: rolled back")

const quarantineLockID = "quarantine"

// runQuarantines is one run in one write transaction. The transaction first writes the
// singleton (:QuarantineLock) node, so that Neo4j makes a concurrent run wait until
// this one commits and then see its assignments and occupancy: two runs never book the
// same place. The driver may retry the work on a transient failure; it recomputes
// everything from the graph, so a retry gives the same result.
func (s *Service) runQuarantines(ctx context.Context, tr Tracer, asOf time.Time, dryRun bool) (*QuarantineRun, error) {
	const op = "assignQuarantines"
	if asOf.IsZero() {
		return nil, InvalidArg(op, "asOf", "is required")
	}
	// Times go to Neo4j in the service's zone: a parsed "+08:00" offset has no zone
	// name, which the driver cannot send.
	loc := s.Loc
	if loc == nil {
		loc = time.UTC
	}
	asOf = asOf.In(loc)
	var dry *QuarantineRun
	run, err := WriteLong(ctx, s.DB, op, RunTimeout, func(ctx context.Context, tx Tx) (*QuarantineRun, error) {
		var phases []Phase
		mark := time.Now()
		// Each step is a phase of the run's report and a span under the transaction's
		// (issue 19), timed from the end of the step before.
		phase := func(name string) {
			now := time.Now()
			phases = append(phases, Phase{name, now.Sub(mark)})
			_, span := otel.Tracer(tracerName).Start(ctx, "quarantine "+name, trace.WithTimestamp(mark),
				trace.WithAttributes(attribute.String("tracegraph.quarantine.step", name)))
			span.End(trace.WithTimestamp(now))
			mark = now
		}
		lock, err := lockQuarantines(ctx, tx)
		if err != nil {
			return nil, fmt.Errorf("%s: lock: %w", op, err)
		}
		// Needs come from the state before the run: nothing of this run is written yet,
		// and the lock keeps other runs from writing until this one is done.
		phase("lock")
		needs, err := collectNeeds(ctx, tr, s.Policy, asOf)
		if err != nil {
			return nil, err
		}
		phase("needs")
		snap, err := loadSnapshot(ctx, tx, asOf, needs)
		if err != nil {
			return nil, fmt.Errorf("%s: load: %w", op, err)
		}
		phase("load")
		snap.NextSeq = lock.nextSeq
		pl := planRun(snap, s.Policy)
		pl.inZone(loc)
		phase("plan")
		refs, err := s.referrals(ctx, tx, tr, asOf)
		if err != nil {
			return nil, fmt.Errorf("%s: referrals: %w", op, err)
		}
		pl.run.Referrals = refs
		phase("refer")
		if pl.run.Changed() {
			no := lock.runs + 1
			pl.run.RunID = fmt.Sprintf("QR%04d", no)
			if err := writePlan(ctx, tx, pl, no, s.Policy); err != nil {
				return nil, fmt.Errorf("%s: write: %w", op, err)
			}
			r := &pl.run
			for _, list := range [][]*Quarantine{r.Created, r.Extended, r.Superseded, r.Completed, r.Escalated, r.Placed, r.Pending} {
				for _, q := range list {
					Touch(ctx, ChangeQuarantines, q.ID)
					TouchPeople(ctx, q.PersonID)
				}
			}
		}
		phase("write")
		pl.run.Phases = phases
		if dryRun {
			// A dry run writes too (so that it fails where the real run would) and
			// then rolls everything back.
			r := pl.run
			r.DryRun = true
			r.RunID = ""
			dry = &r
			return nil, errDryRun
		}
		return &pl.run, nil
	})
	if dryRun && errors.Is(err, errDryRun) {
		return dry, nil
	}
	return run, err
}

// inZone moves every time of the plan into loc (see runQuarantines).
func (pl *plan) inZone(loc *time.Location) {
	for _, a := range pl.all {
		q := a.Q
		q.Start, q.End = q.Start.In(loc), q.End.In(loc)
		if q.PlacedAt != nil {
			q.PlacedAt = tp(q.PlacedAt.In(loc))
		}
	}
	for i := range pl.history {
		h := &pl.history[i]
		h.At = h.At.In(loc)
		if h.From != nil {
			h.From = tp(h.From.In(loc))
		}
		if h.To != nil {
			h.To = tp(h.To.In(loc))
		}
	}
}

type lockState struct{ nextSeq, runs int }

// lockQuarantines takes the run lock (a write on the singleton node; its uniqueness
// constraint makes the MERGE safe when two runs start at once) and reads the counters.
func lockQuarantines(ctx context.Context, tx Tx) (lockState, error) {
	res, err := tx.Run(ctx, `MERGE (l:QuarantineLock {id: $id})
		ON CREATE SET l.nextSeq = 1, l.runs = 0
		SET l.locked = true
		REMOVE l.locked
		RETURN l.nextSeq AS nextSeq, l.runs AS runs`, map[string]any{"id": quarantineLockID})
	if err != nil {
		return lockState{}, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return lockState{}, err
	}
	ns, _ := rec.Get("nextSeq")
	rs, _ := rec.Get("runs")
	return lockState{nextSeq: intOf(ns), runs: intOf(rs)}, nil
}

func intOf(v any) int {
	switch n := v.(type) {
	case int64:
		return int(n)
	case float64:
		return int(n)
	}
	return 0
}

// loadSnapshot reads what the steps decide from, in a few queries.
func loadSnapshot(ctx context.Context, tx Tx, asOf time.Time, needs map[string]*Need) (*snapshot, error) {
	s := &snapshot{AsOf: asOf, Needs: needs, AreaParent: map[string]string{}, HouseholdArea: map[string]string{}, CaseStatus: map[string]string{}}
	// open assignments with their officers
	// (a map projection and a pattern comprehension: no sort or aggregation over all
	// open assignments in the database; officers are ordered here)
	res, err := tx.Run(ctx, `MATCH (q:Quarantine) WHERE q.status IN ['active', 'pending']
		RETURN q {.id, .seq, .personId, .kind, .status, .start, .end, .placedAt, .facilityId, .reason, .testDays, .then} AS q,
		       [(q)-[:STAFFED_BY]->(o:Officer) | o.role + ' ' + o.id] AS officers`, nil)
	if err != nil {
		return nil, err
	}
	for res.Next(ctx) {
		rec := res.Record()
		qv, _ := rec.Get("q")
		ov, _ := rec.Get("officers")
		a := assignmentFromProps(qv.(map[string]any))
		var offs []string
		for _, o := range ov.([]any) {
			offs = append(offs, o.(string))
		}
		sort.Strings(offs) // cadre before medical, then by id
		for _, o := range offs {
			_, id, _ := strings.Cut(o, " ")
			a.Q.OfficerIDs = append(a.Q.OfficerIDs, id)
		}
		s.Open = append(s.Open, a)
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	// facilities, areas, officers: small tables, read whole
	if err := collect(ctx, tx, `MATCH (f:Facility) OPTIONAL MATCH (f)-[:IN]->(a:Area)
		RETURN f.id AS id, coalesce(a.code, f.areaCode) AS area, coalesce(f.capacity, 0) AS capacity`, nil,
		func(r *Record) {
			s.Facilities = append(s.Facilities, facilityState{ID: str(get(r, "id")), AreaCode: str(get(r, "area")), Capacity: intOf(get(r, "capacity"))})
		}); err != nil {
		return nil, err
	}
	if err := collect(ctx, tx, `MATCH (a:Area) OPTIONAL MATCH (a)-[:PART_OF]->(p:Area)
		RETURN a.code AS code, p.code AS parent`, nil,
		func(r *Record) { s.AreaParent[str(get(r, "code"))] = str(get(r, "parent")) }); err != nil {
		return nil, err
	}
	if err := collect(ctx, tx, `MATCH (o:Officer) OPTIONAL MATCH (o)-[:SERVES]->(a:Area)
		RETURN o.id AS id, o.role AS role, coalesce(a.code, o.areaCode) AS area`, nil,
		func(r *Record) {
			s.Officers = append(s.Officers, Officer{ID: str(get(r, "id")), Role: str(get(r, "role")), AreaCode: str(get(r, "area"))})
		}); err != nil {
		return nil, err
	}
	// cases that count at asOf (escalation and "no new assignment"): every case, a
	// small table, rather than a look-up per person with an open assignment
	res, err = tx.Run(ctx, `MATCH (c:Case) WHERE c.confirmedAt IS NULL OR c.confirmedAt <= $asOf
		RETURN c.personId AS id, c.status AS status`, map[string]any{"asOf": asOf})
	if err != nil {
		return nil, err
	}
	for res.Next(ctx) {
		r := res.Record()
		id, _ := r.Get("id")
		st, _ := r.Get("status")
		if c := str(st); c != "" {
			s.CaseStatus[str(id)] = c
		}
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	// household areas of the people who may be placed or staffed: those with a need,
	// those waiting for a place, and those whose assignment has a follow-on
	idSet := map[string]bool{}
	for pid := range needs {
		idSet[pid] = true
	}
	for _, a := range s.Open {
		if a.Q.Status == QStatusPending || a.Then != nil {
			idSet[a.Q.PersonID] = true
		}
	}
	ids := make([]string, 0, len(idSet))
	for id := range idSet {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	// (the person is matched first, by its key, so the planner starts from the index)
	res, err = tx.Run(ctx, `UNWIND $ids AS id
		MATCH (p:Person {id: id})
		OPTIONAL MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(a:Area)
		RETURN id, a.code AS area`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	for res.Next(ctx) {
		r := res.Record()
		id, _ := r.Get("id")
		area, _ := r.Get("area")
		if a := str(area); a != "" {
			s.HouseholdArea[str(id)] = a
		}
	}
	return s, res.Err()
}

// assignmentFromProps reads a stored Quarantine node.
func assignmentFromProps(m map[string]any) *assignment {
	q := &Quarantine{
		ID: str(m["id"]), PersonID: str(m["personId"]), Kind: str(m["kind"]), Status: str(m["status"]),
		FacilityID: str(m["facilityId"]), Reason: str(m["reason"]),
	}
	if t := timeOf(m["start"]); t != nil {
		q.Start = *t
	}
	if t := timeOf(m["end"]); t != nil {
		q.End = *t
	}
	q.PlacedAt = timeOf(m["placedAt"])
	a := &assignment{Q: q, Seq: intOf(m["seq"])}
	if a.Seq == 0 {
		a.Seq, _ = strconv.Atoi(strings.TrimPrefix(q.ID, "Q"))
	}
	if td, ok := m["testDays"].([]any); ok {
		for _, d := range td {
			a.TestDays = append(a.TestDays, intOf(d))
		}
	}
	if th := str(m["then"]); th != "" {
		var mm Measure
		if json.Unmarshal([]byte(th), &mm) == nil {
			a.Then = &mm
		}
	}
	return a
}

func assignmentRow(a *assignment) map[string]any {
	q := a.Q
	row := map[string]any{
		"id": q.ID, "seq": a.Seq, "personId": q.PersonID, "kind": q.Kind, "status": q.Status,
		"start": q.Start, "end": q.End, "reason": nilIfEmpty(q.Reason), "facilityId": nilIfEmpty(q.FacilityID),
		"placedAt": nil, "testDays": nil, "then": nil,
	}
	if q.PlacedAt != nil {
		row["placedAt"] = *q.PlacedAt
	}
	if a.TestDays != nil {
		td := make([]any, len(a.TestDays))
		for i, d := range a.TestDays {
			td[i] = int64(d)
		}
		row["testDays"] = td
	}
	if a.Then != nil {
		b, _ := json.Marshal(a.Then)
		row["then"] = string(b)
	}
	return row
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writePlan writes the run in batches: new assignments, changed ones, facility and
// officer relationships, the history and the run record.
func writePlan(ctx context.Context, tx Tx, pl *plan, runNo int, p Policy) error {
	runID := pl.run.RunID
	// history rows by assignment, written with the assignment in the same statement
	hist := map[string][]map[string]any{}
	for i, h := range pl.history {
		row := map[string]any{"seq": i + 1, "change": h.Change, "at": h.At,
			"reason": nilIfEmpty(h.Reason), "facilityId": nilIfEmpty(h.FacilityID), "from": nil, "to": nil}
		if h.From != nil {
			row["from"] = *h.From
		}
		if h.To != nil {
			row["to"] = *h.To
		}
		hist[h.QuarantineID] = append(hist[h.QuarantineID], row)
	}
	var created, updated []map[string]any
	for _, a := range pl.all {
		row := assignmentRow(a)
		row["history"] = hist[a.Q.ID]
		// placed by this run: the AT relationship goes with it
		if a.Q.FacilityID != "" && a.Q.PlacedAt != nil && a.Q.PlacedAt.Equal(pl.run.AsOf) {
			row["placeAt"] = a.Q.FacilityID
		} else {
			row["placeAt"] = nil
		}
		if a.isNew {
			created = append(created, row)
		} else {
			updated = append(updated, row)
		}
	}
	exec := func(cypher string, params map[string]any) error {
		res, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return err
		}
		_, err = res.Consume(ctx)
		return err
	}
	const historyAndPlace = `
		FOREACH (h IN r.history |
			CREATE (q)-[:CHANGED]->(c:QuarantineChange {quarantineId: r.id, runId: $runId, runNo: $runNo, seq: h.seq, change: h.change, at: h.at})
			SET c.reason = h.reason, c.facilityId = h.facilityId, c.from = h.from, c.to = h.to)
		WITH q, r WHERE r.placeAt IS NOT NULL
		MATCH (f:Facility {id: r.placeAt})
		MERGE (q)-[:AT]->(f)`
	params := map[string]any{"runId": runID, "runNo": runNo}
	for _, batch := range batches(created, 5000) {
		params["rows"] = batch
		if err := exec(`UNWIND $rows AS r
			MATCH (p:Person {id: r.personId})
			CREATE (p)-[:ASSIGNED]->(q:Quarantine {id: r.id})
			SET q.seq = r.seq, q.personId = r.personId, q.kind = r.kind, q.status = r.status,
			    q.start = r.start, q.end = r.end, q.placedAt = r.placedAt, q.facilityId = r.facilityId,
			    q.reason = r.reason, q.testDays = r.testDays, q.then = r.then, q.runId = $runId`+historyAndPlace, params); err != nil {
			return err
		}
	}
	for _, batch := range batches(updated, 5000) {
		params["rows"] = batch
		if err := exec(`UNWIND $rows AS r
			MATCH (q:Quarantine {id: r.id})
			SET q.status = r.status, q.end = r.end, q.placedAt = r.placedAt, q.facilityId = r.facilityId,
			    q.reason = r.reason, q.then = r.then`+historyAndPlace, params); err != nil {
			return err
		}
	}
	if len(pl.staffing) > 0 {
		rows := make([]map[string]any, len(pl.staffing))
		for i, st := range pl.staffing {
			rows[i] = map[string]any{"qid": st.QuarantineID, "oid": st.OfficerID, "pid": st.PersonID}
		}
		for _, batch := range batches(rows, 5000) {
			if err := exec(`UNWIND $rows AS r
				MATCH (q:Quarantine {id: r.qid}) MATCH (o:Officer {id: r.oid}) MATCH (p:Person {id: r.pid})
				MERGE (q)-[:STAFFED_BY]->(o)
				MERGE (o)-[:RESPONSIBLE_FOR]->(p)`, map[string]any{"rows": batch}); err != nil {
				return err
			}
		}
	}
	r := pl.run
	return exec(`MATCH (l:QuarantineLock {id: $lock})
		SET l.nextSeq = $nextSeq, l.runs = $runNo
		CREATE (:QuarantineRun {id: $runId, no: $runNo, asOf: $asOf, ranAt: datetime(), policy: $policy,
			created: $created, extended: $extended, superseded: $superseded, completed: $completed,
			escalated: $escalated, placed: $placed, pending: $pending})`,
		map[string]any{"lock": quarantineLockID, "nextSeq": pl.nextSeq, "runNo": runNo, "runId": runID, "asOf": r.AsOf,
			"policy": p.Name, "created": len(r.Created), "extended": len(r.Extended), "superseded": len(r.Superseded),
			"completed": len(r.Completed), "escalated": len(r.Escalated), "placed": len(r.Placed), "pending": len(r.Pending)})
}

// batches splits rows so that one statement's parameters stay a few megabytes.
func batches(rows []map[string]any, size int) [][]map[string]any {
	var out [][]map[string]any
	for len(rows) > 0 {
		n := min(size, len(rows))
		out = append(out, rows[:n])
		rows = rows[n:]
	}
	return out
}

// referrals is step 6: everyone (active cases aside) with a POSITIVE_TEST or FEVER
// reason at asOf. The graph gives the candidates (a positive test or a high reading
// recently); the tracing engine's risk reasons decide, so that the rules live in one
// place.
func (s *Service) referrals(ctx context.Context, tx Tx, tr Tracer, asOf time.Time) ([]Referral, error) {
	p := s.Policy
	loc := s.Loc
	if loc == nil {
		loc = time.UTC
	}
	// The bounds are a little wider than the rules (a day each side): Risks decides.
	params := map[string]any{
		"asOf":        asOf.Add(Day),
		"posSince":    asOf.Add(-time.Duration(p.PositiveTestDays+1) * Day),
		"feverSince":  asOf.Add(-time.Duration(p.FeverDays+1) * Day),
		"fever":       p.FeverCelsius,
		"reportSince": DateOf(asOf.Add(-time.Duration(p.FeverDays+1)*Day), loc).In(time.UTC).Format("2006-01-02"),
		"reportUntil": DateOf(asOf.Add(Day), loc).In(time.UTC).Format("2006-01-02"),
	}
	res, err := tx.Run(ctx, `
		MATCH (p:Person)-[:TESTED]->(t:Test)
		WHERE t.result = 'positive' AND t.kind IN ['pcr', 'antigen'] AND t.sampledAt > $posSince AND t.sampledAt <= $asOf
		RETURN DISTINCT p.id AS id
		UNION
		MATCH (p:Person)-[r:PASSED]->(:Checkpoint)
		WHERE r.temperature >= $fever AND r.at > $feverSince AND r.at <= $asOf
		RETURN DISTINCT p.id AS id
		UNION
		MATCH (v:Visit)-[:SAW]->(p:Person)
		WHERE v.status = 'present' AND v.temperature >= $fever AND v.at > $feverSince AND v.at <= $asOf
		RETURN DISTINCT p.id AS id
		UNION
		MATCH (p:Person)-[:REPORTED]->(h:HealthReport)
		WHERE h.temperature >= $fever AND h.date >= date($reportSince) AND h.date <= date($reportUntil)
		RETURN DISTINCT p.id AS id`, params)
	if err != nil {
		return nil, err
	}
	var ids []string
	for res.Next(ctx) {
		v, _ := res.Record().Get("id")
		ids = append(ids, str(v))
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	sort.Strings(ids)
	risks, err := tr.Risks(ctx, ids, asOf)
	if err != nil {
		return nil, err
	}
	return referralsFrom(ids, risks), nil
}

// referralsFrom picks, in id order, the people whose risk has a POSITIVE_TEST or FEVER
// reason and no ACTIVE_CASE one.
func referralsFrom(ids []string, risks map[string]*Risk) []Referral {
	var out []Referral
	for _, id := range ids {
		r := risks[id]
		if r == nil {
			continue
		}
		rules := map[string]bool{}
		active := false
		for _, reason := range r.Reasons {
			switch reason.Rule {
			case "POSITIVE_TEST", "FEVER":
				rules[reason.Rule] = true
			case "ACTIVE_CASE":
				active = true
			}
		}
		if active || len(rules) == 0 {
			continue
		}
		ref := Referral{PersonID: id}
		for rule := range rules {
			ref.Rules = append(ref.Rules, rule)
		}
		sort.Strings(ref.Rules)
		out = append(out, ref)
	}
	return out
}
