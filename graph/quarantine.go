package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// chainReaders is how many contact chains a run reads at once.
const chainReaders = 4

// The quarantine engine (SPEC §6). A run is split in three parts so that the rules can
// be tested without a database:
//
//   - needs (this file): what the contact chains and arrivals ask for, a pure function
//     of the tracing engine's answers;
//   - the plan (quarantine_plan.go): the six steps as pure Go over an in-memory
//     snapshot of open assignments, facilities, areas and officers;
//   - the store (quarantine_store.go): the snapshot loaded and the plan written, in one
//     write transaction serialised by a lock node.

// Tracer is what the quarantine engine needs from the tracing engine (the contract in
// the tracing ↔ quarantine brief). *Service implements it; tests may pass their own.
type Tracer interface {
	TracedCaseIDs(ctx context.Context, asOf time.Time) ([]string, error)
	ContactChain(ctx context.Context, caseID string, maxDepth int, asOf time.Time) (*Chain, error)
	Arrivals(ctx context.Context, since, asOf time.Time) ([]Arrival, error)
	Risks(ctx context.Context, personIDs []string, asOf time.Time) (map[string]*Risk, error)
}

// QuarantineRun is what one assignQuarantines run did. Every list holds the
// assignments in their state after the run, ordered by id. Pending is every assignment
// still waiting for a place after the run (not only those this run touched); Referrals
// are everyone with a POSITIVE_TEST or FEVER reason at asOf, at every run.
type QuarantineRun struct {
	RunID  string // the recorded run; empty when the run changed nothing
	AsOf   time.Time
	DryRun bool // the run was computed and rolled back

	Created, Extended, Superseded, Completed, Escalated, Placed, Pending []*Quarantine

	Referrals       []Referral
	MissingOfficers []MissingOfficer

	// Phases is how long each part of the run took (lock, needs, load, plan, refer,
	// write), for operators and the benchmark.
	Phases []Phase
}

// Phase is one timed part of a run.
type Phase struct {
	Name     string
	Duration time.Duration
}

// Changed reports whether the run changed any assignment.
func (r *QuarantineRun) Changed() bool {
	return len(r.Created)+len(r.Extended)+len(r.Superseded)+len(r.Completed)+len(r.Escalated)+len(r.Placed) > 0
}

// Referral is a person to be seen at a fever clinic at once (SPEC §6 step 6).
type Referral struct {
	PersonID string
	Rules    []string // POSITIVE_TEST, FEVER
}

// MissingOfficer reports a "1+1" role that no ancestor-or-self area of the person's
// household could fill (SPEC §6 step 5: reported, never invented).
type MissingOfficer struct {
	QuarantineID string
	PersonID     string
	Role         string // cadre or medical
}

// Officer roles.
const (
	RoleCadre   = "cadre"
	RoleMedical = "medical"
)

// kindStrength orders the kinds: centralized > home > health_monitoring.
func kindStrength(kind string) int {
	switch kind {
	case KindCentralized:
		return 3
	case KindHome:
		return 2
	case KindHealthMonitoring:
		return 1
	}
	return 0
}

// Need is what the rules ask for one person at asOf: the strongest kind among their
// reasons still running, ending at the latest end of that kind.
type Need struct {
	PersonID string
	Kind     string
	End      time.Time
	Reasons  []string // every reason of that kind, sorted
	// TestDays and Then come from the measure that gave End (the protocol's test days
	// and its "then N days at home" follow-on); nil when it has none.
	TestDays []int
	Then     *Measure
}

// needItem is one reason for one person.
type needItem struct {
	kind    string
	end     time.Time
	reason  string
	measure *Measure
}

// needSet collects reasons per person and reduces them to Needs.
type needSet map[string][]needItem

func (ns needSet) add(personID string, m *Measure, from time.Time, reason string) {
	if m == nil {
		return // the protocol does not act on this reason (e.g. no secondary contacts)
	}
	ns[personID] = append(ns[personID], needItem{kind: m.Kind, end: from.Add(time.Duration(m.Days) * Day), reason: reason, measure: m})
}

// reduce applies SPEC §6 step 2: needs whose end is not after asOf are dropped first;
// then per person the strongest remaining kind, its end the latest end of that kind.
func (ns needSet) reduce(asOf time.Time) map[string]*Need {
	out := map[string]*Need{}
	for pid, items := range ns {
		var best *Need
		var bestItem needItem
		reasons := map[string]bool{}
		for _, it := range items {
			if !it.end.After(asOf) {
				continue
			}
			switch {
			case best == nil || kindStrength(it.kind) > kindStrength(best.Kind):
				best = &Need{PersonID: pid, Kind: it.kind, End: it.end}
				bestItem = it
				reasons = map[string]bool{}
			case it.kind == best.Kind && (it.end.After(best.End) || (it.end.Equal(best.End) && it.reason < bestItem.reason)):
				// the latest end wins; on a tie the first reason in order, so that the
				// follow-on measure does not depend on the order of the chains
				best.End = it.end
				bestItem = it
			case it.kind != best.Kind:
				continue
			}
			reasons[it.reason] = true
		}
		if best == nil {
			continue
		}
		for r := range reasons {
			best.Reasons = append(best.Reasons, r)
		}
		sort.Strings(best.Reasons)
		best.TestDays = bestItem.measure.TestDays
		best.Then = bestItem.measure.Then
		out[pid] = best
	}
	return out
}

