package index

import (
	"sort"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// store is the facts in memory: every person's record as stored (graph.PersonRecord)
// and the cross-person lookups the rules walk — household members, each event's
// attendances sorted by start, each conveyance's (mode, number) trips sorted by
// departure — plus the small tables. A person's record is replaced whole when a change
// touches them (apply), so applying is idempotent and covers deletions.
type store struct {
	people      map[string]*graph.PersonRecord
	cases       map[string]*graph.PersonRecord // people with a case record
	quarantined map[string]*graph.PersonRecord // people with an assignment
	members     map[string]map[string]bool     // household (MEMBER_OF) → person ids
	events      map[string]*event
	conveyances map[convKey][]tripRef

	households   map[string]string // household → area
	tree         *graph.AreaTree
	areas        []graph.Area
	designations map[string][]graph.DesignationFact // by area, since ascending
	facilities   []graph.Facility

	owners map[string]string // test, trip and assignment ids → the person who held them
	dirty  map[string]bool   // events whose attendances must be sorted again
	dirtyC map[convKey]bool
}

type event struct {
	indoor bool
	atts   []attRef // sorted by From
}

type attRef struct {
	person string
	a      graph.AttendanceFact
}

type convKey struct{ mode, numberKey string }

type tripRef struct {
	person string
	t      *graph.TripFact
}

func newStore() *store {
	return &store{people: map[string]*graph.PersonRecord{}, cases: map[string]*graph.PersonRecord{},
		quarantined: map[string]*graph.PersonRecord{}, members: map[string]map[string]bool{},
		events: map[string]*event{}, conveyances: map[convKey][]tripRef{}, households: map[string]string{},
		designations: map[string][]graph.DesignationFact{}, owners: map[string]string{},
		dirty: map[string]bool{}, dirtyC: map[convKey]bool{}, tree: graph.NewAreaTree(nil)}
}

// setStatic replaces the small tables.
func (s *store) setStatic(st *graph.StaticFacts) {
	s.areas = st.Areas
	s.tree = graph.NewAreaTree(st.Areas)
	s.designations = map[string][]graph.DesignationFact{}
	for _, d := range st.Designations {
		s.designations[d.AreaCode] = append(s.designations[d.AreaCode], d)
	}
	for _, ds := range s.designations {
		sort.SliceStable(ds, func(i, j int) bool { return ds[i].Since.Before(ds[j].Since) })
	}
	s.households = st.Households
	for id, indoor := range st.Events {
		if e := s.events[id]; e != nil {
			e.indoor = indoor
		} else {
			s.events[id] = &event{indoor: indoor}
		}
	}
	for id, e := range s.events {
		if _, ok := st.Events[id]; !ok && len(e.atts) == 0 {
			delete(s.events, id)
		}
	}
	s.facilities = st.Facilities
}

// remove takes a person's record out of every lookup.
func (s *store) remove(id string) {
	old := s.people[id]
	if old == nil {
		return
	}
	delete(s.people, id)
	delete(s.cases, id)
	delete(s.quarantined, id)
	if m := s.members[old.HouseholdID]; m != nil {
		delete(m, id)
	}
	for _, a := range old.Attendances {
		if e := s.events[a.EventID]; e != nil {
			kept := e.atts[:0]
			for _, x := range e.atts {
				if x.person != id {
					kept = append(kept, x)
				}
			}
			e.atts = kept
		}
	}
	for i := range old.Trips {
		t := &old.Trips[i]
		if t.NumberKey == "" {
			continue
		}
		k := convKey{t.Mode, t.NumberKey}
		kept := s.conveyances[k][:0]
		for _, x := range s.conveyances[k] {
			if x.person != id {
				kept = append(kept, x)
			}
		}
		if len(kept) == 0 {
			delete(s.conveyances, k)
		} else {
			s.conveyances[k] = kept
		}
	}
}

// utc puts every time of a record in UTC: the driver gives each value its own fixed
// zone (an allocation per time), and the views answer in the service's zone anyway.
func utc(p *graph.PersonRecord) {
	u := func(t *time.Time) {
		if t != nil {
			*t = t.UTC()
		}
	}
	if p.Case != nil {
		c := *p.Case
		if c.ConfirmedAt != nil {
			x := c.ConfirmedAt.UTC()
			c.ConfirmedAt = &x
		}
		if c.IsolatedAt != nil {
			x := c.IsolatedAt.UTC()
			c.IsolatedAt = &x
		}
		p.Case = &c
	}
	for i := range p.Tests {
		u(p.Tests[i].SampledAt)
	}
	for i := range p.Contacts {
		u(&p.Contacts[i].At)
	}
	for i := range p.Attendances {
		u(&p.Attendances[i].From)
		u(&p.Attendances[i].To)
	}
	for i := range p.Trips {
		u(p.Trips[i].Depart)
		u(p.Trips[i].Arrive)
	}
	for i := range p.Passages {
		u(&p.Passages[i].At)
	}
	for i := range p.Visits {
		u(&p.Visits[i].At)
	}
	for i := range p.Quarantines {
		u(p.Quarantines[i].Start)
		u(p.Quarantines[i].End)
		u(p.Quarantines[i].PlacedAt)
	}
}

// put replaces a person's record; sortDirty must run before the store is read.
func (s *store) put(p graph.PersonRecord) {
	utc(&p)
	s.remove(p.ID)
	rec := &p
	s.people[p.ID] = rec
	if p.Case != nil {
		s.cases[p.ID] = rec
	}
	if len(p.Quarantines) > 0 {
		s.quarantined[p.ID] = rec
	}
	if p.HouseholdID != "" {
		m := s.members[p.HouseholdID]
		if m == nil {
			m = map[string]bool{}
			s.members[p.HouseholdID] = m
		}
		m[p.ID] = true
	}
	for _, a := range p.Attendances {
		e := s.events[a.EventID]
		if e == nil {
			e = &event{indoor: true}
			s.events[a.EventID] = e
		}
		e.atts = append(e.atts, attRef{person: p.ID, a: a})
		s.dirty[a.EventID] = true
	}
	for i := range p.Trips {
		t := &p.Trips[i]
		s.owners["trip:"+t.ID] = p.ID
		if t.NumberKey == "" || t.Depart == nil || t.Arrive == nil {
			continue
		}
		k := convKey{t.Mode, t.NumberKey}
		s.conveyances[k] = append(s.conveyances[k], tripRef{person: p.ID, t: t})
		s.dirtyC[k] = true
	}
	for _, t := range p.Tests {
		s.owners["test:"+t.ID] = p.ID
	}
	for _, q := range p.Quarantines {
		s.owners["quarantine:"+q.ID] = p.ID
	}
}

func (s *store) sortDirty() {
	for id := range s.dirty {
		if e := s.events[id]; e != nil {
			sort.SliceStable(e.atts, func(i, j int) bool { return e.atts[i].a.From.Before(e.atts[j].a.From) })
		}
	}
	for k := range s.dirtyC {
		ts := s.conveyances[k]
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].t.Depart.Before(*ts[j].t.Depart) })
	}
	clear(s.dirty)
	clear(s.dirtyC)
}

// householdArea is a person's household area ("" without a household or area).
func (s *store) householdArea(p *graph.PersonRecord) string {
	if p == nil || p.HouseholdID == "" {
		return ""
	}
	return s.households[p.HouseholdID]
}

// level is the effective level of an area at t: the nearest ancestor-or-self with a
// designation since ≤ t gives it (its latest such one), with that area.
func (s *store) level(area string, t time.Time) (level, designated string) {
	for a, n := area, 0; a != "" && n < 1000; a, n = s.tree.Parent(a), n+1 {
		ds := s.designations[a]
		for i := len(ds) - 1; i >= 0; i-- {
			if !ds[i].Since.After(t) {
				return ds[i].Level, a
			}
		}
	}
	return "", ""
}
