package loader

import (
	"context"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// graphState is what the tests compare between loads: node counts by label,
// relationship counts by type, and an order-free checksum of every property.
type graphState struct {
	Nodes    map[string]int
	Rels     map[string]int
	Checksum uint64
}

func (s graphState) String() string {
	return fmt.Sprintf("nodes %v rels %v checksum %x", s.Nodes, s.Rels, s.Checksum)
}

// nodeKey is a node's key in Cypher, stable across loads (element ids are not).
const nodeKey = `CASE WHEN %[1]s:RiskDesignation THEN %[1]s.areaCode + '@' + toString(%[1]s.since)
	WHEN %[1]s:HealthReport THEN %[1]s.personId + '@' + toString(%[1]s.date)
	WHEN %[1]s:Case THEN %[1]s.personId WHEN %[1]s:Area THEN %[1]s.code WHEN %[1]s:Vehicle THEN %[1]s.plate
	ELSE %[1]s.id END`

func readState(t testing.TB, db *graph.DB) graphState {
	t.Helper()
	// A handle of its own with a long time-out: reading a large graph whole on a busy
	// machine takes longer than the service's 30 s.
	cfg := graphtest.Config()
	cfg.QueryTimeout = 10 * time.Minute
	long, err := graph.Open(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer long.Close(context.Background())
	st := graphState{Nodes: map[string]int{}, Rels: map[string]int{}}
	_, err = graph.Read(context.Background(), long, "test state", func(ctx context.Context, tx graph.Tx) (any, error) {
		// The migration records and the change feed are bookkeeping, not loaded data.
		res, err := tx.Run(ctx, "MATCH (n) WHERE NOT n:Migration AND NOT n:Feed AND NOT n:Change RETURN labels(n) AS l, properties(n) AS p", nil)
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			rec := res.Record()
			labels := fmt.Sprint(rec.Values[0])
			st.Nodes[labels]++
			st.Checksum += hashOf("node", labels, canon(rec.Values[1]))
		}
		return nil, res.Err()
	})
	if err == nil {
		_, err = graph.Read(context.Background(), long, "test state", func(ctx context.Context, tx graph.Tx) (any, error) {
			res, err := tx.Run(ctx, "MATCH (a)-[r]->(b) WHERE NOT a:Migration AND NOT a:Feed AND NOT a:Change RETURN type(r), labels(a), "+
				fmt.Sprintf(nodeKey, "a")+", labels(b), "+fmt.Sprintf(nodeKey, "b")+", properties(r)", nil)
			if err != nil {
				return nil, err
			}
			for res.Next(ctx) {
				v := res.Record().Values
				typ := v[0].(string)
				st.Rels[typ]++
				st.Checksum += hashOf("rel", typ, fmt.Sprint(v[1:5]...), canon(v[5]))
			}
			return nil, res.Err()
		})
	}
	if err != nil {
		t.Fatalf("read graph state: %v", err)
	}
	return st
}

func hashOf(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// canon prints a property map with sorted keys and instants in UTC, so that equal
// graphs print equally.
func canon(v any) string {
	m, _ := v.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		val := m[k]
		if tt, ok := val.(time.Time); ok {
			val = tt.UTC().Format(time.RFC3339Nano) + "@" + tt.Location().String()
		}
		fmt.Fprintf(&b, "%s=%T:%v;", k, val, val)
	}
	return b.String()
}

func mustLoad(t testing.TB, db *graph.DB, dir string, opts Options) *Report {
	t.Helper()
	if opts.Loc == nil {
		opts.Loc = shanghai(t)
	}
	rep, err := Load(context.Background(), db, dir, opts)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	return rep
}

// csvRows reads a bundle file as maps, independently of the loader, to know what
// the graph should hold.
func csvRows(t *testing.T, dir, file string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, file))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// expectedState counts what a clean bundle without repeated keys should give.
func expectedState(t *testing.T, dir string) graphState {
	n := func(file string) int { return len(csvRows(t, dir, file)) }
	with := func(file, col string) int {
		c := 0
		for _, r := range csvRows(t, dir, file) {
			if r[col] != "" {
				c++
			}
		}
		return c
	}
	distinct := func(file string, cols ...string) int { // rows by key: a repeated key is one relationship
		keys := map[string]bool{}
		for _, r := range csvRows(t, dir, file) {
			k := ""
			for _, c := range cols {
				k += r[c] + "\x00"
			}
			keys[k] = true
		}
		return len(keys)
	}
	st := graphState{Nodes: map[string]int{}, Rels: map[string]int{}}
	for label, file := range map[string]string{"Area": "areas.csv", "RiskDesignation": "risk_designations.csv",
		"Household": "households.csv", "Person": "people.csv", "Case": "cases.csv", "Trip": "trips.csv",
		"Event": "events.csv", "Test": "tests.csv", "Checkpoint": "checkpoints.csv", "Facility": "facilities.csv",
		"Officer": "officers.csv", "HealthReport": "health_reports.csv", "Visit": "visits.csv", "Employer": "employers.csv"} {
		if c := n(file); c > 0 {
			st.Nodes["["+label+"]"] = c
		}
	}
	plates := map[string]bool{}
	for _, r := range csvRows(t, dir, "passages.csv") {
		if r["person_id"] == "" {
			plates[r["plate"]] = true
		}
	}
	if len(plates) > 0 {
		st.Nodes["[Vehicle]"] = len(plates)
	}
	for typ, c := range map[string]int{
		"PART_OF": with("areas.csv", "parent_code"), "DESIGNATED": n("risk_designations.csv"),
		"IN":        n("households.csv") + n("checkpoints.csv") + n("facilities.csv") + n("employers.csv"),
		"MEMBER_OF": with("people.csv", "household_id"), "HAS_CASE": n("cases.csv"), "TOOK": n("trips.csv"),
		"FROM": with("trips.csv", "from_area"), "TO": with("trips.csv", "to_area"), "ATTENDED": n("attendance.csv"),
		"AT": with("events.csv", "area_code"), "CONTACTED": n("contacts.csv"), "TESTED": n("tests.csv"),
		"PASSED": n("passages.csv"), "SERVES": n("officers.csv"), "RESPONSIBLE_FOR": n("responsibilities.csv"),
		"REPORTED": n("health_reports.csv"),
		"VISITED":  n("visits.csv"), "SAW": with("visits.csv", "person_id"), "BY": with("visits.csv", "officer_id"),
		"WORKS_AT": distinct("employment.csv", "person_id", "employer_id"),
	} {
		if c > 0 {
			st.Rels[typ] = c
		}
	}
	return st
}

