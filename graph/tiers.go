package graph

import (
	"context"
	"sort"
	"time"
)

// This file is SPEC §5: risk reasons and tiers, and the arrivals from medium- and
// high-risk areas that both the tiers and the quarantine engine use.

// Risk tiers and rules, in the GraphQL enum spellings.
const (
	TierRed    = "RED"
	TierYellow = "YELLOW"
	TierGreen  = "GREEN"

	RuleActiveCase        = "ACTIVE_CASE"
	RulePositiveTest      = "POSITIVE_TEST"
	RuleCloseContact      = "CLOSE_CONTACT"
	RuleHighRiskArrival   = "HIGH_RISK_ARRIVAL"
	RuleSecondaryContact  = "SECONDARY_CONTACT"
	RuleGeneralContact    = "GENERAL_CONTACT"
	RuleMediumRiskArrival = "MEDIUM_RISK_ARRIVAL"
	RuleFever             = "FEVER"
	riskChainDepth        = 2 // SPEC §4: roles come from every case's chain to depth 2
	// bulkRiskPeople: above this many people, Risks builds every case's whole chain
	// instead of looking for the cases near each person.
	bulkRiskPeople  = 200
	areaLevelLow    = "low"
	areaLevelMedium = "medium"
	areaLevelHigh   = "high"
)

// Arrival is a trip from an area whose effective level at departure was medium or high.
type Arrival struct {
	PersonID, TripID string
	FromArea         string // the trip's from_area
	DesignatedArea   string // the ancestor-or-self whose designation gave the level
	Level            string // "high" or "medium" (effective level at departAt)
	ArriveAt         time.Time
	DepartAt         time.Time
}

// RiskReason is one rule that applies to a person, with what is behind it.
type RiskReason struct {
	Rule, Tier       string // e.g. CLOSE_CONTACT, RED
	Since, ExpiresAt *time.Time
	// Contact rules: the case, the path from it (CLOSE and GENERAL: [case, person]) and,
	// for a secondary contact, the close contacts they were reached through.
	CaseID    string
	Path, Via []string
	// Arrival rules.
	TripID, AreaCode, DesignatedArea string
	// POSITIVE_TEST.
	TestID, TestKind string
	// FEVER: a checkpoint passage, a door-to-door visit (SPEC §11: the household
	// visited) or a health report, and the reading.
	CheckpointID     string
	VisitHouseholdID string
	HealthReportDate *Date
	Temperature      *float64
	// ACTIVE_CASE.
	CaseStatus string
}

// Risk is a person's tier as of a moment, with every reason that applies.
type Risk struct {
	PersonID  string
	Tier      string // RED, YELLOW, GREEN
	Reasons   []RiskReason
	ExpiresAt *time.Time // the latest expiry among the tier's reasons; nil for GREEN or when one never expires
}

// Risk is one person's tier as of asOf; an unknown person is NotFound.
func (s *Service) Risk(ctx context.Context, personID string, asOf time.Time) (*Risk, error) {
	m, err := s.Risks(ctx, []string{personID}, asOf)
	if err != nil {
		return nil, err
	}
	r, ok := m[personID]
	if !ok {
		return nil, &Error{Kind: NotFound, Op: "risk", Field: "personId", Msg: "no person " + personID}
	}
	return r, nil
}

// Risks is the batch form: one set of round trips for many people. Unknown ids are
// absent from the map.
func (s *Service) Risks(ctx context.Context, personIDs []string, asOf time.Time) (map[string]*Risk, error) {
	asOf = s.zoned(asOf)
	return readFacts(ctx, s, "risk", func(ctx context.Context, fs Facts) (map[string]*Risk, error) {
		return s.risksTx(ctx, fs, personIDs, asOf, len(personIDs) > bulkRiskPeople)
	})
}

// RisksBulk is Risks computed from every traced case's whole chain, whatever the number
// of people: the form Risks uses for many people (a quarantine run over a county).
func (s *Service) RisksBulk(ctx context.Context, personIDs []string, asOf time.Time) (map[string]*Risk, error) {
	asOf = s.zoned(asOf)
	return readFacts(ctx, s, "risk", func(ctx context.Context, fs Facts) (map[string]*Risk, error) {
		return s.risksTx(ctx, fs, personIDs, asOf, true)
	})
}

