package graph

import (
	"context"
	"sort"
	"strconv"
	"time"
)

// Reads over the stored assignments: by id, filtered pages, history, facilities with
// occupancy, officers' open assignments and the tests due.

// officers come cadre first, then medical (the order step 5 picks them in).
const quarantineFields = `q {.*} AS q, COLLECT { MATCH (q)-[:STAFFED_BY]->(o:Officer) RETURN o.id ORDER BY o.role, o.id } AS officers`

func quarantineFromRecord(qv, ov any) *Quarantine {
	a := assignmentFromProps(qv.(map[string]any))
	var offs []string
	for _, o := range ov.([]any) {
		offs = append(offs, o.(string))
	}
	a.Q.OfficerIDs = offs
	return a.Q
}

// QuarantinesByID returns the assignments with the given ids, keyed by id.
func (s *Service) QuarantinesByID(ctx context.Context, ids []string) (map[string]*Quarantine, error) {
	return Read(ctx, s.DB, "quarantines", func(ctx context.Context, tx Tx) (map[string]*Quarantine, error) {
		res, err := tx.Run(ctx, `UNWIND $ids AS id MATCH (q:Quarantine {id: id}) RETURN `+quarantineFields,
			map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		out := map[string]*Quarantine{}
		for res.Next(ctx) {
			qv, _ := res.Record().Get("q")
			ov, _ := res.Record().Get("officers")
			q := quarantineFromRecord(qv, ov)
			out[q.ID] = q
		}
		return out, res.Err()
	})
}

// QuarantineFilter selects assignments; empty fields select all.
type QuarantineFilter struct {
	Kind       string // centralized, home, health_monitoring
	Status     string // active, pending, completed, superseded, escalated
	AreaCode   string // the person's household is in this area or one of its descendants
	FacilityID string
	PersonID   string
}

// QuarantinePage is one page of assignments in assignment order.
type QuarantinePage struct {
	Items       []*Quarantine
	EndCursor   string // the cursor of the last item; pass it as after for the next page
	HasNextPage bool
	TotalCount  int
}

// Quarantines lists assignments matching f in assignment order, first at a time, after
// the cursor (an assignment's number, as EndCursor gives it).
func (s *Service) Quarantines(ctx context.Context, f QuarantineFilter, first int, after string) (*QuarantinePage, error) {
	const op = "quarantines"
	if first < 1 || first > 1000 {
		return nil, InvalidArg(op, "first", "must be 1..1000, got %d", first)
	}
	afterSeq := 0
	if after != "" {
		n, err := strconv.Atoi(after)
		if err != nil || n < 0 {
			return nil, InvalidArg(op, "after", "%q is not a cursor from this list", after)
		}
		afterSeq = n
	}
	switch f.Kind {
	case "", KindCentralized, KindHome, KindHealthMonitoring:
	default:
		return nil, InvalidArg(op, "filter.kind", "unknown kind %q", f.Kind)
	}
	switch f.Status {
	case "", QStatusActive, QStatusPending, QStatusCompleted, QStatusSuperseded, QStatusEscalated:
	default:
		return nil, InvalidArg(op, "filter.status", "unknown status %q", f.Status)
	}
	params := map[string]any{"kind": nilIfEmpty(f.Kind), "status": nilIfEmpty(f.Status), "area": nilIfEmpty(f.AreaCode),
		"facility": nilIfEmpty(f.FacilityID), "person": nilIfEmpty(f.PersonID), "after": afterSeq, "limit": first + 1,
		"scope": scopeParam(ListScope(ctx))}
	// A tracer's page is cut to the people of their areas in the query, so that pages
	// and totalCount hold; a single person's assignments (PersonID, Person.quarantines)
	// are those of someone the caller was already allowed to read.
	where := `($kind IS NULL OR q.kind = $kind) AND ($status IS NULL OR q.status = $status)
		AND ($person IS NOT NULL OR $scope IS NULL OR EXISTS {
			MATCH (:Person {id: q.personId})-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(sa:Area) WHERE sa.code IN $scope })
		AND ($facility IS NULL OR q.facilityId = $facility) AND ($person IS NULL OR q.personId = $person)
		AND ($area IS NULL OR EXISTS {
			MATCH (:Person {id: q.personId})-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(:Area {code: $area}) })`
	return Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) (*QuarantinePage, error) {
		page := &QuarantinePage{}
		res, err := tx.Run(ctx, `MATCH (q:Quarantine) WHERE `+where+` RETURN count(q) AS n`, params)
		if err != nil {
			return nil, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return nil, err
		}
		n, _ := rec.Get("n")
		page.TotalCount = intOf(n)
		res, err = tx.Run(ctx, `MATCH (q:Quarantine) WHERE q.seq > $after AND `+where+`
			WITH q ORDER BY q.seq LIMIT $limit
			RETURN `+quarantineFields, params)
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			qv, _ := res.Record().Get("q")
			ov, _ := res.Record().Get("officers")
			page.Items = append(page.Items, quarantineFromRecord(qv, ov))
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		if len(page.Items) > first {
			page.Items = page.Items[:first]
			page.HasNextPage = true
		}
		if len(page.Items) > 0 {
			last := page.Items[len(page.Items)-1]
			page.EndCursor = strconv.Itoa(seqOfID(last.ID))
		}
		return page, nil
	})
}