// ComputeNeeds turns the chains of all traced cases (each to depth 2) and the recent
// arrivals into needs, by SPEC §6 step 2 and the policy's quarantine table. Degree-1
// CLOSE contacts are close contacts, degree-2 CLOSE contacts secondary contacts,
// degree-1 GENERAL contacts general contacts (SPEC §4). Who may not be assigned (active
// and deceased cases) is decided by the plan, not here.
func ComputeNeeds(p Policy, asOf time.Time, chains []*Chain, arrivals []Arrival) map[string]*Need {
	ns := needSet{}
	q := p.Quarantine
	for _, ch := range chains {
		if ch == nil {
			continue
		}
		for _, c := range ch.Contacts {
			if c.PersonID == ch.SourceID {
				continue
			}
			switch {
			case c.Degree == 1 && c.Class == ClassClose:
				ns.add(c.PersonID, &q.CloseContact, c.LastExposureAt, "close contact of "+ch.SourceID)
			case c.Degree == 2 && c.Class == ClassClose:
				ns.add(c.PersonID, q.SecondaryContact, c.LastExposureAt, "secondary contact of "+ch.SourceID)
			case c.Degree == 1 && c.Class == ClassGeneral:
				ns.add(c.PersonID, &q.GeneralContact, c.LastExposureAt, "general contact of "+ch.SourceID)
			}
		}
	}
	for _, a := range arrivals {
		if a.ArriveAt.After(asOf) {
			continue
		}
		switch a.Level {
		case "high":
			ns.add(a.PersonID, &q.HighRiskArrival, a.ArriveAt, fmt.Sprintf("arrival from high-risk area %s (%s)", a.FromArea, a.TripID))
		case "medium":
			ns.add(a.PersonID, &q.MediumRiskArrival, a.ArriveAt, fmt.Sprintf("arrival from medium-risk area %s (%s)", a.FromArea, a.TripID))
		}
	}
	return ns.reduce(asOf)
}

// arrivalLookback is how far back an arrival can still give a need at asOf.
func arrivalLookback(p Policy) time.Duration {
	days := p.Quarantine.HighRiskArrival.Days
	if d := p.Quarantine.MediumRiskArrival.Days; d > days {
		days = d
	}
	return time.Duration(days) * Day
}

// collectNeeds asks the tracing engine for the chains of every traced case (each to
// depth 2, SPEC §4 "for risk and quarantine") and the arrivals that can still count.
func collectNeeds(ctx context.Context, tr Tracer, p Policy, asOf time.Time) (map[string]*Need, error) {
	ids, err := tr.TracedCaseIDs(ctx, asOf)
	if err != nil {
		return nil, fmt.Errorf("needs: traced cases: %w", err)
	}
	sort.Strings(ids)
	// The chains are independent reads: a few at a time (the results keep their order,
	// so the needs do not depend on which finishes first).
	chains := make([]*Chain, len(ids))
	errs := make([]error, len(ids))
	sem := make(chan struct{}, chainReaders)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			chains[i], errs[i] = tr.ContactChain(ctx, id, 2, asOf)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("needs: contact chain of %s: %w", ids[i], err)
		}
	}
	arrivals, err := tr.Arrivals(ctx, asOf.Add(-arrivalLookback(p)), asOf)
	if err != nil {
		return nil, fmt.Errorf("needs: arrivals: %w", err)
	}
	return ComputeNeeds(p, asOf, chains, arrivals), nil
}

// isActiveCaseStatus: SPEC §5 ACTIVE_CASE (suspected, confirmed, asymptomatic).
func isActiveCaseStatus(s string) bool {
	return s == StatusSuspected || s == StatusConfirmed || s == StatusAsymptomatic
}

// noAssignment: SPEC §6 step 1, active and deceased cases get no new assignment and
// their open one is escalated.
func noAssignment(caseStatus string) bool {
	return isActiveCaseStatus(caseStatus) || caseStatus == StatusDeceased
}

// joinReasons is the stored form of an assignment's reasons (Quarantine.reason).
func joinReasons(r []string) string { return strings.Join(r, "; ") }

// SplitReasons reads Quarantine.reason back into its reasons.
func SplitReasons(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "; ")
}

// The tracing engine provides what the quarantine engine needs.
var _ Tracer = (*Service)(nil)
