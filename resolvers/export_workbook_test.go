package resolvers_test

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// sheetRows decodes a base64 workbook and returns its one sheet's rows.
func sheetRows(t *testing.T, b64 string) [][]string {
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
	if names := f.GetSheetList(); !slices.Equal(names, []string{graph.ExportSheet}) {
		t.Fatalf("sheets %v, want [%s]", names, graph.ExportSheet)
	}
	rows, err := f.GetRows(graph.ExportSheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// quarantineExportWorkbook is the quarantine list as .xlsx: the columns of the CSV
// export, masked, scoped and audited as quarantineExport is, formula-safe (issue 19).
func TestQuarantineExportWorkbook(t *testing.T) {
	svc := quarantineFixture(t)
	graphtest.Run(t, svc.DB, `MATCH (p:Person {id: 'P1'}) SET p.idNumber = '411599196106044145', p.phone = '13918442154', p.name = '=HYPERLINK("x")'
		WITH p MATCH (p2:Person {id: 'P2'}) SET p2.idNumber = '411599196106044145', p2.phone = '13918442154'`, nil)
	const q = `{ quarantineExportWorkbook(asOf: "2020-01-27T09:00:00+08:00") }`
	var resp struct{ QuarantineExportWorkbook string }

	newClientAs(t, svc, &graph.Principal{Subject: "epi-xlsx", Role: graph.RoleEpidemiologist}).MustPost(q, &resp)
	rows := sheetRows(t, resp.QuarantineExportWorkbook)
	if !slices.Equal(rows[0], graph.ExportHeader) || len(rows) != 4 {
		t.Fatalf("epidemiologist's workbook: %q", rows)
	}
	col := func(name string) int { return slices.Index(graph.ExportHeader, name) }
	if rows[1][col("person")] != "P1" || rows[1][col("name")] != `'=HYPERLINK("x")` || rows[1][col("id_number")] != "411599196106044145" {
		t.Errorf("P1's row (whole for an epidemiologist, formula neutralised): %q", rows[1])
	}

	// A tracer of V1 gets the people of V1 (P1, P3) and not P2, who lives in V2.
	tracer := &graph.Principal{Subject: "tracer-xlsx", Role: graph.RoleTracer, Areas: []string{"V1"}}
	newClientAs(t, svc, tracer).MustPost(q, &resp)
	rows = sheetRows(t, resp.QuarantineExportWorkbook)
	var people []string
	for _, r := range rows[1:] {
		people = append(people, r[col("person")])
	}
	if !slices.Equal(people, []string{"P1", "P3"}) {
		t.Errorf("tracer of V1 got %v, want [P1 P3]", people)
	}
	if rows[1][col("phone")] != "13918442154" {
		t.Errorf("a tracer's own area's phone is whole: %q", rows[1])
	}

	// A dashboard may not export people.
	var any map[string]any
	if err := newClientAs(t, svc, &graph.Principal{Subject: "screen", Role: graph.RoleDashboard}).Post(q, &any); err == nil {
		t.Fatal("a dashboard read the workbook")
	}

	// Both reads are audited against the people in them; the tracer's not against P2.
	var log struct {
		AuditLog []struct {
			Actor, Operation string
			PersonIds        []string
		}
	}
	newClient(t, svc).MustPost(`{ auditLog(personId: "P2") { actor operation personIds } }`, &log)
	var actors []string
	for _, r := range log.AuditLog {
		if strings.Contains(r.Operation, "quarantineExportWorkbook") {
			actors = append(actors, r.Actor)
		}
	}
	if !slices.Equal(actors, []string{"epi-xlsx"}) {
		t.Errorf("audit records of P2 for the workbook: %+v", log.AuditLog)
	}
	newClient(t, svc).MustPost(`{ auditLog(personId: "P3") { actor operation personIds } }`, &log)
	actors = nil
	for _, r := range log.AuditLog {
		if strings.Contains(r.Operation, "quarantineExportWorkbook") {
			actors = append(actors, r.Actor)
		}
	}
	slices.Sort(actors)
	if !slices.Equal(actors, []string{"epi-xlsx", "tracer-xlsx"}) {
		t.Errorf("audit records of P3 for the workbook: %+v", log.AuditLog)
	}
}
