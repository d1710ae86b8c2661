package graph

import (
	"context"
	"math"
	"strconv"
	"time"
)

// CaseFilter selects cases; every field that is set must hold.
type CaseFilter struct {
	Status   string // lower-case status
	AreaCode string // the person's household is in this area or under it
	// ScopeAreas, when not nil, keeps only cases of people under these areas (tracers).
	ScopeAreas []string
}

// Case orders for ListCases and dates for Epicurve.
const (
	ByOnset        = "ONSET"
	ByConfirmation = "CONFIRMATION"
)

// CasePage is one page of cases.
type CasePage struct {
	Cases     []*Case
	EndCursor string
	HasNext   bool
}

// noDateKey sorts cases without the chosen date after all others.
const noDateKey = math.MaxInt64

// caseSortKey is a Cypher expression giving each case one integer sort key, never null,
// so that a keyset cursor (key, person id) is total: days since 1970 for the onset
// date, milliseconds for confirmedAt.
var caseSortKey = map[string]string{
	ByOnset:        "CASE WHEN c.onsetDate IS NULL THEN $noDate ELSE duration.inDays(date('1970-01-01'), c.onsetDate).days END",
	ByConfirmation: "CASE WHEN c.confirmedAt IS NULL THEN $noDate ELSE c.confirmedAt.epochMillis END",
}

// ListCases returns one page of the cases that count as of asOf (confirmedAt ≤ asOf
// or none), ordered by the sort date (cases without it last), then person id.
func (s *Service) ListCases(ctx context.Context, f CaseFilter, sort string, first int, after string, asOf time.Time) (*CasePage, error) {
	const op = "cases"
	key, ok := caseSortKey[sort]
	if !ok {
		return nil, InvalidArg(op, "sort", "unknown order %q", sort)
	}
	cur, err := checkPage(op, first, after, "case:"+sort)
	if err != nil {
		return nil, err
	}
	params := map[string]any{"limit": first + 1, "asOf": asOf.In(s.Loc), "noDate": int64(noDateKey),
		"afterKey": nil, "afterID": nil, "status": nz(f.Status), "area": nz(f.AreaCode), "scope": scopeParam(f.ScopeAreas)}
	if cur != nil {
		if len(cur) != 2 {
			return nil, InvalidArg(op, "after", "not a cursor of this list")
		}
		k, err := strconv.ParseInt(cur[0], 10, 64)
		if err != nil {
			return nil, InvalidArg(op, "after", "not a cursor of this list")
		}
		params["afterKey"], params["afterID"] = k, cur[1]
	}
	// Only the fixed sort expression is spliced in; every value is a parameter.
	cypher := `MATCH (p:Person)-[:HAS_CASE]->(c:Case)
		WHERE (c.confirmedAt IS NULL OR c.confirmedAt <= $asOf)
		  AND ($status IS NULL OR c.status = $status)
		  AND ` + scopeCond + `
		  AND ($area IS NULL OR EXISTS { MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(:Area {code: $area}) })
		WITH c, ` + key + ` AS k
		WHERE $afterKey IS NULL OR k > $afterKey OR (k = $afterKey AND c.personId > $afterID)
		RETURN c {.personId, .status, .onsetDate, .confirmedAt, .isolatedAt} AS c, k
		ORDER BY k, c.personId LIMIT $limit`
	return Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) (*CasePage, error) {
		page := &CasePage{}
		var keys []int64
		err := collect(ctx, tx, cypher, params, func(r *Record) {
			page.Cases = append(page.Cases, caseFromMap(get(r, "c").(map[string]any)))
			keys = append(keys, i64(get(r, "k")))
		})
		if err != nil {
			return nil, err
		}
		if len(page.Cases) > first {
			page.Cases, page.HasNext = page.Cases[:first], true
		}
		if n := len(page.Cases); n > 0 {
			page.EndCursor = encodeCursor("case:"+sort, itoa(keys[n-1]), page.Cases[n-1].PersonID)
		}
		return page, nil
	})
}
