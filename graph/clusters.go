package graph

import (
	"context"
	"sort"
	"time"
)

// This file is SPEC §4 "Likely-source links and clusters": links between traced cases,
// clusters as connected components, the index case, generations and serial intervals.

// ClusterCase is one case of a cluster.
type ClusterCase struct {
	PersonID   string
	Name       string
	Status     string
	Generation int        // links from an introduction along transmission links (SPEC §4 rev 5)
	Reference  *time.Time // the case's reference time (nil when it has no dates)
	// ReferenceKind: what the reference time is (RefOnset, RefSample, RefConfirmation,
	// RefNone), so that a case placed early or late by a confirmation date shows.
	ReferenceKind string
	// Introduction: no transmission link into the case (or it was chosen to break a cycle).
	Introduction bool
	Onset        *Date
}

// TransmissionLink is one linked pair of a cluster, counted once: Source is a likely
// source of Target (when each is a likely source of the other, Source is the one with
// the earlier reference time, then the smaller id), through the CLOSE exposure shown
// (the earliest of Target's exposures to Source that qualifies).
type TransmissionLink struct {
	SourceID, TargetID string
	Exposure           Exposure
	// BothWays: Target was a likely source of Source too.
	BothWays bool
	// SerialIntervalDays is onset(Target) − onset(Source) in days when both have onsets
	// (negative when Target fell ill first).
	SerialIntervalDays *int
}

// SerialInterval is onset(target) − onset(source) in days over a transmission link
// where both have onsets.
type SerialInterval struct {
	SourceID, TargetID string
	Days               int
}

// Cluster is a connected component of traced cases under likely-source links.
type Cluster struct {
	IndexCaseID string
	// Introductions are the cases with no transmission link into them, then those chosen
	// to break cycles; by reference time, then id.
	Introductions   []string
	Cases           []ClusterCase      // by generation, then person id
	Links           []TransmissionLink // by source, then target
	SerialIntervals []SerialInterval   // one per link where both have onsets, by source, then target
	FirstOnset      *Date
	LastOnset       *Date
	// Active: a link whose exposure time is within the contact days before asOf.
	Active bool
}

// Size is the number of cases.
func (c *Cluster) Size() int { return len(c.Cases) }

// Clusters lists every cluster of at least minSize cases as of asOf, ordered by index
// case id.
func (s *Service) Clusters(ctx context.Context, asOf time.Time, minSize int) ([]*Cluster, error) {
	asOf = s.zoned(asOf)
	all, err := readFacts(ctx, s, "clusters", func(ctx context.Context, fs Facts) ([]*Cluster, error) {
		return s.clustersTx(ctx, fs, asOf)
	})
	if err != nil {
		return nil, err
	}
	var out []*Cluster
	for _, c := range all {
		if c.Size() >= minSize {
			out = append(out, c)
		}
	}
	return out, nil
}

// Cluster is the cluster of one traced case as of asOf; nil when the person is not a
// traced case then.
func (s *Service) Cluster(ctx context.Context, caseID string, asOf time.Time) (*Cluster, error) {
	all, err := s.Clusters(ctx, asOf, 1)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		for _, m := range c.Cases {
			if m.PersonID == caseID {
				return c, nil
			}
		}
	}
	return nil, nil
}

// likelySourceExposure is the earliest CLOSE exposure of b to a (at degree 1 of a's
// chain) with some moment in [bRef − days, bRef).
func likelySourceExposure(es []Exposure, bRef time.Time, days int) (Exposure, bool) {
	lo := bRef.Add(-time.Duration(days) * Day)
	for _, e := range es { // sorted by time
		if e.Class == ClassClose && e.From.Before(bRef) && !e.To.Before(lo) {
			return e, true
		}
	}
	return Exposure{}, false
}

// casePair is an ordered pair of case ids.
type casePair struct{ A, B string }

// unordered is the pair with the smaller id first.
func (p casePair) unordered() casePair {
	if p.B < p.A {
		return casePair{p.B, p.A}
	}
	return p
}

// refEarlier orders cases by reference time, then id; a case without one comes last.
func refEarlier(facts map[string]*personFacts, loc *time.Location, a, b string) bool {
	ra, okA := facts[a].referenceTime(loc)
	rb, okB := facts[b].referenceTime(loc)
	switch {
	case okA != okB:
		return okA
	case okA && !ra.Equal(rb):
		return ra.Before(rb)
	}
	return a < b
}

