package graph

import (
	"context"
	"sort"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// This file is SPEC §4 "Contacts and degrees": contact chains to maxDepth, contact
// windows, CLOSE beats GENERAL, smallest degree. The graph is read in a few batched
// round trips per degree (all sources of a degree at once, for all cases at once);
// Go applies the rules.

// MaxChainDepth is the deepest chain a caller may ask for.
const MaxChainDepth = 5

// ChainContact is one person in a case's contact chain.
type ChainContact struct {
	PersonID       string
	Name           string
	Degree         int
	Class          string    // CLOSE or GENERAL
	LastExposureAt time.Time // the latest of their exposures' times
	Exposures      []Exposure
	Via            []string  // the degree-(k-1) people (or the case) they were reached from
	CaseStatus     string    // "" unless the contact is also a case (that counts as of asOf)
	ContactWindow  *Interval // for CLOSE contacts: the window used to reach degree k+1
}

// Chain is a traced case's contact chain as of a moment.
type Chain struct {
	SourceID     string
	SourceName   string
	SourceStatus string
	Window       Interval // the case's infectious window W
	Empty        bool     // W is empty (or the case has no window)
	HasWindow    bool     // false when the case has no reference date at all
	AsOf         time.Time
	MaxDepth     int
	Contacts     []ChainContact // ordered by degree, then person id
}

// Contact returns the chain's entry for a person, if any.
func (c *Chain) Contact(personID string) *ChainContact {
	for i := range c.Contacts {
		if c.Contacts[i].PersonID == personID {
			return &c.Contacts[i]
		}
	}
	return nil
}

// ContactChain is SPEC §4: the contacts of a traced case to maxDepth as of asOf. A person
// who is not a traced case as of asOf gives an Invalid error; maxDepth must be 1..5.
func (s *Service) ContactChain(ctx context.Context, caseID string, maxDepth int, asOf time.Time) (*Chain, error) {
	const op = "contactChain"
	asOf = s.zoned(asOf)
	if maxDepth < 1 || maxDepth > MaxChainDepth {
		return nil, InvalidArg(op, "maxDepth", "must be between 1 and %d, got %d", MaxChainDepth, maxDepth)
	}
	return readFacts(ctx, s, op, func(ctx context.Context, fs Facts) (*Chain, error) {
		facts, err := fs.PersonFacts(ctx, []string{caseID}, asOf)
		if err != nil {
			return nil, err
		}
		f, ok := facts[caseID]
		if !ok {
			return nil, &Error{Kind: NotFound, Op: op, Field: "caseId", Msg: "no person " + caseID}
		}
		if !f.isTraced(asOf) {
			return nil, InvalidArg(op, "caseId", "%s is not a traced case as of %s", caseID, asOf.In(s.Loc).Format(time.RFC3339))
		}
		chains, err := s.chainsTx(ctx, fs, []*personFacts{f}, facts, maxDepth, asOf, nil)
		if err != nil {
			return nil, err
		}
		return chains[0], nil
	})
}

// TracedCaseIDs lists the people whose case counts as of asOf and is traced, by id.
func (s *Service) TracedCaseIDs(ctx context.Context, asOf time.Time) ([]string, error) {
	asOf = s.zoned(asOf)
	return readFacts(ctx, s, "tracedCases", func(ctx context.Context, fs Facts) ([]string, error) {
		return fs.TracedCaseIDs(ctx, asOf, nil)
	})
}

// chainState is one case's chain while it is being built.
type chainState struct {
	chain    *Chain
	contacts map[string]*ChainContact
	general  map[string][]Exposure // GENERAL exposures to the case itself
	frontier map[string]Interval   // degree-k close contacts and their contact windows
}

// chainsTx builds the chains of several cases at once, degree by degree: at each degree
// one batch reads the neighbourhoods of every source of every case. facts is a cache of
// person facts (it is filled as people are met).
//
// focus, when not nil, narrows the chains to what decides some people's roles: at
// degree k only exposures to focus[k-1] are read (risk reads degree 1 towards the
// people and everyone linked to them, degree 2 towards the people only). The entries of
// those people are exact; everyone else may be missing.
func (s *Service) chainsTx(ctx context.Context, fs Facts, cases []*personFacts, facts map[string]*personFacts, maxDepth int, asOf time.Time, focus [][]string) ([]*Chain, error) {
	states := make([]*chainState, len(cases))
	for i, f := range cases {
		ch := &Chain{SourceID: f.ID, SourceName: f.Name, SourceStatus: f.caseStatusAsOf(asOf), AsOf: asOf, MaxDepth: maxDepth}
		st := &chainState{chain: ch, contacts: map[string]*ChainContact{}, general: map[string][]Exposure{}, frontier: map[string]Interval{}}
		w, has, nonEmpty := s.infectiousWindow(f, asOf)
		ch.Window, ch.HasWindow, ch.Empty = w, has, !nonEmpty
		if nonEmpty {
			st.frontier[f.ID] = w
		}
		states[i] = st
	}
	for k := 1; k <= maxDepth; k++ {
		hulls := map[string]Interval{}
		for _, st := range states {
			for p, w := range st.frontier {
				if h, ok := hulls[p]; ok {
					hulls[p] = Interval{minTime(h.From, w.From), maxTime(h.To, w.To)}
				} else {
					hulls[p] = w
				}
			}
		}
		if len(hulls) == 0 {
			break
		}
		var targets []string
		if focus != nil && k-1 < len(focus) {
			targets = focus[k-1]
		}
		nbs, err := fs.Neighbourhoods(ctx, hulls, targets)
		if err != nil {
			return nil, err
		}
		if err := fillFacts(ctx, fs, facts, nbs, asOf); err != nil {
			return nil, err
		}
		for _, st := range states {
			s.advance(st, k, maxDepth, nbs, facts, asOf)
		}
	}
	out := make([]*Chain, len(states))
	for i, st := range states {
		for pid, es := range st.general {
			if _, close := st.contacts[pid]; close {
				continue // CLOSE beats GENERAL
			}
			sortExposures(es)
			cc := &ChainContact{PersonID: pid, Degree: 1, Class: ClassGeneral, Exposures: es,
				Via: []string{st.chain.SourceID}, LastExposureAt: lastTime(es)}
			if f := facts[pid]; f != nil {
				cc.Name, cc.CaseStatus = f.Name, f.caseStatusAsOf(asOf)
			}
			st.contacts[pid] = cc
		}
		cs := make([]ChainContact, 0, len(st.contacts))
		for _, c := range st.contacts {
			cs = append(cs, *c)
		}
		sort.Slice(cs, func(a, b int) bool {
			if cs[a].Degree != cs[b].Degree {
				return cs[a].Degree < cs[b].Degree
			}
			return cs[a].PersonID < cs[b].PersonID
		})
		st.chain.Contacts = cs
		out[i] = st.chain
	}
	return out, nil
}

// advance reaches degree k of one chain from its frontier (the case at k = 1, else the
// degree k−1 close contacts in their contact windows).
func (s *Service) advance(st *chainState, k, maxDepth int, nbs map[string]*neighbourhood, facts map[string]*personFacts, asOf time.Time) {
	caseID := st.chain.SourceID
	sources := make([]string, 0, len(st.frontier))
	for p := range st.frontier {
		sources = append(sources, p)
	}
	sort.Strings(sources)
	newly := map[string][]Exposure{}
	for _, src := range sources {
		for _, e := range s.Policy.exposuresFrom(src, st.frontier[src], nbs[src], facts) {
			if e.PersonID == caseID {
				continue // the case is never its own contact
			}
			if e.Class == ClassGeneral {
				if k == 1 {
					st.general[e.PersonID] = append(st.general[e.PersonID], e)
				}
				continue // GENERAL exposures never propagate
			}
			if _, earlier := st.contacts[e.PersonID]; earlier {
				continue // reached at a smaller degree
			}
			newly[e.PersonID] = append(newly[e.PersonID], e)
		}
	}
	st.frontier = map[string]Interval{}
	for pid, es := range newly {
		sortExposures(es)
		cc := &ChainContact{PersonID: pid, Degree: k, Class: ClassClose, Exposures: es,
			LastExposureAt: lastTime(es), Via: distinctSources(es)}
		var isos []Interval
		if f := facts[pid]; f != nil {
			cc.Name, cc.CaseStatus = f.Name, f.caseStatusAsOf(asOf)
			isos = f.Isolations
		}
		start := es[0].From
		for _, e := range es {
			start = minTime(start, e.From)
		}
		limit := minTime(cc.LastExposureAt.Add(time.Duration(s.Policy.ContactWindowDays)*Day), asOf)
		w, ok := windowFrom(start, limit, isos)
		cc.ContactWindow = &w
		st.contacts[pid] = cc
		if ok && k < maxDepth {
			st.frontier[pid] = w
		}
	}
}

func lastTime(es []Exposure) time.Time {
	var t time.Time
	for i, e := range es {
		if i == 0 || e.To.After(t) {
			t = e.To
		}
	}
	return t
}

func distinctSources(es []Exposure) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range es {
		if !seen[e.SourceID] {
			seen[e.SourceID] = true
			out = append(out, e.SourceID)
		}
	}
	sort.Strings(out)
	return out
}

