package graph

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Record is one row of a query answer.
type Record = neo4j.Record

// MaxPageSize bounds every paged list: a page is one round trip, and a larger page
// would let one request hold a transaction (and the heap) for too long.
const MaxPageSize = 500

// PeopleFilter selects people; every field that is set must hold.
type PeopleFilter struct {
	NamePrefix   string
	IDNumber     string
	Phone        string
	AreaCode     string // the household is in this area or under it
	CaseStatus   string // lower-case status
	InQuarantine *bool  // an assignment whose [start, end] covers asOf
	Tier         string // RED, YELLOW or GREEN as of asOf (SPEC §5)
	// ScopeAreas, when not nil, keeps only people whose household lies under one of
	// these areas: a tracer's lists are cut to the areas they serve.
	ScopeAreas []string
}

// scopeCond is the Cypher condition on p for ScopeAreas (a parameter $scope).
const scopeCond = "($scope IS NULL OR EXISTS { MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(sa:Area) WHERE sa.code IN $scope })"

// areaCond is the Cypher condition on p for PeopleFilter.AreaCode (a parameter $areaCode).
const areaCond = "EXISTS { MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(:Area {code: $areaCode}) }"

// smallAreas reports whether every one of the areas is below town level (a village or
// a community): few enough people to start a search from the area. An unknown code
// counts as small (it finds no one either way).
func smallAreas(ctx context.Context, tx Tx, codes []string) (bool, error) {
	small := true
	err := collect(ctx, tx, `MATCH (a:Area) WHERE a.code IN $codes RETURN a.level AS level`,
		map[string]any{"codes": codes}, func(r *Record) {
			switch str(get(r, "level")) {
			case "village", "community":
			default:
				small = false
			}
		})
	return small, err
}

func scopeParam(areas []string) any {
	if areas == nil {
		return nil
	}
	return areas
}

// PersonPage is one page of people and the cursor after it.
type PersonPage struct {
	People    []*Person
	EndCursor string // "" when the page is empty
	HasNext   bool
}

// checkPage validates a page size and decodes an optional cursor of the given kind.
func checkPage(op string, first int, after string, kind string) ([]string, error) {
	if first < 1 || first > MaxPageSize {
		return nil, InvalidArg(op, "first", "page size %d is not in 1–%d", first, MaxPageSize)
	}
	if after == "" {
		return nil, nil
	}
	parts, err := decodeCursor(after, kind)
	if err != nil {
		return nil, InvalidArg(op, "after", "not a cursor of this list: %v", err)
	}
	return parts, nil
}

// Cursors are opaque to clients: base64url of "kind\x00key…", the last row's sort key.
// Keyset paging from the key is stable under inserts, unlike offsets.
func encodeCursor(kind string, keys ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + "\x00" + strings.Join(keys, "\x00")))
}

func decodeCursor(c, kind string) ([]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, err
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) < 2 || parts[0] != kind {
		return nil, errBadCursor
	}
	return parts[1:], nil
}

var errBadCursor = Errorf(Invalid, "cursor", "wrong kind of cursor")