func sameCounts(a, b graphState) bool {
	return fmt.Sprint(a.Nodes) == fmt.Sprint(b.Nodes) && fmt.Sprint(a.Rels) == fmt.Sprint(b.Rels)
}

// TestLoadConformanceBundles loads every conformance bundle into an empty graph,
// checks the counts against the files, then loads it again: nothing changes.
func TestLoadConformanceBundles(t *testing.T) {
	dirs, _ := filepath.Glob("../testdata/conformance/*/bundle")
	if len(dirs) == 0 {
		t.Fatal("no conformance bundles in testdata/conformance")
	}
	db := graphtest.MustOpen(t)
	for _, dir := range dirs {
		t.Run(filepath.Base(filepath.Dir(dir)), func(t *testing.T) {
			if err := db.DeleteAllData(context.Background()); err != nil {
				t.Fatal(err)
			}
			rep := mustLoad(t, db, dir, Options{})
			if !rep.Clean() || !rep.Written {
				t.Fatalf("rejects: %v", rep.Rejects)
			}
			first := readState(t, db)
			if want := expectedState(t, dir); !sameCounts(first, want) {
				t.Fatalf("after one load:\n got  %v\n want %v", first, want)
			}
			mustLoad(t, db, dir, Options{BatchSize: 7}) // small batches: many transactions
			if second := readState(t, db); second.String() != first.String() {
				t.Fatalf("a second load changed the graph:\n first  %v\n second %v", first, second)
			}
		})
	}
}

