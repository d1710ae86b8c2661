package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph/graphtest"
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
	if err := run(context.Background(), []string{"tracegraph", "export", "quarantines", "--format", "xml"}, getenv, &out, &errOut); err == nil || !strings.Contains(err.Error(), "--format") {
		t.Fatalf("bad format: %v", err)
	}
}
