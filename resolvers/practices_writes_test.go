package resolvers_test

import (
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// recordVisit, upsertEmployer and recordEmployment: the loader's row rules, the
// membership rule, the tracer's area check, and what a visit changes downstream (a
// fever read at the door, the sweep, a no_answer followed by a visit).
func TestPracticeWrites(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, accessFixture, nil)
	epi := newClient(t, svc)
	tracer := newClientAs(t, svc, &graph.Principal{Subject: "tracer-a", Role: graph.RoleTracer, Areas: []string{"A"}})
	const visit = `mutation($in: VisitInput!) { recordVisit(input: $in) { householdId status person { id } temperature } }`
	in := func(kv ...any) client.Option {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return client.Var("in", m)
	}

	// Row rules and membership, named by argument.
	wantInvalid(t, epi, visit, "personId", "not a member of the household", in("householdId", "HA", "at", "2020-01-21 09:00", "personId", "P2"))
	wantInvalid(t, epi, visit, "status", "household", in("householdId", "HA", "at", "2020-01-21 09:00", "personId", "P1", "status", "no_answer"))
	wantInvalid(t, epi, visit, "status", "person_id", in("householdId", "HA", "at", "2020-01-21 09:00", "status", "present"))
	wantInvalid(t, epi, visit, "at", "bare date", in("householdId", "HA", "at", "2020-01-21"))
	wantInvalid(t, epi, visit, "householdId", "unknown reference", in("householdId", "H9", "at", "2020-01-21 09:00"))
	wantInvalid(t, epi, visit, "temperature", "out of range", in("householdId", "HA", "at", "2020-01-21 09:00", "personId", "P1", "temperature", 46.0))

	// A tracer of town A may not visit a household of town B.
	errs := mustFail(t, tracer, visit, in("householdId", "HB", "at", "2020-01-21 09:00"))
	if errs[0].Extensions.Code != "FORBIDDEN" || strings.Contains(errs[0].Message, "乙") {
		t.Fatalf("tracer visiting outside their areas: %+v", errs[0])
	}

	// A no_answer, then a visit that sees P1 with a fever.
	var r map[string]map[string]any
	tracer.MustPost(visit, &r, in("householdId", "HA", "at", "2020-01-21 09:00", "status", "no_answer"))
	if r["recordVisit"]["status"] != "no_answer" {
		t.Fatalf("status %v", r["recordVisit"]["status"])
	}
	const sweep = `query { sweepCoverage(areaCode: "C", from: "2020-01-21T00:00:00+08:00", to: "2020-01-21T23:59:00+08:00") {
		households visited people accountedFor notVisited { nodes { householdId lastNoAnswer } } } }`
	var sw struct {
		SweepCoverage struct {
			Households, Visited, People, AccountedFor int
			NotVisited                                struct {
				Nodes []struct {
					HouseholdID  string
					LastNoAnswer *string
				}
			}
		}
	}
	epi.MustPost(sweep, &sw)
	// accessFixture's county C holds three households: HA in A, HB and HB2 in B.
	if sw.SweepCoverage.Visited != 0 || len(sw.SweepCoverage.NotVisited.Nodes) != 3 {
		t.Fatalf("after a no_answer: %+v", sw.SweepCoverage)
	}
	tracer.MustPost(visit, &r, in("householdId", "HA", "at", "2020-01-21 15:00"))
	tracer.MustPost(visit, &r, in("householdId", "HA", "at", "2020-01-21 15:00", "personId", "P1", "temperature", 37.6))
	epi.MustPost(sweep, &sw)
	if got := sw.SweepCoverage; got.Households != 3 || got.Visited != 1 || got.People != 1 || got.AccountedFor != 1 ||
		len(got.NotVisited.Nodes) != 2 || got.NotVisited.Nodes[0].HouseholdID != "HB" || got.NotVisited.Nodes[1].HouseholdID != "HB2" {
		t.Fatalf("after the visit: %+v", got)
	}
	var risk struct {
		Risk struct {
			Tier    string
			Reasons []struct {
				Rule             string
				VisitHouseholdID *string
			}
		}
	}
	epi.MustPost(`{ risk(personId: "P1", asOf: "2020-01-22T12:00:00+08:00") { tier reasons { rule visitHouseholdId } } }`, &risk)
	if risk.Risk.Tier != "YELLOW" || len(risk.Risk.Reasons) != 1 || risk.Risk.Reasons[0].Rule != "FEVER" || risk.Risk.Reasons[0].VisitHouseholdID == nil {
		t.Fatalf("risk after a fever at the door: %+v", risk.Risk)
	}
	// The dashboard reads the counts but not the households.
	dash := newClientAs(t, svc, &graph.Principal{Subject: "screen", Role: graph.RoleDashboard})
	var counts map[string]any
	dash.MustPost(`query { sweepCoverage(areaCode: "C", from: "2020-01-21T00:00:00+08:00", to: "2020-01-21T23:59:00+08:00") { households visited } }`, &counts)
	if errs := mustFail(t, dash, sweep); errs[0].Extensions.Code != "FORBIDDEN" {
		t.Fatalf("dashboard reading missed households: %+v", errs[0])
	}

	// Employers and employment.
	const employer = `mutation($id: ID!, $area: ID!) { upsertEmployer(input: {id: $id, name: "服装厂", areaCode: $area}) { id areaCode } }`
	if errs := mustFail(t, tracer, employer, client.Var("id", "EB"), client.Var("area", "B")); errs[0].Extensions.Code != "FORBIDDEN" {
		t.Fatalf("tracer creating an employer outside their areas: %+v", errs[0])
	}
	var e map[string]any
	tracer.MustPost(employer, &e, client.Var("id", "EA"), client.Var("area", "A"))
	epi.MustPost(employer, &e, client.Var("id", "EB"), client.Var("area", "B"))
	const job = `mutation($p: ID!, $e: ID!, $since: String) { recordEmployment(input: {personId: $p, employerId: $e, since: $since}) { employerId since person { id } } }`
	var j map[string]map[string]any
	tracer.MustPost(job, &j, client.Var("p", "P1"), client.Var("e", "EA"), client.Var("since", "2019-06-01"))
	if j["recordEmployment"]["since"] != "2019-06-01" {
		t.Fatalf("employment: %+v", j["recordEmployment"])
	}
	if errs := mustFail(t, tracer, job, client.Var("p", "P1"), client.Var("e", "EB"), client.Var("since", nil)); errs[0].Extensions.Code != "FORBIDDEN" {
		t.Fatalf("tracer tying someone to an employer outside their areas: %+v", errs[0])
	}
	wantInvalid(t, epi, job, "since", "bad date", client.Var("p", "P1"), client.Var("e", "EA"), client.Var("since", "2019-06"))
	wantInvalid(t, epi, job, "employerId", "unknown reference", client.Var("p", "P1"), client.Var("e", "E9"), client.Var("since", nil))
}