func (s *Service) risksTx(ctx context.Context, fs Facts, personIDs []string, asOf time.Time, bulk bool) (map[string]*Risk, error) {
	return s.risksWithChainsTx(ctx, fs, personIDs, asOf, bulk, nil)
}

// risksWithChainsTx is risksTx; allChains, when not nil, is every traced case's whole
// chain to depth 2 as of asOf, already built by the caller (summary, the tier filter),
// so it is not built a second time.
func (s *Service) risksWithChainsTx(ctx context.Context, fs Facts, personIDs []string, asOf time.Time, bulk bool, allChains []*Chain) (map[string]*Risk, error) {
	facts, err := fs.PersonFacts(ctx, personIDs, asOf)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(facts))
	for id := range facts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make(map[string]*Risk, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	reasons := map[string][]RiskReason{}

	// Contact roles: the chains (to depth 2) of the traced cases that can reach these
	// people at all. For a few people: only the cases near them, read towards them (only
	// the people linked to them, at any time, can bring them in at degree 2, so degree 1
	// is read towards the people and those linked to them, degree 2 towards the people;
	// their roles stay exact). For many people (a quarantine run): every case's whole
	// chain, which is cheaper than finding the neighbours of everyone.
	var cases []*personFacts
	var focus [][]string
	switch {
	case allChains != nil:
		// given
	case bulk:
		all, err := fs.TracedCaseIDs(ctx, asOf, nil)
		if err != nil {
			return nil, err
		}
		if err := ensureFacts(ctx, fs, facts, all, asOf); err != nil {
			return nil, err
		}
		for _, id := range all {
			if f := facts[id]; f != nil {
				cases = append(cases, f)
			}
		}
	default:
		cases, err = s.candidateCases(ctx, fs, ids, facts, asOf)
		if err != nil {
			return nil, err
		}
		if len(cases) > 0 {
			all := map[string]Interval{}
			for _, id := range ids {
				all[id] = Interval{time.Time{}, asOf}
			}
			linked, err := fs.NeighbourIDs(ctx, all, false, asOf)
			if err != nil {
				return nil, err
			}
			focus = [][]string{append(append([]string(nil), ids...), linked...), ids}
		}
	}
	chains := allChains
	if chains == nil && len(cases) > 0 {
		chains, err = s.chainsTx(ctx, fs, cases, facts, riskChainDepth, asOf, focus)
		if err != nil {
			return nil, err
		}
	}
	// Each chain's contacts are walked once (not looked up per person: a county's
	// tiers ask thousands of people of chains of thousands of contacts).
	wanted := make(map[string]bool, len(ids))
	for _, id := range ids {
		wanted[id] = true
	}
	for _, ch := range chains {
		for i := range ch.Contacts {
			c := &ch.Contacts[i]
			if !wanted[c.PersonID] {
				continue
			}
			if r, ok := s.contactReason(ch.SourceID, c, asOf); ok {
				reasons[c.PersonID] = append(reasons[c.PersonID], r)
			}
		}
	}

	// Arrivals within the arrival days.
	arrivals, err := fs.Arrivals(ctx, ids, asOf.Add(-time.Duration(s.Policy.ArrivalRiskDays)*Day), asOf)
	if err != nil {
		return nil, err
	}
	for _, a := range arrivals {
		rule, tier := RuleMediumRiskArrival, TierYellow
		if a.Level == areaLevelHigh {
			rule, tier = RuleHighRiskArrival, TierRed
		}
		since := a.ArriveAt
		exp := since.Add(time.Duration(s.Policy.ArrivalRiskDays) * Day)
		reasons[a.PersonID] = append(reasons[a.PersonID], RiskReason{Rule: rule, Tier: tier, Since: &since, ExpiresAt: &exp,
			TripID: a.TripID, AreaCode: a.FromArea, DesignatedArea: a.DesignatedArea})
	}

	// Tests and fever readings.
	if err := s.readingReasons(ctx, fs, ids, facts, asOf, reasons); err != nil {
		return nil, err
	}

	for _, id := range ids {
		f := facts[id]
		var rs []RiskReason
		counts := caseCounts(f.Case, asOf)
		switch {
		case counts && f.Case.Status == StatusDeceased:
			// A deceased person is GREEN with no reasons.
		default:
			if counts && activeStatus(f.Case.Status) {
				r := RiskReason{Rule: RuleActiveCase, Tier: TierRed, CaseID: id, CaseStatus: f.Case.Status}
				if f.Case.ConfirmedAt != nil {
					t := *f.Case.ConfirmedAt
					r.Since = &t
				} else if f.Case.OnsetDate != nil {
					t := f.Case.OnsetDate.In(s.Loc)
					r.Since = &t
				}
				rs = append(rs, r)
			}
			for _, r := range reasons[id] {
				if r.Rule == RulePositiveTest && counts {
					continue // a positive test counts only for people with no case that counts
				}
				rs = append(rs, r)
			}
		}
		out[id] = tierOf(id, rs)
	}
	return out, nil
}

