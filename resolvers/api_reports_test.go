package resolvers_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/resolvers"
)

func TestCasesSortPageAndAsOf(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	d := func(s string) *graph.Date { x, _ := graph.ParseDateValue(s); return &x }
	if err := svc.DB.WriteCases(context.Background(), []graph.Case{
		{PersonID: "P01", Status: "confirmed", OnsetDate: d("2020-01-15"), ConfirmedAt: atp(t, "2020-01-20T10:00")},
		{PersonID: "P02", Status: "asymptomatic", ConfirmedAt: atp(t, "2020-01-18T10:00")},
		{PersonID: "P03", Status: "confirmed", OnsetDate: d("2020-01-12"), ConfirmedAt: atp(t, "2020-01-22T10:00")},
		{PersonID: "P05", Status: "suspected", OnsetDate: d("2020-01-15")},
		{PersonID: "P06", Status: "recovered", OnsetDate: d("2020-01-10"), ConfirmedAt: atp(t, "2020-01-25T10:00")},
	}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, svc)
	list := func(sort, filter, asOf string, first int) []string {
		var pages []string
		var after *string
		for i := 0; i < 10; i++ {
			var resp struct {
				Cases struct {
					Nodes []struct {
						Person struct{ ID string }
						Status string
					}
					EndCursor   *string
					HasNextPage bool
				}
			}
			c.MustPost(`query($after: String, $first: Int, $asOf: DateTime) { cases(sort: `+sort+`, filter: `+filter+`, first: $first, after: $after, asOf: $asOf) {
				nodes { person { id } status } endCursor hasNextPage } }`, &resp,
				client.Var("after", after), client.Var("first", first), client.Var("asOf", asOf))
			var ids []string
			for _, n := range resp.Cases.Nodes {
				ids = append(ids, n.Person.ID)
			}
			pages = append(pages, strings.Join(ids, ","))
			if !resp.Cases.HasNextPage {
				return pages
			}
			after = resp.Cases.EndCursor
		}
		t.Fatal("paging does not end")
		return nil
	}
	now := "2020-02-01T00:00:00+08:00"
	// By onset: dated ones first (P02 has none: last); ties by person id.
	if got := strings.Join(list("ONSET", "{}", now, 2), "|"); got != "P06,P03|P01,P05|P02" {
		t.Errorf("by onset = %s", got)
	}
	if got := strings.Join(list("CONFIRMATION", "{}", now, 2), "|"); got != "P02,P01|P03,P06|P05" {
		t.Errorf("by confirmation = %s", got)
	}
	// As of 2020-01-22 10:00 exactly, P03's case counts, P06's does not yet.
	if got := strings.Join(list("CONFIRMATION", "{}", "2020-01-22T10:00:00+08:00", 10), "|"); got != "P02,P01,P03,P05" {
		t.Errorf("as of P03's confirmation = %s", got)
	}
	if got := strings.Join(list("ONSET", "{status: CONFIRMED, areaCode: \"T1\"}", now, 10), "|"); got != "P03,P01" {
		t.Errorf("confirmed in T1 = %s", got)
	}
	wantInvalid(t, c, `{ cases(first: 501) { hasNextPage } }`, "first", "1–500")
	// A cursor of one order is not one of the other.
	var p struct{ Cases struct{ EndCursor string } }
	c.MustPost(`{ cases(sort: ONSET, first: 1) { endCursor } }`, &p)
	wantInvalid(t, c, `query($a: String) { cases(sort: CONFIRMATION, after: $a) { hasNextPage } }`, "after", "cursor", client.Var("a", p.Cases.EndCursor))
}

