package resolvers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// The attendees fixture on the API county (api_fixture_test.go): P01 of village V1 is
// a confirmed case (onset 2020-01-20). At the indoor market E1 in V1 on 2020-01-21:
//
//	P01 10:00–11:00 close   the case, in V1
//	P05 10:30–11:30 close   of town T2: a close contact of P01 (30 min indoors), so in
//	                        the chain of a traced case of V1 and visible, masked
//	P07 14:00–14:40 venue   no household; overlaps only P04 (a secondary contact, through
//	                        P02): at depth 3, in no chain
//	P04 14:30–15:30 venue   in V1
//	P02 14:45–15:00 venue   in V1, of P01's household (a close contact)
//
// A tracer of V1 reads it on 2020-01-26 12:00.
func writeAttendees(t *testing.T, svc *graph.Service) {
	t.Helper()
	writeCounty(t, svc)
	ctx := context.Background()
	db := svc.DB
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	onset := graph.Date{Year: 2020, Month: 1, Day: 20}
	must(db.WriteCases(ctx, []graph.Case{{PersonID: "P01", Status: "confirmed", OnsetDate: &onset, ConfirmedAt: atp(t, "2020-01-22T08:00")}}))
	must(db.WriteEvents(ctx, []graph.Event{
		{ID: "E1", Kind: "market", Place: "一村集市", AreaCode: "V1", Start: at(t, "2020-01-21T08:00"), End: at(t, "2020-01-21T18:00"), Indoor: true},
		{ID: "E2", Kind: "dinner", Place: "二镇饭店", AreaCode: "T2", Start: at(t, "2020-01-23T18:00"), End: at(t, "2020-01-23T20:00"), Indoor: true},
	}))
	att := func(p, e, from, to, prox string) graph.Attendance {
		return graph.Attendance{PersonID: p, EventID: e, From: at(t, from), To: at(t, to), Proximity: prox}
	}
	must(db.WriteAttendance(ctx, []graph.Attendance{
		att("P01", "E1", "2020-01-21T10:00", "2020-01-21T11:00", "close"),
		att("P05", "E1", "2020-01-21T10:30", "2020-01-21T11:30", "close"),
		att("P07", "E1", "2020-01-21T14:00", "2020-01-21T14:40", "venue"),
		att("P04", "E1", "2020-01-21T14:30", "2020-01-21T15:30", "venue"),
		att("P02", "E1", "2020-01-21T14:45", "2020-01-21T15:00", "venue"),
		// E2: only P07 from outside and P04 of V1, long after the case's market.
		att("P07", "E2", "2020-01-23T18:00", "2020-01-23T20:00", "close"),
		att("P04", "E2", "2020-01-23T18:30", "2020-01-23T19:00", "close"),
	}))
	fixed := at(t, "2020-01-26T12:00")
	svc.Now = func() time.Time { return fixed }
}

type attendeeRow struct {
	Person struct {
		ID, Name        string
		IDNumber, Phone *string
		BirthDate       *string
	}
	From      string
	Proximity string
}

type attendeesAnswer struct {
	Event *struct {
		Attendees struct {
			Nodes       []attendeeRow
			EndCursor   *string
			HasNextPage bool
		}
	}
}

func attendeeIDs(rows []attendeeRow) string {
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.Person.ID)
	}
	return strings.Join(ids, ",")
}

