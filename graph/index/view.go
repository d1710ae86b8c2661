package index

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// view is graph.Facts over the store, read under the follower's read lock. Each method
// keeps the contract of its Cypher twin (graph/facts_cypher.go); the conformance replay
// runs through both.
type view struct {
	s   *store
	loc *time.Location
}

var _ graph.Facts = view{}

func (v view) in(t time.Time) time.Time { return t.In(v.loc) }

func (v view) inP(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	x := t.In(v.loc)
	return &x
}

func (v view) PersonFacts(_ context.Context, ids []string, asOf time.Time) (map[string]*graph.PersonFacts, error) {
	out := make(map[string]*graph.PersonFacts, len(ids))
	for _, id := range ids {
		p := v.s.people[id]
		if p == nil {
			continue
		}
		f := &graph.PersonFacts{ID: p.ID, Name: p.Name, HouseholdID: p.HouseholdProp}
		if p.Case != nil {
			c := *p.Case
			c.ConfirmedAt, c.IsolatedAt = v.inP(c.ConfirmedAt), v.inP(c.IsolatedAt)
			f.Case = &c
		}
		for _, t := range p.Tests {
			if (t.Kind == "pcr" || t.Kind == "antigen") && t.Result == "positive" && t.SampledAt != nil && !t.SampledAt.After(asOf) {
				if f.FirstPositive == nil || t.SampledAt.Before(*f.FirstPositive) {
					f.FirstPositive = v.inP(t.SampledAt)
				}
			}
		}
		var placed []graph.Interval
		for _, q := range p.Quarantines {
			if q.Kind == "centralized" && q.PlacedAt != nil && !q.PlacedAt.After(asOf) {
				end := graph.FarFuture
				if q.End != nil {
					end = v.in(*q.End)
				}
				placed = append(placed, graph.Interval{From: v.in(*q.PlacedAt), To: end})
			}
		}
		var isolatedAt *time.Time
		if f.Case != nil {
			isolatedAt = f.Case.IsolatedAt
		}
		f.Isolations = graph.IsolationsOf(isolatedAt, placed, asOf)
		out[id] = f
	}
	return out, nil
}

// contactOverlaps: at ≤ to and at + ⌈duration⌉ ≥ from (the Cypher narrowing, seconds
// rounded up; the exact test is the rule's).
func contactOverlaps(c graph.ContactFact, h graph.Interval) bool {
	if c.At.After(h.To) {
		return false
	}
	d := 0.0
	if c.DurationMin != nil {
		d = *c.DurationMin
	}
	end := c.At.Add(time.Duration(math.Ceil(d*60)) * time.Second)
	return !end.Before(h.From)
}

func (v view) Neighbourhoods(_ context.Context, hulls map[string]graph.Interval, targets []string) (map[string]*graph.Neighbourhood, error) {
	var only map[string]bool
	if targets != nil {
		only = make(map[string]bool, len(targets))
		for _, t := range targets {
			only[t] = true
		}
	}
	ok := func(id string) bool { return only == nil || only[id] }
	out := make(map[string]*graph.Neighbourhood, len(hulls))
	for id, h := range hulls {
		n := &graph.Neighbourhood{}
		out[id] = n
		p := v.s.people[id]
		if p == nil {
			continue
		}
		if p.HouseholdID != "" {
			n.HouseholdID = p.HouseholdID
			for m := range v.s.members[p.HouseholdID] {
				if m != id && ok(m) {
					n.Members = append(n.Members, m)
				}
			}
			sort.Strings(n.Members)
		}
		for _, c := range p.Contacts {
			if ok(c.Other) && contactOverlaps(c, h) {
				n.Contacts = append(n.Contacts, graph.RawContact{Other: c.Other, At: v.in(c.At), DurationMin: c.DurationMin,
					Setting: c.Setting, Protected: c.Protected})
			}
		}
		for _, a := range p.Attendances {
			if a.From.After(h.To) || a.To.Before(h.From) {
				continue
			}
			e := v.s.events[a.EventID]
			if e == nil {
				continue
			}
			for _, b := range e.atts {
				if !b.a.From.Before(a.To) {
					break // sorted by start: no later one overlaps
				}
				if b.person == id || !b.a.To.After(a.From) || !ok(b.person) {
					continue
				}
				n.Attendances = append(n.Attendances, graph.RawAttendance{EventID: a.EventID, Indoor: e.indoor,
					From: v.in(a.From), To: v.in(a.To), Proximity: a.Proximity,
					Other: b.person, OtherFrom: v.in(b.a.From), OtherTo: v.in(b.a.To), OtherProximity: b.a.Proximity})
			}
		}
		for i := range p.Trips {
			t := &p.Trips[i]
			if t.NumberKey == "" || t.Depart == nil || t.Arrive == nil || t.Depart.After(h.To) || t.Arrive.Before(h.From) {
				continue
			}
			for _, o := range v.s.conveyances[convKey{t.Mode, t.NumberKey}] {
				if !o.t.Depart.Before(*t.Arrive) {
					break
				}
				if o.t.ID == t.ID || o.person == id || !o.t.Arrive.After(*t.Depart) || !ok(o.person) {
					continue
				}
				n.Trips = append(n.Trips, graph.RawTrip{TripID: t.ID, Mode: t.Mode, Number: t.Number, Seat: t.Seat,
					Depart: v.in(*t.Depart), Arrive: v.in(*t.Arrive), Other: o.person, OtherTripID: o.t.ID, OtherSeat: o.t.Seat,
					OtherDepart: v.in(*o.t.Depart), OtherArrive: v.in(*o.t.Arrive)})
			}
		}
	}
	return out, nil
}

