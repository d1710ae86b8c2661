package resolvers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// gqlError is one error of a response, with its code and the field it names.
type gqlError struct {
	Message    string
	Extensions struct{ Code, Field string }
}

// mustFail posts q and returns its errors, failing the test when there are none.
func mustFail(t *testing.T, c *client.Client, q string, opts ...client.Option) []gqlError {
	t.Helper()
	resp, err := c.RawPost(q, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var errs []gqlError
	if len(resp.Errors) > 0 {
		if err := json.Unmarshal(resp.Errors, &errs); err != nil {
			t.Fatal(err)
		}
	}
	if len(errs) == 0 {
		t.Fatalf("%s: no error, data %s", q, resp.Data)
	}
	return errs
}

// wantInvalid checks that q fails with INVALID naming field, with reason in the message.
func wantInvalid(t *testing.T, c *client.Client, q, field, reason string, opts ...client.Option) {
	t.Helper()
	errs := mustFail(t, c, q, opts...)
	e := errs[0]
	if e.Extensions.Code != "INVALID" || e.Extensions.Field != field || !strings.Contains(e.Message, reason) {
		t.Fatalf("%s: error %+v, want INVALID naming %s with %q", q, e, field, reason)
	}
}

type page struct {
	Nodes       []struct{ ID string }
	EndCursor   *string
	HasNextPage bool
}

func (p page) ids() string {
	var s []string
	for _, n := range p.Nodes {
		s = append(s, n.ID)
	}
	return strings.Join(s, ",")
}

func TestPeoplePagesWithKeysetCursors(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	c := newClient(t, svc)
	var all []string
	var after *string
	for i := 0; ; i++ {
		var resp struct{ People page }
		c.MustPost(`query($after: String) { people(first: 3, after: $after) { nodes { id } endCursor hasNextPage } }`,
			&resp, client.Var("after", after))
		all = append(all, resp.People.ids())
		if !resp.People.HasNextPage {
			break
		}
		if i > 5 {
			t.Fatal("paging does not end")
		}
		after = resp.People.EndCursor
		if after == nil || strings.Contains(*after, "P0") {
			t.Fatalf("cursor %v is not opaque", after)
		}
	}
	if got := strings.Join(all, "|"); got != "P01,P02,P03|P04,P05,P06|P07" {
		t.Fatalf("pages = %s", got)
	}
	// A keyset cursor, not an offset: a person inserted before the cursor does not
	// shift the next page.
	var p1 struct{ People page }
	c.MustPost(`{ people(first: 2) { nodes { id } endCursor hasNextPage } }`, &p1)
	graphtest.Run(t, svc.DB, `CREATE (:Person {id: 'P00', name: '新'})`, nil)
	var p2 struct{ People page }
	c.MustPost(`query($after: String) { people(first: 2, after: $after) { nodes { id } endCursor hasNextPage } }`, &p2, client.Var("after", p1.People.EndCursor))
	if p2.People.ids() != "P03,P04" {
		t.Fatalf("page after P02 = %s", p2.People.ids())
	}
	// The last page: a full page with nothing after it says so.
	var last struct{ People page }
	c.MustPost(`{ people(first: 8) { nodes { id } endCursor hasNextPage } }`, &last)
	if len(last.People.Nodes) != 8 || last.People.HasNextPage {
		t.Fatalf("first 8 of 8 = %+v", last.People)
	}
	var empty struct{ People page }
	c.MustPost(`query($after: String) { people(first: 8, after: $after) { nodes { id } endCursor hasNextPage } }`, &empty, client.Var("after", last.People.EndCursor))
	if len(empty.People.Nodes) != 0 || empty.People.EndCursor != nil || empty.People.HasNextPage {
		t.Fatalf("page after the last = %+v", empty.People)
	}

	// Page sizes 1 and 500 are fine; 0 and 501 are refused, naming first.
	c.MustPost(`{ a: people(first: 1) { hasNextPage } b: people(first: 500) { hasNextPage } }`, &map[string]any{})
	wantInvalid(t, c, `{ people(first: 0) { hasNextPage } }`, "first", "1–500")
	wantInvalid(t, c, `{ people(first: 501) { hasNextPage } }`, "first", "1–500")
	wantInvalid(t, c, `{ people(after: "nonsense!") { hasNextPage } }`, "after", "cursor")
	// A cursor of another list is refused too.
	var cases struct{ Cases page }
	graphtest.Run(t, svc.DB, `MATCH (p:Person {id: 'P01'}) CREATE (p)-[:HAS_CASE]->(:Case {personId: 'P01', status: 'confirmed'})`, nil)
	c.MustPost(`{ cases(first: 1) { endCursor hasNextPage } }`, &cases)
	wantInvalid(t, c, `query($a: String) { people(after: $a) { hasNextPage } }`, "after", "cursor", client.Var("a", cases.Cases.EndCursor))
}

func TestPeopleFilters(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	db := svc.DB
	ctx := context.Background()
	if err := db.WriteCases(ctx, []graph.Case{{PersonID: "P02", Status: "confirmed"}, {PersonID: "P05", Status: "suspected"}}); err != nil {
		t.Fatal(err)
	}
	graphtest.Run(t, db, `MATCH (p:Person {id: 'P04'})
		CREATE (p)-[:ASSIGNED]->(:Quarantine {id: 'Q1', personId: 'P04', kind: 'home', status: 'active',
			start: $start, end: $end})`, map[string]any{"start": at(t, "2020-01-20T00:00"), "end": at(t, "2020-01-27T00:00")})
	c := newClient(t, svc)
	for _, tc := range []struct{ filter, want string }{
		{`{namePrefix: "张"}`, "P01,P02,P05"},
		{`{namePrefix: "张三"}`, "P01"},
		{`{namePrefix: "三"}`, ""},
		{`{idNumber: "11010519491231002x"}`, "P01"}, // a lower-case x matches
		{`{phone: "13900000004"}`, "P04"},
		{`{areaCode: "T1"}`, "P01,P02,P03,P04"}, // the village's households are under the town
		{`{areaCode: "V1"}`, "P01,P02,P03,P04"},
		{`{areaCode: "T2"}`, "P05,P06"},
		{`{areaCode: "C"}`, "P01,P02,P03,P04,P05,P06"}, // P07 has no household
		{`{caseStatus: CONFIRMED}`, "P02"},
		{`{caseStatus: SUSPECTED}`, "P05"},
		{`{namePrefix: "张", areaCode: "T1"}`, "P01,P02"},
	} {
		var resp struct{ People page }
		c.MustPost(`{ people(filter: `+tc.filter+`) { nodes { id } } }`, &resp)
		if got := resp.People.ids(); got != tc.want {
			t.Errorf("people(filter: %s) = %q, want %q", tc.filter, got, tc.want)
		}
	}
	// In quarantine: start ≤ asOf < end.
	for _, tc := range []struct{ asOf, want string }{
		{"2020-01-19T23:59:59+08:00", ""},
		{"2020-01-20T00:00:00+08:00", "P04"},
		{"2020-01-26T23:59:59+08:00", "P04"},
		{"2020-01-27T00:00:00+08:00", ""},
	} {
		var resp struct{ In, Out page }
		c.MustPost(`query($asOf: DateTime) { in: people(filter: {inQuarantine: true}, asOf: $asOf) { nodes { id } }
			out: people(filter: {inQuarantine: false, areaCode: "V1"}, asOf: $asOf) { nodes { id } } }`, &resp, client.Var("asOf", tc.asOf))
		if got := resp.In.ids(); got != tc.want {
			t.Errorf("in quarantine at %s = %q, want %q", tc.asOf, got, tc.want)
		}
		if strings.Contains(resp.Out.ids(), "P04") == (tc.want == "P04") {
			t.Errorf("not in quarantine at %s = %q", tc.asOf, resp.Out.ids())
		}
	}
}

func TestListsOfATracerAreCutToTheirAreas(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	c := newClientAs(t, svc, &graph.Principal{Subject: "tr", Role: graph.RoleTracer, Areas: []string{"T2"}})
	var resp struct{ People page }
	c.MustPost(`{ people { nodes { id } } }`, &resp)
	if got := resp.People.ids(); got != "P05,P06" {
		t.Fatalf("tracer of T2 sees %q", got)
	}
	if err := svc.DB.WriteCases(context.Background(), []graph.Case{{PersonID: "P01", Status: "confirmed"}, {PersonID: "P06", Status: "confirmed"}}); err != nil {
		t.Fatal(err)
	}
	graphtest.Run(t, svc.DB, `UNWIND ['P02', 'P05'] AS id MATCH (p:Person {id: id})
		CREATE (p)-[:ASSIGNED]->(:Quarantine {id: 'Q' + id, personId: id, kind: 'home', status: 'active', start: $s, end: $e})`,
		map[string]any{"s": at(t, "2020-01-20T00:00"), "e": at(t, "2020-01-27T00:00")})
	var lists struct {
		Cases struct {
			Nodes []struct{ Person struct{ ID string } }
		}
		OverdueHealthReports []struct{ Person struct{ ID string } }
	}
	c.MustPost(`{ cases { nodes { person { id } } } overdueHealthReports(date: "2020-01-21") { person { id } } }`, &lists)
	if len(lists.Cases.Nodes) != 1 || lists.Cases.Nodes[0].Person.ID != "P06" {
		t.Fatalf("tracer of T2, cases = %+v", lists.Cases)
	}
	if len(lists.OverdueHealthReports) != 1 || lists.OverdueHealthReports[0].Person.ID != "P05" {
		t.Fatalf("tracer of T2, overdue = %+v", lists.OverdueHealthReports)
	}
	var hh struct{ Household struct{ Address string } }
	c.MustPost(`{ household(id: "H3") { address } }`, &hh)
	if hh.Household.Address != "二镇 3 号" {
		t.Fatalf("tracer of T2, own household: %+v", hh)
	}
	if errs := mustFail(t, c, `{ household(id: "H1") { address } }`); errs[0].Extensions.Code != "FORBIDDEN" {
		t.Fatalf("tracer of T2, household in T1: %+v", errs)
	}
	dash := newClientAs(t, svc, &graph.Principal{Subject: "d", Role: graph.RoleDashboard})
	if errs := mustFail(t, dash, `{ people { nodes { id } } }`); errs[0].Extensions.Code != "FORBIDDEN" {
		t.Fatalf("dashboard: %+v", errs)
	}
}

func TestHouseholdAndAreaTree(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	c := newClient(t, svc)
	var resp struct {
		Household struct {
			ID, Address string
			Area        struct{ Code, Name string }
			Members     []struct{ ID, Name string }
		}
		None *struct{ ID string }
	}
	c.MustPost(`{ household(id: "H1") { id address area { code name } members { id name } } none: household(id: "nope") { id } }`, &resp)
	h := resp.Household
	if h.Address != "一村 1 号" || h.Area.Code != "V1" || len(h.Members) != 3 || h.Members[0].ID != "P01" || h.Members[2].ID != "P03" {
		t.Fatalf("household = %+v", h)
	}
	if resp.None != nil {
		t.Fatalf("unknown household = %+v", resp.None)
	}
	type level struct {
		Level          string
		DesignatedArea *string
	}
	var tree struct {
		Area struct {
			Code     string
			Parent   *struct{ Code string }
			Children []struct {
				Code     string
				Children []struct{ Code string }
			}
			Designations []struct{ Level, Since string }
		}
		V1Before, V1At, V1Later, V1Low, T2At, TopBefore struct{ EffectiveLevel level }
		Missing                                         *struct{ Code string }
	}
	c.MustPost(`{
		area(code: "T1") { code parent { code } children { code children { code } } designations { level since } }
		v1Before: area(code: "V1") { effectiveLevel(at: "2020-01-19T23:59:59+08:00") { level designatedArea } }
		v1At: area(code: "V1") { effectiveLevel(at: "2020-01-20T00:00:00+08:00") { level designatedArea } }
		v1Later: area(code: "V1") { effectiveLevel(at: "2020-01-25T00:00:00Z") { level designatedArea } }
		v1Low: area(code: "V1") { effectiveLevel(at: "2020-02-02T00:00:00Z") { level designatedArea } }
		t2At: area(code: "T2") { effectiveLevel(at: "2020-01-20T00:00:00+08:00") { level designatedArea } }
		topBefore: area(code: "C") { effectiveLevel(at: "2020-01-09T23:59:59+08:00") { level designatedArea } }
		missing: area(code: "X") { code }
	}`, &tree)
	a := tree.Area
	if a.Code != "T1" || a.Parent == nil || a.Parent.Code != "C" || len(a.Children) != 1 || a.Children[0].Code != "V1" || len(a.Children[0].Children) != 0 {
		t.Fatalf("tree = %+v", a)
	}
	if len(a.Designations) != 0 {
		t.Fatalf("T1 has no designations of its own, got %+v", a.Designations)
	}
	check := func(name string, got level, want, from string) {
		t.Helper()
		d := ""
		if got.DesignatedArea != nil {
			d = *got.DesignatedArea
		}
		if got.Level != want || d != from {
			t.Errorf("%s: effective level = %s from %q, want %s from %q", name, got.Level, d, want, from)
		}
	}
	check("V1 before its own", tree.V1Before.EffectiveLevel, "medium", "C") // inherited from the county
	check("V1 at since", tree.V1At.EffectiveLevel, "high", "V1")            // since ≤ t counts
	check("V1 later", tree.V1Later.EffectiveLevel, "high", "V1")
	check("V1 lowered", tree.V1Low.EffectiveLevel, "low", "V1") // its latest designation, though C is medium
	check("T2", tree.T2At.EffectiveLevel, "medium", "C")
	check("C before any", tree.TopBefore.EffectiveLevel, "low", "")
	if tree.Missing != nil {
		t.Fatalf("unknown area = %+v", tree.Missing)
	}
	var v1 struct {
		Area struct {
			Designations []struct{ Level, Since string }
		}
	}
	c.MustPost(`{ area(code: "V1") { designations { level since } } }`, &v1)
	if d := v1.Area.Designations; len(d) != 2 || d[0].Level != "high" || d[1].Level != "low" {
		t.Fatalf("V1 designations = %+v", d)
	}
}

// A large page of a deep selection costs its page size times the selection and is
// refused by the complexity limit before it runs; a small page of it passes.
func TestPagedListsAreCostedByPageSize(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	c := newClient(t, svc)
	deep := func(n string) string {
		return `{ people(first: ` + n + `) { nodes { id name phone household { id address members { id name phone } }
			trips { id mode departAt } contacts { at other { id name } } tests { id result } } } }`
	}
	c.MustPost(deep("10"), &map[string]any{})
	errs := mustFail(t, c, deep("500"))
	if !strings.Contains(errs[0].Message, "complexity") {
		t.Fatalf("500 deep people: %+v", errs)
	}
}