// contactReason turns a person's place in one case's chain into a reason, when their
// last exposure is within the contact days.
func (s *Service) contactReason(caseID string, c *ChainContact, asOf time.Time) (RiskReason, bool) {
	if !within(c.LastExposureAt, asOf, s.Policy.ContactRiskDays) {
		return RiskReason{}, false
	}
	since := c.LastExposureAt
	exp := since.Add(time.Duration(s.Policy.ContactRiskDays) * Day)
	r := RiskReason{Since: &since, ExpiresAt: &exp, CaseID: caseID}
	switch {
	case c.Class == ClassGeneral:
		r.Rule, r.Tier, r.Path = RuleGeneralContact, TierYellow, []string{caseID, c.PersonID}
	case c.Degree == 1:
		r.Rule, r.Tier, r.Path = RuleCloseContact, TierRed, []string{caseID, c.PersonID}
	case c.Degree == 2:
		r.Rule, r.Tier, r.Via = RuleSecondaryContact, TierYellow, append([]string(nil), c.Via...)
	default:
		return RiskReason{}, false
	}
	return r, true
}

// within is SPEC §4's "within N days": asOf − N×24 h < t ≤ asOf.
func within(t, asOf time.Time, days int) bool {
	return t.After(asOf.Add(-time.Duration(days)*Day)) && !t.After(asOf)
}

var tierRank = map[string]int{TierRed: 0, TierYellow: 1, TierGreen: 2}

// tierOf orders the reasons (tier, rule, since, then what is behind them) and derives
// the tier and its expiry.
func tierOf(personID string, rs []RiskReason) *Risk {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Tier != b.Tier {
			return tierRank[a.Tier] < tierRank[b.Tier]
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		as, bs := timeOrZero(a.Since), timeOrZero(b.Since)
		if !as.Equal(bs) {
			return as.Before(bs)
		}
		return a.CaseID+a.TripID+a.TestID+a.CheckpointID < b.CaseID+b.TripID+b.TestID+b.CheckpointID
	})
	r := &Risk{PersonID: personID, Tier: TierGreen, Reasons: rs}
	if len(rs) == 0 {
		return r
	}
	r.Tier = rs[0].Tier
	never := false
	for _, x := range rs {
		if x.Tier != r.Tier {
			continue
		}
		if x.ExpiresAt == nil {
			never = true
		} else if r.ExpiresAt == nil || x.ExpiresAt.After(*r.ExpiresAt) {
			t := *x.ExpiresAt
			r.ExpiresAt = &t
		}
	}
	if never {
		r.ExpiresAt = nil
	}
	return r
}

