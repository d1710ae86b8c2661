package resolvers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

// The demo county after a quarantine run on January 28, shared by the export tests
// (loading and running once keeps the shared machine's Neo4j time down).
var (
	demoExportOnce sync.Once
	demoExportSvc  *graph.Service
	demoExportErr  error
)

func demoExportCounty(t *testing.T) *graph.Service {
	t.Helper()
	demoExportOnce.Do(func() {
		svc := graphtest.MustService(t)
		ctx := context.Background()
		if _, demoExportErr = loader.Load(ctx, svc.DB, "../examples/county", loader.Options{Strict: true, Loc: svc.Loc}); demoExportErr != nil {
			return
		}
		if _, demoExportErr = svc.AssignQuarantines(ctx, at(t, "2020-01-28T12:00:00+08:00")); demoExportErr != nil {
			return
		}
		demoExportSvc = svc
	})
	if demoExportErr != nil {
		t.Fatal(demoExportErr)
	}
	return demoExportSvc
}

// workbookSheets decodes a base64 workbook into its sheets' rows, by sheet name, and
// the sheet names in order.
func workbookSheets(t *testing.T, b64 string) (map[string][][]string, []string) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("not base64: %v", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	out := map[string][][]string{}
	names := f.GetSheetList()
	for _, n := range names {
		rows, err := f.GetRows(n)
		if err != nil {
			t.Fatal(err)
		}
		out[n] = rows
	}
	return out, names
}

// exportWorkbookQuery asks for every list as of February 1 with the sweep of 白塔乡's
// two days (README of examples/county).
const exportWorkbookQuery = `{ exportWorkbook(lists: ["quarantines", "testsDue", "sweepCoverage", "notVisited", "notAccountedFor", "returnees", "awayResidents", "workerLedger"],
	asOf: "2020-01-29T12:00:00+08:00", areaCode: "411530102", from: "2020-01-27T00:00:00+08:00", to: "2020-01-28T23:59:00+08:00") }`

