package graph

import (
	"context"
	"slices"
	"time"
)

// KPIs are the command centre's measures of how fast tracing keeps up (issue 6):
// how many new cases were already in quarantine when confirmed (found before they
// fell ill is the point of tracing), how long their close contacts waited for a
// facility place, and how many contacts each case had.
type KPIs struct {
	From, AsOf time.Time
	// NewCases: traced cases (confirmed, asymptomatic, recovered, deceased) with
	// confirmedAt in (From, AsOf], whose household is under the area asked for.
	NewCases int
	// AlreadyInQuarantine: of those, the ones with an assignment of any kind that had
	// started and not ended at the moment of confirmation.
	AlreadyInQuarantine int
	// ClosePairs counts (new case, degree-1 close contact) pairs as of AsOf; Placed
	// those whose contact has a placed centralized assignment (placedAt ≤ AsOf) that
	// had not ended at the case's confirmation.
	ClosePairs, Placed int
	// HoursToPlacement holds, per placed pair, the hours from the case's confirmation
	// to the contact's placement (0 when the contact was placed before it).
	HoursToPlacement []float64
	// Contacts counts the degree-1 contacts (close and general) of the new cases.
	Contacts int
}

// ShareAlreadyInQuarantine is AlreadyInQuarantine ÷ NewCases; nil without new cases.
func (k *KPIs) ShareAlreadyInQuarantine() *float64 {
	if k.NewCases == 0 {
		return nil
	}
	v := float64(k.AlreadyInQuarantine) / float64(k.NewCases)
	return &v
}

// MedianHoursToPlacement is the median of HoursToPlacement; nil when none was placed.
func (k *KPIs) MedianHoursToPlacement() *float64 {
	if len(k.HoursToPlacement) == 0 {
		return nil
	}
	h := slices.Clone(k.HoursToPlacement)
	slices.Sort(h)
	n := len(h)
	m := h[n/2]
	if n%2 == 0 {
		m = (h[n/2-1] + h[n/2]) / 2
	}
	return &m
}

// ContactsPerCase is Contacts ÷ NewCases; nil without new cases.
func (k *KPIs) ContactsPerCase() *float64 {
	if k.NewCases == 0 {
		return nil
	}
	v := float64(k.Contacts) / float64(k.NewCases)
	return &v
}

// KPIs computes the measures for cases confirmed in (from, asOf] living under
// areaCode (everyone when empty). from defaults to asOf − 14 days.
func (s *Service) KPIs(ctx context.Context, areaCode string, from *time.Time, asOf time.Time) (*KPIs, error) {
	asOf = s.zoned(asOf)
	f := asOf.Add(-14 * Day)
	if from != nil {
		f = s.zoned(*from)
	}
	if !f.Before(asOf) {
		return nil, InvalidArg("kpis", "from", "must be before asOf")
	}
	return Read(ctx, s.DB, "kpis", func(ctx context.Context, tx Tx) (*KPIs, error) {
		k := &KPIs{From: f, AsOf: asOf}
		res, err := tx.Run(ctx, `MATCH (p:Person)-[:HAS_CASE]->(c:Case)
			WHERE c.status IN ['confirmed', 'asymptomatic', 'recovered', 'deceased']
			  AND c.confirmedAt > $from AND c.confirmedAt <= $asOf
			  AND ($area IS NULL OR EXISTS {
			    MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(:Area {code: $area}) })
			RETURN p.id AS id, c.confirmedAt AS confirmedAt, EXISTS {
			  MATCH (p)-[:ASSIGNED]->(q:Quarantine)
			  WHERE q.start <= c.confirmedAt AND q.end > c.confirmedAt
			} AS quarantined
			ORDER BY id`, map[string]any{"from": f, "asOf": asOf, "area": nullable(areaCode)})
		if err != nil {
			return nil, err
		}
		confirmed := map[string]time.Time{}
		var ids []string
		for res.Next(ctx) {
			r := res.Record()
			id, _ := r.Get("id")
			at, _ := r.Get("confirmedAt")
			q, _ := r.Get("quarantined")
			k.NewCases++
			if q == true {
				k.AlreadyInQuarantine++
			}
			if t := timeOf(at); t != nil {
				confirmed[str(id)] = *t
			}
			ids = append(ids, str(id))
		}
		if err := res.Err(); err != nil || len(ids) == 0 {
			return k, err
		}
		facts, err := CypherFacts(tx).PersonFacts(ctx, ids, asOf)
		if err != nil {
			return nil, err
		}
		cases := make([]*personFacts, 0, len(ids))
		for _, id := range ids {
			if f, ok := facts[id]; ok {
				cases = append(cases, f)
			}
		}
		chains, err := s.chainsTx(ctx, CypherFacts(tx), cases, facts, 1, asOf, nil)
		if err != nil {
			return nil, err
		}
		type pair struct{ caseID, contactID string }
		var pairs []pair
		contactSet := map[string]bool{}
		for _, ch := range chains {
			k.Contacts += len(ch.Contacts)
			for _, c := range ch.Contacts {
				if c.Class == ClassClose {
					pairs = append(pairs, pair{ch.SourceID, c.PersonID})
					contactSet[c.PersonID] = true
				}
			}
		}
		k.ClosePairs = len(pairs)
		if len(pairs) == 0 {
			return k, nil
		}
		contacts := make([]string, 0, len(contactSet))
		for id := range contactSet {
			contacts = append(contacts, id)
		}
		res, err = tx.Run(ctx, `UNWIND $ids AS id
			MATCH (:Person {id: id})-[:ASSIGNED]->(q:Quarantine {kind: 'centralized'})
			WHERE q.placedAt IS NOT NULL AND q.placedAt <= $asOf
			RETURN id, q.placedAt AS placedAt, q.end AS end ORDER BY id, placedAt`,
			map[string]any{"ids": contacts, "asOf": asOf})
		if err != nil {
			return nil, err
		}
		placements := map[string][]Interval{}
		for res.Next(ctx) {
			r := res.Record()
			id, _ := r.Get("id")
			p, _ := r.Get("placedAt")
			e, _ := r.Get("end")
			if pt, et := timeOf(p), timeOf(e); pt != nil && et != nil {
				placements[str(id)] = append(placements[str(id)], Interval{From: *pt, To: *et})
			}
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		for _, p := range pairs {
			at := confirmed[p.caseID]
			// The first placement still running at the confirmation, or made after it.
			for _, iv := range placements[p.contactID] {
				if iv.To.After(at) {
					k.Placed++
					k.HoursToPlacement = append(k.HoursToPlacement, max(0, iv.From.Sub(at).Hours()))
					break
				}
			}
		}
		return k, nil
	})
}