func seqOfID(id string) int {
	n, _ := strconv.Atoi(id[1:])
	return n
}

// PendingPlacements lists the centralized assignments waiting for a place, in the
// order they will be placed (start, then person id).
// A tracer gets those of the people they may see (ScopeOf).
func (s *Service) PendingPlacements(ctx context.Context) ([]*Quarantine, error) {
	l, err := s.pendingPlacements(ctx)
	if err != nil {
		return nil, err
	}
	l, _, err = visibleOnly(ctx, s, l, func(q *Quarantine) string { return q.PersonID })
	return l, err
}

func (s *Service) pendingPlacements(ctx context.Context) ([]*Quarantine, error) {
	return Read(ctx, s.DB, "pendingPlacements", func(ctx context.Context, tx Tx) ([]*Quarantine, error) {
		res, err := tx.Run(ctx, `MATCH (q:Quarantine {status: 'pending'})
			WITH q ORDER BY q.start, q.personId RETURN `+quarantineFields, nil)
		if err != nil {
			return nil, err
		}
		var out []*Quarantine
		for res.Next(ctx) {
			qv, _ := res.Record().Get("q")
			ov, _ := res.Record().Get("officers")
			out = append(out, quarantineFromRecord(qv, ov))
		}
		return out, res.Err()
	})
}

