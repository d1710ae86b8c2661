package graph

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Aggregate reads for dashboards and tracing teams: checkpoint figures, overdue health
// reports, the towns' daily figures and the epidemic curve. Days are local dates in the
// service's zone: [00:00, next 00:00).

// DateArg reads a YYYY-MM-DD argument, naming it when it is bad.
func DateArg(op, field, s string) (Date, error) {
	d, err := ParseDateValue(strings.TrimSpace(s))
	if err != nil {
		return Date{}, &Error{Kind: Invalid, Op: op, Field: field, Msg: err.Error()}
	}
	return d, nil
}

// dayBounds is [00:00, next 00:00) of d in the service zone. Times go to Neo4j in the
// zone the loader stores them in: Neo4j orders equal instants in different zones
// apart, so a UTC bound would miss a time exactly on it.
func (s *Service) dayBounds(d Date) (time.Time, time.Time) {
	return d.In(s.Loc), d.AddDays(1).In(s.Loc)
}

// CheckpointStats are one day's registrations at a checkpoint, or at all of an area's.
type CheckpointStats struct {
	Checkpoint      *Checkpoint // nil for an area's total
	Passages        int
	People          int
	Vehicles        int
	Fevers          int
	TurnedBack      int
	OutsideVehicles *int // plates without the local prefix; nil when no prefix was given
	ByCheckpoint    []*CheckpointStats
}

// CheckpointStatsOn counts the passages of one local date at the checkpoints of an area
// and its descendants: in total (people and plates counted once across checkpoints)
// and per checkpoint. Fevers are passages at or above the policy's fever threshold.
func (s *Service) CheckpointStatsOn(ctx context.Context, date Date, areaCode, localPlatePrefix string) (*CheckpointStats, error) {
	const op = "checkpointStats"
	if err := s.requireArea(ctx, op, "areaCode", areaCode); err != nil {
		return nil, err
	}
	from, to := s.dayBounds(date)
	return Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) (*CheckpointStats, error) {
		total := &CheckpointStats{}
		people, plates := map[string]bool{}, map[string]bool{}
		err := collect(ctx, tx, `MATCH (cp:Checkpoint)-[:IN]->(:Area)-[:PART_OF*0..]->(:Area {code: $area})
			OPTIONAL MATCH (w)-[x:PASSED]->(cp) WHERE x.at >= $from AND x.at < $to
			WITH cp, w, x
			RETURN cp.id AS id, cp.name AS name, cp.areaCode AS area, count(x) AS passages,
			  collect(DISTINCT CASE WHEN w:Person THEN w.id END) AS people,
			  collect(DISTINCT x.plate) AS plates,
			  sum(CASE WHEN x.temperature >= $fever THEN 1 ELSE 0 END) AS fevers,
			  sum(CASE WHEN x.turnedBack THEN 1 ELSE 0 END) AS back
			ORDER BY id`,
			map[string]any{"area": areaCode, "from": from, "to": to, "fever": s.Policy.FeverCelsius},
			func(r *Record) {
				c := &CheckpointStats{Checkpoint: &Checkpoint{ID: str(get(r, "id")), Name: str(get(r, "name")), AreaCode: str(get(r, "area"))},
					Passages: int(i64(get(r, "passages"))), Fevers: int(i64(get(r, "fevers"))), TurnedBack: int(i64(get(r, "back")))}
				ps, _ := get(r, "people").([]any)
				pl, _ := get(r, "plates").([]any)
				c.People, c.Vehicles = len(ps), len(pl)
				var cpPlates []string
				for _, p := range ps {
					people[str(p)] = true
				}
				for _, p := range pl {
					plates[str(p)] = true
					cpPlates = append(cpPlates, str(p))
				}
				c.OutsideVehicles = outside(cpPlates, localPlatePrefix)
				total.Passages += c.Passages
				total.Fevers += c.Fevers
				total.TurnedBack += c.TurnedBack
				total.ByCheckpoint = append(total.ByCheckpoint, c)
			})
		if err != nil {
			return nil, err
		}
		total.People, total.Vehicles = len(people), len(plates)
		all := make([]string, 0, len(plates))
		for p := range plates {
			all = append(all, p)
		}
		total.OutsideVehicles = outside(all, localPlatePrefix)
		return total, nil
	})
}