func TestPersonRecords(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	db, ctx := svc.DB, context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.WriteTrips(ctx, []graph.Trip{
		{ID: "TR2", PersonID: "P01", Mode: "train", Number: "G 1", FromArea: "T2", DepartAt: at(t, "2020-01-19T08:00"), ArriveAt: at(t, "2020-01-19T10:00")},
		{ID: "TR1", PersonID: "P01", Mode: "flight", Number: "CA1", Seat: "12C", DepartAt: at(t, "2020-01-18T08:00"), ArriveAt: at(t, "2020-01-18T10:00")},
	}))
	must(db.WriteEvents(ctx, []graph.Event{{ID: "E1", Kind: "banquet", Place: "酒楼", AreaCode: "T1", Start: at(t, "2020-01-19T18:00"), End: at(t, "2020-01-19T21:00"), Indoor: true}}))
	must(db.WriteAttendance(ctx, []graph.Attendance{{PersonID: "P01", EventID: "E1", From: at(t, "2020-01-19T18:00"), To: at(t, "2020-01-19T20:00"), Proximity: "close"}}))
	must(db.WriteContacts(ctx, []graph.Contact{
		{PersonA: "P04", PersonB: "P01", At: at(t, "2020-01-17T12:00"), DurationMin: fptr(30), Setting: "meal"},
		{PersonA: "P01", PersonB: "P05", At: at(t, "2020-01-16T12:00"), Protected: true},
	}))
	must(db.WriteTests(ctx, []graph.Test{{ID: "X1", PersonID: "P01", Kind: "pcr", SampledAt: at(t, "2020-01-20T09:00"), Result: "positive"}}))
	must(db.WriteCheckpoints(ctx, []graph.Checkpoint{{ID: "CP1", Name: "村口", AreaCode: "V1"}}))
	must(db.WritePassages(ctx, []graph.Passage{{CheckpointID: "CP1", At: at(t, "2020-01-19T11:00"), PersonID: "P01", Plate: "鄂A12345", Temperature: fptr(37.5)}}))
	must(db.WriteHealthReports(ctx, []graph.HealthReport{{PersonID: "P01", Date: graph.Date{Year: 2020, Month: 1, Day: 21}, Temperature: fptr(36.6), Symptoms: "none"}}))
	c := newClient(t, svc)
	var resp struct {
		Person struct {
			Household   struct{ ID string }
			Trips       []struct{ ID, Mode, DepartAt string }
			Attendances []struct {
				Event     struct{ ID, Place string }
				Proximity string
			}
			Contacts []struct {
				Other       struct{ ID string }
				DurationMin *float64
				Setting     *string
				Protected   bool
			}
			Tests    []struct{ ID, Result string }
			Passages []struct {
				Checkpoint  struct{ Name string }
				Temperature *float64
			}
			HealthReports []struct{ Date string }
		}
		Other struct {
			Trips    []struct{ ID string }
			Contacts []struct{ Other struct{ ID string } }
		}
	}
	c.MustPost(`{ person(id: "P01") { household { id } trips { id mode departAt } attendances { event { id place } proximity }
		contacts { other { id } durationMin setting protected } tests { id result } passages { checkpoint { name } temperature }
		healthReports { date } }
		other: person(id: "P04") { trips { id } contacts { other { id } } } }`, &resp)
	p := resp.Person
	if p.Household.ID != "H1" || len(p.Trips) != 2 || p.Trips[0].ID != "TR1" || p.Trips[1].ID != "TR2" {
		t.Fatalf("trips = %+v", p.Trips)
	}
	if len(p.Attendances) != 1 || p.Attendances[0].Event.Place != "酒楼" || p.Attendances[0].Proximity != "close" {
		t.Fatalf("attendances = %+v", p.Attendances)
	}
	// Contacts either way round, by time; absent values are null.
	if len(p.Contacts) != 2 || p.Contacts[0].Other.ID != "P05" || !p.Contacts[0].Protected || p.Contacts[0].DurationMin != nil || p.Contacts[0].Setting != nil ||
		p.Contacts[1].Other.ID != "P04" || *p.Contacts[1].DurationMin != 30 || *p.Contacts[1].Setting != "meal" {
		t.Fatalf("contacts = %+v", p.Contacts)
	}
	if len(p.Tests) != 1 || p.Tests[0].Result != "positive" || len(p.Passages) != 1 || p.Passages[0].Checkpoint.Name != "村口" ||
		*p.Passages[0].Temperature != 37.5 || len(p.HealthReports) != 1 || p.HealthReports[0].Date != "2020-01-21" {
		t.Fatalf("person = %+v", p)
	}
	if len(resp.Other.Trips) != 0 || len(resp.Other.Contacts) != 1 || resp.Other.Contacts[0].Other.ID != "P01" {
		t.Fatalf("P04 = %+v", resp.Other)
	}
}

