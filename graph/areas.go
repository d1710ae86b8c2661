package graph

import (
	"context"
	"time"
)

// Areas returns the areas with the given codes, keyed by code, in one round trip.
func (s *Service) Areas(ctx context.Context, codes []string) (map[string]*Area, error) {
	return Read(ctx, s.DB, "areas", func(ctx context.Context, tx Tx) (map[string]*Area, error) {
		out := map[string]*Area{}
		err := collect(ctx, tx, `UNWIND $codes AS code MATCH (a:Area {code: code})
			RETURN a.code AS code, a.name AS name, a.level AS level, a.parentCode AS parent`,
			map[string]any{"codes": codes}, func(r *Record) {
				a := &Area{Code: str(get(r, "code")), Name: str(get(r, "name")), Level: str(get(r, "level")), ParentCode: str(get(r, "parent"))}
				out[a.Code] = a
			})
		return out, err
	})
}

// AreaChildren returns, for each code, the areas directly part of it, by code.
func (s *Service) AreaChildren(ctx context.Context, codes []string) (map[string][]*Area, error) {
	return Read(ctx, s.DB, "area children", func(ctx context.Context, tx Tx) (map[string][]*Area, error) {
		out := map[string][]*Area{}
		err := collect(ctx, tx, `UNWIND $codes AS code MATCH (c:Area)-[:PART_OF]->(:Area {code: code})
			RETURN code, c.code AS c, c.name AS name, c.level AS level ORDER BY code, c`,
			map[string]any{"codes": codes}, func(r *Record) {
				code := str(get(r, "code"))
				out[code] = append(out[code], &Area{Code: str(get(r, "c")), Name: str(get(r, "name")), Level: str(get(r, "level")), ParentCode: code})
			})
		return out, err
	})
}

// Designations returns, for each code, the area's own risk designations, oldest first.
func (s *Service) Designations(ctx context.Context, codes []string) (map[string][]RiskDesignation, error) {
	return Read(ctx, s.DB, "designations", func(ctx context.Context, tx Tx) (map[string][]RiskDesignation, error) {
		out := map[string][]RiskDesignation{}
		err := collect(ctx, tx, `UNWIND $codes AS code MATCH (:Area {code: code})-[:DESIGNATED]->(d:RiskDesignation)
			RETURN code, d.level AS level, d.since AS since ORDER BY code, since`,
			map[string]any{"codes": codes}, func(r *Record) {
				code := str(get(r, "code"))
				d := RiskDesignation{AreaCode: code, Level: str(get(r, "level"))}
				if t := timeOf(get(r, "since")); t != nil {
					d.Since = *t
				}
				out[code] = append(out[code], d)
			})
		return out, err
	})
}

// EffectiveLevel is an area's risk level at a moment (SPEC §5) and the designation
// behind it; Designation is nil when none applies (level low).
type EffectiveLevel struct {
	Level       string
	Designation *RiskDesignation
}

// EffectiveLevels gives, for each code, the level at t: from the nearest
// ancestor-or-self that has a designation with since ≤ t, its latest such one; low
// when none. Unknown codes are absent.
func (s *Service) EffectiveLevels(ctx context.Context, codes []string, t time.Time) (map[string]EffectiveLevel, error) {
	return Read(ctx, s.DB, "effective levels", func(ctx context.Context, tx Tx) (map[string]EffectiveLevel, error) {
		out := map[string]EffectiveLevel{}
		err := collect(ctx, tx, `UNWIND $codes AS code
			MATCH (a:Area {code: code})
			OPTIONAL MATCH path = (a)-[:PART_OF*0..]->(anc:Area)-[:DESIGNATED]->(d:RiskDesignation)
			WHERE d.since <= $t
			WITH code, d, anc, length(path) AS dist
			ORDER BY code, dist, d.since DESC
			WITH code, collect(CASE WHEN d IS NULL THEN null ELSE {level: d.level, since: d.since, area: anc.code} END)[0] AS best
			RETURN code, best`,
			map[string]any{"codes": codes, "t": t.In(s.Loc)}, func(r *Record) {
				code := str(get(r, "code"))
				best, _ := get(r, "best").(map[string]any)
				if best == nil {
					out[code] = EffectiveLevel{Level: "low"}
					return
				}
				d := &RiskDesignation{AreaCode: str(best["area"]), Level: str(best["level"])}
				if t := timeOf(best["since"]); t != nil {
					d.Since = *t
				}
				out[code] = EffectiveLevel{Level: d.Level, Designation: d}
			})
		return out, err
	})
}