// SPEC §8 rev 5 on the new paths: a tracer sees, among an event's attendees and a
// person's co-attendees, the people of their areas (unmasked) and the contacts in the
// chain of a traced case of their areas (masked), and no one else: an outside attendee
// in no chain is absent (not a hole, not an error that hides the rest of the page).
func TestTracerSeesOnlyTheAttendeesInTheirScope(t *testing.T) {
	svc := graphtest.MustService(t)
	writeAttendees(t, svc)
	ctx := context.Background()
	tracer := &graph.Principal{Subject: "tracer-v1", Role: graph.RoleTracer, Areas: []string{"V1"}}

	// The fixture's premise, through the service's one scope decision.
	scope, err := svc.PeopleInScope(graph.WithScopeMemo(ctx), tracer.Areas, []string{"P01", "P05", "P07", "P04"})
	if err != nil {
		t.Fatal(err)
	}
	if scope["P01"] != graph.InArea || scope["P05"] != graph.ContactOf || scope["P07"] != graph.OutOfScope || scope["P04"] != graph.InArea {
		t.Fatalf("fixture: scope = %v; want P01, P04 in area, P05 a chain contact, P07 out", scope)
	}

	q := `{ event(id: "E1") { attendees(first: 10) { nodes { person { id name idNumber phone birthDate } from proximity } endCursor hasNextPage } } }`
	// An epidemiologist sees everyone.
	var epi attendeesAnswer
	newClient(t, svc).MustPost(q, &epi)
	if got := attendeeIDs(epi.Event.Attendees.Nodes); got != "P01,P05,P07,P04,P02" {
		t.Fatalf("epidemiologist's attendees = %s", got)
	}

	c := newClientAs(t, svc, tracer)
	resp, err := c.RawPost(q)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Errors) > 0 && string(resp.Errors) != "null" {
		t.Fatalf("tracer's attendees: errors %s", resp.Errors)
	}
	var got attendeesAnswer
	b, _ := json.Marshal(resp.Data)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Event == nil {
		t.Fatalf("tracer's attendees: no event: %s", b)
	}
	if ids := attendeeIDs(got.Event.Attendees.Nodes); ids != "P01,P05,P04,P02" {
		t.Fatalf("tracer's attendees = %s, want P01,P05,P04,P02 (P07 is outside V1 and in no chain)", ids)
	}
	if strings.Contains(string(b), "孙九") {
		t.Fatalf("the tracer read P07's name: %s", b)
	}
	for _, r := range got.Event.Attendees.Nodes {
		switch r.Person.ID {
		case "P01":
			if r.Person.IDNumber == nil || *r.Person.IDNumber != "11010519491231002X" || r.Person.Phone == nil || *r.Person.Phone != "13900000001" {
				t.Errorf("P01 lives in V1: want ID number and phone whole, got %+v", r.Person)
			}
		case "P04":
			if r.Person.Phone == nil || *r.Person.Phone != "13900000004" {
				t.Errorf("P04 lives in V1: want the phone whole, got %+v", r.Person)
			}
		}
	}

	// Pages of one: the cursor steps over P07 without showing it.
	var seen []string
	after := ""
	for range 10 {
		pq := `{ event(id: "E1") { attendees(first: 1` + after + `) { nodes { person { id } from proximity } endCursor hasNextPage } } }`
		var page attendeesAnswer
		c.MustPost(pq, &page)
		seen = append(seen, attendeeIDs(page.Event.Attendees.Nodes))
		if !page.Event.Attendees.HasNextPage {
			break
		}
		after = `, after: "` + *page.Event.Attendees.EndCursor + `"`
	}
	if s := strings.Join(seen, ","); s != "P01,P05,P04,P02" {
		t.Fatalf("tracer's pages of one = %s", s)
	}

	// E2: P07 and P04 only; the tracer sees P04 and nothing says P07 was there.
	var e2 attendeesAnswer
	c.MustPost(`{ event(id: "E2") { attendees { nodes { person { id name } from proximity } endCursor hasNextPage } } }`, &e2)
	if ids := attendeeIDs(e2.Event.Attendees.Nodes); ids != "P04" || e2.Event.Attendees.HasNextPage {
		t.Fatalf("tracer's E2 attendees = %s (hasNext %v), want P04", ids, e2.Event.Attendees.HasNextPage)
	}

	// Co-attendees: P04 overlapped P07 and P02 at E1 and P07 at E2; the tracer sees P02.
	var co struct {
		Person struct {
			CoAttendees struct {
				Nodes []struct {
					Person      struct{ ID, Name string }
					Event       struct{ ID string }
					OverlapFrom string
					OverlapTo   string
				}
				HasNextPage bool
			}
		}
	}
	coq := `{ person(id: "P04") { coAttendees { nodes { person { id name } event { id } overlapFrom overlapTo } hasNextPage } } }`
	newClient(t, svc).MustPost(coq, &co)
	var coIDs []string
	for _, n := range co.Person.CoAttendees.Nodes {
		coIDs = append(coIDs, n.Person.ID+"@"+n.Event.ID)
	}
	if s := strings.Join(coIDs, ","); s != "P07@E1,P02@E1,P07@E2" {
		t.Fatalf("epidemiologist's co-attendees of P04 = %s", s)
	}
	if n := co.Person.CoAttendees.Nodes[1]; n.OverlapFrom != "2020-01-21T14:45:00+08:00" || n.OverlapTo != "2020-01-21T15:00:00+08:00" {
		t.Fatalf("P02's overlap with P04 = %s–%s", n.OverlapFrom, n.OverlapTo)
	}
	c.MustPost(coq, &co)
	coIDs = nil
	for _, n := range co.Person.CoAttendees.Nodes {
		coIDs = append(coIDs, n.Person.ID+"@"+n.Event.ID)
	}
	if s := strings.Join(coIDs, ","); s != "P02@E1" || co.Person.CoAttendees.HasNextPage {
		t.Fatalf("tracer's co-attendees of P04 = %s, want P02@E1 only", s)
	}
	// The case's co-attendee P05 is a chain contact: listed, masked.
	var caseCo struct {
		Person struct {
			CoAttendees struct {
				Nodes []struct {
					Person struct {
						ID       string
						Phone    *string
						IDNumber *string
					}
				}
			}
		}
	}
	c.MustPost(`{ person(id: "P01") { coAttendees { nodes { person { id phone idNumber } } } } }`, &caseCo)
	if n := caseCo.Person.CoAttendees.Nodes; len(n) != 1 || n[0].Person.ID != "P05" {
		t.Fatalf("tracer's co-attendees of P01 = %+v, want P05", n)
	}
	// P07 itself is refused, naming no one.
	errs := mustFail(t, c, `{ person(id: "P07") { coAttendees { nodes { person { id } } } } }`)
	if !strings.Contains(string(mustJSON(errs)), "FORBIDDEN") || strings.Contains(string(mustJSON(errs)), "孙九") {
		t.Fatalf("tracer asking for P07's co-attendees: %+v", errs)
	}

	// The reads are audited: the tracer read P05's and P02's identities.
	time.Sleep(10 * time.Millisecond)
	var log struct {
		AuditLog []struct {
			Operation string
			PersonIds []string
		}
	}
	newClient(t, svc).MustPost(`{ auditLog(actor: "tracer-v1") { operation personIds } }`, &log)
	audited := map[string]bool{}
	for _, r := range log.AuditLog {
		for _, id := range r.PersonIds {
			audited[id] = true
		}
	}
	if !audited["P05"] || !audited["P02"] || audited["P07"] {
		t.Fatalf("audit of the tracer's reads: %+v", log.AuditLog)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
