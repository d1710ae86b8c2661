package resolvers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

// quarantineFixture stores three assignments as the engine writes them: Q0001 placed
// at F1 (P1, village V1), Q0002 at home with its 1+1 pair (P2, V2), Q0003 waiting
// (P3, V1), and Q0001's history.
func quarantineFixture(t *testing.T) *graph.Service {
	svc := graphtest.MustService(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2020, 1, 26, 12, 0, 0, 0, sh)
	graphtest.Run(t, svc.DB, `
		CREATE (t:Area {code: 'T1', name: 'town', level: 'town'})
		CREATE (v1:Area {code: 'V1', name: 'v1', level: 'village', parentCode: 'T1'})-[:PART_OF]->(t)
		CREATE (v2:Area {code: 'V2', name: 'v2', level: 'village', parentCode: 'T1'})-[:PART_OF]->(t)
		CREATE (h1:Household {id: 'H1', areaCode: 'V1'})-[:IN]->(v1)
		CREATE (h2:Household {id: 'H2', areaCode: 'V2'})-[:IN]->(v2)
		CREATE (f:Facility {id: 'F1', name: 'hotel', areaCode: 'V1', capacity: 2})-[:IN]->(v1)
		CREATE (oc:Officer {id: 'OC', name: 'cadre', role: 'cadre', areaCode: 'T1'})-[:SERVES]->(t)
		CREATE (om:Officer {id: 'OM', name: 'medic', role: 'medical', areaCode: 'V2'})-[:SERVES]->(v2)
		CREATE (p1:Person {id: 'P1', name: 'one', householdId: 'H1'})-[:MEMBER_OF]->(h1)
		CREATE (p2:Person {id: 'P2', name: 'two', householdId: 'H2'})-[:MEMBER_OF]->(h2)
		CREATE (p3:Person {id: 'P3', name: 'three', householdId: 'H1'})-[:MEMBER_OF]->(h1)
		CREATE (p1)-[:ASSIGNED]->(q1:Quarantine {id: 'Q0001', seq: 1, personId: 'P1', kind: 'centralized', status: 'active',
			start: $at, end: $end, placedAt: $at, facilityId: 'F1', reason: 'close contact of C1'})-[:AT]->(f)
		CREATE (p2)-[:ASSIGNED]->(q2:Quarantine {id: 'Q0002', seq: 2, personId: 'P2', kind: 'home', status: 'active',
			start: $at, end: $end, reason: 'secondary contact of C1'})
		CREATE (q2)-[:STAFFED_BY]->(oc) CREATE (q2)-[:STAFFED_BY]->(om)
		CREATE (oc)-[:RESPONSIBLE_FOR]->(p2) CREATE (om)-[:RESPONSIBLE_FOR]->(p2)
		CREATE (p3)-[:ASSIGNED]->(:Quarantine {id: 'Q0003', seq: 3, personId: 'P3', kind: 'centralized', status: 'pending',
			start: $at, end: $end, reason: 'close contact of C1; arrival from high-risk area 420900 (TR1)'})
		CREATE (q1)-[:CHANGED]->(:QuarantineChange {quarantineId: 'Q0001', runId: 'QR0001', runNo: 1, seq: 1, change: 'created', at: $at, reason: 'close contact of C1'})
		CREATE (q1)-[:CHANGED]->(:QuarantineChange {quarantineId: 'Q0001', runId: 'QR0001', runNo: 1, seq: 2, change: 'placed', at: $at, facilityId: 'F1'})
		CREATE (q1)-[:CHANGED]->(:QuarantineChange {quarantineId: 'Q0001', runId: 'QR0002', runNo: 2, seq: 1, change: 'extended', at: $later, from: $at, to: $end})`,
		map[string]any{"at": at, "later": at.Add(6 * time.Hour), "end": at.Add(14 * 24 * time.Hour)})
	return svc
}

type qNode struct {
	ID, Kind, Status string
	PlacedAt         *string
	Facility         *struct{ ID string }
	Officers         []struct{ ID string }
	Reasons          []string
	Person           struct{ ID string }
}