func tracedStatus(s string) bool {
	switch s {
	case graph.StatusConfirmed, graph.StatusAsymptomatic, graph.StatusRecovered, graph.StatusDeceased:
		return true
	}
	return false
}

func counts(c *graph.Case, asOf time.Time) bool {
	return c != nil && (c.ConfirmedAt == nil || !c.ConfirmedAt.After(asOf))
}

func (v view) traced(id string, asOf time.Time) bool {
	p := v.s.cases[id]
	return p != nil && counts(p.Case, asOf) && tracedStatus(p.Case.Status)
}

func (v view) under(p *graph.PersonRecord, areas []string) bool {
	a := v.s.householdArea(p)
	if a == "" {
		return false
	}
	for _, x := range areas {
		if v.s.tree.Under(a, x) {
			return true
		}
	}
	return false
}

func (v view) TracedCaseIDs(_ context.Context, asOf time.Time, areas []string) ([]string, error) {
	var out []string
	for id, p := range v.s.cases {
		if v.traced(id, asOf) && (areas == nil || v.under(p, areas)) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (v view) NeighbourIDs(_ context.Context, hulls map[string]graph.Interval, onlyCases bool, asOf time.Time) ([]string, error) {
	set := map[string]bool{}
	add := func(id string) {
		if !onlyCases || v.traced(id, asOf) {
			set[id] = true
		}
	}
	type span struct {
		event    string
		from, to time.Time
	}
	seen := map[span]bool{} // a crowded event walked once per distinct attendance span
	for id, h := range hulls {
		p := v.s.people[id]
		if p == nil {
			continue
		}
		if p.HouseholdID != "" {
			for m := range v.s.members[p.HouseholdID] {
				if m != id {
					add(m)
				}
			}
		}
		for _, c := range p.Contacts {
			if contactOverlaps(c, h) {
				add(c.Other)
			}
		}
		for _, a := range p.Attendances {
			if a.From.After(h.To) || a.To.Before(h.From) {
				continue
			}
			k := span{a.EventID, a.From, a.To}
			if seen[k] {
				continue
			}
			seen[k] = true
			if e := v.s.events[a.EventID]; e != nil {
				for _, b := range e.atts {
					if !b.a.From.Before(a.To) {
						break
					}
					if b.a.To.After(a.From) {
						add(b.person)
					}
				}
			}
		}
		for i := range p.Trips {
			t := &p.Trips[i]
			if t.NumberKey == "" || t.Depart == nil || t.Arrive == nil || t.Depart.After(h.To) || t.Arrive.Before(h.From) {
				continue
			}
			for _, o := range v.s.conveyances[convKey{t.Mode, t.NumberKey}] {
				if !o.t.Depart.Before(*t.Arrive) {
					break
				}
				if o.t.ID != t.ID && o.t.Arrive.After(*t.Depart) {
					add(o.person)
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	return out, nil
}

func (v view) Arrivals(_ context.Context, ids []string, since, asOf time.Time) ([]graph.Arrival, error) {
	if ids == nil {
		for id := range v.s.people {
			ids = append(ids, id)
		}
	}
	var out []graph.Arrival
	for _, id := range ids {
		p := v.s.people[id]
		if p == nil {
			continue
		}
		for _, t := range p.Trips {
			if t.Arrive == nil || t.Depart == nil || t.FromArea == "" || !t.Arrive.After(since) || t.Arrive.After(asOf) {
				continue
			}
			level, designated := v.s.level(t.FromArea, *t.Depart)
			if level != "high" && level != "medium" {
				continue
			}
			out = append(out, graph.Arrival{PersonID: id, TripID: t.ID, FromArea: t.FromArea, DesignatedArea: designated,
				Level: level, ArriveAt: v.in(*t.Arrive), DepartAt: v.in(*t.Depart)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.PersonID != b.PersonID {
			return a.PersonID < b.PersonID
		}
		if !a.ArriveAt.Equal(b.ArriveAt) {
			return a.ArriveAt.Before(b.ArriveAt)
		}
		return a.TripID < b.TripID
	})
	return out, nil
}

func hot(t *float64, fever float64) bool { return t != nil && *t >= fever }

func between(t, after, upTo time.Time) bool { return t.After(after) && !t.After(upTo) }

func (v view) Readings(_ context.Context, ids []string, q graph.ReadingQuery) (map[string]*graph.Readings, error) {
	lo := graph.DateOf(q.FeverSince, q.Loc).AddDays(-1).In(time.UTC)
	hi := graph.DateOf(q.AsOf, q.Loc).AddDays(1).In(time.UTC)
	out := map[string]*graph.Readings{}
	for _, id := range ids {
		p := v.s.people[id]
		if p == nil {
			continue
		}
		rd := &graph.Readings{}
		out[id] = rd
		for _, t := range p.Tests {
			if (t.Kind == "pcr" || t.Kind == "antigen") && t.Result == "positive" && t.SampledAt != nil && between(*t.SampledAt, q.TestSince, q.AsOf) {
				rd.Tests = append(rd.Tests, graph.TestReading{ID: t.ID, Kind: t.Kind, SampledAt: v.in(*t.SampledAt)})
			}
		}
		for _, x := range p.Passages {
			if hot(x.Temperature, q.Fever) && between(x.At, q.FeverSince, q.AsOf) {
				x.At = v.in(x.At)
				rd.Passages = append(rd.Passages, x)
			}
		}
		for _, x := range p.Visits {
			if x.Status == "present" && hot(x.Temperature, q.Fever) && between(x.At, q.FeverSince, q.AsOf) {
				rd.Visits = append(rd.Visits, graph.VisitReading{HouseholdID: x.HouseholdID, At: v.in(x.At), Temperature: x.Temperature})
			}
		}
		for _, x := range p.Reports {
			d := x.Date.In(time.UTC)
			if hot(x.Temperature, q.Fever) && !d.Before(lo) && !d.After(hi) {
				rd.Reports = append(rd.Reports, x)
			}
		}
	}
	return out, nil
}

func (v view) AreaTree(context.Context) (*graph.AreaTree, error) { return v.s.tree, nil }

func (v view) HouseholdAreas(context.Context) ([]string, error) {
	set := map[string]bool{}
	for _, a := range v.s.households {
		if a != "" {
			set[a] = true
		}
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out, nil
}

func (v view) AreasOf(_ context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		if p := v.s.people[id]; p != nil {
			out[id] = v.s.householdArea(p)
		}
	}
	return out, nil
}

func (v view) CasesInArea(_ context.Context, ids []string, area string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, id := range ids {
		if p := v.s.people[id]; p != nil && v.under(p, []string{area}) {
			out[id] = true
		}
	}
	return out, nil
}

func (v view) CountedCases(_ context.Context, asOf time.Time) ([]graph.CountedCase, error) {
	var out []graph.CountedCase
	for id, p := range v.s.cases {
		if counts(p.Case, asOf) {
			out = append(out, graph.CountedCase{PersonID: id, Status: p.Case.Status, Area: v.s.householdArea(p), ConfirmedAt: v.inP(p.Case.ConfirmedAt)})
		}
	}
	return out, nil
}

func (v view) PeopleByArea(context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, p := range v.s.people {
		out[v.s.householdArea(p)]++
	}
	return out, nil
}

func (v view) OpenQuarantines(_ context.Context, asOf time.Time) ([]graph.QuarantineCount, error) {
	type key struct{ area, kind, status string }
	n := map[key]int{}
	for _, p := range v.s.quarantined {
		for _, q := range p.Quarantines {
			if (q.Status == graph.QStatusActive || q.Status == graph.QStatusPending) && q.Start != nil && q.End != nil &&
				!q.Start.After(asOf) && q.End.After(asOf) {
				n[key{v.s.householdArea(p), q.Kind, q.Status}]++
			}
		}
	}
	out := make([]graph.QuarantineCount, 0, len(n))
	for k, c := range n {
		out = append(out, graph.QuarantineCount{Area: k.area, Kind: k.kind, Status: k.status, N: c})
	}
	return out, nil
}

func (v view) Occupancy(_ context.Context, asOf time.Time) ([]graph.FacilityOccupancy, error) {
	occ := map[string]int{}
	for _, p := range v.s.quarantined {
		for _, q := range p.Quarantines {
			if q.FacilityID != "" && q.Kind == "centralized" && q.Status == graph.QStatusActive &&
				q.PlacedAt != nil && !q.PlacedAt.After(asOf) && q.End != nil && q.End.After(asOf) {
				occ[q.FacilityID]++
			}
		}
	}
	out := make([]graph.FacilityOccupancy, 0, len(v.s.facilities))
	for _, f := range v.s.facilities {
		out = append(out, graph.FacilityOccupancy{Facility: f, Occupied: occ[f.ID]})
	}
	return out, nil
}

func (v view) NonGreenSeeds(_ context.Context, q graph.ReadingQuery, arrivalSince time.Time) ([]string, error) {
	lo := graph.DateOf(q.FeverSince, q.Loc).In(time.UTC)
	hi := graph.DateOf(q.AsOf, q.Loc).In(time.UTC)
	var out []string
	for id, p := range v.s.people {
		if seed(p, q, arrivalSince, lo, hi) {
			out = append(out, id)
		}
	}
	return out, nil
}

func seed(p *graph.PersonRecord, q graph.ReadingQuery, arrivalSince, lo, hi time.Time) bool {
	if counts(p.Case, q.AsOf) {
		return true
	}
	for _, t := range p.Tests {
		if (t.Kind == "pcr" || t.Kind == "antigen") && t.Result == "positive" && t.SampledAt != nil && between(*t.SampledAt, q.TestSince, q.AsOf) {
			return true
		}
	}
	for _, t := range p.Trips {
		if t.HasFromArea && t.Arrive != nil && between(*t.Arrive, arrivalSince, q.AsOf) {
			return true
		}
	}
	for _, x := range p.Passages {
		if hot(x.Temperature, q.Fever) && between(x.At, q.FeverSince, q.AsOf) {
			return true
		}
	}
	for _, x := range p.Reports {
		d := x.Date.In(time.UTC)
		if hot(x.Temperature, q.Fever) && !d.Before(lo) && !d.After(hi) {
			return true
		}
	}
	return false
}

func (v view) SharedFacts(_ context.Context, ids []string, asOf time.Time) ([]graph.SharedFact, error) {
	in := make(map[string]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	seen := map[graph.SharedFact]bool{}
	var out []graph.SharedFact
	add := func(kind, a, b string) {
		if !in[b] || b <= a {
			return
		}
		f := graph.SharedFact{Kind: kind, A: a, B: b}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, a := range ids {
		p := v.s.people[a]
		if p == nil {
			continue
		}
		if p.HouseholdID != "" {
			for m := range v.s.members[p.HouseholdID] {
				add(graph.ExpHousehold, a, m)
			}
		}
		for _, c := range p.Contacts {
			if !c.At.After(asOf) {
				add(graph.ExpDirectContact, a, c.Other)
			}
		}
		for _, x := range p.Attendances {
			if x.From.After(asOf) {
				continue
			}
			if e := v.s.events[x.EventID]; e != nil {
				for _, y := range e.atts {
					if y.a.From.After(asOf) {
						break
					}
					add(graph.ExpEvent, a, y.person)
				}
			}
		}
		for i := range p.Trips {
			t := &p.Trips[i]
			if t.NumberKey == "" || t.Depart == nil || t.Arrive == nil || !t.Depart.Before(asOf) {
				continue
			}
			for _, o := range v.s.conveyances[convKey{t.Mode, t.NumberKey}] {
				if o.t.ID != t.ID && o.t.Depart.Before(asOf) && o.t.Depart.Before(*t.Arrive) && o.t.Arrive.After(*t.Depart) {
					add(graph.ExpConveyance, a, o.person)
				}
			}
		}
	}
	return out, nil
}
