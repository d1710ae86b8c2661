package graph_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// BenchmarkQuarantineRun measures the engine's own share of a run (locking, loading the
// snapshot, the six steps, writing) on a county-sized quarantine state: 420 areas, 200
// facilities, 840 officers, 40 000 people and 20 000 open assignments, then a run after
// 100 new cases with 30 contacts each. The tracing engine's share (the chains) is
// measured by its own benchmarks; here a fixed tracer answers at once.
// Run it with `make bench-quarantine`.
func BenchmarkQuarantineRun(b *testing.B) {
	svc := graphtest.MustService(b)
	ctx := context.Background()
	const towns, villages, people = 20, 20, 40000
	graphtest.Run(b, svc.DB, `CREATE (:Area {code: 'C', name: 'county', level: 'county'})`, nil)
	graphtest.Run(b, svc.DB, `MATCH (c:Area {code: 'C'})
		UNWIND range(1, $towns) AS t
		CREATE (town:Area {code: 'T' + t, name: 'town', level: 'town', parentCode: 'C'})-[:PART_OF]->(c)
		CREATE (:Facility {id: 'F' + t, name: 'hotel', areaCode: town.code, capacity: 300})-[:IN]->(town)
		WITH town, t
		UNWIND range(1, $villages) AS v
		CREATE (vil:Area {code: town.code + 'V' + v, name: 'village', level: 'village', parentCode: town.code})-[:PART_OF]->(town)
		CREATE (:Officer {id: 'OC' + vil.code, name: 'c', role: 'cadre', areaCode: vil.code})-[:SERVES]->(vil)
		CREATE (:Officer {id: 'OM' + vil.code, name: 'm', role: 'medical', areaCode: vil.code})-[:SERVES]->(vil)
		WITH vil WHERE vil.code ENDS WITH 'V1'
		CREATE (:Facility {id: 'FV' + vil.code, name: 'village point', areaCode: vil.code, capacity: 20})-[:IN]->(vil)`,
		map[string]any{"towns": towns, "villages": villages})
	graphtest.Run(b, svc.DB, `UNWIND range(0, $n - 1) AS i
		WITH i, 'T' + (i % $towns + 1) + 'V' + ((i / $towns) % $villages + 1) AS area
		MATCH (a:Area {code: area})
		CREATE (h:Household {id: 'H' + i, areaCode: area})-[:IN]->(a)
		CREATE (:Person {id: 'P' + right('00000' + i, 6), name: 'p', householdId: h.id})-[:MEMBER_OF]->(h)`,
		map[string]any{"n": people, "towns": towns, "villages": villages})

	at := time.Date(2020, 1, 20, 12, 0, 0, 0, sh)
	// 20 000 open assignments from an earlier run: 200 cases × 100 contacts, mixed kinds
	first := &fixedTracer{chains: map[string]*graph.Chain{}}
	for c := 0; c < 200; c++ {
		ch := &graph.Chain{SourceID: fmt.Sprintf("X%03d", c)}
		for k := 0; k < 100; k++ {
			i := c*100 + k
			degree, class := 1, graph.ClassClose
			switch k % 4 {
			case 1, 2:
				degree = 2
			case 3:
				class = graph.ClassGeneral
			}
			ch.Contacts = append(ch.Contacts, cc(fmt.Sprintf("P%06d", i), degree, class, at.Add(-time.Duration(k)*time.Minute)))
		}
		first.chains[ch.SourceID] = ch
	}
	if _, err := graph.RunQuarantinesWith(svc, ctx, first, at, false); err != nil {
		b.Fatal(err)
	}
	// the run measured: 100 new cases with 30 contacts each, some already assigned
	later := at.Add(24 * time.Hour)
	second := &fixedTracer{chains: map[string]*graph.Chain{}}
	for id, ch := range first.chains {
		second.chains[id] = ch
	}
	for c := 0; c < 100; c++ {
		ch := &graph.Chain{SourceID: fmt.Sprintf("Y%03d", c)}
		for k := 0; k < 30; k++ {
			i := 15000 + c*30 + k // overlaps the earlier contacts: supersede, extend, create
			ch.Contacts = append(ch.Contacts, cc(fmt.Sprintf("P%06d", i), 1, graph.ClassClose, later.Add(-time.Hour)))
		}
		second.chains[ch.SourceID] = ch
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		start := time.Now()
		// a dry run does all the work, writes included, and rolls back: every
		// iteration starts from the same state
		run, err := graph.RunQuarantinesWith(svc, ctx, second, later, true)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(run.Created)), "created")
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/run")
	}
	b.StopTimer()
	start := time.Now()
	run, err := graph.RunQuarantinesWith(svc, ctx, second, later, false)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("committed run: %v (created %d, extended %d, superseded %d, placed %d, pending %d) phases %v", time.Since(start),
		len(run.Created), len(run.Extended), len(run.Superseded), len(run.Placed), len(run.Pending), run.Phases)
}
