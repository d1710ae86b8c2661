package graph

import (
	"strings"
	"testing"
	"time"
)

// Issue 11 item 10: an export's cells must never become spreadsheet formulas, and a
// masked export masks officers' phones too.
func TestExportRecordsNeutraliseFormulasAndMaskOfficers(t *testing.T) {
	for _, in := range []string{"=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"} {
		if got := NeutraliseCell(in); got != "'"+in {
			t.Errorf("NeutraliseCell(%q) = %q, want a leading quote", in, got)
		}
	}
	for _, in := range []string{"Wang Fang", "", "13900002154", "2020-01-27 09:00"} {
		if got := NeutraliseCell(in); got != in {
			t.Errorf("NeutraliseCell(%q) = %q, want it unchanged", in, got)
		}
	}
	start := time.Date(2020, 1, 27, 9, 0, 0, 0, time.UTC)
	rows := []ExportRow{{QuarantineID: "Q1", PersonID: "P1", Name: "=HYPERLINK(\"http://evil\",\"x\")", IDNumber: "411599199001011234",
		Phone: "13900002154", Address: "+cmd|' /C calc'!A0", AreaCode: "V1", Kind: "home", Status: "proposed", Start: start, End: start.Add(24 * time.Hour),
		Officers: []Officer{{ID: "O1", Name: "@Li", Role: "doctor", Phone: "13812345678"}}}}
	recs := ExportRecords(rows, time.UTC, true)
	if len(recs) != 1 || len(recs[0]) != len(ExportHeader) {
		t.Fatalf("records %v", recs)
	}
	for i, cell := range recs[0] {
		if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
			t.Errorf("column %s starts a formula: %q", ExportHeader[i], cell)
		}
	}
	joined := strings.Join(recs[0], ",")
	for _, whole := range []string{"411599199001011234", "13900002154", "13812345678"} {
		if strings.Contains(joined, whole) {
			t.Errorf("masked export carries %q whole: %s", whole, joined)
		}
	}
	if !strings.Contains(joined, MaskPhone("13812345678")) {
		t.Errorf("officer phone not masked: %s", joined)
	}
	un := strings.Join(ExportRecords(rows, time.UTC, false)[0], ",")
	if !strings.Contains(un, "13812345678") || !strings.Contains(un, "411599199001011234") {
		t.Errorf("unmasked export hides values: %s", un)
	}
}
