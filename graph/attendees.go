package graph

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Who else was there (issue 14): an event's attendees and a person's co-attendees, one
// page at a time. Both reach people, so both keep only the people the reader may see
// (ScopeOf, SPEC §8 rev 5) before a page is cut: a tracer's page holds the attendees
// in their areas and the contacts in the chains of their traced cases, and never says
// that anyone else was there (no hole, no count, no cursor that stops on them).

// AttendancePage is one page of an event's attendances.
type AttendancePage struct {
	Items     []*Attendance
	EndCursor string // "" when the page is empty
	HasNext   bool
}

// CoAttendance is another person's attendance at an event a person attended, with
// the part of it when both were there.
type CoAttendance struct {
	PersonID string // whose co-attendees these are
	Attendance
	OverlapFrom time.Time
	OverlapTo   time.Time
}

// CoAttendancePage is one page of a person's co-attendances.
type CoAttendancePage struct {
	Items     []*CoAttendance
	EndCursor string
	HasNext   bool
}

// PageKey asks for one page of a list that belongs to one thing (an event, a person).
type PageKey struct {
	ID    string
	First int
	After string
}

// EventAttendees returns a page of each event's attendances, by arrival then person
// id (an attendance's key is person, event and arrival), all in one read transaction.
// Unknown events get an empty page.
func (s *Service) EventAttendees(ctx context.Context, keys []PageKey) (map[PageKey]*AttendancePage, error) {
	const op = "attendees"
	for _, k := range keys {
		if _, err := checkPage(op, k.First, k.After, "attendee"); err != nil {
			return nil, err
		}
	}
	return Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) (map[PageKey]*AttendancePage, error) {
		out := make(map[PageKey]*AttendancePage, len(keys))
		for _, k := range keys {
			cur, _ := checkPage(op, k.First, k.After, "attendee")
			if cur != nil && len(cur) != 2 {
				return nil, InvalidArg(op, "after", "not a cursor of this list")
			}
			rows, more, err := visiblePage(ctx, s, tx, k.First, cur, func(after []string, limit int) ([]*Attendance, error) {
				p := map[string]any{"event": k.ID, "limit": limit, "afterFrom": nil, "afterPerson": nil}
				if after != nil {
					ms, err := strconv.ParseInt(after[0], 10, 64)
					if err != nil {
						return nil, InvalidArg(op, "after", "not a cursor of this list")
					}
					p["afterFrom"], p["afterPerson"] = ms, after[1]
				}
				var got []*Attendance
				err := collect(ctx, tx, `MATCH (e:Event {id: $event})<-[a:ATTENDED]-(p:Person)
					WHERE $afterFrom IS NULL OR a.from.epochMillis > $afterFrom
					   OR (a.from.epochMillis = $afterFrom AND p.id > $afterPerson)
					RETURN p.id AS person, a.from AS from, a.to AS to, a.proximity AS proximity
					ORDER BY a.from.epochMillis, person LIMIT $limit`, p, func(r *Record) {
					got = append(got, &Attendance{PersonID: str(get(r, "person")), EventID: k.ID,
						From: mustTime(get(r, "from")), To: mustTime(get(r, "to")), Proximity: str(get(r, "proximity"))})
				})
				return got, err
			}, attendeeKey, func(a *Attendance) string { return a.PersonID })
			if err != nil {
				return nil, err
			}
			page := &AttendancePage{Items: rows, HasNext: more}
			if n := len(rows); n > 0 {
				page.EndCursor = encodeCursor("attendee", attendeeKey(rows[n-1])...)
			}
			out[k] = page
		}
		return out, nil
	})
}