// outside counts plates that do not start with the local prefix (compared without
// blanks, upper-cased), or nil when no prefix is given.
func outside(plates []string, prefix string) *int {
	prefix = TripNumberKey(prefix)
	if prefix == "" {
		return nil
	}
	n := 0
	for _, p := range plates {
		if !strings.HasPrefix(TripNumberKey(p), prefix) {
			n++
		}
	}
	return &n
}

func (s *Service) requireArea(ctx context.Context, op, field, code string) error {
	areas, err := s.Areas(ctx, []string{code})
	if err != nil {
		return err
	}
	if areas[code] == nil {
		return &Error{Kind: NotFound, Op: op, Field: field, Msg: "no area " + code}
	}
	return nil
}

// OverdueHealthReport is a person under home quarantine or health monitoring on a date
// without a health report for it.
type OverdueHealthReport struct {
	Person *Person
	Kind   string // home or health_monitoring (the stronger when both)
}

// OverdueHealthReports lists, by person id, the people with a home or health_monitoring
// assignment whose [start, end] covers part of the date and who have no health report
// dated that day. Assignments are judged by their interval, not their status: the
// engine sets the end of a closed assignment to when it closed, so a past date reads
// as it was.
func (s *Service) OverdueHealthReports(ctx context.Context, date Date, scopeAreas []string) ([]*OverdueHealthReport, error) {
	from, to := s.dayBounds(date)
	return Read(ctx, s.DB, "overdueHealthReports", func(ctx context.Context, tx Tx) ([]*OverdueHealthReport, error) {
		var out []*OverdueHealthReport
		err := collect(ctx, tx, `MATCH (p:Person)-[:ASSIGNED]->(q:Quarantine)
			WHERE q.kind IN ['home', 'health_monitoring'] AND q.start < $to AND q.end > $from
			  AND NOT EXISTS { MATCH (p)-[:REPORTED]->(h:HealthReport) WHERE h.date = $date }
			  AND `+scopeCond+`
			WITH p, collect(DISTINCT q.kind) AS kinds
			RETURN p {.id, .name, .idNumber, .phone, .sex, .birthDate, .householdId} AS p, kinds ORDER BY p.id`,
			map[string]any{"from": from, "to": to, "date": neoDate(date), "scope": scopeParam(scopeAreas)}, func(r *Record) {
				kinds, _ := get(r, "kinds").([]any)
				kind := "health_monitoring"
				if slices.Contains(kinds, any("home")) {
					kind = "home"
				}
				out = append(out, &OverdueHealthReport{Person: personFromMap(get(r, "p").(map[string]any)), Kind: kind})
			})
		return out, err
	})
}

// DailyReport is one town's figures for a date and its submitted report, if any.
type DailyReport struct {
	AreaCode, AreaName string
	Date               Date
	NewReturnees       int
	NewFevers          int
	NewQuarantines     int
	NewCases           int
	SubmittedAt        *time.Time
	Note               string
}

// tracedStatuses are the statuses of cases that are traced (SPEC §4 "Case").
var tracedStatuses = []string{StatusConfirmed, StatusAsymptomatic, StatusRecovered, StatusDeceased}

