package graph

import (
	"context"
	"slices"
	"strings"
	"time"
)

// What the change feed means to open screens (issue 18): every replica reads the same
// Change entries, in seq order, and derives from each the same subscription events, so
// a write through any replica, the loader or a quarantine run reaches every subscriber
// once, in order. The derivation reads the graph as it is when the change is read;
// which people a change names comes from the change itself.

// ChangeConfirmations names the people whose case became confirmed or asymptomatic in
// the change (from another status or from no case): the caseConfirmed events.
const ChangeConfirmations = "confirmations"

// MaxEventPeople bounds the people one risk event lists. A change that touches more (a
// bulk load) is announced as Refetch: the screens reread what they show.
const MaxEventPeople = 2000

// FeedEvents are the subscription events of one change.
type FeedEvents struct {
	Seq       int64
	Cause     string
	At        time.Time
	Confirmed []*Case // cases that became confirmed or asymptomatic
	// Risk lists the people whose tier the change may have moved (sorted); RiskRefetch
	// says it touched too many to list, or everything (a reset).
	Risk        []string
	RiskRefetch bool
	// Quarantine lists the people whose assignments the change wrote (sorted).
	Quarantine        []string
	QuarantineRefetch bool
	// Behind says the subscriber fell more than MaxReplay changes behind: it must
	// refetch, and its stream ends.
	Behind bool
}

// Empty says the change means nothing to any subscription.
func (e *FeedEvents) Empty() bool {
	return len(e.Confirmed) == 0 && len(e.Risk) == 0 && !e.RiskRefetch && len(e.Quarantine) == 0 && !e.QuarantineRefetch
}

// keyPart is part i of a composite feed key ("" when absent).
func keyPart(key string, i int) string {
	parts := strings.Split(key, "|")
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

// ChangeEvents derives the subscription events of a change.
func (s *Service) ChangeEvents(ctx context.Context, c Change) (*FeedEvents, error) {
	ev := &FeedEvents{Seq: c.Seq, Cause: c.Cause, At: c.At}
	if ev.Cause == "" {
		ev.Cause = c.Op
	}
	if len(c.Keys[ChangeReset]) > 0 {
		ev.RiskRefetch, ev.QuarantineRefetch = true, true
		return ev, nil
	}
	// People the change names directly, by kind (feedKeyOf gives the key layouts).
	direct := map[string]bool{}
	add := func(id string) {
		if id != "" {
			direct[id] = true
		}
	}
	for _, k := range c.Keys[ChangePeople] {
		add(k)
	}
	for _, k := range c.Keys[ChangeCases] {
		add(k)
	}
	for _, k := range c.Keys[ChangeAttendances] {
		add(keyPart(k, 0))
	}
	for _, k := range c.Keys[ChangeContacts] {
		add(keyPart(k, 0))
		add(keyPart(k, 1))
	}
	for _, k := range c.Keys[ChangePassages] {
		add(keyPart(k, 2)) // a plate-only passage names no one
	}
	for _, k := range c.Keys[ChangeHealthReports] {
		add(keyPart(k, 0))
	}
	for _, k := range c.Keys[ChangeVisits] {
		add(keyPart(k, 2))
	}
	var err error
	if trips, tests := c.Keys[ChangeTrips], c.Keys[ChangeTests]; len(trips)+len(tests) > 0 && len(direct) <= MaxEventPeople {
		owners, err := s.recordOwners(ctx, trips, tests)
		if err != nil {
			return nil, err
		}
		for _, id := range owners {
			add(id)
		}
	}
	if len(direct) > MaxEventPeople {
		ev.RiskRefetch = true
	} else {
		ids := make([]string, 0, len(direct))
		for id := range direct {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if len(ids) > 0 {
			if ev.Risk, err = s.LinkedPeople(ctx, ids); err != nil {
				return nil, err
			}
		}
		// A designation moves the tiers of those who travelled from the area.
		for _, k := range c.Keys[ChangeDesignations] {
			more, err := s.TravellersFrom(ctx, keyPart(k, 0))
			if err != nil {
				return nil, err
			}
			ev.Risk = append(ev.Risk, more...)
		}
		slices.Sort(ev.Risk)
		ev.Risk = slices.Compact(ev.Risk)
		if len(ev.Risk) > MaxEventPeople {
			ev.Risk, ev.RiskRefetch = nil, true
		}
	}
	if confirmed := c.Keys[ChangeConfirmations]; len(confirmed) > 0 {
		cases, err := s.CasesOf(ctx, confirmed)
		if err != nil {
			return nil, err
		}
		ids := slices.Clone(confirmed)
		slices.Sort(ids)
		for _, id := range ids {
			if cs := cases[id]; cs != nil {
				ev.Confirmed = append(ev.Confirmed, cs)
			}
		}
	}
	if qs := c.Keys[ChangeQuarantines]; len(qs) > MaxEventPeople {
		ev.QuarantineRefetch = true
	} else if len(qs) > 0 {
		if ev.Quarantine, err = s.quarantineOwners(ctx, qs); err != nil {
			return nil, err
		}
	}
	return ev, nil
}

// recordOwners returns the people whose trips and tests these are.
func (s *Service) recordOwners(ctx context.Context, trips, tests []string) ([]string, error) {
	return Read(ctx, s.DB, "feed owners", func(ctx context.Context, tx Tx) ([]string, error) {
		var out []string
		err := collect(ctx, tx, `UNWIND $trips AS id MATCH (t:Trip {id: id}) RETURN t.personId AS id
			UNION UNWIND $tests AS id MATCH (t:Test {id: id}) RETURN t.personId AS id`,
			map[string]any{"trips": trips, "tests": tests}, func(r *Record) {
				out = append(out, str(get(r, "id")))
			})
		return out, err
	})
}

// quarantineOwners returns, sorted, the people of these assignments.
func (s *Service) quarantineOwners(ctx context.Context, ids []string) ([]string, error) {
	return Read(ctx, s.DB, "feed quarantines", func(ctx context.Context, tx Tx) ([]string, error) {
		var out []string
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (q:Quarantine {id: id})
			RETURN DISTINCT q.personId AS id ORDER BY id`, map[string]any{"ids": ids}, func(r *Record) {
			out = append(out, str(get(r, "id")))
		})
		return out, err
	})
}