func TestCheckpointStats(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	db, ctx := svc.DB, context.Background()
	if err := db.WriteCheckpoints(ctx, []graph.Checkpoint{{ID: "CP1", Name: "村口", AreaCode: "V1"}, {ID: "CP2", Name: "镇口", AreaCode: "T1"}, {ID: "CP3", Name: "二镇口", AreaCode: "T2"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.WritePassages(ctx, []graph.Passage{
		{CheckpointID: "CP1", At: at(t, "2020-01-21T00:00"), PersonID: "P01", Temperature: fptr(37.3)}, // first moment of the day; a fever (≥ 37.3)
		{CheckpointID: "CP1", At: at(t, "2020-01-21T08:00"), PersonID: "P01", Temperature: fptr(37.2)}, // same person again
		{CheckpointID: "CP2", At: at(t, "2020-01-21T09:00"), PersonID: "P01", Plate: "鄂A11111"},        // same person, other checkpoint
		{CheckpointID: "CP2", At: at(t, "2020-01-21T10:00"), Plate: "湘B22222", TurnedBack: true},       // a vehicle from outside
		{CheckpointID: "CP2", At: at(t, "2020-01-21T23:59:59"), Plate: "鄂A11111"},                      // a local vehicle, again
		{CheckpointID: "CP1", At: at(t, "2020-01-22T00:00"), PersonID: "P02", Temperature: fptr(39)},   // the next day
		{CheckpointID: "CP3", At: at(t, "2020-01-21T10:00"), PersonID: "P05", Temperature: fptr(38)},   // another town
	}); err != nil {
		t.Fatal(err)
	}
	c := newClientAs(t, svc, &graph.Principal{Subject: "screen", Role: graph.RoleDashboard})
	type stats struct {
		Checkpoint                                     *struct{ ID string }
		Passages, People, Vehicles, Fevers, TurnedBack int
		OutsideVehicles                                *int
		ByCheckpoint                                   []stats
	}
	var resp struct{ CheckpointStats, NoPrefix stats }
	c.MustPost(`fragment S on CheckpointStats { checkpoint { id } passages people vehicles fevers turnedBack outsideVehicles }
		{ checkpointStats(date: "2020-01-21", areaCode: "T1", localPlatePrefix: "鄂") { ...S byCheckpoint { ...S } }
		  noPrefix: checkpointStats(date: "2020-01-21", areaCode: "V1") { ...S byCheckpoint { ...S } } }`, &resp)
	s := resp.CheckpointStats
	if s.Checkpoint != nil || s.Passages != 5 || s.People != 1 || s.Vehicles != 2 || s.Fevers != 1 || s.TurnedBack != 1 || s.OutsideVehicles == nil || *s.OutsideVehicles != 1 {
		t.Fatalf("T1 total = %+v", s)
	}
	if len(s.ByCheckpoint) != 2 || s.ByCheckpoint[0].Checkpoint.ID != "CP1" || s.ByCheckpoint[0].Passages != 2 || s.ByCheckpoint[0].People != 1 ||
		s.ByCheckpoint[1].Passages != 3 || s.ByCheckpoint[1].Vehicles != 2 || *s.ByCheckpoint[1].OutsideVehicles != 1 {
		t.Fatalf("T1 by checkpoint = %+v", s.ByCheckpoint)
	}
	if n := resp.NoPrefix; n.Passages != 2 || n.OutsideVehicles != nil || len(n.ByCheckpoint) != 1 {
		t.Fatalf("V1 = %+v", n)
	}
	wantInvalid(t, c, `{ checkpointStats(date: "2020-1-21", areaCode: "T1") { passages } }`, "date", "YYYY-MM-DD")
	if errs := mustFail(t, c, `{ checkpointStats(date: "2020-01-21", areaCode: "nowhere") { passages } }`); errs[0].Extensions.Code != "NOT_FOUND" || errs[0].Extensions.Field != "areaCode" {
		t.Fatalf("unknown area: %+v", errs)
	}
}

func TestOverdueHealthReports(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	db, ctx := svc.DB, context.Background()
	q := func(id, person, kind, start, end string) map[string]any {
		return map[string]any{"id": id, "person": person, "kind": kind, "start": at(t, start), "end": at(t, end)}
	}
	graphtest.Run(t, db, `UNWIND $rows AS r MATCH (p:Person {id: r.person})
		CREATE (p)-[:ASSIGNED]->(:Quarantine {id: r.id, personId: r.person, kind: r.kind, status: 'active', start: r.start, end: r.end})`,
		map[string]any{"rows": []map[string]any{
			q("Q1", "P01", "home", "2020-01-20T15:00", "2020-01-27T15:00"),              // covers the 21st; reported
			q("Q2", "P02", "health_monitoring", "2020-01-20T15:00", "2020-02-03T15:00"), // covers; not reported
			q("Q3", "P03", "centralized", "2020-01-20T15:00", "2020-02-03T15:00"),       // centralized: not a daily reporter
			q("Q4", "P04", "home", "2020-01-22T00:00", "2020-01-29T00:00"),              // starts the next day
			q("Q5", "P05", "home", "2020-01-14T00:00", "2020-01-21T00:00"),              // ended at 00:00 of the 21st
			q("Q6", "P06", "home", "2020-01-21T23:00", "2020-01-28T23:00"),              // starts late on the 21st
		}})
	if err := db.WriteHealthReports(ctx, []graph.HealthReport{
		{PersonID: "P01", Date: graph.Date{Year: 2020, Month: 1, Day: 21}},
		{PersonID: "P02", Date: graph.Date{Year: 2020, Month: 1, Day: 20}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteOfficers(ctx, []graph.Officer{{ID: "O1", Name: "干部", Role: "cadre", AreaCode: "V1"}, {ID: "O2", Name: "医生", Role: "medical", AreaCode: "V1"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteResponsibilities(ctx, []graph.Responsibility{{OfficerID: "O2", PersonID: "P02"}, {OfficerID: "O1", PersonID: "P02"}}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, svc)
	var resp struct {
		OverdueHealthReports []struct {
			Person   struct{ ID string }
			Kind     string
			Officers []struct{ ID string }
		}
	}
	c.MustPost(`{ overdueHealthReports(date: "2020-01-21") { person { id } kind officers { id } } }`, &resp)
	var got []string
	for _, o := range resp.OverdueHealthReports {
		got = append(got, o.Person.ID+":"+o.Kind+":"+func() string {
			var ids []string
			for _, x := range o.Officers {
				ids = append(ids, x.ID)
			}
			return strings.Join(ids, "+")
		}())
	}
	if strings.Join(got, " ") != "P02:HEALTH_MONITORING:O1+O2 P06:HOME:" {
		t.Fatalf("overdue = %v", got)
	}
}

func TestDailyReportsAndEpicurve(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	db, ctx := svc.DB, context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	d := func(s string) *graph.Date { x, _ := graph.ParseDateValue(s); return &x }
	must(db.WriteTrips(ctx, []graph.Trip{
		{ID: "R1", PersonID: "P01", Mode: "train", FromArea: "T2", DepartAt: at(t, "2020-01-21T06:00"), ArriveAt: at(t, "2020-01-21T08:00")}, // from outside T1
		{ID: "R2", PersonID: "P02", Mode: "car", FromArea: "V1", DepartAt: at(t, "2020-01-21T06:00"), ArriveAt: at(t, "2020-01-21T07:00")},   // inside T1: not a returnee
		{ID: "R3", PersonID: "P03", Mode: "bus", DepartAt: at(t, "2020-01-20T22:00"), ArriveAt: at(t, "2020-01-21T00:00")},                   // no from area, arrives at 00:00
		{ID: "R4", PersonID: "P04", Mode: "bus", DepartAt: at(t, "2020-01-21T22:00"), ArriveAt: at(t, "2020-01-22T00:00")},                   // arrives the next day
	}))
	must(db.WriteHealthReports(ctx, []graph.HealthReport{{PersonID: "P04", Date: *d("2020-01-21"), Temperature: fptr(37.3)}, {PersonID: "P05", Date: *d("2020-01-21"), Temperature: fptr(37.2)}}))
	must(db.WriteCases(ctx, []graph.Case{
		{PersonID: "P01", Status: "confirmed", OnsetDate: d("2020-01-19"), ConfirmedAt: atp(t, "2020-01-21T23:59")},
		{PersonID: "P05", Status: "confirmed", OnsetDate: d("2020-01-19"), ConfirmedAt: atp(t, "2020-01-21T10:00")},
		{PersonID: "P06", Status: "suspected", OnsetDate: d("2020-01-19"), ConfirmedAt: atp(t, "2020-01-21T10:00")},
		{PersonID: "P02", Status: "asymptomatic", ConfirmedAt: atp(t, "2020-01-22T00:00")},
	}))
	graphtest.Run(t, db, `MATCH (p:Person {id: 'P03'}) CREATE (p)-[:ASSIGNED]->(:Quarantine {id: 'Q1', personId: 'P03', kind: 'home', status: 'active', start: $s, end: $e})`,
		map[string]any{"s": at(t, "2020-01-21T12:00"), "e": at(t, "2020-01-28T12:00")})
	graphtest.Run(t, db, `MATCH (a:Area {code: 'T2'}) CREATE (a)-[:SUBMITTED]->(:DailyReport {areaCode: 'T2', date: date('2020-01-21'), note: '零报告', submittedAt: $at})`,
		map[string]any{"at": at(t, "2020-01-21T18:00")})
	c := newClientAs(t, svc, &graph.Principal{Subject: "screen", Role: graph.RoleDashboard})
	var resp struct {
		DailyReports []struct {
			AreaCode, Date                                    string
			NewReturnees, NewFevers, NewQuarantines, NewCases int
			Submitted                                         bool
			Note                                              *string
		}
		Onset, Conf, T2 []struct {
			Date  string
			Cases int
		}
	}
	c.MustPost(`{ dailyReports(date: "2020-01-21") { areaCode date newReturnees newFevers newQuarantines newCases submitted note }
		onset: epicurve(from: "2020-01-18", to: "2020-01-20") { date cases }
		conf: epicurve(from: "2020-01-21", to: "2020-01-22", by: CONFIRMATION) { date cases }
		t2: epicurve(from: "2020-01-19", to: "2020-01-19", areaCode: "T2") { date cases } }`, &resp)
	r := resp.DailyReports
	if len(r) != 2 || r[0].AreaCode != "T1" || r[1].AreaCode != "T2" {
		t.Fatalf("towns = %+v", r)
	}
	if r[0].NewReturnees != 2 || r[0].NewFevers != 1 || r[0].NewQuarantines != 1 || r[0].NewCases != 1 || r[0].Submitted || r[0].Date != "2020-01-21" {
		t.Errorf("T1 = %+v", r[0])
	}
	if r[1].NewReturnees != 0 || r[1].NewFevers != 0 || r[1].NewQuarantines != 0 || r[1].NewCases != 1 || !r[1].Submitted || r[1].Note == nil || *r[1].Note != "零报告" {
		t.Errorf("T2 = %+v", r[1])
	}
	curve := func(ps []struct {
		Date  string
		Cases int
	}) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.Date+"="+string(rune('0'+p.Cases)))
		}
		return strings.Join(s, " ")
	}
	if got := curve(resp.Onset); got != "2020-01-18=0 2020-01-19=2 2020-01-20=0" {
		t.Errorf("by onset = %s", got)
	}
	if got := curve(resp.Conf); got != "2020-01-21=2 2020-01-22=1" {
		t.Errorf("by confirmation = %s", got)
	}
	if got := curve(resp.T2); got != "2020-01-19=1" {
		t.Errorf("T2 = %s", got)
	}
	wantInvalid(t, c, `{ epicurve(from: "2020-01-21", to: "2020-01-20") { cases } }`, "to", "before")
	wantInvalid(t, c, `{ epicurve(from: "2020-01-01", to: "2021-01-01") { cases } }`, "to", "at most 366")
	c.MustPost(`{ epicurve(from: "2020-01-01", to: "2020-12-31") { cases } }`, &map[string]any{}) // 366 days (a leap year)
	wantInvalid(t, c, `{ dailyReports(date: "2020-02-30") { areaCode } }`, "date", "date")
}

// The round trips of a page of people with their households, members and the members'
// tiers and cases do not grow with the page size: every level loads in one batch.
func TestPeopleWithHouseholdsDoNotGrowRoundTrips(t *testing.T) {
	graphtest.MustOpen(t) // an empty, migrated graph
	var trips atomic.Int64
	var mu sync.Mutex
	ops := map[string]int{}
	db, err := graph.Open(graphtest.Config(), func(op string, d time.Duration, err error) {
		trips.Add(1)
		mu.Lock()
		ops[op]++
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	svc := graph.NewService(db, graph.DefaultPolicy(), shanghai(t))
	ctx := context.Background()
	var hs []graph.Household
	var people []graph.Person
	for i := 0; i < 120; i++ {
		h := "H" + string(rune('A'+i/26)) + string(rune('a'+i%26))
		hs = append(hs, graph.Household{ID: h})
		for j := 0; j < 2; j++ {
			people = append(people, graph.Person{ID: h + string(rune('0'+j)), Name: "n", HouseholdID: h})
		}
	}
	if err := db.WriteHouseholds(ctx, hs); err != nil {
		t.Fatal(err)
	}
	if err := db.WritePeople(ctx, people); err != nil {
		t.Fatal(err)
	}
	// Round trips are measured here, not the cost limit: 200 people's households with
	// every member's risk is far over the default limit (limits_cost_test.go covers that).
	h := resolvers.NewHandler(&resolvers.Resolver{Svc: svc}, resolvers.Options{Logger: testLogger(t), Limits: resolvers.Limits{MaxComplexity: 1 << 30}})
	c := clientFor(h, &graph.Principal{Subject: "test-epi", Role: graph.RoleEpidemiologist})
	count := func(n int) int64 {
		var resp struct {
			People struct {
				Nodes []struct {
					Household struct {
						Members []struct {
							ID, Name string
							Risk     struct{ Tier string }
							Case     *struct{ Status string }
						}
					}
				}
			}
		}
		before := trips.Load()
		c.MustPost(`query($n: Int) { people(first: $n) { nodes { household { members { id name risk { tier } case { status } } } } } }`,
			&resp, client.Var("n", n))
		if len(resp.People.Nodes) != n || len(resp.People.Nodes[n-1].Household.Members) != 2 {
			t.Fatalf("page of %d = %d people", n, len(resp.People.Nodes))
		}
		return trips.Load() - before
	}
	small, large := count(2), count(200)
	// 200 people have 400 members: one round trip per person, household or member
	// would add at least 200. Batches are cut by time (resolvers/loaders.go), so on a
	// loaded machine a level may split into several; that is allowed, growth with the
	// page is not.
	if large-small >= 50 {
		t.Fatalf("round trips: %d for 2 people, %d for 200 (want about the same); by operation: %v", small, large, ops)
	}
	t.Logf("round trips for a page with households, members, risks and cases: %d for 2 people, %d for 200", small, large)
}
