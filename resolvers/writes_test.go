package resolvers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// Writes are refused with the loader's own reasons, naming the argument.
func TestWritesAreCheckedByTheLoaderRules(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	if err := svc.DB.WriteCheckpoints(context.Background(), []graph.Checkpoint{{ID: "CP1", Name: "村口", AreaCode: "V1"}}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, svc)
	_, errBadTime := graph.ParseTimeValue("2020-13-01 10:00", svc.Loc, false)
	_, _, errID := graph.ParseIDNumberValue("110105194912310021")
	_, errTemp := graph.ParseDecimalValue("46", 30, 45)
	for _, tc := range []struct{ q, field, reason string }{
		{`mutation { recordTrip(input: {id: "T", personId: "P01", mode: "flight", departAt: "2020-13-01 10:00", arriveAt: "2020-01-01 10:00"}) { id } }`,
			"departAt", errBadTime.Error()},
		{`mutation { recordTrip(input: {id: "T", personId: "P01", mode: "flight", departAt: "2020-01-02 10:00", arriveAt: "2020-01-01 10:00"}) { id } }`,
			"arriveAt", "end before start: arrive_at is before depart_at"},
		{`mutation { recordTrip(input: {id: "T", personId: "P01", mode: "flight", departAt: "2020-01-02", arriveAt: "2020-01-03 10:00"}) { id } }`,
			"departAt", "a bare date is not a time here"},
		// The first failing column in the table's order: mode comes before the times.
		{`mutation { recordTrip(input: {id: "T", personId: "P01", mode: "boat", departAt: "x", arriveAt: "y"}) { id } }`,
			"mode", "unknown value \"boat\""},
		{`mutation { recordTrip(input: {id: "T", personId: "nobody", mode: "car", departAt: "2020-01-02 10:00", arriveAt: "2020-01-02 11:00"}) { id } }`,
			"personId", `unknown reference: no person "nobody"`},
		{`mutation { recordTrip(input: {id: " ", personId: "P01", mode: "car", departAt: "2020-01-02 10:00", arriveAt: "2020-01-02 11:00"}) { id } }`,
			"id", "required value missing"},
		{`mutation { upsertPerson(input: {id: "P09", name: "x", idNumber: "110105194912310021"}) { id } }`, "idNumber", errID.Error()},
		{`mutation { upsertPerson(input: {id: "P09", name: "x", idNumber: "11010519491231002X", birthDate: "1949-12-30"}) { id } }`,
			"birthDate", "does not match the ID number's 1949-12-31"},
		{`mutation { upsertPerson(input: {id: "P09", name: "x", householdId: "H9"}) { id } }`, "householdId", `unknown reference: no household "H9"`},
		{`mutation { recordContact(input: {personA: "P01", personB: "P01", at: "2020-01-02 10:00"}) { at } }`, "personB", "a contact of a person with themselves"},
		{`mutation { recordContact(input: {personA: "P01", personB: "P02", at: "2020-01-02 10:00", durationMin: -1}) { at } }`, "durationMin", "out of range"},
		{`mutation { recordContact(input: {personA: "P01", personB: "P02", at: "2020-01-02 10:00", setting: "bus"}) { at } }`, "setting", "unknown value"},
		{`mutation { recordPassage(input: {checkpointId: "CP1", at: "2020-01-02 10:00"}) { at } }`, "plate", "required: a passage names a person_id or a plate"},
		{`mutation { recordPassage(input: {checkpointId: "CP1", at: "2020-01-02 10:00", personId: "P01", temperature: 46}) { at } }`, "temperature", errTemp.Error()},
		{`mutation { submitHealthReport(input: {personId: "P01", date: "2020-1-2"}) { date } }`, "date", "bad date"},
		{`mutation { upsertFacility(input: {id: "F1", name: "f", areaCode: "C", capacity: -1}) { id } }`, "capacity", "out of range: -1 is below 0"},
		{`mutation { upsertOfficer(input: {id: "O1", name: "o", role: "boss", areaCode: "C"}) { id } }`, "role", "unknown value"},
		{`mutation { designateRisk(input: {areaCode: "C", level: "severe", since: "2020-01-01"}) { level } }`, "level", "unknown value"},
		{`mutation { recordTest(input: {id: "X", personId: "P01", kind: "pcr", sampledAt: "2020-01-01 10:00", result: "maybe"}) { id } }`, "result", "unknown value"},
		{`mutation { recordAttendance(input: {personId: "P01", eventId: "E9", from: "2020-01-01 10:00", to: "2020-01-01 11:00"}) { from } }`, "eventId", `unknown reference: no event "E9"`},
		{`mutation { recordEvent(input: {id: "E1", kind: "meal", start: "2020-01-01 10:00", end: "2020-01-01 09:00"}) { id } }`, "end", "end before start"},
		{`mutation { upsertHousehold(input: {id: "H9", areaCode: "nowhere"}) { id } }`, "areaCode", `unknown reference: no area "nowhere"`},
	} {
		wantInvalid(t, c, tc.q, tc.field, tc.reason)
	}
}