// QuarantineHistory returns every change of the given assignments, oldest first.
func (s *Service) QuarantineHistory(ctx context.Context, ids []string) (map[string][]HistoryEntry, error) {
	return Read(ctx, s.DB, "quarantineHistory", func(ctx context.Context, tx Tx) (map[string][]HistoryEntry, error) {
		res, err := tx.Run(ctx, `UNWIND $ids AS id
			MATCH (c:QuarantineChange {quarantineId: id})
			WITH c ORDER BY c.runNo, c.seq
			RETURN properties(c) AS c`, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		out := map[string][]HistoryEntry{}
		for res.Next(ctx) {
			v, _ := res.Record().Get("c")
			m := v.(map[string]any)
			h := HistoryEntry{QuarantineID: str(m["quarantineId"]), Seq: intOf(m["seq"]), Change: str(m["change"]),
				RunID: str(m["runId"]), Reason: str(m["reason"]), From: timeOf(m["from"]), To: timeOf(m["to"]),
				FacilityID: str(m["facilityId"])}
			if t := timeOf(m["at"]); t != nil {
				h.At = *t
			}
			out[h.QuarantineID] = append(out[h.QuarantineID], h)
		}
		return out, res.Err()
	})
}

// FacilityOccupancy is a facility with its open, placed centralized assignments.
type FacilityOccupancy struct {
	Facility
	Occupied int
	Free     int
}

// Facilities lists every facility with its occupancy, by id.
func (s *Service) Facilities(ctx context.Context) ([]FacilityOccupancy, error) {
	return Read(ctx, s.DB, "facilities", func(ctx context.Context, tx Tx) ([]FacilityOccupancy, error) {
		res, err := tx.Run(ctx, `MATCH (f:Facility)
			OPTIONAL MATCH (q:Quarantine {kind: 'centralized', status: 'active'})-[:AT]->(f)
			WITH f, count(q) AS occupied ORDER BY f.id
			RETURN f.id AS id, f.name AS name, f.areaCode AS area, coalesce(f.capacity, 0) AS capacity, occupied`, nil)
		if err != nil {
			return nil, err
		}
		var out []FacilityOccupancy
		for res.Next(ctx) {
			r := res.Record()
			id, _ := r.Get("id")
			name, _ := r.Get("name")
			area, _ := r.Get("area")
			c, _ := r.Get("capacity")
			o, _ := r.Get("occupied")
			fo := FacilityOccupancy{Facility: Facility{ID: str(id), Name: str(name), AreaCode: str(area), Capacity: intOf(c)}, Occupied: intOf(o)}
			fo.Free = max(fo.Capacity-fo.Occupied, 0)
			out = append(out, fo)
		}
		return out, res.Err()
	})
}

// OfficersOf returns the officers responsible for each person (RESPONSIBLE_FOR), by id.
func (s *Service) OfficersOf(ctx context.Context, personIDs []string) (map[string][]Officer, error) {
	return Read(ctx, s.DB, "officersOf", func(ctx context.Context, tx Tx) (map[string][]Officer, error) {
		res, err := tx.Run(ctx, `UNWIND $ids AS id
			MATCH (o:Officer)-[:RESPONSIBLE_FOR]->(:Person {id: id})
			WITH id, o ORDER BY o.id
			RETURN id, o {.id, .name, .role, .areaCode, .phone} AS o`, map[string]any{"ids": personIDs})
		if err != nil {
			return nil, err
		}
		out := map[string][]Officer{}
		for res.Next(ctx) {
			id, _ := res.Record().Get("id")
			ov, _ := res.Record().Get("o")
			m := ov.(map[string]any)
			out[str(id)] = append(out[str(id)], Officer{ID: str(m["id"]), Name: str(m["name"]), Role: str(m["role"]), AreaCode: str(m["areaCode"]), Phone: str(m["phone"])})
		}
		return out, res.Err()
	})
}

// OpenAssignmentsOf returns the open assignments naming each officer (STAFFED_BY).
// A tracer gets those of the people they may see (ScopeOf).
func (s *Service) OpenAssignmentsOf(ctx context.Context, officerIDs []string) (map[string][]*Quarantine, error) {
	m, err := s.openAssignmentsOf(ctx, officerIDs)
	if err != nil {
		return nil, err
	}
	for id, l := range m {
		if m[id], _, err = visibleOnly(ctx, s, l, func(q *Quarantine) string { return q.PersonID }); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (s *Service) openAssignmentsOf(ctx context.Context, officerIDs []string) (map[string][]*Quarantine, error) {
	return Read(ctx, s.DB, "officerAssignments", func(ctx context.Context, tx Tx) (map[string][]*Quarantine, error) {
		res, err := tx.Run(ctx, `UNWIND $ids AS oid
			MATCH (q:Quarantine)-[:STAFFED_BY]->(:Officer {id: oid})
			WHERE q.status IN ['active', 'pending']
			WITH oid, q ORDER BY q.seq
			RETURN oid, `+quarantineFields, map[string]any{"ids": officerIDs})
		if err != nil {
			return nil, err
		}
		out := map[string][]*Quarantine{}
		for res.Next(ctx) {
			oid, _ := res.Record().Get("oid")
			qv, _ := res.Record().Get("q")
			ov, _ := res.Record().Get("officers")
			out[str(oid)] = append(out[str(oid)], quarantineFromRecord(qv, ov))
		}
		return out, res.Err()
	})
}

// TestDue is a sample due on a day of a placed centralized assignment and not yet
// taken (SPEC §6).
type TestDue struct {
	QuarantineID string
	PersonID     string
	Day          int // 1 = the local date of placedAt
	Date         Date
	FacilityID   string
	OfficerIDs   []string // the officers responsible for the person
}

// TestsDue lists the samples due on date and missing: day d of a placed centralized
// assignment is the local date of placedAt + d − 1, up to the local date of its end;
// a positive or negative pcr or antigen sample taken that date satisfies it.
// A tracer gets those of the people they may see (ScopeOf).
func (s *Service) TestsDue(ctx context.Context, date Date) ([]TestDue, error) {
	l, err := s.testsDue(ctx, date)
	if err != nil {
		return nil, err
	}
	l, _, err = visibleOnly(ctx, s, l, func(t TestDue) string { return t.PersonID })
	return l, err
}

func (s *Service) testsDue(ctx context.Context, date Date) ([]TestDue, error) {
	loc := s.Loc
	if loc == nil {
		loc = time.UTC
	}
	dayStart := date.In(loc)
	dayEnd := date.AddDays(1).In(loc)
	return Read(ctx, s.DB, "testsDue", func(ctx context.Context, tx Tx) ([]TestDue, error) {
		// A placed centralized assignment counts its days from placedAt; a home one
		// whose protocol names test days (edition9's secondary contacts) from its start.
		res, err := tx.Run(ctx, `MATCH (q:Quarantine)
			WHERE ((q.kind = 'centralized' AND q.placedAt IS NOT NULL) OR (q.kind <> 'centralized' AND q.testDays IS NOT NULL))
			  AND coalesce(q.placedAt, q.start) < $dayEnd AND q.end >= $dayStart
			MATCH (p:Person {id: q.personId})
			OPTIONAL MATCH (p)-[:TESTED]->(t:Test)
			WHERE t.kind IN ['pcr', 'antigen'] AND t.result IN ['positive', 'negative']
			  AND t.sampledAt >= $dayStart AND t.sampledAt < $dayEnd
			WITH q, p, count(t) AS samples
			WHERE samples = 0
			RETURN q {.id, .personId, .start, .placedAt, .end, .facilityId, .testDays} AS q,
			       [(o:Officer)-[:RESPONSIBLE_FOR]->(p) | o.id] AS officers`,
			map[string]any{"dayStart": dayStart, "dayEnd": dayEnd})
		if err != nil {
			return nil, err
		}
		var out []TestDue
		for res.Next(ctx) {
			qv, _ := res.Record().Get("q")
			ov, _ := res.Record().Get("officers")
			m := qv.(map[string]any)
			placed := timeOf(m["placedAt"])
			if placed == nil {
				placed = timeOf(m["start"])
			}
			if placed == nil {
				continue
			}
			days := s.Policy.Quarantine.TestDays
			if td, ok := m["testDays"].([]any); ok {
				days = nil
				for _, d := range td {
					days = append(days, intOf(d))
				}
			}
			day := daysBetween(DateOf(*placed, loc), date) + 1
			due := false
			for _, d := range days {
				due = due || d == day
			}
			if !due {
				continue
			}
			td := TestDue{QuarantineID: str(m["id"]), PersonID: str(m["personId"]), Day: day, Date: date, FacilityID: str(m["facilityId"])}
			for _, o := range ov.([]any) {
				td.OfficerIDs = append(td.OfficerIDs, o.(string))
			}
			sort.Strings(td.OfficerIDs)
			out = append(out, td)
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].PersonID != out[j].PersonID {
				return out[i].PersonID < out[j].PersonID
			}
			return out[i].QuarantineID < out[j].QuarantineID
		})
		return out, res.Err()
	})
}

// daysBetween is the number of calendar days from a to b.
func daysBetween(a, b Date) int {
	ta := time.Date(a.Year, a.Month, a.Day, 0, 0, 0, 0, time.UTC)
	tb := time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, time.UTC)
	return int(tb.Sub(ta) / Day)
}

