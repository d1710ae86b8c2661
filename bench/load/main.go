// Command load is `make bench-load`: it generates a county, loads it with the loader
// into an emptied Neo4j, then pushes the same rows through a bare baseline (one
// `UNWIND $rows … CREATE` statement per batch, values as read, no validation, on an
// emptied database) and prints rows/s per file and overall for both, with their ratio.
//
// It deletes all data in the Neo4j it is pointed at (NEO4J_URI).
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/loader"
	"github.com/tracegraph/tracegraph/loader/synth"
)

// baseline is the bare statement per file: nodes and relationships as the loader makes
// them, keyed lookups through the same constraints, but CREATE instead of MERGE and the
// CSV strings stored as they are.
var baseline = map[string]string{
	"areas.csv": `UNWIND $rows AS r CREATE (a:Area {code: r.code, name: r.name, level: r.level, parentCode: r.parent_code})
		WITH a, r OPTIONAL MATCH (p:Area {code: r.parent_code})
		FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | CREATE (a)-[:PART_OF]->(p))`,
	"risk_designations.csv": `UNWIND $rows AS r MATCH (a:Area {code: r.area_code})
		CREATE (a)-[:DESIGNATED]->(:RiskDesignation {areaCode: r.area_code, level: r.level, since: r.since})`,
	"households.csv": `UNWIND $rows AS r MATCH (a:Area {code: r.area_code})
		CREATE (:Household {id: r.id, address: r.address, areaCode: r.area_code})-[:IN]->(a)`,
	"people.csv": `UNWIND $rows AS r CREATE (p:Person {id: r.id, name: r.name, idNumber: r.id_number, phone: r.phone,
		sex: r.sex, birthDate: r.birth_date, householdId: r.household_id})
		WITH p, r MATCH (h:Household {id: r.household_id}) CREATE (p)-[:MEMBER_OF]->(h)`,
	"cases.csv": `UNWIND $rows AS r MATCH (p:Person {id: r.person_id})
		CREATE (p)-[:HAS_CASE]->(:Case {personId: r.person_id, status: r.status, onsetDate: r.onset_date,
		confirmedAt: r.confirmed_at, isolatedAt: r.isolated_at})`,
	"trips.csv": `UNWIND $rows AS r MATCH (p:Person {id: r.person_id})
		CREATE (p)-[:TOOK]->(t:Trip {id: r.id, personId: r.person_id, mode: r.mode, number: r.number, seat: r.seat,
		fromArea: r.from_area, toArea: r.to_area, departAt: r.depart_at, arriveAt: r.arrive_at})
		WITH t, r OPTIONAL MATCH (f:Area {code: r.from_area}) OPTIONAL MATCH (o:Area {code: r.to_area})
		FOREACH (_ IN CASE WHEN f IS NULL THEN [] ELSE [1] END | CREATE (t)-[:FROM]->(f))
		FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END | CREATE (t)-[:TO]->(o))`,
	"events.csv": `UNWIND $rows AS r CREATE (e:Event {id: r.id, kind: r.kind, place: r.place, areaCode: r.area_code,
		start: r.start, end: r.end, indoor: r.indoor})
		WITH e, r MATCH (a:Area {code: r.area_code}) CREATE (e)-[:AT]->(a)`,
	"attendance.csv": `UNWIND $rows AS r MATCH (p:Person {id: r.person_id}) MATCH (e:Event {id: r.event_id})
		CREATE (p)-[:ATTENDED {from: r.from, to: r.to, proximity: r.proximity}]->(e)`,
	"contacts.csv": `UNWIND $rows AS r MATCH (a:Person {id: r.person_a}) MATCH (b:Person {id: r.person_b})
		CREATE (a)-[:CONTACTED {at: r.at, durationMin: r.duration_min, setting: r.setting, protected: r.protected}]->(b)`,
	"tests.csv": `UNWIND $rows AS r MATCH (p:Person {id: r.person_id})
		CREATE (p)-[:TESTED]->(:Test {id: r.id, personId: r.person_id, kind: r.kind, sampledAt: r.sampled_at, result: r.result})`,
	"checkpoints.csv": `UNWIND $rows AS r MATCH (a:Area {code: r.area_code})
		CREATE (:Checkpoint {id: r.id, name: r.name, areaCode: r.area_code})-[:IN]->(a)`,
	"passages.csv": `UNWIND $rows AS r MATCH (c:Checkpoint {id: r.checkpoint_id}) OPTIONAL MATCH (p:Person {id: r.person_id})
		FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END |
			CREATE (p)-[:PASSED {at: r.at, temperature: r.temperature, plate: r.plate, turnedBack: r.turned_back}]->(c))
		FOREACH (_ IN CASE WHEN p IS NULL THEN [1] ELSE [] END | MERGE (v:Vehicle {plate: r.plate})
			CREATE (v)-[:PASSED {at: r.at, temperature: r.temperature, plate: r.plate, turnedBack: r.turned_back}]->(c))`,
	"facilities.csv": `UNWIND $rows AS r MATCH (a:Area {code: r.area_code})
		CREATE (:Facility {id: r.id, name: r.name, areaCode: r.area_code, capacity: r.capacity})-[:IN]->(a)`,
	"officers.csv": `UNWIND $rows AS r MATCH (a:Area {code: r.area_code})
		CREATE (:Officer {id: r.id, name: r.name, role: r.role, areaCode: r.area_code, phone: r.phone})-[:SERVES]->(a)`,
	"responsibilities.csv": `UNWIND $rows AS r MATCH (o:Officer {id: r.officer_id}) MATCH (p:Person {id: r.person_id})
		CREATE (o)-[:RESPONSIBLE_FOR]->(p)`,
	"health_reports.csv": `UNWIND $rows AS r MATCH (p:Person {id: r.person_id})
		CREATE (p)-[:REPORTED]->(:HealthReport {personId: r.person_id, date: r.date, temperature: r.temperature, symptoms: r.symptoms})`,
}