func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// readingReasons adds POSITIVE_TEST and FEVER reasons.
func (s *Service) readingReasons(ctx context.Context, fs Facts, ids []string, facts map[string]*personFacts, asOf time.Time, reasons map[string][]RiskReason) error {
	q := ReadingQuery{AsOf: asOf, Loc: s.Loc, Fever: s.Policy.FeverCelsius,
		TestSince:  asOf.Add(-time.Duration(s.Policy.PositiveTestDays) * Day),
		FeverSince: asOf.Add(-time.Duration(s.Policy.FeverDays) * Day)}
	all, err := fs.Readings(ctx, ids, q)
	if err != nil {
		return err
	}
	feverExp := time.Duration(s.Policy.FeverDays) * Day
	for id, rd := range all {
		for _, t := range rd.Tests {
			since := t.SampledAt
			exp := since.Add(time.Duration(s.Policy.PositiveTestDays) * Day)
			reasons[id] = append(reasons[id], RiskReason{Rule: RulePositiveTest, Tier: TierRed, Since: &since, ExpiresAt: &exp,
				TestID: t.ID, TestKind: t.Kind})
		}
		for _, p := range rd.Passages {
			since := p.At
			exp := since.Add(feverExp)
			reasons[id] = append(reasons[id], RiskReason{Rule: RuleFever, Tier: TierYellow, Since: &since, ExpiresAt: &exp,
				CheckpointID: p.CheckpointID, Temperature: p.Temperature})
		}
		for _, v := range rd.Visits {
			since := v.At
			exp := since.Add(feverExp)
			reasons[id] = append(reasons[id], RiskReason{Rule: RuleFever, Tier: TierYellow, Since: &since, ExpiresAt: &exp,
				VisitHouseholdID: v.HouseholdID, Temperature: v.Temperature})
		}
		for _, r := range rd.Reports {
			since := r.Date.In(s.Loc)
			if !within(since, asOf, s.Policy.FeverDays) {
				continue
			}
			d := r.Date
			exp := since.Add(feverExp)
			reasons[id] = append(reasons[id], RiskReason{Rule: RuleFever, Tier: TierYellow, Since: &since, ExpiresAt: &exp,
				HealthReportDate: &d, Temperature: r.Temperature})
		}
	}
	return nil
}

// Arrivals lists trips with since < arriveAt ≤ asOf whose from_area's effective level at
// departAt is medium or high (SPEC §5), ordered by person id, arriveAt.
func (s *Service) Arrivals(ctx context.Context, since, asOf time.Time) ([]Arrival, error) {
	since, asOf = s.zoned(since), s.zoned(asOf)
	return readFacts(ctx, s, "arrivals", func(ctx context.Context, fs Facts) ([]Arrival, error) {
		return fs.Arrivals(ctx, nil, since, asOf)
	})
}

// candidateCases are the traced cases whose depth-2 chains can hold one of these people:
// those within two exposure hops of them (or the people themselves, who can be contacts
// of other cases). Hops are read over the time that can still give a reason: a person's
// own exposures must end within the contact days, and those of the people they were
// reached through within the contact days plus the contact window days (SPEC §4: a
// close contact's window ends at most that long after their last exposure). The set is a
// superset; the chains decide.
func (s *Service) candidateCases(ctx context.Context, fs Facts, ids []string, facts map[string]*personFacts, asOf time.Time) ([]*personFacts, error) {
	hop1Hull := Interval{asOf.Add(-time.Duration(s.Policy.ContactRiskDays) * Day), asOf}
	hop2Hull := Interval{asOf.Add(-time.Duration(s.Policy.ContactRiskDays+s.Policy.ContactWindowDays) * Day), asOf}
	first := map[string]Interval{}
	for _, id := range ids {
		first[id] = hop1Hull
	}
	hop1, err := fs.NeighbourIDs(ctx, first, false, asOf)
	if err != nil {
		return nil, err
	}
	// The second hop only needs the traced cases among the neighbours (of the people
	// and of their first-hop neighbours, over the longer hull).
	second := map[string]Interval{}
	for _, id := range ids {
		second[id] = hop2Hull
	}
	for _, id := range hop1 {
		second[id] = hop2Hull
	}
	caseIDs, err := fs.NeighbourIDs(ctx, second, true, asOf)
	if err != nil {
		return nil, err
	}
	if err := ensureFacts(ctx, fs, facts, caseIDs, asOf); err != nil {
		return nil, err
	}
	sort.Strings(caseIDs)
	var out []*personFacts
	for _, id := range caseIDs {
		if f := facts[id]; f != nil && f.isTraced(asOf) {
			out = append(out, f)
		}
	}
	return out, nil
}

// ensureFacts reads the facts of the ids the cache lacks.
func ensureFacts(ctx context.Context, fs Facts, facts map[string]*personFacts, ids []string, asOf time.Time) error {
	var need []string
	for _, id := range ids {
		if _, ok := facts[id]; !ok {
			need = append(need, id)
		}
	}
	if len(need) == 0 {
		return nil
	}
	got, err := fs.PersonFacts(ctx, need, asOf)
	if err != nil {
		return err
	}
	for id, f := range got {
		facts[id] = f
	}
	return nil
}