// CoAttendees returns a page of each person's co-attendances: the attendances of other
// people at an event the person attended whose interval overlaps one of the person's
// own there by more than zero (SPEC §4's shared-event test, without the case's
// infectious window: this is who was there, not who is a contact). By the other's
// arrival, event id and person id.
func (s *Service) CoAttendees(ctx context.Context, keys []PageKey) (map[PageKey]*CoAttendancePage, error) {
	const op = "coAttendees"
	for _, k := range keys {
		if _, err := checkPage(op, k.First, k.After, "coattendee"); err != nil {
			return nil, err
		}
	}
	return Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) (map[PageKey]*CoAttendancePage, error) {
		out := make(map[PageKey]*CoAttendancePage, len(keys))
		for _, k := range keys {
			cur, _ := checkPage(op, k.First, k.After, "coattendee")
			if cur != nil && len(cur) != 3 {
				return nil, InvalidArg(op, "after", "not a cursor of this list")
			}
			key := func(c *CoAttendance) []string {
				return []string{millis(c.From), c.EventID, c.Attendance.PersonID}
			}
			rows, more, err := visiblePage(ctx, s, tx, k.First, cur, func(after []string, limit int) ([]*CoAttendance, error) {
				p := map[string]any{"person": k.ID, "limit": limit, "afterFrom": nil, "afterEvent": nil, "afterPerson": nil}
				if after != nil {
					ms, err := strconv.ParseInt(after[0], 10, 64)
					if err != nil {
						return nil, InvalidArg(op, "after", "not a cursor of this list")
					}
					p["afterFrom"], p["afterEvent"], p["afterPerson"] = ms, after[1], after[2]
				}
				var got []*CoAttendance
				// One row per other attendance: with several own attendances at one
				// event, the overlap is taken with the earliest one that overlaps.
				err := collect(ctx, tx, `MATCH (me:Person {id: $person})-[mine:ATTENDED]->(e:Event)<-[a:ATTENDED]-(o:Person)
					WHERE o <> me AND a.from < mine.to AND mine.from < a.to
					  AND ($afterFrom IS NULL OR a.from.epochMillis > $afterFrom
					       OR (a.from.epochMillis = $afterFrom AND (e.id > $afterEvent OR (e.id = $afterEvent AND o.id > $afterPerson))))
					WITH e, a, o, mine ORDER BY mine.from
					WITH e, a, o, head(collect(mine)) AS mine
					RETURN e.id AS event, o.id AS other, a.from AS from, a.to AS to, a.proximity AS proximity,
					  CASE WHEN a.from > mine.from THEN a.from ELSE mine.from END AS overlapFrom,
					  CASE WHEN a.to < mine.to THEN a.to ELSE mine.to END AS overlapTo
					ORDER BY a.from.epochMillis, event, other LIMIT $limit`, p, func(r *Record) {
					got = append(got, &CoAttendance{PersonID: k.ID, Attendance: Attendance{PersonID: str(get(r, "other")),
						EventID: str(get(r, "event")), From: mustTime(get(r, "from")), To: mustTime(get(r, "to")),
						Proximity: str(get(r, "proximity"))},
						OverlapFrom: mustTime(get(r, "overlapFrom")), OverlapTo: mustTime(get(r, "overlapTo"))})
				})
				return got, err
			}, key, func(c *CoAttendance) string { return c.Attendance.PersonID })
			if err != nil {
				return nil, err
			}
			page := &CoAttendancePage{Items: rows, HasNext: more}
			if n := len(rows); n > 0 {
				page.EndCursor = encodeCursor("coattendee", key(rows[n-1])...)
			}
			out[k] = page
		}
		return out, nil
	})
}

// Cursors hold instants as epoch milliseconds: Cypher orders two DATETIMEs of one
// instant in different zones as unequal, so a cursor compares instants, not values.
func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

func attendeeKey(a *Attendance) []string { return []string{millis(a.From), a.PersonID} }

// visiblePage reads rows in key order after the cursor until it has first+1 rows whose
// person the principal in ctx may see (scopeOfTx, in the same transaction), or none
// are left. Rows of people the reader may not see are skipped, so a page and its
// cursor never stop on one of them.
func visiblePage[T any](ctx context.Context, s *Service, tx Tx, first int, after []string,
	fetch func(after []string, limit int) ([]T, error), key func(T) []string, personID func(T) string) ([]T, bool, error) {
	var out []T
	batch := max(first+1, 100)
	for {
		rows, err := fetch(after, batch)
		if err != nil {
			return nil, false, err
		}
		ids := make([]string, 0, len(rows))
		for _, r := range rows {
			ids = append(ids, personID(r))
		}
		scope, err := s.scopeOfTx(ctx, tx, ids)
		if err != nil {
			return nil, false, err
		}
		for _, r := range rows {
			if scope[personID(r)] != OutOfScope {
				out = append(out, r)
			}
			if len(out) > first {
				return out[:first], true, nil
			}
		}
		if len(rows) < batch {
			return out, false, nil
		}
		after = key(rows[len(rows)-1])
	}
}

// pageKeyString and ParsePageKey let a loader key pages by one string.
func (k PageKey) String() string {
	return k.ID + "\x00" + strconv.Itoa(k.First) + "\x00" + k.After
}

// ParsePageKey reads a PageKey made by String.
func ParsePageKey(s string) PageKey {
	parts := strings.SplitN(s, "\x00", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	n, _ := strconv.Atoi(parts[1])
	return PageKey{ID: parts[0], First: n, After: parts[2]}
}
