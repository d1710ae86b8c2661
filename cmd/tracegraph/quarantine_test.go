package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

func TestQuarantineCommandRefusesBadArguments(t *testing.T) {
	getenv := func(string) string { return "" }
	for _, args := range [][]string{
		{"tracegraph", "quarantine", "--as-of", "2020-01-26"}, // a bare date is not a moment
		{"tracegraph", "quarantine", "--as-of", "yesterday"},
		{"tracegraph", "quarantine", "extra"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, getenv, &out, &errOut)
		var ec exitCoder
		if err == nil || !errors.As(err, &ec) || ec.ExitCode() != 2 {
			t.Fatalf("%v: err = %v, want exit 2", args, err)
		}
		if strings.Contains(args[len(args)-1], "2020") && !strings.Contains(err.Error(), "--as-of") {
			t.Fatalf("%v: error %q does not name --as-of", args, err)
		}
	}
}

func TestExportQuarantinesCSVMasksByDefault(t *testing.T) {
	db := graphtest.MustOpen(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2020, 1, 26, 12, 0, 0, 0, sh)
	graphtest.Run(t, db, `
		CREATE (a:Area {code: 'V1', name: 'v', level: 'village'})
		CREATE (h:Household {id: 'H1', address: '1 Well Lane', areaCode: 'V1'})-[:IN]->(a)
		CREATE (p:Person {id: 'P1', name: '钟艳', idNumber: '411599196106044145', phone: '13918442154', householdId: 'H1'})-[:MEMBER_OF]->(h)
		CREATE (f:Facility {id: 'F1', name: 'hotel', areaCode: 'V1', capacity: 1})-[:IN]->(a)
		CREATE (p)-[:ASSIGNED]->(:Quarantine {id: 'Q0001', seq: 1, personId: 'P1', kind: 'centralized', status: 'active',
			start: $at, end: $end, placedAt: $at, facilityId: 'F1'})-[:AT]->(f)`,
		map[string]any{"at": at, "end": at.Add(14 * 24 * time.Hour)})
	cfg := graphtest.Config()
	getenv := func(k string) string {
		switch k {
		case "NEO4J_URI":
			return cfg.URI
		case "TRACEGRAPH_LOG_LEVEL":
			return "error"
		}
		return ""
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"tracegraph", "export", "quarantines", "--as-of", "2020-01-27 09:00", "--area", "V1"}, getenv, &out, &errOut)
	if err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	want := "assignment,person,name,id_number,phone,address,area,kind,status,start,end,placed_at,facility,facility_name,officers,tests_due\n" +
		"Q0001,P1,钟艳,411599********4145,139****2154,1 Well Lane,V1,centralized,active,2020-01-26 12:00,2020-02-09 12:00,2020-01-26 12:00,F1,hotel,,2020-02-01 2020-02-08\n"
	if out.String() != want {
		t.Fatalf("csv =\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	if err := run(context.Background(), []string{"tracegraph", "export", "quarantines", "--as-of", "2020-01-27 09:00", "--format", "json", "--unmasked"}, getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"id_number": "411599196106044145"`) {
		t.Fatalf("json --unmasked = %s", out.String())
	}
	// --format xlsx: the CSV's rows, masked the same way, in one sheet.
	book := filepath.Join(t.TempDir(), "q.xlsx")
	if err := run(context.Background(), []string{"tracegraph", "export", "quarantines", "--as-of", "2020-01-27 09:00", "--area", "V1", "--format", "xlsx", "--out", book}, getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("quarantines")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var asCSV strings.Builder
	cw := csv.NewWriter(&asCSV)
	_ = cw.WriteAll(rows)
	if asCSV.String() != want {
		t.Fatalf("xlsx =\n%s\nwant the CSV\n%s", asCSV.String(), want)
	}
	if err := run(context.Background(), []string{"tracegraph", "export", "quarantines", "--format", "xml"}, getenv, &out, &errOut); err == nil || !strings.Contains(err.Error(), "--format") {
		t.Fatalf("bad format: %v", err)
	}
}

func TestQuarantineCommandRunsAndDryRuns(t *testing.T) {
	db := graphtest.MustOpen(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	if _, err := loader.Load(context.Background(), db, "../../testdata/conformance/case01/bundle", loader.Options{Loc: sh}); err != nil {
		t.Fatal(err)
	}
	cfg := graphtest.Config()
	getenv := func(k string) string {
		switch k {
		case "NEO4J_URI":
			return cfg.URI
		case "TRACEGRAPH_LOG_LEVEL":
			return "error"
		}
		return ""
	}
	runCmd := func(args ...string) string {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), append([]string{"tracegraph", "quarantine"}, args...), getenv, &out, &errOut); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errOut.String())
		}
		return out.String()
	}
	out := runCmd("--as-of", "2020-01-26 12:00", "--dry-run")
	if !strings.HasPrefix(out, "dry run (rolled back) as of 2020-01-26T12:00:00+08:00\ncreated     29\n") {
		t.Fatalf("dry run output:\n%s", out)
	}
	out = runCmd("--as-of", "2020-01-26T12:00:00+08:00")
	if !strings.HasPrefix(out, "run QR0001 as of") || !strings.Contains(out, "pending     17\n") {
		t.Fatalf("run output:\n%s", out)
	}
	out = runCmd("--as-of", "2020-01-26 12:00", "--json")
	var got struct {
		RunID   string           `json:"runId"`
		Created []map[string]any `json:"created"`
		Pending []map[string]any `json:"pending"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.RunID != "" || len(got.Created) != 0 || len(got.Pending) != 17 {
		t.Fatalf("second run: %+v", got)
	}
}
