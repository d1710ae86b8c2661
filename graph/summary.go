package graph

import (
	"context"
	"sort"
	"time"
)

// This file is the dashboard's aggregate (SPEC §7 "Summary"): case counts, quarantines,
// facility occupancy and people by tier, for an area and each of its child areas.

// Figures are the counts of one area.
type Figures struct {
	ConfirmedTotal    int // cases that count with status confirmed, recovered or deceased
	AsymptomaticTotal int // cases that count with status asymptomatic
	ActiveCases       int // confirmed or asymptomatic now
	Recovered         int
	Deceased          int
	Suspected         int
	NewConfirmed      int  // confirmedAt on the local date of asOf (and ≤ asOf)
	DaysSinceLastNew  *int // whole local days from the last confirmedAt ≤ asOf to asOf's date; nil when none
	OpenQuarantines   QuarantineCounts
	PendingPlacements int
	People            int
	PeopleByTier      TierCounts
}

// QuarantineCounts counts assignments by kind.
type QuarantineCounts struct{ Centralized, Home, HealthMonitoring int }

func (q *QuarantineCounts) add(kind string, n int) {
	switch kind {
	case KindCentralized:
		q.Centralized += n
	case KindHome:
		q.Home += n
	case KindHealthMonitoring:
		q.HealthMonitoring += n
	}
}

// TierCounts counts people by tier.
type TierCounts struct{ Red, Yellow, Green int }

// AreaSummary is an area's figures, its facilities, and (one level down) its children's.
type AreaSummary struct {
	AsOf time.Time
	Area *Area // nil for the whole graph when it has no single root
	Figures
	Facilities []FacilityOccupancy
	Children   []AreaSummary
}

// AreaCode, AreaName and AreaLevel describe the area (nil for a graph without a root).
func (a *AreaSummary) AreaCode() *string {
	return areaField(a.Area, func(x *Area) string { return x.Code })
}
func (a *AreaSummary) AreaName() *string {
	return areaField(a.Area, func(x *Area) string { return x.Name })
}
func (a *AreaSummary) AreaLevel() *string {
	return areaField(a.Area, func(x *Area) string { return x.Level })
}

func areaField(a *Area, f func(*Area) string) *string {
	if a == nil {
		return nil
	}
	v := f(a)
	return &v
}

// DaysSinceLastNewConfirmed is DaysSinceLastNew under the GraphQL name.
func (a *AreaSummary) DaysSinceLastNewConfirmed() *int { return a.DaysSinceLastNew }

// Summary computes the figures for areaCode and each of its child areas. Without an
// area code, the scope is the deepest area that holds every household (for one county:
// the county), so its children are the towns; people without a household count there
// too. When the households share no area, the scope is the whole graph and its root
// areas are the children.
func (s *Service) Summary(ctx context.Context, areaCode string, asOf time.Time) (*AreaSummary, error) {
	asOf = s.zoned(asOf)
	return readFacts(ctx, s, "summary", func(ctx context.Context, fs Facts) (*AreaSummary, error) {
		tree, err := fs.AreaTree(ctx)
		if err != nil {
			return nil, err
		}
		scope := areaCode
		if scope == "" {
			hh, err := fs.HouseholdAreas(ctx)
			if err != nil {
				return nil, err
			}
			scope = tree.commonRoot(hh)
		} else if _, ok := tree.areas[scope]; !ok {
			return nil, &Error{Kind: NotFound, Op: "summary", Field: "areaCode", Msg: "no area " + areaCode}
		}
		children := tree.children[scope]
		if scope == "" {
			children = tree.roots() // several roots (two provinces): each is a child
		}
		// bucket maps an area code to the summaries it counts in: the scope and the
		// child under which it lies.
		top := &AreaSummary{AsOf: asOf, Figures: newFigures()}
		if a, ok := tree.areas[scope]; ok {
			top.Area = a
		}
		kids := make(map[string]*AreaSummary, len(children))
		for _, c := range children {
			kids[c] = &AreaSummary{AsOf: asOf, Area: tree.areas[c], Figures: newFigures()}
		}
		bucket := func(code string) []*AreaSummary {
			var out []*AreaSummary
			for a := code; a != ""; a = tree.parent[a] {
				if k, ok := kids[a]; ok {
					out = append(out, k)
				}
				if a == scope {
					return append(out, top)
				}
			}
			if areaCode == "" {
				return append(out, top) // no area asked for: everyone, people without a household too
			}
			return nil // outside the area asked for
		}
		if err := s.countCases(ctx, fs, asOf, bucket); err != nil {
			return nil, err
		}
		if err := countPeople(ctx, fs, bucket); err != nil {
			return nil, err
		}
		if err := countQuarantines(ctx, fs, asOf, bucket); err != nil {
			return nil, err
		}
		if err := readOccupancy(ctx, fs, asOf, bucket); err != nil {
			return nil, err
		}
		if err := s.countTiers(ctx, fs, asOf, bucket); err != nil {
			return nil, err
		}
		for _, all := range append([]*AreaSummary{top}, mapValues(kids)...) {
			t := &all.Figures.PeopleByTier
			t.Green = all.Figures.People - t.Red - t.Yellow
		}
		for _, c := range children {
			top.Children = append(top.Children, *kids[c])
		}
		return top, nil
	})
}