// DailyReports computes, for every town (by code), the date's figures over the people
// whose household lies under it: returnees (a trip arriving that day from an area
// outside the town, or from no recorded area), fevers (a checkpoint reading or a health
// report of that day at or above the threshold), quarantine assignments started that
// day, cases confirmed that day (suspected excluded); and whether the town submitted
// its daily report.
func (s *Service) DailyReports(ctx context.Context, date Date) ([]*DailyReport, error) {
	from, to := s.dayBounds(date)
	return Read(ctx, s.DB, "dailyReports", func(ctx context.Context, tx Tx) ([]*DailyReport, error) {
		var out []*DailyReport
		err := collect(ctx, tx, `MATCH (t:Area {level: 'town'})
			CALL (t) {
				MATCH (p:Person)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(t)
				MATCH (p)-[:TOOK]->(tr:Trip) WHERE tr.arriveAt >= $from AND tr.arriveAt < $to
				  AND NOT EXISTS { MATCH (tr)-[:FROM]->(:Area)-[:PART_OF*0..]->(t) }
				RETURN count(DISTINCT p) AS returnees
			}
			CALL (t) {
				MATCH (p:Person)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(t)
				WHERE EXISTS { MATCH (p)-[x:PASSED]->(:Checkpoint) WHERE x.at >= $from AND x.at < $to AND x.temperature >= $fever }
				   OR EXISTS { MATCH (p)-[:REPORTED]->(h:HealthReport) WHERE h.date = $date AND h.temperature >= $fever }
				RETURN count(DISTINCT p) AS fevers
			}
			CALL (t) {
				MATCH (p:Person)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(t)
				MATCH (p)-[:ASSIGNED]->(q:Quarantine) WHERE q.start >= $from AND q.start < $to
				RETURN count(DISTINCT q) AS quarantines
			}
			CALL (t) {
				MATCH (p:Person)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(t)
				MATCH (p)-[:HAS_CASE]->(c:Case) WHERE c.status IN $traced AND c.confirmedAt >= $from AND c.confirmedAt < $to
				RETURN count(DISTINCT c) AS cases
			}
			OPTIONAL MATCH (t)-[:SUBMITTED]->(dr:DailyReport {date: $date})
			RETURN t.code AS code, t.name AS name, returnees, fevers, quarantines, cases, dr.submittedAt AS at, dr.note AS note
			ORDER BY code`,
			map[string]any{"from": from, "to": to, "date": neoDate(date), "fever": s.Policy.FeverCelsius, "traced": tracedStatuses},
			func(r *Record) {
				out = append(out, &DailyReport{AreaCode: str(get(r, "code")), AreaName: str(get(r, "name")), Date: date,
					NewReturnees: int(i64(get(r, "returnees"))), NewFevers: int(i64(get(r, "fevers"))),
					NewQuarantines: int(i64(get(r, "quarantines"))), NewCases: int(i64(get(r, "cases"))),
					SubmittedAt: timeOf(get(r, "at")), Note: str(get(r, "note"))})
			})
		return out, err
	})
}

// EpicurvePoint is the number of cases placed on one date.
type EpicurvePoint struct {
	Date  Date
	Cases int
}

// MaxEpicurveDays bounds the curve's range.
const MaxEpicurveDays = 366

// Epicurve counts traced cases (confirmed, asymptomatic, recovered, deceased) per local
// date from `from` to `to` inclusive, by onset date or by the local date of
// confirmedAt, optionally only of people whose household is under an area. Every date
// of the range is listed, zero days included.
func (s *Service) Epicurve(ctx context.Context, from, to Date, areaCode, by string) ([]EpicurvePoint, error) {
	const op = "epicurve"
	start, end := from.In(time.UTC), to.In(time.UTC)
	if end.Before(start) {
		return nil, InvalidArg(op, "to", "%s is before from %s", to, from)
	}
	days := int(end.Sub(start).Hours()/24) + 1
	if days > MaxEpicurveDays {
		return nil, InvalidArg(op, "to", "the range has %d days; at most %d are allowed", days, MaxEpicurveDays)
	}
	if by != ByOnset && by != ByConfirmation {
		return nil, InvalidArg(op, "by", "unknown date %q", by)
	}
	if areaCode != "" {
		if err := s.requireArea(ctx, op, "areaCode", areaCode); err != nil {
			return nil, err
		}
	}
	fromT, _ := s.dayBounds(from)
	_, toT := s.dayBounds(to)
	counts, err := Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) (map[Date]int, error) {
		out := map[Date]int{}
		err := collect(ctx, tx, `MATCH (p:Person)-[:HAS_CASE]->(c:Case)
			WHERE c.status IN $traced
			  AND ($area IS NULL OR EXISTS { MATCH (p)-[:MEMBER_OF]->(:Household)-[:IN]->(:Area)-[:PART_OF*0..]->(:Area {code: $area}) })
			  AND CASE $by WHEN 'ONSET' THEN c.onsetDate >= $fromD AND c.onsetDate <= $toD
			               ELSE c.confirmedAt >= $fromT AND c.confirmedAt < $toT END
			RETURN c.onsetDate AS onset, c.confirmedAt AS confirmed`,
			map[string]any{"traced": tracedStatuses, "area": nz(areaCode), "by": by,
				"fromD": neoDate(from), "toD": neoDate(to), "fromT": fromT, "toT": toT},
			func(r *Record) {
				if by == ByOnset {
					if d := dateOf(get(r, "onset")); d != nil {
						out[*d]++
					}
				} else if t := timeOf(get(r, "confirmed")); t != nil {
					out[DateOf(*t, s.Loc)]++
				}
			})
		return out, err
	})
	if err != nil {
		return nil, err
	}
	points := make([]EpicurvePoint, days)
	for i := range points {
		d := from.AddDays(i)
		points[i] = EpicurvePoint{Date: d, Cases: counts[d]}
	}
	return points, nil
}
