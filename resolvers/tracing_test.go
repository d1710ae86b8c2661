package resolvers_test

import (
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// A small county: case C (onset 20 Jan, isolated 23 Jan 17:00) lives with H; C had a
// 30-minute meal with A; A lives with B; G sat 10 rows away from C on a flight.
const tracingFixture = `
CREATE (h1:Household {id: 'H1'}), (h2:Household {id: 'H2'})
CREATE (c:Person {id: 'C', name: '付秀', householdId: 'H1'})-[:MEMBER_OF]->(h1)
CREATE (h:Person {id: 'H', name: '张刚', householdId: 'H1'})-[:MEMBER_OF]->(h1)
CREATE (a:Person {id: 'A', name: '许晓', householdId: 'H2'})-[:MEMBER_OF]->(h2)
CREATE (b:Person {id: 'B', name: '段建', householdId: 'H2'})-[:MEMBER_OF]->(h2)
CREATE (g:Person {id: 'G', name: '吕英'})
CREATE (c)-[:HAS_CASE]->(:Case {personId: 'C', status: 'confirmed', onsetDate: date('2020-01-20'),
  confirmedAt: datetime('2020-01-22T10:00:00+08:00'), isolatedAt: datetime('2020-01-23T17:00:00+08:00')})
CREATE (a)-[:CONTACTED {at: datetime('2020-01-21T12:00:00+08:00'), durationMin: 30.0, setting: 'meal', protected: false}]->(c)
CREATE (c)-[:TOOK]->(:Trip {id: 'T1', personId: 'C', mode: 'flight', number: 'MU1', numberKey: 'MU1', seat: '2A',
  departAt: datetime('2020-01-19T08:00:00+08:00'), arriveAt: datetime('2020-01-19T10:00:00+08:00')})
CREATE (g)-[:TOOK]->(:Trip {id: 'T2', personId: 'G', mode: 'flight', number: 'MU 1', numberKey: 'MU1', seat: '12A',
  departAt: datetime('2020-01-19T08:00:00+08:00'), arriveAt: datetime('2020-01-19T10:00:00+08:00')})
`

func TestContactChainThroughGraphQL(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, tracingFixture, nil)
	c := newClient(t, svc)
	var resp struct {
		ContactChain struct {
			Source      struct{ ID, Name string }
			CaseStatus  string
			Window      struct{ From, To string }
			WindowEmpty bool
			Contacts    []struct {
				Person         struct{ ID string }
				Degree         int
				Class          string
				LastExposureAt string
				Via            []struct{ ID string }
				ContactWindow  *struct{ From, To string }
				Exposures      []struct {
					Kind, Class string
					Source      struct{ ID string }
					From, To    string
					HouseholdID *string
					Setting     *string
					DurationMin *float64
					TripID      *string
					Seat        *string
				}
			}
		}
	}
	c.MustPost(`query($asOf: DateTime) { contactChain(caseId: "C", asOf: $asOf) {
		source { id name } caseStatus window { from to } windowEmpty
		contacts { person { id } degree class lastExposureAt via { id } contactWindow { from to }
		  exposures { kind class source { id } from to householdId setting durationMin tripId seat } } } }`,
		&resp, client.Var("asOf", "2020-01-26T12:00:00+08:00"))
	ch := resp.ContactChain
	if ch.Source.Name != "付秀" || ch.CaseStatus != "CONFIRMED" || ch.WindowEmpty ||
		!strings.HasPrefix(ch.Window.From, "2020-01-18T00:00:00") || !strings.HasPrefix(ch.Window.To, "2020-01-23T17:00:00") {
		t.Fatalf("chain head = %+v", ch)
	}
	var got []string
	for _, x := range ch.Contacts {
		got = append(got, x.Person.ID+":"+x.Class)
	}
	if strings.Join(got, " ") != "A:CLOSE G:GENERAL H:CLOSE B:CLOSE" {
		t.Fatalf("contacts = %v", got)
	}
	a := ch.Contacts[0]
	if len(a.Exposures) != 1 || a.Exposures[0].Kind != "DIRECT_CONTACT" || a.Exposures[0].Source.ID != "C" ||
		a.Exposures[0].Setting == nil || *a.Exposures[0].Setting != "meal" || a.Exposures[0].HouseholdID != nil || a.ContactWindow == nil {
		t.Fatalf("A = %+v", a)
	}
	g := ch.Contacts[1]
	if g.ContactWindow != nil || g.Exposures[0].Kind != "CONVEYANCE" || g.Exposures[0].Seat == nil || *g.Exposures[0].Seat != "12A" {
		t.Fatalf("G = %+v", g)
	}
	b := ch.Contacts[3]
	if b.Degree != 2 || len(b.Via) != 1 || b.Via[0].ID != "A" || b.Exposures[0].HouseholdID == nil {
		t.Fatalf("B = %+v", b)
	}

	// Not a traced case: INVALID, naming the argument.
	var none map[string]any
	err := c.Post(`{ contactChain(caseId: "A", asOf: "2020-01-26T12:00:00+08:00") { contacts { degree } } }`, &none)
	if err == nil || !strings.Contains(err.Error(), "INVALID") || !strings.Contains(err.Error(), "caseId") {
		t.Fatalf("non-case: %v", err)
	}
	err = c.Post(`{ contactChain(caseId: "C", maxDepth: 6) { contacts { degree } } }`, &none)
	if err == nil || !strings.Contains(err.Error(), "maxDepth") {
		t.Fatalf("maxDepth 6: %v", err)
	}
}

