package graph

import (
	"context"
	"sort"
	"time"
)

// This file is SPEC §11: door-to-door sweeps, "no household missed in a village, no
// person missed in a household" (村不漏户、户不漏人).

// SweepCoverage is a sweep's figures for an area over a period, and for each child area.
type SweepCoverage struct {
	Area         *Area
	From, To     time.Time
	Households   int // households in or under the area
	Visited      int // of them, visited in the period
	People       int // members (as stored now) of the visited households
	AccountedFor int // of them, named by a person row of their household in the period
	// NotVisited and NotAccountedFor are whole here; the API pages them.
	NotVisited      []MissedHousehold // by household id
	NotAccountedFor []MissedPerson    // by person id
	Children        []*SweepCoverage  // the child areas, by code
}

// MissedHousehold is a household not visited in the period.
type MissedHousehold struct {
	HouseholdID, Address, AreaCode string
	// LastNoAnswer is the latest no_answer at its door in the period, if any.
	LastNoAnswer *time.Time
	Members      int
}

// MissedPerson is a member of a visited household whom no person row accounts for.
type MissedPerson struct {
	PersonID, HouseholdID, AreaCode string
}

// sweepHousehold is what the rules need of one household in the period.
type sweepHousehold struct {
	ID, Address, Area string
	Members           []string   // person ids, as stored now
	Rows              []visitRow // its visit rows in the period
}

type visitRow struct {
	At       time.Time
	PersonID string
	Status   string
}

// householdSweep applies §11 to one household: visited when a visited row or a person
// row falls in the period (no_answer rows alone leave it not visited); its members
// named by a person row are accounted for.
func householdSweep(h sweepHousehold) (visited bool, lastNoAnswer *time.Time, missing []string) {
	named := map[string]bool{}
	for _, r := range h.Rows {
		switch {
		case r.PersonID != "":
			visited = true
			named[r.PersonID] = true
		case r.Status == VisitNoAnswer:
			if lastNoAnswer == nil || r.At.After(*lastNoAnswer) {
				t := r.At
				lastNoAnswer = &t
			}
		default:
			visited = true
		}
	}
	if visited {
		for _, m := range h.Members {
			if !named[m] {
				missing = append(missing, m)
			}
		}
	}
	return visited, lastNoAnswer, missing
}

// SweepCoverage computes §11 for areaCode over [from, to] (both inclusive), for the
// area and each of its child areas. scopeAreas, when not nil, keeps a tracer's answer
// to the households under the areas they serve.
func (s *Service) SweepCoverage(ctx context.Context, areaCode string, from, to time.Time, scopeAreas []string) (*SweepCoverage, error) {
	const op = "sweepCoverage"
	from, to = s.zoned(from), s.zoned(to)
	if to.Before(from) {
		return nil, InvalidArg(op, "to", "end before start: to is before from")
	}
	var tree *areaTree
	var households []sweepHousehold
	_, err := Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) (any, error) {
		var err error
		if tree, err = CypherFacts(tx).AreaTree(ctx); err != nil {
			return nil, err
		}
		if _, ok := tree.areas[areaCode]; !ok {
			return nil, &Error{Kind: NotFound, Op: op, Field: "areaCode", Msg: "no area " + areaCode}
		}
		households = nil
		return nil, collect(ctx, tx, `MATCH (:Area {code: $area})<-[:PART_OF*0..]-(a:Area)<-[:IN]-(h:Household)
			WHERE $scope IS NULL OR EXISTS { MATCH (a)-[:PART_OF*0..]->(sa:Area) WHERE sa.code IN $scope }
			RETURN h.id AS id, h.address AS address, a.code AS area,
			  COLLECT { MATCH (p:Person)-[:MEMBER_OF]->(h) RETURN p.id ORDER BY p.id } AS members,
			  [(h)-[:VISITED]->(v:Visit) WHERE v.at >= $from AND v.at <= $to
			     | {at: v.at, person: v.personId, status: v.status}] AS rows`,
			map[string]any{"area": areaCode, "from": from, "to": to, "scope": scopeParam(scopeAreas)}, func(r *Record) {
				h := sweepHousehold{ID: str(get(r, "id")), Address: str(get(r, "address")), Area: str(get(r, "area"))}
				for _, m := range get(r, "members").([]any) {
					h.Members = append(h.Members, str(m))
				}
				for _, v := range get(r, "rows").([]any) {
					m := v.(map[string]any)
					h.Rows = append(h.Rows, visitRow{At: mustTime(m["at"]), PersonID: str(m["person"]), Status: str(m["status"])})
				}
				households = append(households, h)
			})
	})
	if err != nil {
		return nil, err
	}
	top := &SweepCoverage{Area: tree.areas[areaCode], From: from, To: to}
	kids := map[string]*SweepCoverage{}
	for _, c := range tree.children[areaCode] {
		k := &SweepCoverage{Area: tree.areas[c], From: from, To: to}
		kids[c] = k
		top.Children = append(top.Children, k)
	}
	sort.Slice(households, func(i, j int) bool { return households[i].ID < households[j].ID })
	for _, h := range households {
		buckets := []*SweepCoverage{top}
		for a := h.Area; a != "" && a != areaCode; a = tree.parent[a] {
			if k, ok := kids[a]; ok {
				buckets = append(buckets, k)
				break
			}
		}
		visited, lastNoAnswer, missing := householdSweep(h)
		for _, b := range buckets {
			b.Households++
			if !visited {
				b.NotVisited = append(b.NotVisited, MissedHousehold{HouseholdID: h.ID, Address: h.Address, AreaCode: h.Area,
					LastNoAnswer: lastNoAnswer, Members: len(h.Members)})
				continue
			}
			b.Visited++
			b.People += len(h.Members)
			b.AccountedFor += len(h.Members) - len(missing)
			for _, m := range missing {
				b.NotAccountedFor = append(b.NotAccountedFor, MissedPerson{PersonID: m, HouseholdID: h.ID, AreaCode: h.Area})
			}
		}
	}
	for _, b := range append([]*SweepCoverage{top}, top.Children...) {
		sort.Slice(b.NotAccountedFor, func(i, j int) bool { return b.NotAccountedFor[i].PersonID < b.NotAccountedFor[j].PersonID })
	}
	return top, nil
}
