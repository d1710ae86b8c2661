// Command load is `make bench-load`: it generates a county, loads it with the loader
// into an emptied Neo4j, then pushes the same rows through a bare baseline (one
// `UNWIND $rows … CREATE` statement per batch, values as read, no validation, on an
// emptied database), then through the bulk path (`tracegraph load --bulk`: validation,
// Neo4j's importer into a new store, a Neo4j started on it, migrations and indexes
// online), and prints rows/s per file and overall for each, with their ratios.
//
// It deletes all data in the Neo4j it is pointed at (NEO4J_URI); the bulk path writes
// a store of its own (--bulk-home, a temporary folder by default) and runs a second
// Neo4j on it on --bulk-port while it measures.
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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
	flag.StringVar(&opt.paths, "paths", "tx,bare,bulk", "which paths to run: tx (the loader), bare (the baseline), bulk")
	flag.StringVar(&opt.bulkHome, "bulk-home", "", "store folder of the bulk path (default: a temporary one, removed after)")
	flag.IntVar(&opt.bulkPort, "bulk-port", 0, "Bolt port of the Neo4j started on the bulk store (default: a free one)")
	flag.BoolVar(&opt.digest, "digest", false, "compare the property digests of the tx and bulk graphs (reads both whole)")
	flag.Parse()
	if err := run(context.Background(), *people, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench-load:", err)
		os.Exit(1)
	}
}

var opt struct {
	paths    string
	bulkHome string
	bulkPort int
	digest   bool
}

func want(path string) bool {
	for _, p := range strings.Split(opt.paths, ",") {
		if strings.TrimSpace(p) == path {
			return true
		}
	}
	return false
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
	loaded := map[string]result{}
	var loadTotal result
	var txDigest loader.Digest
	if want("tx") {
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
		for _, f := range rep.Files {
			loaded[f.File] = result{rows: f.Read, elapsed: f.Elapsed}
			loadTotal.rows += f.Read
		}
		loadTotal.elapsed = rep.Elapsed
		if opt.digest {
			if txDigest, err = loader.GraphDigest(ctx, db); err != nil {
				return err
			}
		}
	}

	base := map[string]result{}
	var baseTotal result
	if want("bare") {
		fmt.Println("emptying, then loading the same rows through the bare baseline")
		if err := db.DeleteAllData(ctx); err != nil {
			return err
		}
		bstart := time.Now()
		for _, name := range synth.FileNames {
			if baseline[name] == "" {
				continue // visits, employers, employment: no bare statement written yet
			}
			r, err := bare(ctx, db, filepath.Join(dir, name), baseline[name])
			if err != nil {
				return fmt.Errorf("baseline %s: %w", name, err)
			}
			base[name] = r
			baseTotal.rows += r.rows
		}
		baseTotal.elapsed = time.Since(bstart)
	}
	if want("tx") || want("bare") {
		if err := db.DeleteAllData(ctx); err != nil {
			return err
		}
	}

	bulkFiles := map[string]result{}
	var bulkTotal, serving result
	if want("bulk") {
		b, err := runBulk(ctx, dir, txDigest)
		if err != nil {
			return fmt.Errorf("bulk: %w", err)
		}
		bulkFiles, bulkTotal, serving = b.files, b.total, b.serving
	}

	fmt.Printf("\n%-22s %10s %12s %12s %12s %7s %7s\n", "file", "rows", "load rows/s", "bare rows/s", "bulk rows/s", "ld/bare", "bulk/ld")
	for _, name := range synth.FileNames {
		l, b, k := loaded[name], base[name], bulkFiles[name]
		rows := max(l.rows, b.rows, k.rows)
		// The bulk path writes every file in one importer run: only its total has a rate.
		fmt.Printf("%-22s %10d %12.0f %12.0f %12s %7s %7s\n", name, rows, l.rate(), b.rate(), "", ratio(l, b), "")
	}
	rows := max(loadTotal.rows, baseTotal.rows, bulkTotal.rows)
	fmt.Printf("%-22s %10d %12.0f %12.0f %12.0f %7s %7s\n", "overall", rows, loadTotal.rate(), baseTotal.rate(), bulkTotal.rate(), ratio(loadTotal, baseTotal), ratio(bulkTotal, loadTotal))
	if want("bulk") {
		fmt.Printf("%-22s %10d %12s %12s %12.0f %7s %7s\n", "bulk to serving", rows, "", "", serving.rate(), "", ratio(serving, loadTotal))
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var rc syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &rc)
	fmt.Printf("\nloader %s, baseline %s (batch %d rows), bulk %s (to serving %s); peak RSS: this process %d MB, the importer %d MB\n",
		loadTotal.elapsed.Round(time.Millisecond), baseTotal.elapsed.Round(time.Millisecond), loader.DefaultBatchSize,
		bulkTotal.elapsed.Round(time.Millisecond), serving.elapsed.Round(time.Millisecond), ru.Maxrss/1024, rc.Maxrss/1024)
	return nil
}

