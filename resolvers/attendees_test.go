package resolvers_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// A market M in town A and a card game G in town B. The tracer serves town A.
// At M: P1 (lives in A) 09:00–10:00, P2 (B) 09:30–11:00, P3 (B) 12:00–13:00.
// At G: P3 and P4 (B) 20:00–22:00. So P2 and P3 are in the tracer's scope as contacts
// (they attended an event with someone of A), P4 is not (met only P3, at G).
const attendeesFixture = `
CREATE (c:Area {code: 'C', name: 'county', level: 'county'}),
       (a:Area {code: 'A', name: 'town A', level: 'town', parentCode: 'C'})-[:PART_OF]->(c),
       (b:Area {code: 'B', name: 'town B', level: 'town', parentCode: 'C'})-[:PART_OF]->(c),
       (ha:Household {id: 'HA', areaCode: 'A'})-[:IN]->(a),
       (hb:Household {id: 'HB', areaCode: 'B'})-[:IN]->(b),
       (p1:Person {id: 'P1', name: '甲', idNumber: '41159919811217114X', phone: '13954094754', householdId: 'HA'})-[:MEMBER_OF]->(ha),
       (p2:Person {id: 'P2', name: '乙', idNumber: '411599196106044145', phone: '13918442154', householdId: 'HB'})-[:MEMBER_OF]->(hb),
       (p3:Person {id: 'P3', name: '丙', idNumber: '411599196106044153', phone: '13918442155', householdId: 'HB'})-[:MEMBER_OF]->(hb),
       (p4:Person {id: 'P4', name: '丁', idNumber: '411599196106044161', phone: '13918442156', householdId: 'HB'})-[:MEMBER_OF]->(hb),
       (m:Event {id: 'M', kind: 'market', place: '集市', areaCode: 'A', indoor: false,
                 start: datetime('2020-01-20T08:00:00+08:00'), end: datetime('2020-01-20T14:00:00+08:00')})-[:AT]->(a),
       (g:Event {id: 'G', kind: 'cards', areaCode: 'B', indoor: true,
                 start: datetime('2020-01-21T20:00:00+08:00'), end: datetime('2020-01-21T22:00:00+08:00')})-[:AT]->(b),
       (p1)-[:ATTENDED {from: datetime('2020-01-20T09:00:00+08:00'), to: datetime('2020-01-20T10:00:00+08:00'), proximity: 'venue'}]->(m),
       (p2)-[:ATTENDED {from: datetime('2020-01-20T09:30:00+08:00'), to: datetime('2020-01-20T11:00:00+08:00'), proximity: 'close'}]->(m),
       (p3)-[:ATTENDED {from: datetime('2020-01-20T12:00:00+08:00'), to: datetime('2020-01-20T13:00:00+08:00'), proximity: 'venue'}]->(m),
       (p3)-[:ATTENDED {from: datetime('2020-01-21T20:00:00+08:00'), to: datetime('2020-01-21T22:00:00+08:00'), proximity: 'close'}]->(g),
       (p4)-[:ATTENDED {from: datetime('2020-01-21T20:00:00+08:00'), to: datetime('2020-01-21T22:00:00+08:00'), proximity: 'close'}]->(g)`

type attendeeNode struct {
	Person    struct{ ID, Name, IDNumber string }
	From, To  string
	Proximity string
}

type attendeePage struct {
	Nodes       []attendeeNode
	EndCursor   *string
	HasNextPage bool
}

func (p attendeePage) ids() string {
	var s []string
	for _, n := range p.Nodes {
		s = append(s, n.Person.ID)
	}
	return strings.Join(s, ",")
}

// eventAttendees reads the attendees of the event P's first attendance is at (events
// are reached through attendances), pageing with first/after.
const eventAttendeesQ = `query Attendees($p: ID!, $first: Int, $after: String) { person(id: $p) { attendances {
	event { id attendees(first: $first, after: $after) { nodes { person { id name idNumber } from to proximity } endCursor hasNextPage } } } } }`

type attendancesResp struct {
	Person struct {
		Attendances []struct {
			Event struct {
				ID        string
				Attendees attendeePage
			}
		}
	}
}

func TestEventAttendeesPagesByArrival(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, attendeesFixture, nil)
	c := newClient(t, svc)
	var first attendancesResp
	c.MustPost(eventAttendeesQ, &first, client.Var("p", "P1"), client.Var("first", 2))
	got := first.Person.Attendances[0].Event.Attendees
	if got.ids() != "P1,P2" || !got.HasNextPage || got.EndCursor == nil {
		t.Fatalf("first page %+v, want P1,P2 and a next page", got)
	}
	if n := got.Nodes[1]; n.From != "2020-01-20T09:30:00+08:00" || n.To != "2020-01-20T11:00:00+08:00" || n.Proximity != "close" || n.Person.Name != "乙" {
		t.Fatalf("P2's attendance %+v", n)
	}
	var second attendancesResp
	c.MustPost(eventAttendeesQ, &second, client.Var("p", "P1"), client.Var("first", 2), client.Var("after", *got.EndCursor))
	if got := second.Person.Attendances[0].Event.Attendees; got.ids() != "P3" || got.HasNextPage {
		t.Fatalf("second page %+v, want P3 and no more", got)
	}
	wantInvalid(t, c, `{ person(id: "P1") { attendances { event { attendees(first: 0) { endCursor } } } } }`, "first", "page size")
	wantInvalid(t, c, `{ person(id: "P1") { attendances { event { attendees(after: "bm90LWEtY3Vyc29y") { endCursor } } } } }`, "after", "cursor")
}

