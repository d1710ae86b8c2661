package resolvers_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// Two towns under one county. The tracer serves town A. P1 lives in A and is a
// confirmed case; P2 lives in B and had a recorded contact with P1 inside P1's window
// (a contact in the chain of a traced case of A, SPEC §8 rev 5); P3 lives in B and met
// no one from A.
const accessFixture = `
CREATE (c:Area {code: 'C', name: 'county', level: 'county'}),
       (a:Area {code: 'A', name: 'town A', level: 'town', parentCode: 'C'})-[:PART_OF]->(c),
       (b:Area {code: 'B', name: 'town B', level: 'town', parentCode: 'C'})-[:PART_OF]->(c),
       (va:Area {code: 'A1', name: 'village A1', level: 'village', parentCode: 'A'})-[:PART_OF]->(a),
       (ha:Household {id: 'HA', areaCode: 'A1'})-[:IN]->(va),
       (hb:Household {id: 'HB', areaCode: 'B'})-[:IN]->(b),
       (hb2:Household {id: 'HB2', areaCode: 'B'})-[:IN]->(b),
       (p1:Person {id: 'P1', name: '甲', idNumber: '41159919811217114X', phone: '13954094754', householdId: 'HA'})-[:MEMBER_OF]->(ha),
       (p2:Person {id: 'P2', name: '乙', idNumber: '411599196106044145', phone: '13918442154', householdId: 'HB'})-[:MEMBER_OF]->(hb),
       (p3:Person {id: 'P3', name: '丙', idNumber: '411599196106044145', phone: '13918442154', householdId: 'HB2'})-[:MEMBER_OF]->(hb2),
       (p1)-[:CONTACTED {at: datetime('2020-01-20T10:00:00+08:00'), durationMin: 30.0, protected: false}]->(p2),
       (p1)-[:HAS_CASE]->(:Case {personId: 'P1', status: 'confirmed', onsetDate: date('2020-01-21'), confirmedAt: datetime('2020-01-23T10:00:00+08:00')})`

type personResp struct {
	Person *struct {
		ID, Name, IDNumber, Phone string
	}
}

func TestAccessByRole(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, accessFixture, nil)
	epi := &graph.Principal{Subject: "epi", Role: graph.RoleEpidemiologist}
	tracer := &graph.Principal{Subject: "tracer-a", Role: graph.RoleTracer, Areas: []string{"A"}}
	dash := &graph.Principal{Subject: "screen", Role: graph.RoleDashboard}
	q := `query Who($id: ID!) { person(id: $id) { id name idNumber phone } }`

	cases := []struct {
		who      *graph.Principal
		id       string
		outcome  string // full, masked, forbidden
		idNumber string
	}{
		{epi, "P1", "full", "41159919811217114X"},
		{epi, "P3", "full", "411599196106044145"},
		{tracer, "P1", "full", "41159919811217114X"},
		{tracer, "P2", "masked", "411599********4145"},
		{tracer, "P3", "forbidden", ""},
		{dash, "P1", "forbidden", ""},
		{nil, "P1", "forbidden", ""},
	}
	for _, c := range cases {
		role := "anonymous"
		if c.who != nil {
			role = c.who.Role
		}
		t.Run(role+"/"+c.id, func(t *testing.T) {
			resp, err := newClientAs(t, svc, c.who).RawPost(q, client.Var("id", c.id))
			if err != nil {
				t.Fatal(err)
			}
			if c.outcome == "forbidden" {
				if len(resp.Errors) == 0 || !strings.Contains(string(resp.Errors), `"code":"FORBIDDEN"`) {
					t.Fatalf("want FORBIDDEN, got data %s errors %s", resp.Data, resp.Errors)
				}
				data, _ := json.Marshal(resp.Data)
				if strings.Contains(string(data), "4145") || strings.Contains(string(data), "114X") {
					t.Fatalf("forbidden answer leaks an ID number: %s", data)
				}
				return
			}
			if len(resp.Errors) > 0 {
				t.Fatalf("errors: %s", resp.Errors)
			}
			var got personResp
			data, _ := json.Marshal(resp.Data)
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			if got.Person == nil || got.Person.IDNumber != c.idNumber {
				t.Fatalf("person = %+v, want ID number %s", got.Person, c.idNumber)
			}
			if c.outcome == "masked" && got.Person.Phone != "139****2154" {
				t.Fatalf("phone = %q, want masked", got.Person.Phone)
			}
		})
	}

	// Every person-level read of identity left an audit record; the dashboard's and
	// the anonymous refusals did not.
	var log struct {
		AuditLog []struct {
			Actor, Role, Operation string
			PersonIds              []string
		}
	}
	newClient(t, svc).MustPost(`{ auditLog(personId: "P1") { actor role operation personIds } }`, &log)
	actors := map[string]bool{}
	for _, r := range log.AuditLog {
		actors[r.Actor] = true
		if !strings.Contains(r.Operation, "person") {
			t.Errorf("operation %q does not name the field read", r.Operation)
		}
	}
	if !actors["epi"] || !actors["tracer-a"] || actors["screen"] || len(log.AuditLog) != 2 {
		t.Fatalf("audit records for P1: %+v", log.AuditLog)
	}
	// The audit log itself is for epidemiologists only.
	resp, err := newClientAs(t, svc, tracer).RawPost(`{ auditLog { actor } }`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Errors), "FORBIDDEN") {
		t.Fatalf("tracer read the audit log: %s %s", resp.Data, resp.Errors)
	}
}
