package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Chain statistics for epidemiologists (issue 4): contacts per case, the share of new
// cases who were already known contacts, serial intervals over transmission links (one
// per linked pair, SPEC §4 rev 5), and data-quality warnings (unlinked exposures among
// them). Readings (docs/rules.md):
//   - contacts per case counts every contact of the case's depth-2 chain (close,
//     secondary and general);
//   - new cases are the traced cases confirmed within the contact days before asOf;
//     one was a known contact when they appear in the depth-2 chain of another traced
//     case confirmed before them;
//   - an area selects the cases whose household lies in or under it.

// Data-quality warning kinds.
const (
	WarnOnsetBeforeSource     = "ONSET_BEFORE_SOURCE"     // a case whose onset precedes its likely source's
	WarnExposedAfterIsolation = "EXPOSED_AFTER_ISOLATION" // a recorded contact of a case after its isolation point
	WarnNoWindow              = "NO_WINDOW"               // a case with no (or an empty) infectious window
	WarnUnlinkedExposure      = "UNLINKED_EXPOSURE"       // two cases that share a fact but have no likely-source link (SPEC §4 rev 5)
)

// DataWarning is one data-quality finding.
type DataWarning struct {
	Kind     string
	CaseID   string
	PersonID string // the other person, when there is one
	At       *time.Time
	Message  string
}

// ChainStatistics summarises the chains of the traced cases of an area as of a moment.
type ChainStatistics struct {
	AsOf     time.Time
	AreaCode string
	Cases    int
	// Contacts per case over the depth-2 chains.
	ContactsPerCaseMean, ContactsPerCaseMedian float64
	NewCases                                   int
	NewCasesKnownContacts                      int
	KnownContactShare                          *float64 // nil when there are no new cases
	SerialIntervals                            int
	SerialIntervalMean, SerialIntervalMedian   *float64
	Warnings                                   []DataWarning
}