// transmissionLinks is SPEC §4's rule for links, in one place: from the chains of the
// traced cases (only their degree-1 entries are used), every pair of traced cases where
// one is a likely source of the other, as one link directed from the likely source, or,
// when each is a likely source of the other, from the earlier reference time (then the
// smaller id). Sorted by source, then target.
func (s *Service) transmissionLinks(chains []*Chain, facts map[string]*personFacts, traced map[string]bool) []TransmissionLink {
	sources := map[casePair]Exposure{}
	for _, ch := range chains {
		if !traced[ch.SourceID] {
			continue
		}
		for _, c := range ch.Contacts {
			if c.Degree != 1 || c.Class != ClassClose || !traced[c.PersonID] {
				continue
			}
			bRef, ok := facts[c.PersonID].referenceTime(s.Loc)
			if !ok {
				continue
			}
			if e, ok := likelySourceExposure(c.Exposures, bRef, s.Policy.LikelySourceDays); ok {
				sources[casePair{ch.SourceID, c.PersonID}] = e
			}
		}
	}
	done := map[casePair]bool{}
	var links []TransmissionLink
	for p, e := range sources {
		u := p.unordered()
		if done[u] {
			continue
		}
		done[u] = true
		back, both := sources[casePair{p.B, p.A}]
		l := TransmissionLink{SourceID: p.A, TargetID: p.B, Exposure: e, BothWays: both}
		if both && refEarlier(facts, s.Loc, p.B, p.A) {
			l.SourceID, l.TargetID, l.Exposure = p.B, p.A, back
		}
		a, b := facts[l.SourceID].Case.OnsetDate, facts[l.TargetID].Case.OnsetDate
		if a != nil && b != nil {
			days := int(b.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
			l.SerialIntervalDays = &days
		}
		links = append(links, l)
	}
	sort.Slice(links, func(i, j int) bool {
		if links[i].SourceID != links[j].SourceID {
			return links[i].SourceID < links[j].SourceID
		}
		return links[i].TargetID < links[j].TargetID
	})
	return links
}

// generations is SPEC §4's count along links from the introductions, for the members
// of one cluster: introductions are the cases with no link into them; each case's
// generation is the length of the shortest path of links from any introduction. Cases
// no path reaches lie on cycles (or below one): the earliest case on a cycle by
// reference time (then id) becomes an introduction and every generation is counted
// again from all of them, until every case has one (docs/rules.md). Returns the generations and the introductions in the
// order of refEarlier.
func generations(members []string, links []TransmissionLink, earlier func(a, b string) bool) (map[string]int, []string) {
	out := map[string][]string{}
	into := map[string]bool{}
	for _, l := range links {
		out[l.SourceID] = append(out[l.SourceID], l.TargetID)
		into[l.TargetID] = true
	}
	var intros []string
	for _, id := range members {
		if !into[id] {
			intros = append(intros, id)
		}
	}
	for {
		gen := make(map[string]int, len(members))
		queue := make([]string, 0, len(members))
		for _, id := range intros {
			gen[id] = 0
			queue = append(queue, id)
		}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for _, y := range out[x] {
				if _, ok := gen[y]; !ok {
					gen[y] = gen[x] + 1
					queue = append(queue, y)
				}
			}
		}
		// The earliest unreached case that lies on a cycle. One always exists while a case
		// is unreached: an unreached case has a link into it from another unreached case,
		// and walking such links back must come round. A case below a cycle but not on one
		// is reached once the cycle is broken, so it is never made an introduction.
		first := ""
		for _, id := range members {
			if _, ok := gen[id]; !ok && (first == "" || earlier(id, first)) && onCycle(id, out) {
				first = id
			}
		}
		if first == "" {
			sort.Slice(intros, func(i, j int) bool { return earlier(intros[i], intros[j]) })
			return gen, intros
		}
		intros = append(intros, first)
	}
}

// onCycle: id can be reached from itself along links.
func onCycle(id string, out map[string][]string) bool {
	seen := map[string]bool{}
	stack := append([]string(nil), out[id]...)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == id {
			return true
		}
		if !seen[x] {
			seen[x] = true
			stack = append(stack, out[x]...)
		}
	}
	return false
}

