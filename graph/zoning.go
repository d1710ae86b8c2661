package graph

import (
	"context"
	"slices"
	"sort"
	"time"
)

// This file is SPEC §10: risk levels proposed for the county's own areas from their
// cases (分区分级), with the figures behind each proposal.

// Proposals of a zoning assessment.
const (
	ProposalUp   = "UP"
	ProposalDown = "DOWN"
	ProposalNone = "NONE"
)

// DefaultZoningLevels are the area levels zoning assesses unless told otherwise.
var DefaultZoningLevels = []string{"county", "town", "village"}

// Zone is one area's assessment as of a moment.
type Zone struct {
	Area     *Area
	AsOf     time.Time
	Assessed string // low, medium, high
	Current  string // the area's own latest designation with since ≤ asOf; low when none
	Proposal string // UP, DOWN, NONE
	// CurrentSince is the since of the designation behind Current (nil when none).
	CurrentSince *time.Time
	// The figures behind it.
	ConfirmedTotal   int
	New              int // confirmed in (asOf − ZoningDays, asOf]
	ClusterWithin    bool
	ClusterA         string // one qualifying pair (source, target of the link), when there is one
	ClusterB         string
	LastConfirmedAt  *time.Time
	LowFrom          *Date // medium or high: the date it becomes low if no further case is confirmed
	ClusterLaterTime *time.Time
}

// zoneLink is a likely-source link between two traced cases of an area, with the later
// of their two reference times.
type zoneLink struct {
	A, B  string
	Later time.Time
}

var levelRank = map[string]int{areaLevelLow: 0, areaLevelMedium: 1, areaLevelHigh: 2}

// confirmedForZoning says whether a case is a confirmed case of §10 as of asOf: status
// confirmed, recovered or deceased with a confirmedAt ≤ asOf (asymptomatic and
// suspected cases are not confirmed cases).
func confirmedForZoning(c *Case, asOf time.Time) bool {
	switch c.Status {
	case StatusConfirmed, StatusRecovered, StatusDeceased:
		return c.ConfirmedAt != nil && !c.ConfirmedAt.After(asOf)
	}
	return false
}

// assessZone applies §10 to one area: its confirmed cases' confirmedAt, the links
// between its traced cases, and its current level.
func (p Policy) assessZone(confirmed []time.Time, links []zoneLink, current string, asOf time.Time, loc *time.Location) Zone {
	z := Zone{AsOf: asOf, Current: current, ConfirmedTotal: len(confirmed)}
	for _, t := range confirmed {
		if within(t, asOf, p.ZoningDays) {
			z.New++
		}
		if z.LastConfirmedAt == nil || t.After(*z.LastConfirmedAt) {
			t := t
			z.LastConfirmedAt = &t
		}
	}
	for _, l := range links { // sorted: the first qualifying pair is named
		if within(l.Later, asOf, p.ZoningDays) {
			z.ClusterWithin, z.ClusterA, z.ClusterB = true, l.A, l.B
			later := l.Later
			z.ClusterLaterTime = &later
			break
		}
	}
	switch {
	case z.New == 0:
		z.Assessed = areaLevelLow
	case z.ConfirmedTotal >= p.ZoningHighCases && z.ClusterWithin:
		z.Assessed = areaLevelHigh
	default:
		z.Assessed = areaLevelMedium
	}
	if z.Assessed != areaLevelLow {
		d := DateOf(*z.LastConfirmedAt, loc).AddDays(p.ZoningDays)
		z.LowFrom = &d
	}
	switch a, c := levelRank[z.Assessed], levelRank[z.Current]; {
	case a > c:
		z.Proposal = ProposalUp
	case a < c:
		z.Proposal = ProposalDown
	default:
		z.Proposal = ProposalNone
	}
	return z
}