func TestRiskAndClusterThroughGraphQL(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, tracingFixture, nil)
	c := newClient(t, svc)
	var resp struct {
		Risk struct {
			Person    struct{ ID string }
			Tier      string
			ExpiresAt *string
			Reasons   []struct {
				Rule, Tier       string
				Since, ExpiresAt *string
				Case             *struct{ ID string }
				Path             []struct{ ID string }
				Via              []struct{ ID string }
			}
		}
		B struct {
			Name string
			Risk struct {
				Tier    string
				Reasons []struct {
					Rule string
					Via  []struct{ Name string }
				}
			}
			Case *struct{ Status string }
		}
		C struct {
			Case *struct {
				Status, OnsetDate string
			}
		}
		Cluster *struct {
			IndexCase         struct{ ID string }
			Size, Generations int
			Active            bool
			FirstOnset        *string
			Cases             []struct {
				Person     struct{ ID string }
				Generation int
			}
		}
	}
	c.MustPost(`query($asOf: DateTime) {
		risk(personId: "A", asOf: $asOf) { person { id } tier expiresAt reasons { rule tier since expiresAt case { id } path { id } via { id } } }
		B: person(id: "B") { name risk(asOf: $asOf) { tier reasons { rule via { name } } } case { status } }
		C: person(id: "C") { case { status onsetDate } }
		cluster(caseId: "C", asOf: $asOf) { indexCase { id } size generations active firstOnset cases { person { id } generation } }
	}`, &resp, client.Var("asOf", "2020-01-26T12:00:00+08:00"))
	r := resp.Risk
	if r.Tier != "RED" || r.ExpiresAt == nil || !strings.HasPrefix(*r.ExpiresAt, "2020-02-04T12:30:00") || len(r.Reasons) != 1 {
		t.Fatalf("risk of A = %+v", r)
	}
	x := r.Reasons[0]
	if x.Rule != "CLOSE_CONTACT" || x.Case == nil || x.Case.ID != "C" || len(x.Path) != 2 || x.Path[1].ID != "A" {
		t.Fatalf("A's reason = %+v", x)
	}
	if resp.B.Risk.Tier != "YELLOW" || len(resp.B.Risk.Reasons) != 1 || resp.B.Risk.Reasons[0].Rule != "SECONDARY_CONTACT" ||
		resp.B.Risk.Reasons[0].Via[0].Name != "许晓" || resp.B.Case != nil {
		t.Fatalf("B = %+v", resp.B)
	}
	if resp.C.Case == nil || resp.C.Case.Status != "CONFIRMED" || resp.C.Case.OnsetDate != "2020-01-20" {
		t.Fatalf("C's case = %+v", resp.C.Case)
	}
	cl := resp.Cluster
	if cl == nil || cl.IndexCase.ID != "C" || cl.Size != 1 || cl.Generations != 1 || cl.Active || cl.FirstOnset == nil || len(cl.Cases) != 1 {
		t.Fatalf("cluster = %+v", cl)
	}
	var none struct{ Cluster *struct{ Size int } }
	c.MustPost(`{ cluster(caseId: "A", asOf: "2020-01-26T12:00:00+08:00") { size } }`, &none)
	if none.Cluster != nil {
		t.Fatalf("cluster of a non-case = %+v, want null", none.Cluster)
	}
}