func TestQuarantinesPaginateAndFilter(t *testing.T) {
	c := newClient(t, quarantineFixture(t))
	var page struct {
		Quarantines struct {
			Nodes       []qNode
			EndCursor   *string
			HasNextPage bool
			TotalCount  int
		}
	}
	q := `query($f: QuarantineFilter, $after: String) { quarantines(filter: $f, first: 2, after: $after) {
		nodes { id kind status placedAt facility { id } officers { id } reasons person { id } }
		endCursor hasNextPage totalCount } }`
	c.MustPost(q, &page)
	p := page.Quarantines
	if len(p.Nodes) != 2 || !p.HasNextPage || p.TotalCount != 3 || p.EndCursor == nil || p.Nodes[0].ID != "Q0001" {
		t.Fatalf("first page = %+v", p)
	}
	if n := p.Nodes[0]; n.Kind != "CENTRALIZED" || n.Status != "ACTIVE" || n.Facility == nil || n.Facility.ID != "F1" || n.PlacedAt == nil {
		t.Fatalf("Q0001 = %+v", n)
	}
	if n := p.Nodes[1]; len(n.Officers) != 2 || n.Officers[0].ID != "OC" || n.Officers[1].ID != "OM" || n.Person.ID != "P2" {
		t.Fatalf("Q0002 officers = %+v", n)
	}
	c.MustPost(q, &page, client.Var("after", *p.EndCursor))
	if p := page.Quarantines; len(p.Nodes) != 1 || p.HasNextPage || p.Nodes[0].ID != "Q0003" ||
		strings.Join(p.Nodes[0].Reasons, "|") != "close contact of C1|arrival from high-risk area 420900 (TR1)" {
		t.Fatalf("second page = %+v", p)
	}
	for _, tc := range []struct {
		filter map[string]any
		want   string
	}{
		{map[string]any{"kind": "CENTRALIZED"}, "Q0001 Q0003"},
		{map[string]any{"status": "PENDING"}, "Q0003"},
		{map[string]any{"areaCode": "V1"}, "Q0001 Q0003"},
		{map[string]any{"areaCode": "T1"}, "Q0001 Q0002"}, // first: 2 of 3
		{map[string]any{"facilityId": "F1"}, "Q0001"},
	} {
		c.MustPost(q, &page, client.Var("f", tc.filter))
		var got []string
		for _, n := range page.Quarantines.Nodes {
			got = append(got, n.ID)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("filter %v = %v, want %s", tc.filter, got, tc.want)
		}
	}
	var resp map[string]any
	err := c.Post(`{ quarantines(first: 0) { totalCount } }`, &resp)
	if err == nil || !strings.Contains(err.Error(), "first") {
		t.Fatalf("first: 0 must be refused naming the argument, got %v", err)
	}
}

func TestFacilitiesPendingHistoryAndPersonFields(t *testing.T) {
	c := newClient(t, quarantineFixture(t))
	var resp struct {
		Facilities []struct {
			ID                       string
			Capacity, Occupied, Free int
		}
		PendingPlacements []struct{ ID string }
		Quarantine        struct {
			History []struct {
				Change   string
				RunID    *string
				From, To *string
				Facility *struct{ ID string }
			}
		}
		Person struct {
			Quarantines []struct{ ID string }
			Officers    []struct{ ID, Role string }
		}
		Officers []struct {
			ID              string
			OpenAssignments []struct{ ID string }
		}
	}
	c.MustPost(`{ facilities { id capacity occupied free } pendingPlacements { id }
		quarantine(id: "Q0001") { history { change runId from to facility { id } } }
		person(id: "P2") { quarantines { id } officers { id role } }
		officers { id openAssignments { id } } }`, &resp)
	if f := resp.Facilities; len(f) != 1 || f[0].Capacity != 2 || f[0].Occupied != 1 || f[0].Free != 1 {
		t.Fatalf("facilities = %+v", f)
	}
	if p := resp.PendingPlacements; len(p) != 1 || p[0].ID != "Q0003" {
		t.Fatalf("pending = %+v", p)
	}
	h := resp.Quarantine.History
	if len(h) != 3 || h[0].Change != "created" || h[1].Change != "placed" || h[1].Facility == nil || h[2].Change != "extended" ||
		h[2].From == nil || h[2].To == nil || *h[2].RunID != "QR0002" {
		t.Fatalf("history = %+v", h)
	}
	if p := resp.Person; len(p.Quarantines) != 1 || p.Quarantines[0].ID != "Q0002" || len(p.Officers) != 2 {
		t.Fatalf("person = %+v", p)
	}
	open := map[string]int{}
	for _, o := range resp.Officers {
		open[o.ID] = len(o.OpenAssignments)
	}
	if open["OC"] != 1 || open["OM"] != 1 {
		t.Fatalf("officers' open assignments = %v", open)
	}
}

func TestTestsDueThroughGraphQL(t *testing.T) {
	c := newClient(t, quarantineFixture(t))
	var resp struct {
		TestsDue []struct {
			Day      int
			Date     string
			Person   struct{ ID string }
			Facility *struct{ ID string }
		}
	}
	c.MustPost(`{ testsDue(date: "2020-01-26") { day date person { id } facility { id } } }`, &resp)
	if d := resp.TestsDue; len(d) != 1 || d[0].Day != 1 || d[0].Person.ID != "P1" || d[0].Facility.ID != "F1" || d[0].Date != "2020-01-26" {
		t.Fatalf("testsDue = %+v", d)
	}
	var bad map[string]any
	if err := c.Post(`{ testsDue(date: "26/01/2020") { day } }`, &bad); err == nil || !strings.Contains(err.Error(), "date") {
		t.Fatalf("a bad date must be refused naming the argument: %v", err)
	}
}

