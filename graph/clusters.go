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
	Generation int        // shortest distance from the index case, links taken either way
	Reference  *time.Time // the case's reference time (nil when it has no dates)
	Onset      *Date
}

// ClusterLink is a likely-source link: Source is a likely source of Target, through the
// CLOSE exposure shown (the earliest that qualifies).
type ClusterLink struct {
	SourceID, TargetID string
	Exposure           Exposure
}

// SerialInterval is onset(target) − onset(source) in days over a link where both have onsets.
type SerialInterval struct {
	SourceID, TargetID string
	Days               int
}

// Cluster is a connected component of traced cases under likely-source links.
type Cluster struct {
	IndexCaseID     string
	Cases           []ClusterCase // by generation, then person id
	Links           []ClusterLink // by source, then target
	SerialIntervals []SerialInterval
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
	all, err := Read(ctx, s.DB, "clusters", func(ctx context.Context, tx Tx) ([]*Cluster, error) {
		return s.clustersTx(ctx, tx, asOf)
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

func (s *Service) clustersTx(ctx context.Context, tx Tx, asOf time.Time) ([]*Cluster, error) {
	ids, err := tracedCaseIDsTx(ctx, tx, asOf)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	facts, err := readPersonFacts(ctx, tx, ids, asOf)
	if err != nil {
		return nil, err
	}
	cases := make([]*personFacts, 0, len(ids))
	traced := map[string]bool{}
	for _, id := range ids {
		if f := facts[id]; f != nil {
			cases = append(cases, f)
			traced[id] = true
		}
	}
	// Degree 1 of every case's chain, in one batch, read towards the traced cases only:
	// links join cases, and a case's degree-1 entry is exact under that focus.
	chains, err := s.chainsTx(ctx, tx, cases, facts, 1, asOf, [][]string{ids})
	if err != nil {
		return nil, err
	}
	var links []ClusterLink
	adj := map[string][]string{}
	for _, ch := range chains {
		for _, c := range ch.Contacts {
			if c.Class != ClassClose || !traced[c.PersonID] {
				continue
			}
			bRef, ok := facts[c.PersonID].referenceTime(s.Loc)
			if !ok {
				continue
			}
			if e, ok := likelySourceExposure(c.Exposures, bRef, s.Policy.LikelySourceDays); ok {
				links = append(links, ClusterLink{SourceID: ch.SourceID, TargetID: c.PersonID, Exposure: e})
				adj[ch.SourceID] = append(adj[ch.SourceID], c.PersonID)
				adj[c.PersonID] = append(adj[c.PersonID], ch.SourceID)
			}
		}
	}
	// Connected components.
	comp := map[string]int{}
	var members [][]string
	for _, id := range ids {
		if _, seen := comp[id]; seen || !traced[id] {
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
		members = append(members, ms)
	}
	out := make([]*Cluster, 0, len(members))
	for n, ms := range members {
		cl := &Cluster{}
		index := ""
		var indexRef *time.Time
		for _, id := range ms {
			ref, ok := facts[id].referenceTime(s.Loc)
			better := false
			switch {
			case index == "":
				better = true
			case ok && indexRef == nil:
				better = true
			case ok && indexRef != nil && (ref.Before(*indexRef) || (ref.Equal(*indexRef) && id < index)):
				better = true
			case !ok && indexRef == nil && id < index:
				better = true
			}
			if better {
				index = id
				if ok {
					r := ref
					indexRef = &r
				} else {
					indexRef = nil
				}
			}
		}
		cl.IndexCaseID = index
		gen := map[string]int{index: 0}
		queue := []string{index}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for _, y := range adj[x] {
				if _, ok := gen[y]; !ok {
					gen[y] = gen[x] + 1
					queue = append(queue, y)
				}
			}
		}
		for _, id := range ms {
			f := facts[id]
			cc := ClusterCase{PersonID: id, Name: f.Name, Status: f.Case.Status, Generation: gen[id], Onset: f.Case.OnsetDate}
			if ref, ok := f.referenceTime(s.Loc); ok {
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
		for _, l := range links {
			if comp[l.SourceID] != n {
				continue
			}
			cl.Links = append(cl.Links, l)
			if within(l.Exposure.To, asOf, s.Policy.ContactRiskDays) {
				cl.Active = true
			}
			a, b := facts[l.SourceID].Case.OnsetDate, facts[l.TargetID].Case.OnsetDate
			if a != nil && b != nil {
				days := int(b.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
				cl.SerialIntervals = append(cl.SerialIntervals, SerialInterval{SourceID: l.SourceID, TargetID: l.TargetID, Days: days})
			}
		}
		sort.Slice(cl.Links, func(i, j int) bool {
			if cl.Links[i].SourceID != cl.Links[j].SourceID {
				return cl.Links[i].SourceID < cl.Links[j].SourceID
			}
			return cl.Links[i].TargetID < cl.Links[j].TargetID
		})
		sort.Slice(cl.SerialIntervals, func(i, j int) bool {
			if cl.SerialIntervals[i].SourceID != cl.SerialIntervals[j].SourceID {
				return cl.SerialIntervals[i].SourceID < cl.SerialIntervals[j].SourceID
			}
			return cl.SerialIntervals[i].TargetID < cl.SerialIntervals[j].TargetID
		})
		out = append(out, cl)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].IndexCaseID < out[j].IndexCaseID })
	return out, nil
}