func main() {
	people := flag.Int("people", 100_000, "residents of the generated county")
	seed := flag.Uint64("seed", 1, "generator seed")
	out := flag.String("out", "", "bundle folder (default: a temporary one, removed after)")
	flag.Parse()
	if err := run(context.Background(), *people, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench-load:", err)
		os.Exit(1)
	}
}

type result struct {
	rows    int
	elapsed time.Duration
}

func (r result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.rows) / r.elapsed.Seconds()
}

func run(ctx context.Context, people int, seed uint64, dir string) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "bench-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	start := time.Now()
	if _, err := synth.Generate(dir, synth.Config{People: people, Seed: seed}); err != nil {
		return err
	}
	fmt.Printf("generated %d people in %s into %s\n", people, time.Since(start).Round(time.Millisecond), dir)

	cfg := graph.ConfigFromEnv(os.Getenv)
	db, err := graph.Open(cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating %s: %w", cfg.URI, err)
	}
	fmt.Printf("neo4j %s: emptying, then loading with the loader\n", cfg.URI)
	if err := db.DeleteAllData(ctx); err != nil {
		return err
	}
	rep, err := loader.Load(ctx, db, dir, loader.Options{})
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if !rep.Clean() {
		return fmt.Errorf("load: %d rejects, first %s", len(rep.Rejects), rep.Rejects[0])
	}
	loaded := map[string]result{}
	var loadTotal result
	for _, f := range rep.Files {
		loaded[f.File] = result{rows: f.Read, elapsed: f.Elapsed}
		loadTotal.rows += f.Read
	}
	loadTotal.elapsed = rep.Elapsed

	fmt.Println("emptying, then loading the same rows through the bare baseline")
	if err := db.DeleteAllData(ctx); err != nil {
		return err
	}
	base := map[string]result{}
	var baseTotal result
	bstart := time.Now()
	for _, name := range synth.FileNames {
		r, err := bare(ctx, db, filepath.Join(dir, name), baseline[name])
		if err != nil {
			return fmt.Errorf("baseline %s: %w", name, err)
		}
		base[name] = r
		baseTotal.rows += r.rows
	}
	baseTotal.elapsed = time.Since(bstart)
	if err := db.DeleteAllData(ctx); err != nil {
		return err
	}

	fmt.Printf("\n%-22s %10s %12s %12s %7s\n", "file", "rows", "load rows/s", "bare rows/s", "ratio")
	for _, name := range synth.FileNames {
		l, b := loaded[name], base[name]
		fmt.Printf("%-22s %10d %12.0f %12.0f %7s\n", name, l.rows, l.rate(), b.rate(), ratio(l, b))
	}
	fmt.Printf("%-22s %10d %12.0f %12.0f %7s\n", "overall", loadTotal.rows, loadTotal.rate(), baseTotal.rate(), ratio(loadTotal, baseTotal))
	fmt.Printf("\nloader %s, baseline %s (batch %d rows)\n", loadTotal.elapsed.Round(time.Millisecond), baseTotal.elapsed.Round(time.Millisecond), loader.DefaultBatchSize)
	return nil
}

func ratio(l, b result) string {
	if b.rate() == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", l.rate()/b.rate())
}

// bare streams a CSV file through the statement in batches, each in one write
// transaction. Empty fields are left out, so they store no property.
func bare(ctx context.Context, db *graph.DB, path, cypher string) (result, error) {
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		return result{}, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return result{}, err
	}
	header = append([]string(nil), header...)
	var res result
	batch := make([]any, 0, loader.DefaultBatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := graph.Write(ctx, db, "bench baseline", func(ctx context.Context, tx graph.Tx) (any, error) {
			r, err := tx.Run(ctx, cypher, map[string]any{"rows": batch})
			if err != nil {
				return nil, err
			}
			_, err = r.Consume(ctx)
			return nil, err
		})
		res.rows += len(batch)
		batch = batch[:0]
		return err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, err
		}
		row := make(map[string]any, len(rec))
		for i, v := range rec {
			if v != "" {
				row[header[i]] = v
			}
		}
		batch = append(batch, row)
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	res.elapsed = time.Since(start)
	return res, nil
}