func TestDashboardSeesOccupancyButNoAssignments(t *testing.T) {
	svc := quarantineFixture(t)
	c := newClientAs(t, svc, &graph.Principal{Subject: "screen", Role: graph.RoleDashboard})
	var resp struct {
		Facilities []struct {
			ID       string
			Occupied int
		}
	}
	c.MustPost(`{ facilities { id occupied } }`, &resp)
	if len(resp.Facilities) != 1 || resp.Facilities[0].Occupied != 1 {
		t.Fatalf("facilities = %+v", resp.Facilities)
	}
	var any map[string]any
	if err := c.Post(`{ quarantines { totalCount } }`, &any); err == nil || !strings.Contains(err.Error(), "not available") {
		t.Fatalf("dashboard read assignments: %v", err)
	}
	if err := c.Post(`mutation { assignQuarantines { runId } }`, &any); err == nil {
		t.Fatal("dashboard ran the engine")
	}
}

func TestQuarantineExportRows(t *testing.T) {
	svc := quarantineFixture(t)
	graphtest.Run(t, svc.DB, `MATCH (p:Person {id: 'P1'}) SET p.idNumber = '411599196106044145', p.phone = '13918442154'
		WITH p MATCH (h:Household {id: 'H1'}) SET h.address = '1 Well Lane'`, nil)
	var resp struct {
		QuarantineExport []struct {
			Assignment, PersonID, Kind string
			IDNumber, Phone, Address   *string
			FacilityName               *string
			Officers                   []struct{ ID string }
			TestsDue                   []string
		}
	}
	c := newClient(t, svc)
	c.MustPost(`{ quarantineExport(asOf: "2020-01-27T09:00:00+08:00", areaCode: "V1") {
		assignment personId kind idNumber phone address facilityName officers { id } testsDue } }`, &resp)
	rows := resp.QuarantineExport
	if len(rows) != 2 || rows[0].Assignment != "Q0001" || rows[0].Kind != "CENTRALIZED" || *rows[0].IDNumber != "411599196106044145" ||
		*rows[0].Address != "1 Well Lane" || *rows[0].FacilityName != "hotel" || strings.Join(rows[0].TestsDue, " ") != "2020-02-01 2020-02-08" {
		t.Fatalf("export = %+v", rows)
	}
	if rows[1].PersonID != "P3" {
		t.Fatalf("second row = %+v", rows[1])
	}
	dash := newClientAs(t, svc, &graph.Principal{Subject: "screen", Role: graph.RoleDashboard})
	var any map[string]any
	if err := dash.Post(`{ quarantineExport { name } }`, &any); err == nil {
		t.Fatal("a dashboard read the export")
	}
}

func TestAssignQuarantinesMutation(t *testing.T) {
	svc := graphtest.MustService(t)
	if _, err := loader.Load(context.Background(), svc.DB, "../testdata/conformance/case01/bundle", loader.Options{Loc: svc.Loc}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, svc)
	type run struct {
		AssignQuarantines struct {
			RunID           *string
			DryRun          bool
			Created         []struct{ ID, Status string }
			Extended        []struct{ ID string }
			Pending         []struct{ ID string }
			Referrals       []struct{ ID string }
			MissingOfficers []struct{ Role string }
		}
	}
	q := `mutation($dry: Boolean) { assignQuarantines(asOf: "2020-01-26T12:00:00+08:00", dryRun: $dry) {
		runId dryRun created { id status } extended { id } pending { id } referrals { id } missingOfficers { role } } }`
	var dry run
	c.MustPost(q, &dry, client.Var("dry", true))
	if !dry.AssignQuarantines.DryRun || len(dry.AssignQuarantines.Created) != 29 || dry.AssignQuarantines.RunID != nil {
		t.Fatalf("dry run = %+v", dry.AssignQuarantines)
	}
	var first, second run
	c.MustPost(q, &first)
	r := first.AssignQuarantines
	// SPEC §6 on the first conformance vector: 29 created, 17 waiting, 6 referrals
	if r.RunID == nil || len(r.Created) != 29 || len(r.Pending) != 17 || len(r.Referrals) != 6 || r.DryRun {
		t.Fatalf("first run = %+v", r)
	}
	c.MustPost(q, &second)
	if r := second.AssignQuarantines; r.RunID != nil || len(r.Created)+len(r.Extended) != 0 || len(r.Pending) != 17 {
		t.Fatalf("second run at the same asOf = %+v", r)
	}
	tracer := newClientAs(t, svc, &graph.Principal{Subject: "t", Role: graph.RoleTracer, Areas: []string{"411599"}})
	var resp map[string]any
	if err := tracer.Post(q, &resp); err == nil {
		t.Fatal("a tracer ran the engine")
	}
}