// TestStoredProperties checks the storage contract of docs/graph-model.md on the
// base bundle: names, types, copies, absent-not-empty, CONTACTED direction, vehicles.
func TestStoredProperties(t *testing.T) {
	db := graphtest.MustOpen(t)
	dir := writeBundle(t, with("passages.csv", "C1,2020-01-21 10:00,,豫S12345,,否"),
		"contacts.csv", "person_a,person_b,at,duration_min,setting,protected\nP2,P1,2020-01-21 18:00,,,\n")
	rep := mustLoad(t, db, dir, Options{})
	if !rep.Clean() {
		t.Fatal(rep.Rejects)
	}
	one := func(cypher string) map[string]any {
		t.Helper()
		m, err := graph.Read(context.Background(), db, "test", func(ctx context.Context, tx graph.Tx) (map[string]any, error) {
			res, err := tx.Run(ctx, cypher, nil)
			if err != nil {
				return nil, err
			}
			rec, err := res.Single(ctx)
			if err != nil {
				return nil, err
			}
			return rec.AsMap(), nil
		})
		if err != nil {
			t.Fatalf("%s: %v", cypher, err)
		}
		return m
	}
	p := one("MATCH (p:Person {id: 'P1'})-[:MEMBER_OF]->(h:Household) RETURN properties(p) AS p, h.id AS h")
	props := p["p"].(map[string]any)
	if props["idNumber"] != "11010519491231002X" || props["householdId"] != "H1" || p["h"] != "H1" {
		t.Errorf("person %v", p)
	}
	if _, ok := props["birthDate"].(dbtype.Date); !ok {
		t.Errorf("birthDate is %T, want DATE", props["birthDate"])
	}
	p2 := one("MATCH (p:Person {id: 'P2'}) RETURN properties(p) AS p")["p"].(map[string]any)
	for _, k := range []string{"idNumber", "phone", "sex", "birthDate"} {
		if _, ok := p2[k]; ok {
			t.Errorf("P2 has %s = %q; absent values must not be stored", k, p2[k])
		}
	}
	tr := one("MATCH (:Person {id: 'P1'})-[:TOOK]->(t:Trip)-[:FROM]->(:Area {code: 'A1'}) MATCH (t)-[:TO]->(:Area {code: 'A2'}) RETURN properties(t) AS t")["t"].(map[string]any)
	if tr["number"] != "G 101" || tr["numberKey"] != "G101" || tr["personId"] != "P1" || tr["fromArea"] != "A1" || tr["toArea"] != "A2" {
		t.Errorf("trip %v", tr)
	}
	dep, ok := tr["departAt"].(time.Time)
	if !ok || dep.Location().String() != "Asia/Shanghai" || dep.Hour() != 8 {
		t.Errorf("departAt %v (%T), want a DATETIME 08:00 Asia/Shanghai", tr["departAt"], tr["departAt"])
	}
	c := one("MATCH (a:Person)-[r:CONTACTED]->(b:Person) RETURN a.id AS a, b.id AS b, properties(r) AS r")
	r := c["r"].(map[string]any)
	if c["a"] != "P1" || c["b"] != "P2" || r["protected"] != false {
		t.Errorf("contact %v: want stored once, P1 → P2", c)
	}
	if _, ok := r["durationMin"]; ok {
		t.Errorf("contact without duration stores durationMin %v", r["durationMin"])
	}
	v := one("MATCH (v:Vehicle)-[r:PASSED]->(c:Checkpoint {id: 'C1'}) RETURN v.plate AS plate, r.turnedBack AS tb, r.plate AS rp")
	if v["plate"] != "豫S12345" || v["tb"] != false || v["rp"] != "豫S12345" {
		t.Errorf("vehicle passage %v", v)
	}
	e := one("MATCH (e:Event {id: 'E1'})-[:AT]->(:Area {code: 'A2'}) RETURN e.indoor AS indoor, e.areaCode AS a")
	if e["indoor"] != true || e["a"] != "A2" {
		t.Errorf("event %v", e)
	}
	h := one("MATCH (:Person {id: 'P1'})-[:REPORTED]->(h:HealthReport) RETURN h.date AS d, h.temperature AS t")
	if _, ok := h["d"].(dbtype.Date); !ok || h["t"] != 36.8 {
		t.Errorf("health report %v", h)
	}
	f := one("MATCH (f:Facility {id: 'F1'})-[:IN]->(:Area {code: 'A1'}) RETURN f.capacity AS c")
	if f["c"] != int64(10) {
		t.Errorf("facility capacity %v (%T)", f["c"], f["c"])
	}
	rd := one("MATCH (:Area {code: 'A1'})-[:DESIGNATED]->(d:RiskDesignation) RETURN d.since AS s, d.level AS l, d.areaCode AS a")
	if s, ok := rd["s"].(time.Time); !ok || s.Hour() != 0 || rd["l"] != "high" || rd["a"] != "A1" {
		t.Errorf("designation %v", rd)
	}
}