// ChainStatistics computes the statistics of the traced cases whose household is in or
// under areaCode (all cases when it is empty) as of asOf.
func (s *Service) ChainStatistics(ctx context.Context, asOf time.Time, areaCode string) (*ChainStatistics, error) {
	asOf = s.zoned(asOf)
	return readFacts(ctx, s, "chainStatistics", func(ctx context.Context, fs Facts) (*ChainStatistics, error) {
		st := &ChainStatistics{AsOf: asOf, AreaCode: areaCode}
		all, err := fs.TracedCaseIDs(ctx, asOf, nil)
		if err != nil {
			return nil, err
		}
		inArea, err := casesInArea(ctx, fs, all, areaCode)
		if err != nil {
			return nil, err
		}
		facts, err := fs.PersonFacts(ctx, all, asOf)
		if err != nil {
			return nil, err
		}
		cases := make([]*personFacts, 0, len(all))
		for _, id := range all {
			if f := facts[id]; f != nil {
				cases = append(cases, f)
			}
		}
		chains, err := s.chainsTx(ctx, fs, cases, facts, riskChainDepth, asOf, nil)
		if err != nil {
			return nil, err
		}
		// Contacts per case and data-quality: no window.
		var perCase []float64
		for _, ch := range chains {
			if !inArea[ch.SourceID] {
				continue
			}
			st.Cases++
			perCase = append(perCase, float64(len(ch.Contacts)))
			if !ch.HasWindow || ch.Empty {
				st.Warnings = append(st.Warnings, DataWarning{Kind: WarnNoWindow, CaseID: ch.SourceID,
					Message: fmt.Sprintf("case %s has no infectious window (no onset, positive sample or confirmation, or isolated before it starts)", ch.SourceID)})
			}
		}
		st.ContactsPerCaseMean, st.ContactsPerCaseMedian = meanMedian(perCase)

		// New cases that were known contacts.
		since := asOf.Add(-time.Duration(s.Policy.ContactRiskDays) * Day)
		for _, f := range cases {
			if !inArea[f.ID] || f.Case.ConfirmedAt == nil || !f.Case.ConfirmedAt.After(since) {
				continue
			}
			st.NewCases++
			for _, ch := range chains {
				other := facts[ch.SourceID]
				if ch.SourceID == f.ID || other.Case.ConfirmedAt == nil || !other.Case.ConfirmedAt.Before(*f.Case.ConfirmedAt) {
					continue
				}
				if ch.Contact(f.ID) != nil {
					st.NewCasesKnownContacts++
					break
				}
			}
		}
		if st.NewCases > 0 {
			share := float64(st.NewCasesKnownContacts) / float64(st.NewCases)
			st.KnownContactShare = &share
		}

		// Serial intervals, one per transmission link into the area's cases (§4's rule,
		// in clusters.go), and links whose target fell ill before its source.
		traced := make(map[string]bool, len(cases))
		for _, f := range cases {
			traced[f.ID] = true
		}
		links := s.transmissionLinks(chains, facts, traced)
		var serial []float64
		for _, l := range links {
			if !inArea[l.TargetID] || l.SerialIntervalDays == nil {
				continue
			}
			days := *l.SerialIntervalDays
			serial = append(serial, float64(days))
			if days < 0 {
				a, b := facts[l.SourceID], facts[l.TargetID]
				st.Warnings = append(st.Warnings, DataWarning{Kind: WarnOnsetBeforeSource, CaseID: b.ID, PersonID: a.ID,
					Message: fmt.Sprintf("case %s (onset %s) has likely source %s with a later onset (%s)", b.ID, b.Case.OnsetDate, a.ID, a.Case.OnsetDate)})
			}
		}
		st.SerialIntervals = len(serial)
		if len(serial) > 0 {
			m, med := meanMedian(serial)
			st.SerialIntervalMean, st.SerialIntervalMedian = &m, &med
		}

		// Cases that share a fact but have no link either way.
		unlinked, err := unlinkedExposures(ctx, fs, all, links, inArea, asOf)
		if err != nil {
			return nil, err
		}
		for _, u := range unlinked {
			st.Warnings = append(st.Warnings, DataWarning{Kind: WarnUnlinkedExposure, CaseID: u.AID, PersonID: u.BID,
				Message: fmt.Sprintf("cases %s and %s share %s but neither is a likely source of the other: the exposure fell outside their windows, or a date is wrong",
					u.AID, u.BID, strings.Join(u.Shared, ", "))})
		}

		// Contacts recorded after a case's isolation point: read the case's
		// neighbourhood from the end of its window (when isolation ended it) to asOf.
		after := map[string]Interval{}
		for _, ch := range chains {
			if inArea[ch.SourceID] && ch.HasWindow && !ch.Empty && ch.Window.To.Before(asOf) {
				after[ch.SourceID] = Interval{ch.Window.To, asOf}
			}
		}
		if len(after) > 0 {
			nbs, err := fs.Neighbourhoods(ctx, after, nil)
			if err != nil {
				return nil, err
			}
			for caseID, iv := range after {
				n := nbs[caseID]
				var seen []DataWarning
				for _, c := range n.Contacts {
					if c.At.After(iv.From) && !c.At.After(asOf) {
						at := c.At
						seen = append(seen, DataWarning{Kind: WarnExposedAfterIsolation, CaseID: caseID, PersonID: c.Other, At: &at,
							Message: fmt.Sprintf("contact of case %s with %s at %s, after the case's isolation at %s", caseID, c.Other,
								at.In(s.Loc).Format(time.RFC3339), iv.From.In(s.Loc).Format(time.RFC3339))})
					}
				}
				for _, a := range n.Attendances {
					common := Interval{a.From, a.To}.Intersect(Interval{a.OtherFrom, a.OtherTo})
					if common.To.After(iv.From) && !common.From.After(asOf) && common.Length() > 0 {
						from := maxTime(common.From, iv.From)
						seen = append(seen, DataWarning{Kind: WarnExposedAfterIsolation, CaseID: caseID, PersonID: a.Other, At: &from,
							Message: fmt.Sprintf("case %s attended event %s with %s after the case's isolation", caseID, a.EventID, a.Other)})
					}
				}
				st.Warnings = append(st.Warnings, seen...)
			}
		}
		sort.SliceStable(st.Warnings, func(i, j int) bool {
			a, b := st.Warnings[i], st.Warnings[j]
			if a.Kind != b.Kind {
				return a.Kind < b.Kind
			}
			if a.CaseID != b.CaseID {
				return a.CaseID < b.CaseID
			}
			return a.PersonID < b.PersonID
		})
		return st, nil
	})
}

func meanMedian(xs []float64) (mean, median float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	sum := 0.0
	for _, x := range s {
		sum += x
	}
	mean = sum / float64(len(s))
	if n := len(s); n%2 == 1 {
		median = s[n/2]
	} else {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return mean, median
}