// Zoning assesses every area in or under areaCode (default: the county, the deepest
// area holding every household) whose level is among levels (default: county, town,
// village) and that holds a household, ordered by area code.
func (s *Service) Zoning(ctx context.Context, asOf time.Time, areaCode string, levels []string) ([]*Zone, error) {
	const op = "zoning"
	asOf = s.zoned(asOf)
	if len(levels) == 0 {
		levels = DefaultZoningLevels
	}
	for _, l := range levels {
		if !slices.Contains(AreaLevels, l) {
			return nil, InvalidArg(op, "levels", "unknown area level %q: want one of %v", l, AreaLevels)
		}
	}
	type caseRow struct {
		c    *Case
		area string
	}
	var tree *areaTree
	var root string
	var hasHouseholds map[string]bool
	var cases []caseRow
	_, err := Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) (any, error) {
		var err error
		if tree, err = CypherFacts(tx).AreaTree(ctx); err != nil {
			return nil, err
		}
		hh, err := CypherFacts(tx).HouseholdAreas(ctx)
		if err != nil {
			return nil, err
		}
		root = areaCode
		if root == "" {
			root = tree.commonRoot(hh)
		} else if _, ok := tree.areas[root]; !ok {
			return nil, &Error{Kind: NotFound, Op: op, Field: "areaCode", Msg: "no area " + areaCode}
		}
		hasHouseholds = map[string]bool{}
		for _, code := range hh {
			for a := code; a != "" && !hasHouseholds[a]; a = tree.parent[a] {
				hasHouseholds[a] = true
			}
		}
		cases = nil
		return nil, collect(ctx, tx, `MATCH (p:Person)-[:HAS_CASE]->(c:Case)
			MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(a:Area)
			RETURN c {.personId, .status, .onsetDate, .confirmedAt, .isolatedAt} AS c, a.code AS area`, nil,
			func(r *Record) {
				cases = append(cases, caseRow{caseFromMap(get(r, "c").(map[string]any)), str(get(r, "area"))})
			})
	})
	if err != nil {
		return nil, err
	}
	// The areas assessed.
	var codes []string
	for code, a := range tree.areas {
		if hasHouseholds[code] && slices.Contains(levels, a.Level) && tree.under(code, root) {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	if len(codes) == 0 {
		return nil, nil
	}
	assessed := map[string]bool{}
	for _, c := range codes {
		assessed[c] = true
	}
	confirmed := map[string][]time.Time{}
	caseArea := map[string]string{}
	for _, cr := range cases {
		caseArea[cr.c.PersonID] = cr.area
		if !confirmedForZoning(cr.c, asOf) {
			continue
		}
		for a := cr.area; a != ""; a = tree.parent[a] {
			if assessed[a] {
				confirmed[a] = append(confirmed[a], *cr.c.ConfirmedAt)
			}
		}
	}
	// Likely-source links between traced cases (§4), each put on the areas holding both.
	links := map[string][]zoneLink{}
	if len(cases) > 1 {
		clusters, err := s.Clusters(ctx, asOf, 2)
		if err != nil {
			return nil, err
		}
		for _, cl := range clusters {
			ref := map[string]*time.Time{}
			for _, m := range cl.Cases {
				ref[m.PersonID] = m.Reference
			}
			for _, l := range cl.Links {
				ra, rb := ref[l.SourceID], ref[l.TargetID]
				var later time.Time
				switch { // a case without a reference time is left out of the comparison
				case ra == nil && rb == nil:
					continue
				case ra == nil:
					later = *rb
				case rb == nil || ra.After(*rb):
					later = *ra
				default:
					later = *rb
				}
				ancA := tree.ancestry(caseArea[l.SourceID])
				for a := caseArea[l.TargetID]; a != ""; a = tree.parent[a] {
					if assessed[a] && ancA[a] {
						links[a] = append(links[a], zoneLink{A: l.SourceID, B: l.TargetID, Later: later})
					}
				}
			}
		}
		for _, ls := range links {
			sort.Slice(ls, func(i, j int) bool {
				if !ls[i].Later.Equal(ls[j].Later) {
					return ls[i].Later.After(ls[j].Later) // the latest link first: the one that lasts
				}
				return ls[i].A+"\x00"+ls[i].B < ls[j].A+"\x00"+ls[j].B
			})
		}
	}
	designations, err := s.Designations(ctx, codes)
	if err != nil {
		return nil, err
	}
	out := make([]*Zone, 0, len(codes))
	for _, code := range codes {
		current, since := areaLevelLow, (*time.Time)(nil)
		for _, d := range designations[code] { // oldest first: the latest with since ≤ asOf wins
			if !d.Since.After(asOf) {
				current = d.Level
				t := d.Since
				since = &t
			}
		}
		z := s.Policy.assessZone(confirmed[code], links[code], current, asOf, s.Loc)
		z.Area, z.CurrentSince = tree.areas[code], since
		out = append(out, &z)
	}
	return out, nil
}

// under says whether code is root or lies under it; everything is under "" (no root).
func (t *areaTree) under(code, root string) bool {
	if root == "" {
		return true
	}
	for a, steps := code, 0; a != "" && steps <= len(t.areas); a, steps = t.parent[a], steps+1 {
		if a == root {
			return true
		}
	}
	return false
}

// ancestry is the set of code and its ancestors.
func (t *areaTree) ancestry(code string) map[string]bool {
	out := map[string]bool{}
	for a, steps := code, 0; a != "" && steps <= len(t.areas); a, steps = t.parent[a], steps+1 {
		out[a] = true
	}
	return out
}