// writeBundle writes files (name → content) to a temporary folder; extra pairs of
// (name, content) replace files.
func writeBundle(t testing.TB, files map[string]string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{}
	for k, v := range files {
		all[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		all[extra[i]] = extra[i+1]
	}
	for name, content := range all {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestLaterLoadReplaces: a later load of a key replaces its values and links — a
// person moves household (one MEMBER_OF), a phone removed is absent — and references
// may point to what an earlier load wrote.
func TestLaterLoadReplaces(t *testing.T) {
	db := graphtest.MustOpen(t)
	rep := mustLoad(t, db, writeBundle(t, baseBundle), Options{})
	if !rep.Clean() {
		t.Fatal(rep.Rejects)
	}
	// Only the new household, the moved person and a trip of a person from last week.
	next := writeBundle(t, map[string]string{
		"households.csv": "id,address,area_code\nH2,2号,A1\n",
		"people.csv":     "id,name,id_number,phone,sex,birth_date,household_id\nP1,张三,11010519491231002X,,M,,H2\n",
		"trips.csv":      "id,person_id,mode,number,seat,from_area,to_area,depart_at,arrive_at\nT1,P2,car,,,,,2020-01-20 08:00,2020-01-20 12:00\nT9,P2,bus,,,,A9,2020-01-20 08:00,2020-01-20 12:00\n",
	})
	rep = mustLoad(t, db, next, Options{})
	if len(rep.Rejects) != 1 || rep.Rejects[0].String() != `trips.csv:3: to_area: unknown reference: no area "A9" in the bundle or the database` {
		t.Fatalf("rejects %v", rep.Rejects)
	}
	got, err := graph.Read(context.Background(), db, "test", func(ctx context.Context, tx graph.Tx) (string, error) {
		res, err := tx.Run(ctx, `MATCH (p:Person {id: 'P1'})
			OPTIONAL MATCH (p)-[:MEMBER_OF]->(h:Household)
			WITH p, collect(h.id) AS hs
			MATCH (t:Trip {id: 'T1'}) OPTIONAL MATCH (who:Person)-[:TOOK]->(t)
			OPTIONAL MATCH (t)-[:FROM|TO]->(a:Area)
			RETURN hs, p.householdId AS hid, p.phone IS NULL AS nophone, p.birthDate IS NULL AS nobirth,
			       collect(DISTINCT who.id) AS took, t.personId AS tp, t.mode AS mode, count(a) AS areas, t.numberKey IS NULL AS nokey`, nil)
		if err != nil {
			return "", err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprint(rec.Values), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "[[H2] H2 true true [P2] P2 car 0 true]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// rejectBundle is the base bundle with one bad row of each reject reason of §3.
func rejectBundle() (map[string]string, []string) {
	files := with("areas.csv", "A3,村,hamlet,A2") // line 4
	add := func(file, row string) { files[file] += row + "\n" }
	add("risk_designations.csv", "A2,high,2020-01-21 25:00")                       // bad time
	add("people.csv", "P3,王五,110105194912310021,,,,H1")                            // invalid ID number
	add("cases.csv", "P2,confirmed,2020-01-20 10:00,,")                            // bad date
	add("trips.csv", "T2,P2,flight,,,,,2020-01-20 08:00,2020-01-20 07:00")         // end before start
	add("events.csv", "E2,market,,,2020-01-21 08:00,2020-01-21 09:00,maybe")       // bad boolean
	add("attendance.csv", "P2,E9,2020-01-21 18:00,2020-01-21 19:00,")              // unknown reference
	add("contacts.csv", "P1,P1,2020-01-21 18:00,,,")                               // self-contact
	add("contacts.csv", "P1,P2,2020-01-22 18:00,-1,,")                             // out of range
	add("tests.csv", "TS2,P3,pcr,2020-01-22 09:00,positive")                       // reference to a rejected row
	add("tests.csv", "TS3,P2,pcr,2020-01-22,positive")                             // bare date
	add("passages.csv", "C1,2020-01-21 10:00,P2,,45.5,")                           // out of range
	add("facilities.csv", "F2,x,A1,ten")                                           // bad integer
	add("officers.csv", "O2,x,doctor,A1,")                                         // unknown enum
	add("responsibilities.csv", "O1,P1,extra")                                     // wrong column count
	add("health_reports.csv", "P2,2020-01-21,,")                                   // good
	add("employment.csv", "P2,EM1,2019-06")                                        // bad date
	files["peoples.csv"] = "id,name\nP9,x\n"                                       // unknown file
	files["households.csv"] = "id,address,area_code,floor\nH1,1号,A2,3\n"           // refused file
	files["people.csv"] = strings.Replace(files["people.csv"], ",H1\n", ",\n", -1) // (households refused)
	files["notes.txt"] = "ignored"                                                 // ignored
	want := []string{
		"peoples.csv:1: file: unknown file",
		"areas.csv:4: level: unknown value",
		"risk_designations.csv:3: since: bad time",
		"households.csv:1: floor: unknown column",
		"people.csv:4: id_number: invalid ID number",
		"cases.csv:3: onset_date: bad date",
		"trips.csv:3: arrive_at: end before start",
		"events.csv:3: indoor: bad boolean",
		"attendance.csv:3: event_id: unknown reference",
		"contacts.csv:3: person_b: a contact of a person with themselves",
		"contacts.csv:4: duration_min: out of range",
		"tests.csv:3: person_id: unknown reference: person \"P3\" was rejected",
		"tests.csv:4: sampled_at: a bare date",
		"passages.csv:3: temperature: out of range",
		"facilities.csv:3: capacity: bad integer",
		"officers.csv:3: role: unknown value",
		"responsibilities.csv:3: row: wrong column count",
		"visits.csv:2: household_id: unknown reference", // (households refused)
		"visits.csv:3: household_id: unknown reference",
		"employment.csv:3: since: bad date",
	}
	return files, want
}

func checkRejects(t *testing.T, got []Reject, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d rejects, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = got[i].String()
		}
		if i < len(want) {
			w = want[i]
		}
		if !strings.HasPrefix(g, w) || g == "" {
			t.Errorf("reject %d: got %q, want %q…", i, g, w)
		}
	}
}

// TestRejectsOnePerBadRow: a bundle with one bad row of each reason yields exactly one
// report line each; by default the good rows load, with --strict nothing does.
func TestRejectsOnePerBadRow(t *testing.T) {
	db := graphtest.MustOpen(t)
	files, want := rejectBundle()
	dir := writeBundle(t, files)

	rep := mustLoad(t, db, dir, Options{Strict: true})
	checkRejects(t, rep.Rejects, want)
	if rep.Written {
		t.Error("strict load with rejects says it wrote")
	}
	if st := readState(t, db); len(st.Nodes) != 0 || len(st.Rels) != 0 {
		t.Fatalf("strict load with rejects wrote %v", st)
	}

	rep = mustLoad(t, db, dir, Options{})
	checkRejects(t, rep.Rejects, want)
	st := readState(t, db)
	if st.Nodes["[Person]"] != 2 || st.Nodes["[Household]"] != 0 || st.Rels["CONTACTED"] != 1 || st.Nodes["[HealthReport]"] != 2 || st.Nodes["[Test]"] != 1 {
		t.Errorf("good rows did not load as expected: %v", st)
	}
	for _, f := range rep.Files {
		if f.Read != f.Written+f.Rejected && f.File != "households.csv" {
			t.Errorf("%+v: read ≠ written + rejected", f)
		}
	}

	// Strict on a clean bundle writes it all.
	if err := db.DeleteAllData(context.Background()); err != nil {
		t.Fatal(err)
	}
	rep = mustLoad(t, db, writeBundle(t, baseBundle), Options{Strict: true})
	if !rep.Clean() || !rep.Written || readState(t, db).Nodes["[Person]"] != 2 {
		t.Errorf("strict clean load: %+v", rep)
	}
}

// TestParentCycleThroughTheDatabase: a bundle may not make a stored area its own
// ancestor (A2's parent A1 is stored; A1's new parent A2 would close a cycle).
func TestParentCycleThroughTheDatabase(t *testing.T) {
	db := graphtest.MustOpen(t)
	if rep := mustLoad(t, db, writeBundle(t, map[string]string{"areas.csv": baseBundle["areas.csv"]}), Options{}); !rep.Clean() {
		t.Fatal(rep.Rejects)
	}
	rep := mustLoad(t, db, writeBundle(t, map[string]string{"areas.csv": "code,name,level,parent_code\nA0,省,province,\nA1,县,county,A2\nA3,村,village,A1\n"}), Options{})
	// A3's parent A1 had its row rejected but is stored, so A3 loads under it.
	want := []string{`areas.csv:3: parent_code: a parent cycle: area "A1" would be its own ancestor`}
	if len(rep.Rejects) != 1 || rep.Rejects[0].String() != want[0] {
		t.Fatalf("rejects %v, want [%s]", rep.Rejects, want[0])
	}
	if n := count(t, db, "MATCH (:Area {code: 'A1'})-[:PART_OF]->(p:Area) RETURN count(p)"); n != 0 {
		t.Errorf("A1 got a parent")
	}
	if n := count(t, db, "MATCH (:Area {code: 'A3'})-[:PART_OF]->(:Area {code: 'A1'}) RETURN count(*)"); n != 1 {
		t.Errorf("A3 should hang under the stored A1")
	}
}
