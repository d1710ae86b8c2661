package graph_test

// Small Cypher fixtures for the rule tests, written as docs/graph-model.md stores the
// graph. Times are local times in the service's zone ("2020-01-21 18:30").

import (
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

type fixture struct {
	t   *testing.T
	svc *graph.Service
}

func newFixture(t *testing.T) *fixture {
	return &fixture{t: t, svc: graphtest.MustService(t)}
}

func (f *fixture) at(s string) time.Time {
	f.t.Helper()
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, f.svc.Loc); err == nil {
			return t
		}
	}
	f.t.Fatalf("bad time %q", s)
	return time.Time{}
}

func (f *fixture) run(cypher string, params map[string]any) {
	f.t.Helper()
	graphtest.Run(f.t, f.svc.DB, cypher, params)
}

// people creates people, each "id" or "id@household".
func (f *fixture) people(specs ...string) {
	f.t.Helper()
	var rows []map[string]any
	for _, s := range specs {
		id, hh := s, ""
		for i := range s {
			if s[i] == '@' {
				id, hh = s[:i], s[i+1:]
			}
		}
		rows = append(rows, map[string]any{"id": id, "hh": hh})
	}
	f.run(`UNWIND $rows AS r CREATE (p:Person {id: r.id, name: 'name ' + r.id})
		WITH p, r WHERE r.hh <> ''
		MERGE (h:Household {id: r.hh}) SET p.householdId = r.hh CREATE (p)-[:MEMBER_OF]->(h)`, map[string]any{"rows": rows})
}

// caseOf gives a person a case; onset is a date or "", confirmed and isolated are times or "".
func (f *fixture) caseOf(id, status, onset, confirmed, isolated string) {
	f.t.Helper()
	p := map[string]any{"id": id, "status": status}
	cy := `MATCH (p:Person {id: $id}) CREATE (p)-[:HAS_CASE]->(c:Case {personId: $id, status: $status})`
	if onset != "" {
		p["onset"] = onset
		cy += ` SET c.onsetDate = date($onset)`
	}
	if confirmed != "" {
		p["confirmed"] = f.at(confirmed)
		cy += ` SET c.confirmedAt = $confirmed`
	}
	if isolated != "" {
		p["isolated"] = f.at(isolated)
		cy += ` SET c.isolatedAt = $isolated`
	}
	f.run(cy, p)
}

// contact records a CONTACTED edge; dur < 0 means missing.
func (f *fixture) contact(a, b, when string, dur float64, setting string, protected bool) {
	f.t.Helper()
	if b < a {
		a, b = b, a
	}
	props := map[string]any{"at": f.at(when), "protected": protected}
	if dur >= 0 {
		props["durationMin"] = dur
	}
	if setting != "" {
		props["setting"] = setting
	}
	f.run(`MATCH (a:Person {id: $a}), (b:Person {id: $b}) CREATE (a)-[r:CONTACTED]->(b) SET r = $props`,
		map[string]any{"a": a, "b": b, "props": props})
}

// trip records a trip; from may be "" (no from_area).
func (f *fixture) trip(id, person, mode, number, seat, from, depart, arrive string) {
	f.t.Helper()
	props := map[string]any{"id": id, "personId": person, "mode": mode, "departAt": f.at(depart), "arriveAt": f.at(arrive)}
	if number != "" {
		props["number"] = number
		props["numberKey"] = graph.NumberKey(number)
	}
	if seat != "" {
		props["seat"] = seat
	}
	if from != "" {
		props["fromArea"] = from
	}
	f.run(`MATCH (p:Person {id: $person}) CREATE (p)-[:TOOK]->(t:Trip) SET t = $props
		WITH t MATCH (a:Area {code: t.fromArea}) CREATE (t)-[:FROM]->(a)`, map[string]any{"person": person, "props": props})
}

// event creates an event; attend records an attendance.
func (f *fixture) event(id string, indoor bool, start, end string) {
	f.t.Helper()
	f.run(`CREATE (:Event {id: $id, kind: 'meeting', indoor: $indoor, start: $start, end: $end})`,
		map[string]any{"id": id, "indoor": indoor, "start": f.at(start), "end": f.at(end)})
}

func (f *fixture) attend(person, event, from, to, proximity string) {
	f.t.Helper()
	f.run(`MATCH (p:Person {id: $p}), (e:Event {id: $e}) CREATE (p)-[:ATTENDED {from: $from, to: $to, proximity: $prox}]->(e)`,
		map[string]any{"p": person, "e": event, "from": f.at(from), "to": f.at(to), "prox": proximity})
}

// placed records a centralized assignment placed at placedAt, ending at end.
func (f *fixture) placed(person, placedAt, end string) {
	f.t.Helper()
	f.run(`MATCH (p:Person {id: $p}) CREATE (p)-[:ASSIGNED]->(:Quarantine {id: 'Q-' + $p + '-' + toString($placed), personId: $p,
		kind: 'centralized', status: 'active', start: $placed, end: $end, placedAt: $placed})`,
		map[string]any{"p": person, "placed": f.at(placedAt), "end": f.at(end)})
}

// area creates an area under a parent ("" for a root); designate adds a designation.
func (f *fixture) area(code, parent string) {
	f.t.Helper()
	f.run(`CREATE (a:Area {code: $code, name: $code, level: 'county'}) WITH a
		MATCH (p:Area {code: $parent}) SET a.parentCode = $parent CREATE (a)-[:PART_OF]->(p)`,
		map[string]any{"code": code, "parent": parent})
}

func (f *fixture) designate(code, level, since string) {
	f.t.Helper()
	f.run(`MATCH (a:Area {code: $code}) CREATE (a)-[:DESIGNATED]->(:RiskDesignation {areaCode: $code, level: $level, since: $since})`,
		map[string]any{"code": code, "level": level, "since": f.at(since)})
}

func (f *fixture) test(id, person, kind, sampled, result string) {
	f.t.Helper()
	f.run(`MATCH (p:Person {id: $p}) CREATE (p)-[:TESTED]->(:Test {id: $id, personId: $p, kind: $kind, sampledAt: $at, result: $result})`,
		map[string]any{"id": id, "p": person, "kind": kind, "at": f.at(sampled), "result": result})
}

func (f *fixture) passage(checkpoint, person, when string, temp float64) {
	f.t.Helper()
	f.run(`MERGE (c:Checkpoint {id: $c}) ON CREATE SET c.name = $c WITH c MATCH (p:Person {id: $p})
		CREATE (p)-[:PASSED {at: $at, temperature: $temp, turnedBack: false}]->(c)`,
		map[string]any{"c": checkpoint, "p": person, "at": f.at(when), "temp": temp})
}

func (f *fixture) report(person, date string, temp float64) {
	f.t.Helper()
	f.run(`MATCH (p:Person {id: $p}) CREATE (p)-[:REPORTED]->(:HealthReport {personId: $p, date: date($d), temperature: $temp})`,
		map[string]any{"p": person, "d": date, "temp": temp})
}

// chain is ContactChain or a failed test.
func (f *fixture) chain(caseID string, depth int, asOf string) *graph.Chain {
	f.t.Helper()
	ch, err := f.svc.ContactChain(t0(), caseID, depth, f.at(asOf))
	if err != nil {
		f.t.Fatalf("contactChain(%s): %v", caseID, err)
	}
	return ch
}