func TestChainStatisticsThroughGraphQL(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, tracingFixture, nil)
	var resp struct {
		ChainStatistics struct {
			Cases               int
			ContactsPerCaseMean float64
			NewCases            int
			Warnings            []struct{ Kind string }
		}
	}
	newClient(t, svc).MustPost(`{ chainStatistics(asOf: "2020-01-26T12:00:00+08:00") { cases contactsPerCaseMean newCases warnings { kind } } }`, &resp)
	st := resp.ChainStatistics
	if st.Cases != 1 || st.ContactsPerCaseMean != 4 || st.NewCases != 1 || len(st.Warnings) != 0 {
		t.Fatalf("statistics = %+v", st)
	}
	// A dashboard reads the figures, not the warnings (they name people).
	dash := newClientAs(t, svc, &graph.Principal{Subject: "screen", Role: graph.RoleDashboard})
	dash.MustPost(`{ chainStatistics(asOf: "2020-01-26T12:00:00+08:00") { cases } }`, &resp)
	var none map[string]any
	if err := dash.Post(`{ chainStatistics { warnings { case { name } } } }`, &none); err == nil || !strings.Contains(err.Error(), "FORBIDDEN") {
		t.Fatalf("dashboard reading warnings: %v", err)
	}
	if err := dash.Post(`{ contactChain(caseId: "C") { contacts { degree } } }`, &none); err == nil || !strings.Contains(err.Error(), "FORBIDDEN") {
		t.Fatalf("dashboard reading a chain: %v", err)
	}
}

// TestContactChainPages: total counts every contact; contacts(first, after) pages them in
// the chain's order (degree, then person id), after naming the last contact received;
// without arguments all come back (SPEC §7); bad arguments are INVALID naming them.
func TestContactChainPages(t *testing.T) {
	svc := graphtest.MustService(t)
	graphtest.Run(t, svc.DB, tracingFixture, nil)
	c := newClient(t, svc)
	asOf := client.Var("asOf", "2020-01-26T12:00:00+08:00")
	page := func(args string) (int, string) {
		t.Helper()
		var resp struct {
			ContactChain struct {
				Total    int
				Contacts []struct{ Person struct{ ID string } }
			}
		}
		c.MustPost(`query($asOf: DateTime) { contactChain(caseId: "C", asOf: $asOf) { total contacts`+args+` { person { id } } } }`, &resp, asOf)
		var ids []string
		for _, x := range resp.ContactChain.Contacts {
			ids = append(ids, x.Person.ID)
		}
		return resp.ContactChain.Total, strings.Join(ids, " ")
	}
	for _, tc := range []struct{ args, want string }{
		{"", "A G H B"},
		{"(first: 2)", "A G"},
		{`(first: 2, after: "G")`, "H B"},
		{`(after: "H")`, "B"},
		{`(first: 5, after: "B")`, ""},
		{"(first: 0)", ""},
	} {
		total, got := page(tc.args)
		if total != 4 || got != tc.want {
			t.Errorf("contacts%s: total %d, contacts %q; want 4, %q", tc.args, total, got, tc.want)
		}
	}
	q := func(args string) string {
		return `{ contactChain(caseId: "C", asOf: "2020-01-26T12:00:00+08:00") { contacts` + args + ` { degree } } }`
	}
	wantInvalid(t, c, q("(first: -1)"), "first", "at least 0")
	wantInvalid(t, c, q(`(after: "NOBODY")`), "after", "not a contact of this chain")
}