func TestWritesAreIdempotentAndReturnTheObject(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	c := newClient(t, svc)
	for i := 0; i < 2; i++ {
		var resp struct {
			RecordTrip struct {
				ID, DepartAt string
				Number       *string
			}
			RecordContact struct {
				Other     struct{ ID string }
				Protected bool
			}
			UpsertPerson struct {
				ID, Name  string
				IDNumber  string
				Household struct{ ID string }
			}
			SubmitHealthReport struct {
				Date        string
				Temperature float64
			}
		}
		c.MustPost(`mutation {
			recordTrip(input: {id: "TR1", personId: "P01", mode: "train", number: " g 12 ", departAt: "2020-01-02 10:00", arriveAt: "2020-01-02T12:00:00+08:00"}) { id departAt number }
			recordContact(input: {personA: "P02", personB: "P01", at: "2020-01-02 10:00", protected: true}) { other { id } protected }
			upsertPerson(input: {id: "P09", name: "新人", idNumber: "11010519491231002x", householdId: "H2"}) { id name idNumber household { id } }
			submitHealthReport(input: {personId: "P09", date: "2020-01-03", temperature: 36.5}) { date temperature }
		}`, &resp)
		if resp.RecordTrip.ID != "TR1" || resp.RecordTrip.Number == nil || *resp.RecordTrip.Number != "g 12" {
			t.Fatalf("trip = %+v", resp.RecordTrip)
		}
		if d, _ := time.Parse(time.RFC3339, resp.RecordTrip.DepartAt); !d.Equal(at(t, "2020-01-02T10:00")) {
			t.Fatalf("departAt = %s", resp.RecordTrip.DepartAt)
		}
		if resp.RecordContact.Other.ID != "P01" || !resp.RecordContact.Protected {
			t.Fatalf("contact = %+v", resp.RecordContact)
		}
		if resp.UpsertPerson.IDNumber != "11010519491231002X" || resp.UpsertPerson.Household.ID != "H2" {
			t.Fatalf("person = %+v", resp.UpsertPerson)
		}
	}
	counts, err := graph.Read(context.Background(), svc.DB, "count", func(ctx context.Context, tx graph.Tx) ([]int64, error) {
		res, err := tx.Run(ctx, `RETURN COUNT { (:Trip) } AS trips, COUNT { ()-[:CONTACTED]->() } AS contacts,
			COUNT { (:Person {id: 'P09'}) } AS people, COUNT { (:HealthReport) } AS reports, COUNT { (:Trip {numberKey: 'G12'}) } AS keyed`, nil)
		if err != nil {
			return nil, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return nil, err
		}
		var out []int64
		for _, v := range rec.Values {
			out = append(out, v.(int64))
		}
		return out, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if counts[0] != 1 || counts[1] != 1 || counts[2] != 1 || counts[3] != 1 || counts[4] != 1 {
		t.Fatalf("after writing twice: trips, contacts, people, reports, keyed trips = %v", counts)
	}
	// A later write replaces: the person leaves their household.
	var moved struct {
		UpsertPerson struct{ Household *struct{ ID string } }
	}
	c.MustPost(`mutation { upsertPerson(input: {id: "P09", name: "新人"}) { household { id } } }`, &moved)
	if moved.UpsertPerson.Household != nil {
		t.Fatalf("household after removal = %+v", moved.UpsertPerson.Household)
	}
}

func TestSetCaseStatusTransitions(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	fixed := at(t, "2020-01-22T09:30")
	svc.Now = func() time.Time { return fixed }
	c := newClient(t, svc)
	set := func(person, status, extra string) (struct {
		Status      string
		ConfirmedAt *string
		OnsetDate   *string
	}, []gqlError) {
		q := `mutation { setCaseStatus(input: {personId: "` + person + `", status: "` + status + `"` + extra + `}) { status confirmedAt onsetDate } }`
		resp, err := c.RawPost(q)
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			SetCaseStatus struct {
				Status      string
				ConfirmedAt *string
				OnsetDate   *string
			}
		}
		var errs []gqlError
		if len(resp.Errors) > 0 {
			_ = json.Unmarshal(resp.Errors, &errs)
			return out.SetCaseStatus, errs
		}
		b, _ := json.Marshal(resp.Data)
		_ = json.Unmarshal(b, &out)
		return out.SetCaseStatus, nil
	}
	refused := func(person, status string) {
		t.Helper()
		_, errs := set(person, status, "")
		if len(errs) == 0 || errs[0].Extensions.Code != "INVALID" || errs[0].Extensions.Field != "status" {
			t.Fatalf("%s → %s: errors %+v, want INVALID naming status", person, status, errs)
		}
	}
	refused("P01", "recovered") // no case yet
	refused("P01", "deceased")
	if cs, errs := set("P01", "suspected", `, onsetDate: "2020-01-18"`); errs != nil || cs.Status != "SUSPECTED" || cs.ConfirmedAt != nil {
		t.Fatalf("new suspected: %+v %+v", cs, errs)
	}
	refused("P01", "recovered") // suspected cannot recover
	cs, errs := set("P01", "confirmed", "")
	if errs != nil || cs.Status != "CONFIRMED" || cs.ConfirmedAt == nil || cs.OnsetDate == nil || *cs.OnsetDate != "2020-01-18" {
		t.Fatalf("suspected → confirmed: %+v %+v", cs, errs)
	}
	if ct, _ := time.Parse(time.RFC3339, *cs.ConfirmedAt); !ct.Equal(fixed) {
		t.Fatalf("confirmedAt defaults to now: %s", *cs.ConfirmedAt)
	}
	refused("P01", "suspected") // no way back
	if cs, errs := set("P01", "confirmed", `, confirmedAt: "2020-01-21 08:00"`); errs != nil || cs.Status != "CONFIRMED" {
		t.Fatalf("confirmed again (times updated): %+v %+v", cs, errs)
	}
	if cs, errs := set("P01", "recovered", ""); errs != nil || cs.Status != "RECOVERED" || cs.ConfirmedAt == nil {
		t.Fatalf("confirmed → recovered: %+v %+v", cs, errs)
	}
	refused("P01", "deceased")
	refused("P01", "confirmed")
	if _, errs := set("P02", "asymptomatic", ""); errs != nil {
		t.Fatalf("new asymptomatic: %+v", errs)
	}
	if _, errs := set("P02", "deceased", ""); errs != nil {
		t.Fatalf("asymptomatic → deceased: %+v", errs)
	}
	wantInvalid(t, c, `mutation { setCaseStatus(input: {personId: "P03", status: "cured"}) { status } }`, "status", "unknown value")
	wantInvalid(t, c, `mutation { setCaseStatus(input: {personId: "nobody", status: "suspected"}) { status } }`, "personId", "unknown reference")
}

func TestSubmitDailyReport(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	c := newClient(t, svc)
	wantInvalid(t, c, `mutation { submitDailyReport(areaCode: "V1", date: "2020-01-21") { submitted } }`, "areaCode", "daily reports come from towns")
	wantInvalid(t, c, `mutation { submitDailyReport(areaCode: "T9", date: "2020-01-21") { submitted } }`, "areaCode", "unknown reference")
	wantInvalid(t, c, `mutation { submitDailyReport(areaCode: "T1", date: "21/01/2020") { submitted } }`, "date", "bad date")
	for _, note := range []string{"", "一例发热"} {
		var resp struct {
			SubmitDailyReport struct {
				AreaCode  string
				Submitted bool
				Note      *string
			}
		}
		c.MustPost(`mutation($note: String) { submitDailyReport(areaCode: "T1", date: "2020-01-21", note: $note) { areaCode submitted note } }`, &resp, client.Var("note", note))
		r := resp.SubmitDailyReport
		if r.AreaCode != "T1" || !r.Submitted || (note == "") != (r.Note == nil) {
			t.Fatalf("submitted %q: %+v", note, r)
		}
	}
	var day struct {
		DailyReports []struct {
			AreaCode  string
			Submitted bool
			Note      *string
		}
	}
	c.MustPost(`{ dailyReports(date: "2020-01-21") { areaCode submitted note } }`, &day)
	if len(day.DailyReports) != 2 || !day.DailyReports[0].Submitted || *day.DailyReports[0].Note != "一例发热" || day.DailyReports[1].Submitted {
		t.Fatalf("daily reports = %+v", day.DailyReports)
	}
	var other struct{ DailyReports []struct{ Submitted bool } }
	c.MustPost(`{ dailyReports(date: "2020-01-22") { submitted } }`, &other)
	if other.DailyReports[0].Submitted {
		t.Fatal("a report for the 21st counts for the 22nd")
	}
}

func TestWritesByRole(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	dash := newClientAs(t, svc, &graph.Principal{Subject: "d", Role: graph.RoleDashboard})
	tracer := newClientAs(t, svc, &graph.Principal{Subject: "t", Role: graph.RoleTracer, Areas: []string{"T1"}})
	for _, tc := range []struct {
		c *client.Client
		q string
	}{
		{dash, `mutation { submitHealthReport(input: {personId: "P01", date: "2020-01-03"}) { date } }`},
		{tracer, `mutation { designateRisk(input: {areaCode: "C", level: "high", since: "2020-01-01"}) { level } }`},
		{tracer, `mutation { upsertFacility(input: {id: "F", name: "f", areaCode: "C", capacity: 1}) { id } }`},
	} {
		if errs := mustFail(t, tc.c, tc.q); errs[0].Extensions.Code != "FORBIDDEN" {
			t.Errorf("%s: %+v", tc.q, errs)
		}
	}
	var ok struct{ SubmitHealthReport struct{ Date string } }
	tracer.MustPost(`mutation { submitHealthReport(input: {personId: "P01", date: "2020-01-03", temperature: 36.8}) { date } }`, &ok)
	if ok.SubmitHealthReport.Date != "2020-01-03" {
		t.Fatalf("tracer's report = %+v", ok)
	}
}

// A tracer writes only about the people and places of the areas they serve.
func TestTracerWritesStayInTheirAreas(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	tr := newClientAs(t, svc, &graph.Principal{Subject: "t1", Role: graph.RoleTracer, Areas: []string{"T1"}})
	forbidden := func(q string) {
		t.Helper()
		if errs := mustFail(t, tr, q); errs[0].Extensions.Code != "FORBIDDEN" {
			t.Fatalf("%s: %+v, want FORBIDDEN", q, errs)
		}
	}
	ok := func(q string) {
		t.Helper()
		tr.MustPost(q, &map[string]any{})
	}
	forbidden(`mutation { submitHealthReport(input: {personId: "P05", date: "2020-01-03"}) { date } }`) // lives in T2
	forbidden(`mutation { recordContact(input: {personA: "P05", personB: "P06", at: "2020-01-02 10:00"}) { at } }`)
	ok(`mutation { recordContact(input: {personA: "P01", personB: "P05", at: "2020-01-02 10:00", durationMin: 1, protected: true}) { at } }`)
	// Recording a contact grants nothing by itself (SPEC §8 rev 5, issue 11 item 8): P01
	// is no case, so P05 is in no chain of the tracer's areas.
	forbidden(`mutation { submitHealthReport(input: {personId: "P05", date: "2020-01-03"}) { date } }`)
	forbidden(`{ person(id: "P05") { name } }`)
	// Once P01 is a traced case whose window holds the contact, P05 is a contact in its
	// chain: their follow-up is the tracer's too.
	ok(`mutation { setCaseStatus(input: {personId: "P01", status: "confirmed", onsetDate: "2020-01-03", confirmedAt: "2020-01-05 10:00"}) { status } }`)
	ok(`mutation { submitHealthReport(input: {personId: "P05", date: "2020-01-03"}) { date } }`)
	forbidden(`mutation { setCaseStatus(input: {personId: "P06", status: "suspected"}) { status } }`)
	ok(`mutation { setCaseStatus(input: {personId: "P02", status: "suspected"}) { status } }`)
	// People and households: only into and within the tracer's areas.
	forbidden(`mutation { upsertPerson(input: {id: "P20", name: "新", householdId: "H3"}) { id } }`)
	forbidden(`mutation { upsertPerson(input: {id: "P21", name: "无户"}) { id } }`)
	forbidden(`mutation { upsertPerson(input: {id: "P05", name: "改名", householdId: "H1"}) { id } }`) // a contact, not theirs
	ok(`mutation { upsertPerson(input: {id: "P20", name: "新", householdId: "H1"}) { id } }`)
	forbidden(`mutation { upsertHousehold(input: {id: "H9", areaCode: "T2"}) { id } }`)
	forbidden(`mutation { upsertHousehold(input: {id: "H3", areaCode: "V1"}) { id } }`) // H3 is in T2
	ok(`mutation { upsertHousehold(input: {id: "H9", areaCode: "V1"}) { id } }`)
	forbidden(`mutation { submitDailyReport(areaCode: "T2", date: "2020-01-21") { submitted } }`)
	ok(`mutation { submitDailyReport(areaCode: "T1", date: "2020-01-21") { submitted } }`)
	// Events and checkpoint passages are places: within the tracer's areas only (issue
	// 11 item 6: a tracer rewrote another town's clinic visit to indoor: false).
	if _, err := svc.RecordEvent(context.Background(), graph.Cells{"id": "E2", "kind": "clinic", "area_code": "T2",
		"start": "2020-01-02 09:00", "end": "2020-01-02 10:00", "indoor": "true"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.DB.WriteCheckpoints(context.Background(), []graph.Checkpoint{{ID: "K2", Name: "二镇口", AreaCode: "T2"}, {ID: "K1", Name: "一村口", AreaCode: "V1"}}); err != nil {
		t.Fatal(err)
	}
	forbidden(`mutation { recordEvent(input: {id: "E2", kind: "clinic", areaCode: "V1", start: "2020-01-02 09:00", end: "2020-01-02 10:00", indoor: false}) { id } }`)
	forbidden(`mutation { recordEvent(input: {id: "E3", kind: "meal", areaCode: "T2", start: "2020-01-02 09:00", end: "2020-01-02 10:00"}) { id } }`)
	forbidden(`mutation { recordEvent(input: {id: "E4", kind: "meal", start: "2020-01-02 09:00", end: "2020-01-02 10:00"}) { id } }`)
	ok(`mutation { recordEvent(input: {id: "E5", kind: "meal", areaCode: "V1", start: "2020-01-02 09:00", end: "2020-01-02 10:00"}) { id } }`)
	forbidden(`mutation { recordPassage(input: {checkpointId: "K2", at: "2020-01-02 09:00", plate: "豫A12345"}) { at } }`)
	ok(`mutation { recordPassage(input: {checkpointId: "K1", at: "2020-01-02 09:00", plate: "豫A12345"}) { at } }`)
}

// SPEC §3's value bounds hold for writes too: a duration of 1e29 minutes, a year 9999
// or 0001, a 9 KB name are refused naming the argument, and afterwards the county's
// reads still work (a stored 1e29 once made every chain overflow Neo4j's dates).
func TestWritesRefuseValuesOutOfBounds(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	ctx := context.Background()
	if err := svc.DB.WriteCases(ctx, []graph.Case{{PersonID: "P01", Status: graph.StatusConfirmed,
		ConfirmedAt: atp(t, "2020-01-22T10:00")}}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, svc)
	c.MustPost(`mutation { recordContact(input: {personA: "P01", personB: "P04", at: "2020-01-21 10:00", durationMin: 10080}) { at } }`, &map[string]any{})
	long := strings.Repeat("名", 3*1024)
	for _, tc := range []struct{ q, field, reason string }{
		{`mutation { recordContact(input: {personA: "P01", personB: "P04", at: "2020-01-21 11:00", durationMin: 1e29}) { at } }`, "durationMin", "out of range"},
		{`mutation { recordContact(input: {personA: "P01", personB: "P04", at: "2020-01-21 11:00", durationMin: 10080.5}) { at } }`, "durationMin", "out of range"},
		{`mutation { recordContact(input: {personA: "P01", personB: "P04", at: "9999-12-31 10:00"}) { at } }`, "at", "out of range"},
		{`mutation { upsertPerson(input: {id: "P09", name: "x", birthDate: "0001-01-01"}) { id } }`, "birthDate", "out of range"},
		{`mutation { upsertPerson(input: {id: "P09", name: "` + long + `"}) { id } }`, "name", "too long"},
		{`mutation { upsertPerson(input: {id: "P09", name: "x", phone: "call 139"}) { id } }`, "phone", "bad character"},
		{`mutation { upsertPerson(input: {id: "P09", name: "x\u0007"}) { id } }`, "name", "bad character"},
		{`mutation { upsertHousehold(input: {id: "H9", address: "` + strings.Repeat("路", 501) + `", areaCode: "V1"}) { id } }`, "address", "too long"},
		{`mutation { recordEvent(input: {id: "E9", kind: "meal", start: "2020-01-01 10:00", end: "2101-01-01 09:00"}) { id } }`, "end", "out of range"},
		{`mutation { submitHealthReport(input: {personId: "P01", date: "2101-01-01", symptoms: "` + strings.Repeat("咳", 501) + `"}) { date } }`, "date", "out of range"},
		{`mutation { submitDailyReport(areaCode: "T1", date: "2020-01-21", note: "` + strings.Repeat("报", 501) + `") { date } }`, "note", "too long"},
	} {
		wantInvalid(t, c, tc.q, tc.field, tc.reason)
	}
	var resp struct {
		Summary struct{ ConfirmedTotal int }
		Chain   struct {
			Contacts []struct{ Person struct{ ID string } }
		}
	}
	c.MustPost(`{ summary(asOf: "2020-01-26T12:00:00+08:00") { confirmedTotal }
		chain: contactChain(caseId: "P01", asOf: "2020-01-26T12:00:00+08:00") { contacts { person { id } } } }`, &resp)
	if resp.Summary.ConfirmedTotal != 1 || len(resp.Chain.Contacts) == 0 {
		t.Fatalf("reads after the refused writes: %+v", resp)
	}
}
