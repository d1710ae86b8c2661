package graph_test

// TEST SUPPORT ONLY: a minimal reader of SPEC §3 import bundles that writes the graph of
// docs/graph-model.md with a few batched statements. It trusts its input (the
// conformance bundles) and validates nothing; the real importer is the loader package.
// The conformance replay uses it until the loader is merged.

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

func readCSV(t *testing.T, dir, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[strings.TrimSpace(h)] = strings.TrimSpace(rec[i])
		}
		out = append(out, m)
	}
	return out
}

func bundleTime(t *testing.T, s string, loc *time.Location) time.Time {
	t.Helper()
	// The driver cannot send a time in the machine's Local zone: keep the service's.
	if tt, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return tt.In(loc)
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if tt, err := time.ParseInLocation(layout, s, loc); err == nil {
			return tt
		}
	}
	t.Fatalf("bad time %q", s)
	return time.Time{}
}

func bundleBool(s string) bool {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "是":
		return true
	}
	return false
}

// loadBundle writes a bundle's rows into the (empty) graph.
func loadBundle(t *testing.T, db *graph.DB, dir string, loc *time.Location) {
	t.Helper()
	set := func(m map[string]any, k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	tm := func(m map[string]any, k, v string) {
		if v != "" {
			m[k] = bundleTime(t, v, loc)
		}
	}
	num := func(m map[string]any, k, v string) {
		if v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("bad number %q", v)
			}
			m[k] = f
		}
	}
	run := func(file, cypher string, conv func(r map[string]string) map[string]any) {
		var rows []map[string]any
		for _, r := range readCSV(t, dir, file) {
			rows = append(rows, conv(r))
		}
		if len(rows) > 0 {
			graphtest.Run(t, db, cypher, map[string]any{"rows": rows})
		}
	}
	run("areas.csv", `UNWIND $rows AS r CREATE (a:Area) SET a = r`, func(r map[string]string) map[string]any {
		m := map[string]any{"code": r["code"], "name": r["name"], "level": r["level"]}
		set(m, "parentCode", r["parent_code"])
		return m
	})
	graphtest.Run(t, db, `MATCH (a:Area) WHERE a.parentCode IS NOT NULL MATCH (p:Area {code: a.parentCode}) CREATE (a)-[:PART_OF]->(p)`, nil)
	run("risk_designations.csv", `UNWIND $rows AS r MATCH (a:Area {code: r.areaCode}) CREATE (a)-[:DESIGNATED]->(d:RiskDesignation) SET d = r`, func(r map[string]string) map[string]any {
		return map[string]any{"areaCode": r["area_code"], "level": r["level"], "since": bundleTime(t, r["since"], loc)}
	})
	run("households.csv", `UNWIND $rows AS r MATCH (a:Area {code: r.areaCode}) CREATE (h:Household)-[:IN]->(a) SET h = r`, func(r map[string]string) map[string]any {
		m := map[string]any{"id": r["id"], "areaCode": r["area_code"]}
		set(m, "address", r["address"])
		return m
	})
	run("people.csv", `UNWIND $rows AS r CREATE (p:Person) SET p = r WITH p, r
		MATCH (h:Household {id: r.householdId}) CREATE (p)-[:MEMBER_OF]->(h)`, func(r map[string]string) map[string]any {
		m := map[string]any{"id": r["id"], "name": r["name"]}
		set(m, "idNumber", strings.ToUpper(r["id_number"]))
		set(m, "phone", r["phone"])
		set(m, "sex", r["sex"])
		set(m, "householdId", r["household_id"])
		return m
	})
	run("cases.csv", `UNWIND $rows AS r MATCH (p:Person {id: r.personId}) CREATE (p)-[:HAS_CASE]->(c:Case) SET c = r
		SET c.onsetDate = CASE WHEN r.onset IS NULL THEN null ELSE date(r.onset) END REMOVE c.onset`, func(r map[string]string) map[string]any {
		m := map[string]any{"personId": r["person_id"], "status": r["status"]}
		set(m, "onset", r["onset_date"])
		tm(m, "confirmedAt", r["confirmed_at"])
		tm(m, "isolatedAt", r["isolated_at"])
		return m
	})
	run("trips.csv", `UNWIND $rows AS r MATCH (p:Person {id: r.personId}) CREATE (p)-[:TOOK]->(t:Trip) SET t = r
		WITH t, r OPTIONAL MATCH (f:Area {code: r.fromArea}) FOREACH (_ IN CASE WHEN f IS NULL THEN [] ELSE [1] END | CREATE (t)-[:FROM]->(f))
		WITH t, r OPTIONAL MATCH (a:Area {code: r.toArea}) FOREACH (_ IN CASE WHEN a IS NULL THEN [] ELSE [1] END | CREATE (t)-[:TO]->(a))`,
		func(r map[string]string) map[string]any {
			m := map[string]any{"id": r["id"], "personId": r["person_id"], "mode": r["mode"],
				"departAt": bundleTime(t, r["depart_at"], loc), "arriveAt": bundleTime(t, r["arrive_at"], loc)}
			set(m, "number", r["number"])
			if k := graph.NumberKey(r["number"]); k != "" {
				m["numberKey"] = k
			}
			set(m, "seat", r["seat"])
			set(m, "fromArea", r["from_area"])
			set(m, "toArea", r["to_area"])
			return m
		})
	run("events.csv", `UNWIND $rows AS r CREATE (e:Event) SET e = r WITH e, r MATCH (a:Area {code: r.areaCode}) CREATE (e)-[:AT]->(a)`, func(r map[string]string) map[string]any {
		m := map[string]any{"id": r["id"], "kind": r["kind"], "start": bundleTime(t, r["start"], loc), "end": bundleTime(t, r["end"], loc),
			"indoor": r["indoor"] == "" || bundleBool(r["indoor"])}
		set(m, "place", r["place"])
		set(m, "areaCode", r["area_code"])
		return m
	})
	run("attendance.csv", `UNWIND $rows AS r MATCH (p:Person {id: r.p}), (e:Event {id: r.e})
		CREATE (p)-[:ATTENDED {from: r.from, to: r.to, proximity: r.prox}]->(e)`, func(r map[string]string) map[string]any {
		prox := r["proximity"]
		if prox == "" {
			prox = "venue"
		}
		return map[string]any{"p": r["person_id"], "e": r["event_id"], "from": bundleTime(t, r["from"], loc), "to": bundleTime(t, r["to"], loc), "prox": prox}
	})
	run("contacts.csv", `UNWIND $rows AS r MATCH (a:Person {id: r.a}), (b:Person {id: r.b})
		CREATE (a)-[c:CONTACTED]->(b) SET c = r.props`, func(r map[string]string) map[string]any {
		a, b := r["person_a"], r["person_b"]
		if b < a {
			a, b = b, a
		}
		props := map[string]any{"at": bundleTime(t, r["at"], loc), "protected": bundleBool(r["protected"])}
		num(props, "durationMin", r["duration_min"])
		set(props, "setting", r["setting"])
		return map[string]any{"a": a, "b": b, "props": props}
	})
	run("tests.csv", `UNWIND $rows AS r MATCH (p:Person {id: r.personId}) CREATE (p)-[:TESTED]->(t:Test) SET t = r`, func(r map[string]string) map[string]any {
		return map[string]any{"id": r["id"], "personId": r["person_id"], "kind": r["kind"], "sampledAt": bundleTime(t, r["sampled_at"], loc), "result": r["result"]}
	})
	run("checkpoints.csv", `UNWIND $rows AS r MATCH (a:Area {code: r.areaCode}) CREATE (c:Checkpoint)-[:IN]->(a) SET c = r`, func(r map[string]string) map[string]any {
		return map[string]any{"id": r["id"], "name": r["name"], "areaCode": r["area_code"]}
	})
	run("passages.csv", `UNWIND $rows AS r MATCH (c:Checkpoint {id: r.cp})
		OPTIONAL MATCH (p:Person {id: r.person})
		FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | CREATE (p)-[x:PASSED]->(c) SET x = r.props)
		FOREACH (_ IN CASE WHEN p IS NULL AND r.plate IS NOT NULL THEN [1] ELSE [] END |
		  MERGE (v:Vehicle {plate: r.plate}) CREATE (v)-[x:PASSED]->(c) SET x = r.props)`, func(r map[string]string) map[string]any {
		props := map[string]any{"at": bundleTime(t, r["at"], loc), "turnedBack": bundleBool(r["turned_back"])}
		num(props, "temperature", r["temperature"])
		set(props, "plate", r["plate"])
		m := map[string]any{"cp": r["checkpoint_id"], "props": props}
		set(m, "person", r["person_id"])
		set(m, "plate", r["plate"])
		return m
	})
	run("facilities.csv", `UNWIND $rows AS r MATCH (a:Area {code: r.areaCode}) CREATE (f:Facility)-[:IN]->(a) SET f = r`, func(r map[string]string) map[string]any {
		c, _ := strconv.Atoi(r["capacity"])
		return map[string]any{"id": r["id"], "name": r["name"], "areaCode": r["area_code"], "capacity": c}
	})
	run("officers.csv", `UNWIND $rows AS r MATCH (a:Area {code: r.areaCode}) CREATE (o:Officer)-[:SERVES]->(a) SET o = r`, func(r map[string]string) map[string]any {
		m := map[string]any{"id": r["id"], "name": r["name"], "role": r["role"], "areaCode": r["area_code"]}
		set(m, "phone", r["phone"])
		return m
	})
	run("responsibilities.csv", `UNWIND $rows AS r MATCH (o:Officer {id: r.o}), (p:Person {id: r.p}) CREATE (o)-[:RESPONSIBLE_FOR]->(p)`, func(r map[string]string) map[string]any {
		return map[string]any{"o": r["officer_id"], "p": r["person_id"]}
	})
	run("health_reports.csv", `UNWIND $rows AS r MATCH (p:Person {id: r.personId}) CREATE (p)-[:REPORTED]->(h:HealthReport) SET h = r.props, h.personId = r.personId, h.date = date(r.date)`, func(r map[string]string) map[string]any {
		props := map[string]any{}
		num(props, "temperature", r["temperature"])
		set(props, "symptoms", r["symptoms"])
		return map[string]any{"personId": r["person_id"], "date": r["date"], "props": props}
	})
}
