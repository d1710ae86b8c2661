package resolvers_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// Clusters and unlinked exposures (SPEC §4 rev 5) through GraphQL, and who sees them
// (SPEC §8). Towns A and B; the tracer serves A.
//   - K1 (A) → K2 (B): a recorded meal before K2's confirmation; K2 has only that
//     confirmation (reference kind CONFIRMATION) and is a contact of K1, so the tracer
//     sees K2 masked.
//   - U1, U2 (one household in A): U1 isolated on 2 January, U2 ill on the 25th: an
//     unlinked household pair.
//   - U2 and W1 (B) met on 1 December: an unlinked contact pair. That recorded contact
//     lies outside every window, so W1 is in no chain of a case of A and stays out of
//     the tracer's scope (SPEC §8 rev 5: a recorded link by itself grants nothing).
//   - W1 → W2 (one household in B), V1, V2 (another in B, unlinked): W2, V1 and V2 are
//     out of scope.
const clustersFixture = `
CREATE (c:Area {code: 'C', name: 'county', level: 'county'}),
       (a:Area {code: 'A', name: 'town A', level: 'town', parentCode: 'C'})-[:PART_OF]->(c),
       (b:Area {code: 'B', name: 'town B', level: 'town', parentCode: 'C'})-[:PART_OF]->(c),
       (ha:Household {id: 'HA', areaCode: 'A'})-[:IN]->(a), (hc:Household {id: 'HC', areaCode: 'A'})-[:IN]->(a),
       (hb:Household {id: 'HB', areaCode: 'B'})-[:IN]->(b), (hd:Household {id: 'HD', areaCode: 'B'})-[:IN]->(b),
       (he:Household {id: 'HE', areaCode: 'B'})-[:IN]->(b)
WITH 1 AS x
UNWIND [
  {id: 'K1', idn: '41159919811217101X', hh: 'HA', name: '甲一', onset: '2020-01-15', conf: '2020-01-17T10:00:00+08:00', iso: null},
  {id: 'K2', idn: '41159919811217111X', hh: 'HB', name: '乙二', onset: null, conf: '2020-01-20T10:00:00+08:00', iso: null},
  {id: 'U1', idn: '41159919811217121X', hh: 'HC', name: '丙三', onset: '2020-01-01', conf: '2020-01-02T10:00:00+08:00', iso: '2020-01-02T00:00:00+08:00'},
  {id: 'U2', idn: '41159919811217131X', hh: 'HC', name: '丁四', onset: '2020-01-25', conf: '2020-01-25T10:00:00+08:00', iso: null},
  {id: 'W1', idn: '41159919811217141X', hh: 'HE', name: '戊五', onset: '2020-01-10', conf: '2020-01-11T10:00:00+08:00', iso: null},
  {id: 'W2', idn: '41159919811217151X', hh: 'HE', name: '己六', onset: '2020-01-14', conf: '2020-01-15T10:00:00+08:00', iso: null},
  {id: 'V1', idn: '41159919811217161X', hh: 'HD', name: '庚七', onset: '2020-01-01', conf: '2020-01-02T10:00:00+08:00', iso: '2020-01-02T00:00:00+08:00'},
  {id: 'V2', idn: '41159919811217171X', hh: 'HD', name: '辛八', onset: '2020-01-24', conf: '2020-01-24T10:00:00+08:00', iso: null}] AS r
MATCH (h:Household {id: r.hh})
CREATE (p:Person {id: r.id, name: r.name, idNumber: r.idn, phone: '1395409475' + right(r.id, 1), householdId: r.hh})-[:MEMBER_OF]->(h)
CREATE (p)-[:HAS_CASE]->(k:Case {personId: r.id, status: 'confirmed', confirmedAt: datetime(r.conf)})
FOREACH (d IN CASE WHEN r.onset IS NULL THEN [] ELSE [r.onset] END | SET k.onsetDate = date(d))
FOREACH (i IN CASE WHEN r.iso IS NULL THEN [] ELSE [r.iso] END | SET k.isolatedAt = datetime(i))
WITH 1 AS x
MATCH (k1:Person {id: 'K1'}), (k2:Person {id: 'K2'}), (u2:Person {id: 'U2'}), (w1:Person {id: 'W1'})
CREATE (k1)-[:CONTACTED {at: datetime('2020-01-16T10:00:00+08:00'), durationMin: 30.0, setting: 'meal', protected: false}]->(k2)
CREATE (u2)-[:CONTACTED {at: datetime('2019-12-01T10:00:00+08:00'), durationMin: 30.0, setting: 'meal', protected: false}]->(w1)`

