package graph

import (
	"context"
	"time"
)

// AttendancePage is one page of an event's attendances and the cursor after it.
type AttendancePage struct {
	Attendances []*Attendance
	EndCursor   string // "" when the page is empty
	HasNext     bool
}

// CoAttendance is someone (PersonID) who attended an event while the person asked
// about (Of) was there: From–To is the overlap of their two attendance windows.
type CoAttendance struct {
	Of        string
	PersonID  string
	EventID   string
	From, To  time.Time
	Proximity string // the other attendee's
}

// EventAttendees returns one page of an event's attendances, by arrival then person id,
// after the cursor. When scopeAreas is not nil (a tracer's areas), the attendees outside
// the tracer's scope (PeopleInScope) are left out of the page, not refused: a tracer's
// lists hold only the people they may see (SPEC §8). One read transaction.
func (s *Service) EventAttendees(ctx context.Context, eventID string, first int, after string, scopeAreas []string) (*AttendancePage, error) {
	const op = "attendees"
	cur, err := checkPage(op, first, after, "attendance")
	if err != nil {
		return nil, err
	}
	params := map[string]any{"event": eventID, "afterFrom": nil, "afterId": nil, "limit": nil}
	if cur != nil {
		at, err := time.Parse(time.RFC3339Nano, cur[0])
		if len(cur) != 2 || err != nil {
			return nil, InvalidArg(op, "after", "not a cursor of this list")
		}
		// In the service zone, as the attendances are stored: a cursor time in UTC was
		// seen to compare unequal to the same instant stored at +08:00.
		params["afterFrom"], params["afterId"] = at.In(s.Loc), cur[1]
	}
	if scopeAreas == nil {
		// Without a scope filter every row read is kept: read one more than the page to
		// know whether another follows. (An event's attendances are few enough to read
		// whole when they must be filtered.)
		params["limit"] = first + 1
	}
	return Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) (*AttendancePage, error) {
		var rows []*Attendance
		err := collect(ctx, tx, `MATCH (p:Person)-[a:ATTENDED]->(:Event {id: $event})
			WHERE $afterFrom IS NULL OR a.from > $afterFrom OR (a.from = $afterFrom AND p.id > $afterId)
			WITH p.id AS id, a ORDER BY a.from, id
			LIMIT coalesce($limit, 9223372036854775807)
			RETURN id, a.from AS from, a.to AS to, a.proximity AS proximity`, params, func(r *Record) {
			rows = append(rows, &Attendance{PersonID: str(get(r, "id")), EventID: eventID,
				From: mustTime(get(r, "from")), To: mustTime(get(r, "to")), Proximity: str(get(r, "proximity"))})
		})
		if err != nil {
			return nil, err
		}
		if scopeAreas != nil {
			rows, err = inScopeOnly(ctx, s, tx, scopeAreas, rows, func(a *Attendance) string { return a.PersonID })
			if err != nil {
				return nil, err
			}
		}
		page := &AttendancePage{Attendances: rows}
		if len(rows) > first {
			page.Attendances, page.HasNext = rows[:first], true
		}
		if n := len(page.Attendances); n > 0 {
			last := page.Attendances[n-1]
			page.EndCursor = encodeCursor("attendance", last.From.UTC().Format(time.RFC3339Nano), last.PersonID)
		}
		return page, nil
	})
}

// CoAttendeesOf returns, for each person, who else attended an event they attended
// while they were there (the two windows overlap by more than zero), by event start,
// then the start of the overlap, then id. With scopeAreas (a tracer's), the
// co-attendees outside the tracer's scope are left out. One read transaction.
func (s *Service) CoAttendeesOf(ctx context.Context, personIDs []string, scopeAreas []string) (map[string][]*CoAttendance, error) {
	return Read(ctx, s.DB, "co-attendees", func(ctx context.Context, tx Tx) (map[string][]*CoAttendance, error) {
		var rows []*CoAttendance
		err := collect(ctx, tx, `UNWIND $ids AS id
			MATCH (:Person {id: id})-[a:ATTENDED]->(e:Event)<-[b:ATTENDED]-(q:Person)
			WHERE q.id <> id AND b.from < a.to AND a.from < b.to
			WITH id, q.id AS other, e, b,
			     CASE WHEN a.from > b.from THEN a.from ELSE b.from END AS from,
			     CASE WHEN a.to < b.to THEN a.to ELSE b.to END AS to
			RETURN id, other, e.id AS event, from, to, b.proximity AS proximity
			ORDER BY id, e.start, from, other`, map[string]any{"ids": personIDs}, func(r *Record) {
			rows = append(rows, &CoAttendance{Of: str(get(r, "id")), PersonID: str(get(r, "other")), EventID: str(get(r, "event")),
				From: mustTime(get(r, "from")), To: mustTime(get(r, "to")), Proximity: str(get(r, "proximity"))})
		})
		if err != nil {
			return nil, err
		}
		if scopeAreas != nil {
			if rows, err = inScopeOnly(ctx, s, tx, scopeAreas, rows, func(c *CoAttendance) string { return c.PersonID }); err != nil {
				return nil, err
			}
		}
		out := map[string][]*CoAttendance{}
		for _, c := range rows {
			out[c.Of] = append(out[c.Of], c)
		}
		return out, nil
	})
}

// inScopeOnly keeps the rows whose person (personOf) a tracer serving areas may see.
func inScopeOnly[T any](ctx context.Context, s *Service, tx Tx, areas []string, rows []T, personOf func(T) string) ([]T, error) {
	if len(rows) == 0 {
		return rows, nil
	}
	ids := make([]string, 0, len(rows))
	seen := map[string]bool{}
	for _, r := range rows {
		if id := personOf(r); !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	scope, err := s.peopleInScope(ctx, tx, areas, ids)
	if err != nil {
		return nil, err
	}
	kept := rows[:0:0]
	for _, r := range rows {
		if scope[personOf(r)] != OutOfScope {
			kept = append(kept, r)
		}
	}
	return kept, nil
}