// clustersOf groups the traced cases ids into clusters under the links: connected
// components (links taken either way), introductions, generations, the index case (the
// earliest introduction), serial intervals, onsets and whether a link is recent.
// Ordered by index case id.
func (s *Service) clustersOf(ids []string, links []TransmissionLink, facts map[string]*personFacts, asOf time.Time) []*Cluster {
	adj := map[string][]string{}
	for _, l := range links {
		adj[l.SourceID] = append(adj[l.SourceID], l.TargetID)
		adj[l.TargetID] = append(adj[l.TargetID], l.SourceID)
	}
	comp := map[string]int{}
	var members [][]string
	for _, id := range ids {
		if _, seen := comp[id]; seen || facts[id] == nil {
			continue
		}
		n := len(members)
		stack := []string{id}
		comp[id] = n
		var ms []string
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			ms = append(ms, x)
			for _, y := range adj[x] {
				if _, seen := comp[y]; !seen {
					comp[y] = n
					stack = append(stack, y)
				}
			}
		}
		sort.Strings(ms)
		members = append(members, ms)
	}
	byComp := make([][]TransmissionLink, len(members))
	for _, l := range links {
		byComp[comp[l.SourceID]] = append(byComp[comp[l.SourceID]], l)
	}
	earlier := func(a, b string) bool { return refEarlier(facts, s.Loc, a, b) }
	out := make([]*Cluster, 0, len(members))
	for n, ms := range members {
		cl := &Cluster{Links: byComp[n]}
		gen, intros := generations(ms, cl.Links, earlier)
		cl.Introductions = intros
		cl.IndexCaseID = intros[0]
		isIntro := map[string]bool{}
		for _, id := range intros {
			isIntro[id] = true
		}
		for _, id := range ms {
			f := facts[id]
			ref, kind := f.reference(s.Loc)
			cc := ClusterCase{PersonID: id, Name: f.Name, Status: f.Case.Status, Generation: gen[id],
				ReferenceKind: kind, Introduction: isIntro[id], Onset: f.Case.OnsetDate}
			if kind != RefNone {
				cc.Reference = &ref
			}
			if d := f.Case.OnsetDate; d != nil {
				if cl.FirstOnset == nil || d.In(time.UTC).Before(cl.FirstOnset.In(time.UTC)) {
					cl.FirstOnset = d
				}
				if cl.LastOnset == nil || d.In(time.UTC).After(cl.LastOnset.In(time.UTC)) {
					cl.LastOnset = d
				}
			}
			cl.Cases = append(cl.Cases, cc)
		}
		sort.Slice(cl.Cases, func(i, j int) bool {
			if cl.Cases[i].Generation != cl.Cases[j].Generation {
				return cl.Cases[i].Generation < cl.Cases[j].Generation
			}
			return cl.Cases[i].PersonID < cl.Cases[j].PersonID
		})
		for _, l := range cl.Links { // already by source, then target
			if within(l.Exposure.To, asOf, s.Policy.ContactRiskDays) {
				cl.Active = true
			}
			if l.SerialIntervalDays != nil {
				cl.SerialIntervals = append(cl.SerialIntervals, SerialInterval{SourceID: l.SourceID, TargetID: l.TargetID, Days: *l.SerialIntervalDays})
			}
		}
		out = append(out, cl)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].IndexCaseID < out[j].IndexCaseID })
	return out
}

// clusterInputsTx reads what clusters are made of as of asOf: the traced cases, their
// facts and their degree-1 chains read towards the traced cases only (links join
// cases, and a case's degree-1 entry is exact under that focus).
func (s *Service) clusterInputsTx(ctx context.Context, fs Facts, asOf time.Time) ([]string, map[string]*personFacts, []TransmissionLink, error) {
	ids, err := fs.TracedCaseIDs(ctx, asOf, nil)
	if err != nil || len(ids) == 0 {
		return nil, nil, nil, err
	}
	facts, err := fs.PersonFacts(ctx, ids, asOf)
	if err != nil {
		return nil, nil, nil, err
	}
	cases := make([]*personFacts, 0, len(ids))
	traced := map[string]bool{}
	for _, id := range ids {
		if f := facts[id]; f != nil {
			cases = append(cases, f)
			traced[id] = true
		}
	}
	chains, err := s.chainsTx(ctx, fs, cases, facts, 1, asOf, [][]string{ids})
	if err != nil {
		return nil, nil, nil, err
	}
	return ids, facts, s.transmissionLinks(chains, facts, traced), nil
}