const clustersAsOf = "2020-01-26T12:00:00+08:00"

type unlinkedResp struct {
	UnlinkedExposures []struct {
		A, B   struct{ ID, Name, IDNumber string }
		Shared []string
	}
}

func spellUnlinked(r unlinkedResp) string {
	var out []string
	for _, u := range r.UnlinkedExposures {
		out = append(out, fmt.Sprintf("%s-%s%v", u.A.ID, u.B.ID, u.Shared))
	}
	return strings.Join(out, " ")
}

func TestClusterLinksThroughGraphQL(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, clustersFixture, nil)
	var resp struct {
		Cluster *struct {
			IndexCase     struct{ ID string }
			Introductions []struct{ ID string }
			Cases         []struct {
				Person        struct{ ID string }
				Generation    int
				ReferenceKind string
				Introduction  bool
			}
			Links []struct {
				Source, Target     struct{ ID string }
				SerialIntervalDays *int
				BothWays           bool
				Exposure           struct{ Kind string }
			}
		}
	}
	q := `query($id: ID!, $asOf: DateTime) { cluster(caseId: $id, asOf: $asOf) { indexCase { id } introductions { id }
		cases { person { id } generation referenceKind introduction }
		links { source { id } target { id } serialIntervalDays bothWays exposure { kind } } } }`
	newClient(t, svc).MustPost(q, &resp, client.Var("id", "K2"), client.Var("asOf", clustersAsOf))
	got, _ := json.Marshal(resp.Cluster)
	want := `{"IndexCase":{"ID":"K1"},"Introductions":[{"ID":"K1"}],` +
		`"Cases":[{"Person":{"ID":"K1"},"Generation":0,"ReferenceKind":"ONSET","Introduction":true},` +
		`{"Person":{"ID":"K2"},"Generation":1,"ReferenceKind":"CONFIRMATION","Introduction":false}],` +
		`"Links":[{"Source":{"ID":"K1"},"Target":{"ID":"K2"},"SerialIntervalDays":null,"BothWays":false,"Exposure":{"Kind":"DIRECT_CONTACT"}}]}`
	if string(got) != want {
		t.Fatalf("cluster of K2:\n got  %s\n want %s", got, want)
	}
	newClient(t, svc).MustPost(q, &resp, client.Var("id", "W2"), client.Var("asOf", clustersAsOf))
	if l := resp.Cluster.Links; len(l) != 1 || l[0].SerialIntervalDays == nil || *l[0].SerialIntervalDays != 4 {
		t.Fatalf("W1 → W2 serial interval: %+v", l)
	}

	// The tracer of town A reads the cluster of their case: K2 is K1's contact.
	tracer := newClientAs(t, svc, &graph.Principal{Subject: "tracer-a", Role: graph.RoleTracer, Areas: []string{"A"}})
	tracer.MustPost(q, &resp, client.Var("id", "K1"), client.Var("asOf", clustersAsOf))
	if resp.Cluster == nil || len(resp.Cluster.Cases) != 2 || resp.Cluster.Cases[1].ReferenceKind != "CONFIRMATION" {
		t.Fatalf("tracer's cluster of K1: %+v", resp.Cluster)
	}
	// Clusters of town B's cases are not theirs: neither the members' reference kinds,
	// onsets and introductions, nor the links' serial intervals reach them.
	raw, err := tracer.RawPost(`query($asOf: DateTime) { clusters(asOf: $asOf) { size cases { onsetDate referenceKind introduction } } }`,
		client.Var("asOf", clustersAsOf))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(raw.Data)
	for _, onset := range []string{"2020-01-10", "2020-01-14", "2020-01-24"} { // W1, W2, V2
		if strings.Contains(string(data), onset) {
			t.Errorf("the tracer read an onset (%s) of a case outside their scope: %s", onset, data)
		}
	}
	if !strings.Contains(string(raw.Errors), "FORBIDDEN") {
		t.Errorf("no refusal for the cases outside the tracer's scope: %s", raw.Errors)
	}
	raw, err = tracer.RawPost(`query($asOf: DateTime) { clusters(asOf: $asOf, minSize: 2) { links { serialIntervalDays bothWays } } }`,
		client.Var("asOf", clustersAsOf))
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := json.Marshal(raw.Data); strings.Contains(string(data), `"serialIntervalDays":4`) || !strings.Contains(string(raw.Errors), "FORBIDDEN") {
		t.Errorf("the tracer read the W1 → W2 link: %s %s", data, raw.Errors)
	}
}

