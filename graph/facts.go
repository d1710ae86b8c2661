package graph

import (
	"context"
	"sort"
	"time"
)

// Facts is what the rules of SPEC §4–6 read: the one door between the rules (window.go,
// exposures.go, degrees.go, tiers.go, clusters.go, summary.go) and the store (issue 13,
// issue 15). Two implementations: cypherFacts (facts_cypher.go: the Cypher reads inside
// one read transaction) and the in-memory tracing index (graph/index), built from Neo4j
// and kept current by the change feed. The rule files hold no Cypher; every method
// returns raw facts, and the rules (what counts, classes, windows, tiers) stay in Go.
//
// Every method is a pre-filter at most: where a rule needs an exact test the Go side
// does it again, so an implementation may return a superset where a method says so.
type Facts interface {
	// PersonFacts: case, first positive sample and isolations as of asOf (isolationsOf);
	// unknown ids are absent.
	PersonFacts(ctx context.Context, ids []string, asOf time.Time) (map[string]*PersonFacts, error)
	// Neighbourhoods: per source, the raw facts that can make an exposure inside the
	// hull (readNeighbourhoods' contract); with targets, only those linking to them.
	Neighbourhoods(ctx context.Context, hulls map[string]Interval, targets []string) (map[string]*Neighbourhood, error)
	// TracedCaseIDs: people whose case has a traced status and confirmedAt ≤ asOf (or
	// none), by id; with areas, only those whose household lies in or under one of them.
	TracedCaseIDs(ctx context.Context, asOf time.Time, areas []string) ([]string, error)
	// NeighbourIDs: people with an exposure link to a source inside its hull (a
	// superset); with onlyCases, only traced cases as of asOf.
	NeighbourIDs(ctx context.Context, hulls map[string]Interval, onlyCases bool, asOf time.Time) ([]string, error)
	// Arrivals: trips arriving in (since, asOf] (of ids, all people when nil) whose
	// from_area's effective level at departure is medium or high, by person, arriveAt, trip.
	Arrivals(ctx context.Context, ids []string, since, asOf time.Time) ([]Arrival, error)
	// Readings: positive pcr/antigen tests sampled in (q.TestSince, q.AsOf], fever
	// passages and present visits in (q.FeverSince, q.AsOf], and fever health reports
	// dated about then (a superset by a day each side: the rule tests the date).
	Readings(ctx context.Context, ids []string, q ReadingQuery) (map[string]*Readings, error)
	// AreaTree is every area with its parent.
	AreaTree(ctx context.Context) (*areaTree, error)
	// HouseholdAreas: the distinct areas that hold a household, by code.
	HouseholdAreas(ctx context.Context) ([]string, error)
	// AreasOf: each known person's household area ("" without one).
	AreasOf(ctx context.Context, ids []string) (map[string]string, error)
	// CasesInArea: those of ids whose household lies in or under area.
	CasesInArea(ctx context.Context, ids []string, area string) (map[string]bool, error)
	// CountedCases: every case with confirmedAt ≤ asOf (or none), with its person's area.
	CountedCases(ctx context.Context, asOf time.Time) ([]CountedCase, error)
	// PeopleByArea: the number of people by household area ("" for none).
	PeopleByArea(ctx context.Context) (map[string]int, error)
	// OpenQuarantines: assignments active or pending with start ≤ asOf < end, counted by
	// (household area, kind, status).
	OpenQuarantines(ctx context.Context, asOf time.Time) ([]QuarantineCount, error)
	// Occupancy: every facility with its active placed centralized assignments as of
	// asOf (placedAt ≤ asOf < end), by facility id.
	Occupancy(ctx context.Context, asOf time.Time) ([]FacilityOccupancy, error)
	// NonGreenSeeds: people with a case that counts, a recent positive test, a recent
	// arrival with a from_area, or a recent fever passage or health report (SPEC §5).
	NonGreenSeeds(ctx context.Context, q ReadingQuery, arrivalSince time.Time) ([]string, error)
	// SharedFacts: pairs (a < b) of the given people sharing a raw fact as of asOf
	// (sharedFactsStatements' contract), by kind.
	SharedFacts(ctx context.Context, ids []string, asOf time.Time) ([]SharedFact, error)
}