func (s *Service) clustersTx(ctx context.Context, fs Facts, asOf time.Time) ([]*Cluster, error) {
	ids, facts, links, err := s.clusterInputsTx(ctx, fs, asOf)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return s.clustersOf(ids, links, facts, asOf), nil
}

// UnlinkedExposure is a pair of traced cases (AID < BID) that share raw facts but have
// no likely-source link either way: a data-quality warning (SPEC §4 rev 5).
type UnlinkedExposure struct {
	AID, BID string
	Shared   []string // exposure kinds, in the order HOUSEHOLD, DIRECT_CONTACT, EVENT, CONVEYANCE
}

// UnlinkedExposures lists the unlinked pairs of traced cases as of asOf, by a then b;
// with an areaCode, the pairs with a case whose household lies in or under it.
func (s *Service) UnlinkedExposures(ctx context.Context, asOf time.Time, areaCode string) ([]UnlinkedExposure, error) {
	asOf = s.zoned(asOf)
	return readFacts(ctx, s, "unlinkedExposures", func(ctx context.Context, fs Facts) ([]UnlinkedExposure, error) {
		if areaCode != "" {
			tree, err := fs.AreaTree(ctx)
			if err != nil {
				return nil, err
			}
			if !tree.Has(areaCode) {
				return nil, &Error{Kind: NotFound, Op: "unlinkedExposures", Field: "areaCode", Msg: "no area " + areaCode}
			}
		}
		ids, _, links, err := s.clusterInputsTx(ctx, fs, asOf)
		if err != nil || len(ids) < 2 {
			return nil, err
		}
		inArea, err := casesInArea(ctx, fs, ids, areaCode)
		if err != nil {
			return nil, err
		}
		return unlinkedExposures(ctx, fs, ids, links, inArea, asOf)
	})
}

// casesInArea is the set of ids whose household lies in or under areaCode (all of
// them when it is empty).
func casesInArea(ctx context.Context, fs Facts, ids []string, areaCode string) (map[string]bool, error) {
	if areaCode == "" {
		in := make(map[string]bool, len(ids))
		for _, id := range ids {
			in[id] = true
		}
		return in, nil
	}
	return fs.CasesInArea(ctx, ids, areaCode)
}

// unlinkedExposures finds the pairs of the traced cases ids that share a fact, drops
// those with a transmission link, and keeps those with a case in inArea.
func unlinkedExposures(ctx context.Context, fs Facts, ids []string, links []TransmissionLink, inArea map[string]bool, asOf time.Time) ([]UnlinkedExposure, error) {
	linked := make(map[casePair]bool, len(links))
	for _, l := range links {
		linked[casePair{l.SourceID, l.TargetID}.unordered()] = true
	}
	facts, err := fs.SharedFacts(ctx, ids, asOf)
	if err != nil {
		return nil, err
	}
	kindRank := map[string]int{ExpHousehold: 0, ExpDirectContact: 1, ExpEvent: 2, ExpConveyance: 3}
	sort.SliceStable(facts, func(i, j int) bool { return kindRank[facts[i].Kind] < kindRank[facts[j].Kind] })
	shared := map[casePair][]string{}
	for _, f := range facts {
		p := casePair{f.A, f.B}
		if linked[p] || !(inArea[p.A] || inArea[p.B]) {
			continue
		}
		if ks := shared[p]; len(ks) == 0 || ks[len(ks)-1] != f.Kind {
			shared[p] = append(ks, f.Kind)
		}
	}
	out := make([]UnlinkedExposure, 0, len(shared))
	for p, kinds := range shared {
		out = append(out, UnlinkedExposure{AID: p.A, BID: p.B, Shared: kinds})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].AID != out[j].AID {
			return out[i].AID < out[j].AID
		}
		return out[i].BID < out[j].BID
	})
	return out, nil
}