func newFigures() Figures { return Figures{} }

func mapValues(m map[string]*AreaSummary) []*AreaSummary {
	out := make([]*AreaSummary, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// areaTree is every area with its parent: small (thousands of rows for a county).
type areaTree struct {
	areas    map[string]*Area
	parent   map[string]string
	children map[string][]string // sorted by code
}

func (t *areaTree) roots() []string {
	var roots []string
	for code := range t.areas {
		if t.parent[code] == "" {
			roots = append(roots, code)
		}
	}
	sort.Strings(roots)
	return roots
}

// commonRoot is the deepest area that holds every household: for one county whose
// bundle also names provinces and cities as trip origins, the county. "" when the
// households share no area (or there are none).
func (t *areaTree) commonRoot(householdAreas []string) string {
	var common []string // root-first ancestry of the first household area, cut as we go
	for i, code := range householdAreas {
		var chain []string
		for a := code; a != ""; a = t.parent[a] {
			chain = append([]string{a}, chain...)
		}
		if i == 0 {
			common = chain
			continue
		}
		n := 0
		for n < len(common) && n < len(chain) && common[n] == chain[n] {
			n++
		}
		common = common[:n]
	}
	if len(common) == 0 {
		return ""
	}
	return common[len(common)-1]
}

// countCases counts the cases that count as of asOf by status, new ones on asOf's local
// date, and the days since the last one, by the household area of the case's person.
func (s *Service) countCases(ctx context.Context, fs Facts, asOf time.Time, bucket func(string) []*AreaSummary) error {
	rows, err := fs.CountedCases(ctx, asOf)
	if err != nil {
		return err
	}
	today := DateOf(asOf, s.Loc)
	last := map[*AreaSummary]time.Time{}
	for _, r := range rows {
		confirmedAt := r.ConfirmedAt
		for _, b := range bucket(r.Area) {
			f := &b.Figures
			switch r.Status {
			case StatusConfirmed:
				f.ConfirmedTotal++
				f.ActiveCases++
			case StatusAsymptomatic:
				f.AsymptomaticTotal++
				f.ActiveCases++
			case StatusRecovered:
				f.ConfirmedTotal++
				f.Recovered++
			case StatusDeceased:
				f.ConfirmedTotal++
				f.Deceased++
			case StatusSuspected:
				f.Suspected++
			}
			if confirmedAt != nil && r.Status != StatusSuspected {
				if DateOf(*confirmedAt, s.Loc) == today {
					f.NewConfirmed++
				}
				if confirmedAt.After(last[b]) {
					last[b] = *confirmedAt
				}
			}
		}
	}
	for b, t := range last {
		d := daysBetween(DateOf(t, s.Loc), today)
		b.Figures.DaysSinceLastNew = &d
	}
	return nil
}

func countPeople(ctx context.Context, fs Facts, bucket func(string) []*AreaSummary) error {
	byArea, err := fs.PeopleByArea(ctx)
	if err != nil {
		return err
	}
	for area, n := range byArea {
		for _, b := range bucket(area) {
			b.Figures.People += n
		}
	}
	return nil
}

// countQuarantines counts assignments open as of asOf (started, not yet ended, status
// active or pending) by kind and the pending placements, by the person's household area.
func countQuarantines(ctx context.Context, fs Facts, asOf time.Time, bucket func(string) []*AreaSummary) error {
	rows, err := fs.OpenQuarantines(ctx, asOf)
	if err != nil {
		return err
	}
	for _, r := range rows {
		for _, b := range bucket(r.Area) {
			b.Figures.OpenQuarantines.add(r.Kind, r.N)
			if r.Status == QStatusPending {
				b.Figures.PendingPlacements += r.N
			}
		}
	}
	return nil
}

// readOccupancy lists each facility under the scope with its open placed centralized
// assignments as of asOf.
func readOccupancy(ctx context.Context, fs Facts, asOf time.Time, bucket func(string) []*AreaSummary) error {
	rows, err := fs.Occupancy(ctx, asOf)
	if err != nil {
		return err
	}
	for _, fo := range rows {
		fo.Free = max(0, fo.Capacity-fo.Occupied)
		for _, b := range bucket(fo.AreaCode) {
			b.Facilities = append(b.Facilities, fo)
		}
	}
	return nil
}

// countTiers finds everyone who can be other than GREEN as of asOf — people in the
// chains of the traced cases, cases, recent positive tests, arrivals and fever
// readings — computes their tiers, and counts RED and YELLOW by household area. GREEN
// is everyone else.
func (s *Service) countTiers(ctx context.Context, fs Facts, asOf time.Time, bucket func(string) []*AreaSummary) error {
	ids, chains, err := s.nonGreenCandidates(ctx, fs, asOf)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	risks, err := s.risksWithChainsTx(ctx, fs, ids, asOf, true, chains)
	if err != nil {
		return err
	}
	areas, err := fs.AreasOf(ctx, ids)
	if err != nil {
		return err
	}
	for id, area := range areas {
		r := risks[id]
		if r == nil || r.Tier == TierGreen {
			continue
		}
		for _, b := range bucket(area) {
			if r.Tier == TierRed {
				b.Figures.PeopleByTier.Red++
			} else {
				b.Figures.PeopleByTier.Yellow++
			}
		}
	}
	return nil
}

// nonGreenCandidates is a superset of the people whose tier can be RED or YELLOW, and
// the chains (every traced case's, to depth 2) it found them in, for the tiers to reuse.
func (s *Service) nonGreenCandidates(ctx context.Context, fs Facts, asOf time.Time) ([]string, []*Chain, error) {
	p := s.Policy
	seeds, err := fs.NonGreenSeeds(ctx, ReadingQuery{AsOf: asOf, Loc: s.Loc, Fever: p.FeverCelsius,
		TestSince:  asOf.Add(-time.Duration(p.PositiveTestDays) * Day),
		FeverSince: asOf.Add(-time.Duration(p.FeverDays) * Day)},
		asOf.Add(-time.Duration(p.ArrivalRiskDays)*Day))
	if err != nil {
		return nil, nil, err
	}
	set := map[string]bool{}
	for _, id := range seeds {
		set[id] = true
	}
	// Everyone in a traced case's chain to depth 2.
	var chains []*Chain
	caseIDs, err := fs.TracedCaseIDs(ctx, asOf, nil)
	if err != nil {
		return nil, nil, err
	}
	if len(caseIDs) > 0 {
		facts, err := fs.PersonFacts(ctx, caseIDs, asOf)
		if err != nil {
			return nil, nil, err
		}
		cases := make([]*personFacts, 0, len(caseIDs))
		for _, id := range caseIDs {
			if f, ok := facts[id]; ok {
				cases = append(cases, f)
			}
		}
		chains, err = s.chainsTx(ctx, fs, cases, facts, riskChainDepth, asOf, nil)
		if err != nil {
			return nil, nil, err
		}
		for _, ch := range chains {
			for _, c := range ch.Contacts {
				set[c.PersonID] = true
			}
		}
	}
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if chains == nil {
		chains = []*Chain{} // no traced case: no contact roles (not "compute them")
	}
	return ids, chains, nil
}