// fillFacts reads the facts of every person met in the neighbourhoods that the cache
// does not hold yet.
func fillFacts(ctx context.Context, fs Facts, facts map[string]*personFacts, nbs map[string]*neighbourhood, asOf time.Time) error {
	need := map[string]bool{}
	add := func(id string) {
		if _, ok := facts[id]; !ok {
			need[id] = true
		}
	}
	for id, n := range nbs {
		add(id)
		for _, m := range n.Members {
			add(m)
		}
		for _, c := range n.Contacts {
			add(c.Other)
		}
		for _, a := range n.Attendances {
			add(a.Other)
		}
		for _, t := range n.Trips {
			add(t.Other)
		}
	}
	if len(need) == 0 {
		return nil
	}
	ids := make([]string, 0, len(need))
	for id := range need {
		ids = append(ids, id)
	}
	got, err := fs.PersonFacts(ctx, ids, asOf)
	if err != nil {
		return err
	}
	for id, f := range got {
		facts[id] = f
	}
	return nil
}

// floatOf reads an optional number property.
func floatOf(v any) *float64 {
	switch n := v.(type) {
	case float64:
		return &n
	case int64:
		f := float64(n)
		return &f
	}
	return nil
}

// dateOf reads an optional DATE property.
func dateOf(v any) *Date {
	if d, ok := v.(dbtype.Date); ok {
		t := d.Time()
		return &Date{t.Year(), t.Month(), t.Day()}
	}
	return nil
}