func TestUnlinkedExposuresThroughGraphQL(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, clustersFixture, nil)
	q := `query($asOf: DateTime, $area: ID) { unlinkedExposures(asOf: $asOf, areaCode: $area) { a { id name idNumber } b { id name idNumber } shared } }`
	var resp unlinkedResp
	epi := newClient(t, svc)
	epi.MustPost(q, &resp, client.Var("asOf", clustersAsOf))
	if got, want := spellUnlinked(resp), "U1-U2[HOUSEHOLD] U2-W1[DIRECT_CONTACT] V1-V2[HOUSEHOLD]"; got != want {
		t.Fatalf("unlinked exposures:\n got  %s\n want %s", got, want)
	}
	epi.MustPost(q, &resp, client.Var("asOf", clustersAsOf), client.Var("area", "B"))
	if got, want := spellUnlinked(resp), "U2-W1[DIRECT_CONTACT] V1-V2[HOUSEHOLD]"; got != want {
		t.Fatalf("unlinked exposures in B: got %s, want %s", got, want)
	}
	if err := epi.Post(q, &resp, client.Var("asOf", clustersAsOf), client.Var("area", "nowhere")); err == nil ||
		!strings.Contains(err.Error(), "NOT_FOUND") || !strings.Contains(err.Error(), "areaCode") {
		t.Fatalf("unknown area: %v", err)
	}

	// The tracer of town A sees the pairs of people they may see, names in full for
	// their own residents, and the read is audited.
	tracer := newClientAs(t, svc, &graph.Principal{Subject: "tracer-a", Role: graph.RoleTracer, Areas: []string{"A"}})
	raw, err := tracer.RawPost(q, client.Var("asOf", clustersAsOf))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw.Errors) > 0 {
		t.Fatalf("tracer: %s", raw.Errors)
	}
	data, _ := json.Marshal(raw.Data)
	if err := json.Unmarshal(data, &resp); err != nil {
		t.Fatal(err)
	}
	if got := spellUnlinked(resp); got != "U1-U2[HOUSEHOLD]" {
		t.Fatalf("tracer's unlinked exposures: %s (%s)", got, data)
	}
	for _, hidden := range []string{"V1", "V2", "W1", "戊五", "庚七", "辛八", "41159919811217141X" /* W1's ID number */} {
		if strings.Contains(string(data), hidden) {
			t.Fatalf("the tracer received %s: %s", hidden, data)
		}
	}
	var log struct {
		AuditLog []struct {
			Actor     string
			PersonIds []string
		}
	}
	epi.MustPost(`{ auditLog(personId: "U2") { actor personIds } }`, &log)
	if len(log.AuditLog) == 0 || log.AuditLog[len(log.AuditLog)-1].Actor != "tracer-a" && log.AuditLog[0].Actor != "tracer-a" {
		t.Fatalf("no audit record of the tracer's read of U2: %+v", log.AuditLog)
	}

	// Chain statistics carry the same pairs as warnings; the tracer's are cut the same way.
	var st struct {
		ChainStatistics struct {
			Warnings []struct {
				Kind         string
				Case, Person struct{ ID string }
			}
		}
	}
	sq := `query($asOf: DateTime) { chainStatistics(asOf: $asOf) { warnings { kind case { id } person { id } } } }`
	epi.MustPost(sq, &st, client.Var("asOf", clustersAsOf))
	var ws []string
	for _, w := range st.ChainStatistics.Warnings {
		if w.Kind == graph.WarnUnlinkedExposure {
			ws = append(ws, w.Case.ID+"-"+w.Person.ID)
		}
	}
	if strings.Join(ws, " ") != "U1-U2 U2-W1 V1-V2" {
		t.Fatalf("unlinked-exposure warnings: %v", ws)
	}
	tracer.MustPost(sq, &st, client.Var("asOf", clustersAsOf))
	ws = nil
	for _, w := range st.ChainStatistics.Warnings {
		ws = append(ws, w.Kind+":"+w.Case.ID+"-"+w.Person.ID)
	}
	if strings.Join(ws, " ") != "UNLINKED_EXPOSURE:U1-U2" {
		t.Fatalf("tracer's warnings: %v", ws)
	}

	// A dashboard reads no pairs of people.
	dash := newClientAs(t, svc, &graph.Principal{Subject: "screen", Role: graph.RoleDashboard})
	if err := dash.Post(`{ unlinkedExposures { shared } }`, &resp); err == nil || !strings.Contains(err.Error(), "FORBIDDEN") {
		t.Fatalf("dashboard: %v", err)
	}
}