// FacilitiesByID returns facilities with their occupancy, keyed by id.
func (s *Service) FacilitiesByID(ctx context.Context, ids []string) (map[string]FacilityOccupancy, error) {
	all, err := s.Facilities(ctx)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	out := map[string]FacilityOccupancy{}
	for _, f := range all {
		if want[f.ID] {
			out[f.ID] = f
		}
	}
	return out, nil
}

// Officers returns officers by id (all of them when ids is nil), in id order.
func (s *Service) Officers(ctx context.Context, ids []string) ([]Officer, error) {
	return Read(ctx, s.DB, "officers", func(ctx context.Context, tx Tx) ([]Officer, error) {
		res, err := tx.Run(ctx, `MATCH (o:Officer) WHERE $ids IS NULL OR o.id IN $ids
			WITH o ORDER BY o.id
			RETURN o {.id, .name, .role, .areaCode, .phone} AS o`, map[string]any{"ids": anyIDs(ids)})
		if err != nil {
			return nil, err
		}
		var out []Officer
		for res.Next(ctx) {
			v, _ := res.Record().Get("o")
			m := v.(map[string]any)
			out = append(out, Officer{ID: str(m["id"]), Name: str(m["name"]), Role: str(m["role"]), AreaCode: str(m["areaCode"]), Phone: str(m["phone"])})
		}
		return out, res.Err()
	})
}

func anyIDs(ids []string) any {
	if ids == nil {
		return nil
	}
	return ids
}