// CaseOf is a person's case record, nil when they have none. It is returned whatever
// its confirmedAt: the caller decides what counts as of when.
func (s *Service) CaseOf(ctx context.Context, personID string) (*Case, error) {
	return readFacts(ctx, s, "case", func(ctx context.Context, fs Facts) (*Case, error) {
		facts, err := fs.PersonFacts(ctx, []string{personID}, s.zoned(s.Now()))
		if err != nil {
			return nil, err
		}
		if f := facts[personID]; f != nil {
			return f.Case, nil
		}
		return nil, nil
	})
}

// PageContacts is one page of a chain's contacts in the chain's order (degree, then
// person id): those after the contact named by after (a person id of this chain), at
// most first of them. Without first, all the rest; without after, from the start.
func (ch *Chain) PageContacts(first *int, after *string) ([]ChainContact, error) {
	const op = "contactChain"
	cs := ch.Contacts
	if first != nil && *first < 0 {
		return nil, InvalidArg(op, "first", "must be at least 0, got %d", *first)
	}
	if after != nil {
		at := -1
		for i := range cs {
			if cs[i].PersonID == *after {
				at = i
				break
			}
		}
		if at < 0 {
			return nil, InvalidArg(op, "after", "%q is not a contact of this chain", *after)
		}
		cs = cs[at+1:]
	}
	if first != nil && *first < len(cs) {
		cs = cs[:*first]
	}
	return cs, nil
}
