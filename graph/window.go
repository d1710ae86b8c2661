package graph

import (
	"sort"
	"time"
)

// This file holds SPEC §4's clocks: when a case counts, its reference date and time,
// isolations and isolation points, and the infectious window. Everything here is pure
// Go over facts already read from the graph, so the rules can be tested as tables.

// Interval is a closed interval [From, To].
type Interval struct{ From, To time.Time }

// Empty reports whether the interval ends before it starts. [t, t] is not empty: the
// spec's intervals are closed, so a single instant is a moment of exposure.
func (iv Interval) Empty() bool { return iv.To.Before(iv.From) }

// Intersect is iv ∩ o (possibly empty).
func (iv Interval) Intersect(o Interval) Interval {
	return Interval{From: maxTime(iv.From, o.From), To: minTime(iv.To, o.To)}
}

// Overlaps reports whether the closed intervals share at least one instant.
func (iv Interval) Overlaps(o Interval) bool { return !iv.Intersect(o).Empty() }

// Length is To − From (zero or negative for an empty or single-instant interval).
func (iv Interval) Length() time.Duration { return iv.To.Sub(iv.From) }

// zoned puts a time in the service's zone before it is sent to Neo4j: the driver cannot
// send a time in Go's Local zone (or a parsed offset that Go maps to Local), and answers
// read better in the zone of the county anyway.
func (s *Service) zoned(t time.Time) time.Time { return t.In(s.Loc) }

// farFuture closes open-ended isolations (a case's isolatedAt has no end).
var farFuture = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Case status groups of SPEC §4–5.
func tracedStatus(s string) bool {
	switch s {
	case StatusConfirmed, StatusAsymptomatic, StatusRecovered, StatusDeceased:
		return true
	}
	return false
}

func activeStatus(s string) bool {
	switch s {
	case StatusSuspected, StatusConfirmed, StatusAsymptomatic:
		return true
	}
	return false
}

// personFacts is what the rules need to know about one person beyond their exposures:
// their case (if any), their first positive sample and their isolations, all as of the
// asOf they were read for.
type personFacts struct {
	ID          string
	Name        string
	HouseholdID string
	Case        *Case
	// FirstPositive is the earliest pcr or antigen sample with result positive taken
	// at or before asOf (antibody tests never count).
	FirstPositive *time.Time
	// Isolations: [isolatedAt, ∞) once isolatedAt ≤ asOf, and [placedAt, end] for each
	// centralized assignment placed at or before asOf. Sorted by start.
	Isolations []Interval
}

// caseCounts: a case counts once its confirmedAt ≤ asOf, or when it has none.
func caseCounts(c *Case, asOf time.Time) bool {
	return c != nil && (c.ConfirmedAt == nil || !c.ConfirmedAt.After(asOf))
}

// isTraced: a case that counts with status confirmed, asymptomatic, recovered or
// deceased. Suspected cases are shown but not traced.
func (f *personFacts) isTraced(asOf time.Time) bool {
	return caseCounts(f.Case, asOf) && tracedStatus(f.Case.Status)
}

// caseStatusAsOf is the status shown next to a contact who is also a case: "" unless
// their case counts as of asOf (a case confirmed later does not exist yet).
func (f *personFacts) caseStatusAsOf(asOf time.Time) string {
	if f == nil || !caseCounts(f.Case, asOf) {
		return ""
	}
	return f.Case.Status
}

// referenceDate is the onset date, else the local date of the first positive sample,
// else the local date of confirmedAt.
func (f *personFacts) referenceDate(loc *time.Location) (Date, bool) {
	switch {
	case f.Case != nil && f.Case.OnsetDate != nil:
		return *f.Case.OnsetDate, true
	case f.FirstPositive != nil:
		return DateOf(*f.FirstPositive, loc), true
	case f.Case != nil && f.Case.ConfirmedAt != nil:
		return DateOf(*f.Case.ConfirmedAt, loc), true
	}
	return Date{}, false
}

// Reference kinds (SPEC §4 rev 5): which date a case's reference time comes from, in
// the GraphQL enum spelling. RefNone is a traced case with none of the three dates (it
// has no window and no links); the SPEC's enum has no name for it, see docs/rules.md.
const (
	RefOnset        = "ONSET"
	RefSample       = "SAMPLE"
	RefConfirmation = "CONFIRMATION"
	RefNone         = "NONE"
)