// SearchPeople returns one page of the people matching f, ordered by id, after the
// cursor. The page is read with first+1 rows to know whether another follows.
func (s *Service) SearchPeople(ctx context.Context, f PeopleFilter, first int, after string, asOf time.Time) (*PersonPage, error) {
	const op = "people"
	cur, err := checkPage(op, first, after, "person")
	if err != nil {
		return nil, err
	}
	if len(cur) != 0 && len(cur) != 1 {
		return nil, InvalidArg(op, "after", "not a cursor of this list")
	}
	params := map[string]any{"limit": first + 1, "asOf": asOf.In(s.Loc), "after": nil}
	if len(cur) == 1 {
		params["after"] = cur[0]
	}
	params["scope"] = scopeParam(f.ScopeAreas)
	conds := []string{"($after IS NULL OR p.id > $after)", scopeCond}
	if f.NamePrefix != "" {
		conds = append(conds, "p.name STARTS WITH $namePrefix")
		params["namePrefix"] = f.NamePrefix
	}
	if f.IDNumber != "" {
		conds = append(conds, "p.idNumber = $idNumber")
		params["idNumber"] = strings.ToUpper(strings.TrimSpace(f.IDNumber))
	}
	if f.Phone != "" {
		conds = append(conds, "p.phone = $phone")
		params["phone"] = strings.TrimSpace(f.Phone)
	}
	if f.AreaCode != "" {
		conds = append(conds, areaCond)
		params["areaCode"] = f.AreaCode
	}
	if f.CaseStatus != "" {
		conds = append(conds, "EXISTS { MATCH (p)-[:HAS_CASE]->(c:Case) WHERE c.status = $caseStatus }")
		params["caseStatus"] = f.CaseStatus
	}
	if f.InQuarantine != nil {
		q := "EXISTS { MATCH (p)-[:ASSIGNED]->(q:Quarantine) WHERE q.start <= $asOf AND q.end > $asOf }"
		if !*f.InQuarantine {
			q = "NOT " + q
		}
		conds = append(conds, q)
	}
	if f.Tier != "" {
		switch f.Tier {
		case TierRed, TierYellow:
			conds = append(conds, "p.id IN $tierIds")
		case TierGreen:
			conds = append(conds, "NOT p.id IN $tierIds")
		default:
			return nil, InvalidArg(op, "filter.tier", "unknown tier %q", f.Tier)
		}
	}
	// Only fixed condition texts are joined here; every value is a parameter.
	scan := "MATCH (p:Person) WHERE " + strings.Join(conds, " AND ")
	ret := `
		RETURN p {.id, .name, .idNumber, .phone, .sex, .birthDate, .householdId} AS p
		ORDER BY p.id LIMIT $limit`
	// Area-first: the people of a village (or of a tracer's villages) are found from the
	// area down (area ← households ← members, a village's 1,500 people) rather than by
	// walking PART_OF up from every person in id order. From a town or wider, where a
	// page fills after a few hundred people in id order, the scan is cheaper.
	type start struct {
		roots []string
		cond  string // the condition that starting from roots makes true
	}
	var starts []start
	if f.ScopeAreas != nil {
		starts = append(starts, start{f.ScopeAreas, scopeCond})
	}
	if f.AreaCode != "" {
		starts = append(starts, start{[]string{f.AreaCode}, areaCond})
	}
	if f.Tier != "" && s.Index != nil {
		// With the tracing index the tier set comes from memory (the page then reads
		// Neo4j in its own transaction).
		ids, err := readFacts(ctx, s, op, func(ctx context.Context, fs Facts) ([]string, error) {
			return s.tierSet(ctx, fs, f.Tier, asOf.In(s.Loc))
		})
		if err != nil {
			return nil, err
		}
		params["tierIds"] = ids
	}
	return Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) (*PersonPage, error) {
		cypher := scan + ret
		for _, st := range starts {
			small, err := smallAreas(ctx, tx, st.roots)
			if err != nil {
				return nil, err
			}
			if !small {
				continue
			}
			var rest []string
			for _, c := range conds {
				if c != st.cond {
					rest = append(rest, c)
				}
			}
			params["roots"] = st.roots
			cypher = `MATCH (root:Area) WHERE root.code IN $roots
		MATCH (root)<-[:PART_OF*0..]-(:Area)<-[:IN]-(:Household)<-[:MEMBER_OF]-(p:Person)
		WITH DISTINCT p WHERE ` + strings.Join(rest, " AND ") + ret
			break
		}
		if f.Tier != "" && s.Index == nil {
			// Tiers are computed, not stored: find everyone who can be other than
			// GREEN (the chains of every traced case, tests, arrivals, readings), take
			// their tiers, and filter by that set. Costly at county scale (every traced
			// case's chain per page), exact at any scale.
			ids, err := s.tierSet(ctx, CypherFacts(tx), f.Tier, asOf.In(s.Loc))
			if err != nil {
				return nil, err
			}
			params["tierIds"] = ids
		}
		res, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		page := &PersonPage{}
		for res.Next(ctx) {
			v, _ := res.Record().Get("p")
			page.People = append(page.People, personFromMap(v.(map[string]any)))
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		if len(page.People) > first {
			page.People, page.HasNext = page.People[:first], true
		}
		if n := len(page.People); n > 0 {
			page.EndCursor = encodeCursor("person", page.People[n-1].ID)
		}
		return page, nil
	})
}

// collect runs one statement and hands each record to fn.
func collect(ctx context.Context, tx Tx, cypher string, params map[string]any, fn func(r *Record)) error {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		fn(res.Record())
	}
	return res.Err()
}

func get(r *Record, key string) any {
	v, _ := r.Get(key)
	return v
}

func i64(v any) int64 {
	n, _ := v.(int64)
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// tierSet is, for RED or YELLOW, the ids of the people at that tier as of asOf; for
// GREEN, the ids of everyone who is not (the complement is what the caller keeps).
func (s *Service) tierSet(ctx context.Context, fs Facts, tier string, asOf time.Time) ([]string, error) {
	candidates, chains, err := s.nonGreenCandidates(ctx, fs, asOf)
	if err != nil || len(candidates) == 0 {
		return []string{}, err
	}
	risks, err := s.risksWithChainsTx(ctx, fs, candidates, asOf, true, chains)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, id := range candidates {
		r := risks[id]
		if r == nil {
			continue
		}
		if (tier == TierGreen && r.Tier != TierGreen) || (tier != TierGreen && r.Tier == tier) {
			out = append(out, id)
		}
	}
	return out, nil
}