type bulkResult struct {
	files          map[string]result
	total, serving result
}

// runBulk is the bulk path from files to serving: Bulk (validation, staging, the
// importer), a Neo4j started on the new store, the migrations, every index online.
func runBulk(ctx context.Context, dir string, txDigest loader.Digest) (bulkResult, error) {
	var out bulkResult
	home := opt.bulkHome
	if home == "" {
		tmp, err := os.MkdirTemp("", "bench-bulk-")
		if err != nil {
			return out, err
		}
		defer os.RemoveAll(tmp)
		home = filepath.Join(tmp, "store")
	}
	port := opt.bulkPort
	if port == 0 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return out, err
		}
		port = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	fmt.Printf("bulk: validating and importing into a new store %s\n", home)
	start := time.Now()
	rep, err := loader.Bulk(ctx, dir, loader.BulkOptions{Home: home, Importer: []string{"deploy/neo4j/neo4j.sh", "import"}})
	if err != nil {
		return out, err
	}
	if !rep.Clean() {
		return out, fmt.Errorf("%d rejects, first %s", len(rep.Rejects), rep.Rejects[0])
	}
	out.files = map[string]result{}
	var checks time.Duration
	for _, f := range rep.Files {
		out.files[f.File] = result{rows: f.Read, elapsed: f.Elapsed}
		out.total.rows += f.Read
		checks += f.Elapsed
	}
	out.total.elapsed = rep.Elapsed
	fmt.Printf("bulk: %s (validation and staging %s, importer %s)\n", rep.Elapsed.Round(time.Millisecond),
		checks.Round(time.Millisecond), (rep.Elapsed - checks).Round(time.Millisecond))

	env := append(os.Environ(), "NEO4J_HOME="+home, fmt.Sprintf("NEO4J_PORT=%d", port))
	sstart := time.Now()
	cmd := exec.Command("deploy/neo4j/neo4j.sh", "start")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return out, fmt.Errorf("starting neo4j on %s: %w", home, err)
	}
	defer func() {
		stop := exec.Command("deploy/neo4j/neo4j.sh", "stop")
		stop.Env = env
		_ = stop.Run()
	}()
	started := time.Since(sstart)
	cfg := graph.Config{URI: fmt.Sprintf("bolt://127.0.0.1:%d", port), Database: "neo4j", QueryTimeout: 30 * time.Minute}
	db, err := graph.Open(cfg, nil)
	if err != nil {
		return out, err
	}
	defer db.Close(ctx)
	mstart := time.Now()
	if err := db.Migrate(ctx); err != nil {
		return out, fmt.Errorf("migrating the imported store: %w", err)
	}
	migrated := time.Since(mstart)
	if _, err := graph.Write(ctx, db, "await indexes", func(ctx context.Context, tx graph.Tx) (any, error) {
		res, err := tx.Run(ctx, "CALL db.awaitIndexes(1800)", nil)
		if err != nil {
			return nil, err
		}
		_, err = res.Consume(ctx)
		return nil, err
	}); err != nil {
		return out, err
	}
	if err := db.Ready(ctx); err != nil {
		return out, err
	}
	out.serving = result{rows: out.total.rows, elapsed: time.Since(start)}
	fmt.Printf("bulk: neo4j started in %s, migrations %s, indexes online %s; files to serving %s\n",
		started.Round(time.Millisecond), migrated.Round(time.Millisecond), (time.Since(mstart) - migrated).Round(time.Millisecond),
		out.serving.elapsed.Round(time.Millisecond))
	if len(txDigest.Nodes) > 0 {
		d, err := loader.GraphDigest(ctx, db)
		if err != nil {
			return out, err
		}
		if d.String() != txDigest.String() {
			return out, fmt.Errorf("the bulk graph differs from the loader's:\n bulk %v\n load %v", d, txDigest)
		}
		fmt.Printf("bulk: the graph's digest equals the loader's (%s)\n", d.Sum[:16])
	}
	return out, nil
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