// reference (for likely-source links, index cases and the order of introductions) is
// 00:00 local of the onset date, else the first positive sample's time, else
// confirmedAt, with the kind of date it came from.
func (f *personFacts) reference(loc *time.Location) (time.Time, string) {
	switch {
	case f.Case != nil && f.Case.OnsetDate != nil:
		return f.Case.OnsetDate.In(loc), RefOnset
	case f.FirstPositive != nil:
		return *f.FirstPositive, RefSample
	case f.Case != nil && f.Case.ConfirmedAt != nil:
		return *f.Case.ConfirmedAt, RefConfirmation
	}
	return time.Time{}, RefNone
}

// referenceTime is reference's time, and false when the case has none.
func (f *personFacts) referenceTime(loc *time.Location) (time.Time, bool) {
	t, kind := f.reference(loc)
	return t, kind != RefNone
}

// isolationsOf builds a person's isolations as of asOf from their case's isolatedAt and
// their placed centralized assignments. Home quarantine, health monitoring and pending
// assignments isolate no one, so callers pass only placed centralized ones.
func isolationsOf(isolatedAt *time.Time, placed []Interval, asOf time.Time) []Interval {
	var out []Interval
	if isolatedAt != nil && !isolatedAt.After(asOf) {
		out = append(out, Interval{*isolatedAt, farFuture})
	}
	for _, q := range placed {
		if !q.From.After(asOf) {
			out = append(out, q)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From.Before(out[j].From) })
	return out
}

// isolationPoint is SPEC §4's isolation point after t: the start of the isolation the
// person is in at t (inside is then true: a window starting at t is empty), else the
// start of their first isolation that begins after t. ok is false when there is none.
func isolationPoint(isos []Interval, t time.Time) (point time.Time, inside, ok bool) {
	for _, iv := range isos {
		if !iv.From.After(t) && !iv.To.Before(t) {
			return iv.From, true, true
		}
	}
	for _, iv := range isos { // sorted by start
		if iv.From.After(t) {
			return iv.From, false, true
		}
	}
	return time.Time{}, false, false
}

// windowFrom is the interval from start to the earliest of the person's isolation point
// after start and limit; empty when they are isolated at start.
func windowFrom(start, limit time.Time, isos []Interval) (Interval, bool) {
	end := limit
	p, inside, ok := isolationPoint(isos, start)
	if inside {
		return Interval{start, p}, false
	}
	if ok && p.Before(end) {
		end = p
	}
	w := Interval{start, end}
	return w, !w.Empty()
}

// infectiousWindow is W of SPEC §4: from 00:00 local of (reference date − lead days) to
// the case's isolation point after that start, never after asOf. hasWindow is false for
// a case with no dates at all; nonEmpty is false when W ends before it starts.
func (s *Service) infectiousWindow(f *personFacts, asOf time.Time) (w Interval, hasWindow, nonEmpty bool) {
	ref, ok := f.referenceDate(s.Loc)
	if !ok {
		return Interval{}, false, false
	}
	start := ref.AddDays(-s.Policy.WindowLeadDays).In(s.Loc)
	w, nonEmpty = windowFrom(start, asOf, f.Isolations)
	return w, true, nonEmpty
}

// freeSpan is x less the isolations, as one interval from the start of its first free
// part to the end of its last (SPEC §4, household exposure). ok is false when the person
// was isolated throughout x. Isolations are closed, so a free part that follows one
// starts at its end (the infimum of the part).
func freeSpan(x Interval, isos []Interval) (Interval, bool) {
	if x.Empty() {
		return Interval{}, false
	}
	var first, last time.Time
	found := false
	cur := x.From
	curFree := true // cur itself is free (no isolation has covered it yet)
	for _, iv := range isos {
		if iv.To.Before(x.From) || iv.From.After(x.To) {
			continue
		}
		if iv.To.Before(cur) || (iv.To.Equal(cur) && !curFree) {
			continue // already passed
		}
		if cur.Before(iv.From) { // a free gap [cur, iv.From)
			if !found {
				first, found = cur, true
			}
			last = iv.From
		}
		if iv.To.After(cur) || curFree {
			cur = maxTime(cur, iv.To)
		}
		curFree = false
	}
	if curFree || cur.Before(x.To) {
		if !found {
			first, found = cur, true
		}
		last = x.To
	}
	if !found {
		return Interval{}, false
	}
	return Interval{first, last}, true
}