func TestEventAttendeesAndCoAttendeesAreScopedMaskedAndAudited(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, attendeesFixture, nil)
	tracer := &graph.Principal{Subject: "tracer-a", Role: graph.RoleTracer, Areas: []string{"A"}}
	tc := newClientAs(t, svc, tracer)

	// The market seen from P1 (of A): everyone there is in scope; the contacts' ID
	// numbers are masked, P1's is not.
	var m attendancesResp
	tc.MustPost(eventAttendeesQ, &m, client.Var("p", "P1"), client.Var("first", 50))
	page := m.Person.Attendances[0].Event.Attendees
	if page.ids() != "P1,P2,P3" {
		t.Fatalf("tracer's market page %q, want P1,P2,P3", page.ids())
	}
	if page.Nodes[0].Person.IDNumber != "41159919811217114X" || page.Nodes[1].Person.IDNumber != "411599********4145" {
		t.Fatalf("ID numbers %q %q: want P1's whole, P2's masked", page.Nodes[0].Person.IDNumber, page.Nodes[1].Person.IDNumber)
	}
	// The card game seen from P3 (a contact): P4 met no one of A and is left out,
	// without an error naming them.
	var g attendancesResp
	resp, err := tc.RawPost(eventAttendeesQ, client.Var("p", "P3"), client.Var("first", 50))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %s", resp.Errors)
	}
	data, _ := json.Marshal(resp.Data)
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	for _, a := range g.Person.Attendances {
		if a.Event.ID == "G" && a.Event.Attendees.ids() != "P3" {
			t.Fatalf("tracer's card-game page %q, want only P3", a.Event.Attendees.ids())
		}
	}
	if strings.Contains(string(data), "丁") || strings.Contains(string(data), "P4") {
		t.Fatalf("the answer names P4, outside the tracer's scope: %s", data)
	}

	// Co-attendees: P3 was at the game with P4, out of scope, so the tracer sees none.
	var co struct {
		Person struct {
			CoAttendees []struct {
				Person    struct{ ID, Name, IDNumber string }
				Event     struct{ ID string }
				From, To  string
				Proximity string
			}
		}
	}
	tc.MustPost(`query Co($p: ID!) { person(id: $p) { coAttendees { person { id name } event { id } from to proximity } } }`, &co, client.Var("p", "P3"))
	if len(co.Person.CoAttendees) != 0 {
		t.Fatalf("tracer sees P3's co-attendees %+v, want none (P4 is out of scope)", co.Person.CoAttendees)
	}
	// An epidemiologist sees P4 at the game.
	newClient(t, svc).MustPost(`query Co($p: ID!) { person(id: $p) { coAttendees { person { id name } event { id } from to proximity } } }`, &co, client.Var("p", "P3"))
	if len(co.Person.CoAttendees) != 1 || co.Person.CoAttendees[0].Person.ID != "P4" || co.Person.CoAttendees[0].Event.ID != "G" {
		t.Fatalf("epidemiologist's P3 co-attendees %+v, want P4 at G", co.Person.CoAttendees)
	}
	// P1's co-attendees: P2 (overlap 09:30–10:00); not P3, who came after P1 left.
	tc.MustPost(`query Co($p: ID!) { person(id: $p) { coAttendees { person { id name idNumber } event { id } from to proximity } } }`, &co, client.Var("p", "P1"))
	if len(co.Person.CoAttendees) != 1 {
		t.Fatalf("P1's co-attendees %+v, want P2 only", co.Person.CoAttendees)
	}
	if a := co.Person.CoAttendees[0]; a.Person.ID != "P2" || a.Event.ID != "M" || a.From != "2020-01-20T09:30:00+08:00" ||
		a.To != "2020-01-20T10:00:00+08:00" || a.Proximity != "close" || a.Person.IDNumber != "411599********4145" {
		t.Fatalf("P1's co-attendee %+v, want P2 at M 09:30–10:00 close, ID number masked", a)
	}

	// Every name read above left an audit record naming the tracer.
	var log struct {
		AuditLog []struct {
			Actor     string
			PersonIds []string
		}
	}
	for _, id := range []string{"P2", "P3"} {
		newClient(t, svc).MustPost(`query($p: ID!) { auditLog(personId: $p) { actor personIds } }`, &log, client.Var("p", id))
		found := false
		for _, r := range log.AuditLog {
			found = found || r.Actor == "tracer-a"
		}
		if !found {
			t.Fatalf("no audit record of the tracer reading %s: %+v", id, log.AuditLog)
		}
	}
	// Dashboards see no attendees.
	dash := &graph.Principal{Subject: "screen", Role: graph.RoleDashboard}
	resp, err = newClientAs(t, svc, dash).RawPost(eventAttendeesQ, client.Var("p", "P1"), client.Var("first", 5))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Errors), "FORBIDDEN") {
		t.Fatalf("dashboard read attendees: %s %s", resp.Data, resp.Errors)
	}
}