// FactIndex is an in-memory Facts kept current by the change feed. View waits until the
// index has applied at least seq (this process's last write: a read after a write sees
// it) and returns a consistent view, held until release is called.
type FactIndex interface {
	View(ctx context.Context, seq int64) (fs Facts, release func(), err error)
}

// PersonFacts and the neighbourhood records are exported for the in-memory index.
type (
	PersonFacts   = personFacts
	Neighbourhood = neighbourhood
	RawContact    = rawContact
	RawAttendance = rawAttendance
	RawTrip       = rawTrip
	AreaTree      = areaTree
)

// IsolationsOf is isolationsOf for the in-memory index.
func IsolationsOf(isolatedAt *time.Time, placed []Interval, asOf time.Time) []Interval {
	return isolationsOf(isolatedAt, placed, asOf)
}

// NewAreaTree builds the tree from areas (each naming its parent, "" for a root).
func NewAreaTree(areas []Area) *AreaTree {
	t := &areaTree{areas: map[string]*Area{}, parent: map[string]string{}, children: map[string][]string{}}
	for i := range areas {
		a := areas[i]
		t.areas[a.Code] = &a
		if a.ParentCode != "" {
			t.parent[a.Code] = a.ParentCode
			t.children[a.ParentCode] = append(t.children[a.ParentCode], a.Code)
		}
	}
	for _, c := range t.children {
		sort.Strings(c)
	}
	return t
}

// Under reports whether code is area or lies under it (PART_OF*0..).
func (t *areaTree) Under(code, area string) bool {
	for a, n := code, 0; a != "" && n < 1000; a, n = t.parent[a], n+1 {
		if a == area {
			return true
		}
	}
	return false
}

// Parent is an area's parent code ("" for a root or an unknown area).
func (t *areaTree) Parent(code string) string { return t.parent[code] }

// Has reports whether the area exists.
func (t *areaTree) Has(code string) bool { _, ok := t.areas[code]; return ok }

// ReadingQuery bounds the readings the tiers look at.
type ReadingQuery struct {
	AsOf, TestSince, FeverSince time.Time
	Fever                       float64
	Loc                         *time.Location
}

// Readings are one person's raw tests and temperature readings.
type Readings struct {
	Tests    []TestReading
	Passages []PassageReading
	Visits   []VisitReading
	Reports  []ReportReading
}

type TestReading struct {
	ID, Kind  string
	SampledAt time.Time
}

type PassageReading struct {
	CheckpointID string
	At           time.Time
	Temperature  *float64
}

type VisitReading struct {
	HouseholdID string
	At          time.Time
	Temperature *float64
}

type ReportReading struct {
	Date        Date
	Temperature *float64
}

// CountedCase is a case that counts, with its person's household area.
type CountedCase struct {
	PersonID, Status, Area string
	ConfirmedAt            *time.Time
}

// QuarantineCount is a number of open assignments of one kind and status in one area.
type QuarantineCount struct {
	Area, Kind, Status string
	N                  int
}

// SharedFact is a pair of people (A < B) sharing a raw fact of a kind.
type SharedFact struct{ Kind, A, B string }

// readFacts runs work over the service's facts: the in-memory index when there is one
// (after catching up with this process's writes), else the Cypher reads in one read
// transaction.
func readFacts[T any](ctx context.Context, s *Service, op string, work func(ctx context.Context, fs Facts) (T, error)) (T, error) {
	if s.Index != nil {
		var zero T
		fs, release, err := s.Index.View(ctx, s.DB.LastWrittenSeq())
		if err != nil {
			return zero, &Error{Kind: Unavailable, Op: op, Err: err}
		}
		defer release()
		return work(ctx, fs)
	}
	return Read(ctx, s.DB, op, func(ctx context.Context, tx Tx) (T, error) {
		return work(ctx, cypherFacts{tx})
	})
}