// A tracer's workbook (SPEC §8 rev 5) holds no one outside their scope, masks the ID
// numbers and phones of those who are only contacts, and is audited against the people
// in it; a dashboard gets FORBIDDEN and no workbook.
func TestExportWorkbookIsScopedMaskedAndAudited(t *testing.T) {
	svc := demoExportCounty(t)
	ctx := context.Background()
	var resp struct{ ExportWorkbook string }

	// The county's epidemiologist, over the whole county: people the tracer may not see
	// must be in it, or the tracer's check below proves nothing.
	const county = `{ exportWorkbook(lists: ["quarantines", "testsDue", "returnees", "awayResidents", "workerLedger"], asOf: "2020-01-29T12:00:00+08:00") }`
	newClientAs(t, svc, &graph.Principal{Subject: "epi-book", Role: graph.RoleEpidemiologist}).MustPost(county, &resp)
	epiSheets, _ := workbookSheets(t, resp.ExportWorkbook)

	areas := []string{"411530102"} // 白塔乡
	tracer := &graph.Principal{Subject: "tracer-book", Role: graph.RoleTracer, Areas: areas}
	newClientAs(t, svc, tracer).MustPost(county, &resp)
	sheets, names := workbookSheets(t, resp.ExportWorkbook)
	if !slices.Equal(names, []string{"quarantines", "testsDue", "returnees", "awayResidents", "workerLedger"}) {
		t.Fatalf("sheets %v", names)
	}

	var everyone []string
	for _, rows := range epiSheets {
		col := slices.Index(rows[0], "person")
		for _, r := range rows[1:] {
			everyone = append(everyone, r[col])
		}
	}
	scope, err := svc.PeopleInScope(ctx, areas, everyone)
	if err != nil {
		t.Fatal(err)
	}
	outside := 0
	for _, id := range everyone {
		if scope[id] == graph.OutOfScope {
			outside++
		}
	}
	if outside == 0 {
		t.Fatal("everyone in the county's workbook is in the tracer's scope: the test proves nothing")
	}

	seen, contacts := 0, 0
	var read []string
	for name, rows := range sheets {
		if !slices.Equal(rows[0], graph.ExportColumns[name]) {
			t.Errorf("%s: header %q, want %q", name, rows[0], graph.ExportColumns[name])
		}
		col := func(c string) int { return slices.Index(rows[0], c) }
		for _, r := range rows[1:] {
			id := r[col("person")]
			read = append(read, id)
			seen++
			switch scope[id] {
			case graph.OutOfScope:
				t.Errorf("%s: the tracer's workbook holds %s, outside their scope: %q", name, id, r)
			case graph.ContactOf:
				contacts++
				if n := r[col("id_number")]; n != "" && strings.Count(n, "*") != 8 {
					t.Errorf("%s: contact %s's ID number unmasked: %q", name, id, n)
				}
				if p := r[col("phone")]; p != "" && !strings.Contains(p, "****") {
					t.Errorf("%s: contact %s's phone unmasked: %q", name, id, p)
				}
			case graph.InArea:
				if n := r[col("id_number")]; strings.Contains(n, "*") {
					t.Errorf("%s: %s lives in the tracer's areas, ID number masked: %q", name, id, n)
				}
			}
		}
	}
	if seen == 0 || contacts == 0 {
		t.Fatalf("the tracer's workbook has %d rows, %d of contacts: the test proves nothing", seen, contacts)
	}

	// The sweep of 白塔乡 for its own tracer; a tracer of another town gets none of it.
	newClientAs(t, svc, tracer).MustPost(exportWorkbookQuery, &resp)
	sheets, _ = workbookSheets(t, resp.ExportWorkbook)
	if len(sheets["notVisited"]) < 2 || len(sheets["notAccountedFor"]) < 2 {
		t.Fatalf("白塔乡's tracer: missed households %q, people %q", sheets["notVisited"], sheets["notAccountedFor"])
	}
	other := &graph.Principal{Subject: "tracer-other", Role: graph.RoleTracer, Areas: []string{"411530101"}}
	newClientAs(t, svc, other).MustPost(exportWorkbookQuery, &resp)
	sheets, _ = workbookSheets(t, resp.ExportWorkbook)
	for _, n := range []string{"notVisited", "notAccountedFor", "returnees", "awayResidents", "workerLedger"} {
		if len(sheets[n]) != 1 {
			t.Errorf("柳林镇's tracer reads 白塔乡's %s: %q", n, sheets[n])
		}
	}
	for _, r := range sheets["sweepCoverage"][1:] {
		if r[5] != "0" {
			t.Errorf("柳林镇's tracer counts 白塔乡's households: %q", r)
		}
	}

	// A dashboard may not export people: FORBIDDEN, no workbook.
	raw, err := newClientAs(t, svc, &graph.Principal{Subject: "screen", Role: graph.RoleDashboard}).RawPost(exportWorkbookQuery)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw.Errors), "FORBIDDEN") || strings.Contains(fmt.Sprint(raw.Data), "UEsDB") {
		t.Fatalf("a dashboard's workbook: data %s errors %s", raw.Data, raw.Errors)
	}

	// The tracer's read is audited against the people in it, and only them.
	var log struct {
		AuditLog []struct {
			Actor, Operation string
			PersonIds        []string
		}
	}
	newClient(t, svc).MustPost(`{ auditLog(actor: "tracer-book") { actor operation personIds } }`, &log)
	var audited []string
	for _, r := range log.AuditLog {
		if strings.Contains(r.Operation, "exportWorkbook") {
			audited = append(audited, r.PersonIds...)
		}
	}
	for _, id := range read {
		if !slices.Contains(audited, id) {
			t.Errorf("the tracer read %s in the workbook, no audit record names them (%v)", id, audited)
			break
		}
	}
	for _, id := range audited {
		if scope[id] == graph.OutOfScope && slices.Contains(everyone, id) {
			t.Errorf("the audit names %s, outside the tracer's scope", id)
		}
	}
}
