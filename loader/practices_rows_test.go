package loader

import (
	"strings"
	"testing"
)

// The rows of SPEC §3's visits.csv, employers.csv and employment.csv: every value rule
// and reject reason, one row appended to the base bundle at a time.
func TestPracticeRows(t *testing.T) {
	cases := []struct{ file, row, col, reason string }{
		// visits: the household's row
		{"visits.csv", "H1,2020-01-22 09:00,,visited,,", "", ""},
		{"visits.csv", "H1,2020-01-22 09:00,,no_answer,,", "", ""},
		{"visits.csv", "H1,2020-01-22 09:00,,,,", "", ""}, // visited by default
		{"visits.csv", "H1,2020-01-22 09:00,,present,,", "status", "person_id"},
		{"visits.csv", "H1,2020-01-22 09:00,,away,,", "status", "person_id"},
		{"visits.csv", "H1,2020-01-22 09:00,,knocked,,", "status", "unknown value"},
		{"visits.csv", "H1,2020-01-22 09:00,,VISITED,,", "status", "unknown value"},
		{"visits.csv", "H1,2020-01-22 09:00,,visited,,36.6", "temperature", "present person"},
		// visits: a member's row
		{"visits.csv", "H1,2020-01-22 09:00,P2,present,O1,37.4", "", ""},
		{"visits.csv", "H1,2020-01-22 09:00,P2,away,,", "", ""},
		{"visits.csv", "H1,2020-01-22 09:00,P2,,,30", "", ""},
		{"visits.csv", "H1,2020-01-22 09:00,P2,,,45", "", ""},
		{"visits.csv", "H1,2020-01-22 09:00,P2,no_answer,,", "status", "household"},
		{"visits.csv", "H1,2020-01-22 09:00,P2,visited,,", "status", "household"},
		{"visits.csv", "H1,2020-01-22 09:00,P2,away,,37", "temperature", "present person"},
		{"visits.csv", "H1,2020-01-22 09:00,P2,,,29.9", "temperature", "out of range"},
		{"visits.csv", "H1,2020-01-22 09:00,P2,,,45.1", "temperature", "out of range"},
		{"visits.csv", "H1,2020-01-22 09:00,P2,,,warm", "temperature", "bad number"},
		// references, times, membership
		{"visits.csv", "H9,2020-01-22 09:00,,,,", "household_id", "unknown reference"},
		{"visits.csv", "H1,2020-01-22 09:00,P9,,,", "person_id", "unknown reference"},
		{"visits.csv", "H1,2020-01-22 09:00,,,O9,", "officer_id", "unknown reference"},
		{"visits.csv", "H1,2020-01-22,,,,", "at", "bare date"},
		{"visits.csv", "H1,1899-12-31 09:00,,,,", "at", "out of range"},
		{"visits.csv", ",2020-01-22 09:00,,,,", "household_id", "required"},
		{"visits.csv", "H1,,,,,", "at", "required"},
		{"visits.csv", "H1,2020-01-22 09:00,P2,,", "row", "wrong column count"},
		// employers
		{"employers.csv", "EM2,电子厂,A1", "", ""},
		{"employers.csv", "EM2,电子厂,A9", "area_code", "unknown reference"},
		{"employers.csv", "EM2,,A1", "name", "required"},
		{"employers.csv", "EM2," + strings.Repeat("厂", 101) + ",A1", "name", "too long"},
		{"employers.csv", strings.Repeat("E", 65) + ",x,A1", "id", "too long"},
		// employment
		{"employment.csv", "P2,EM1,", "", ""},
		{"employment.csv", "P2,EM1,2019-06-01", "", ""},
		{"employment.csv", "P2,EM9,2019-06-01", "employer_id", "unknown reference"},
		{"employment.csv", "P9,EM1,2019-06-01", "person_id", "unknown reference"},
		{"employment.csv", "P2,EM1,2019-06-01 08:00", "since", "bad date"},
		{"employment.csv", "P2,EM1,2101-01-01", "since", "out of range"},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.row, func(t *testing.T) { checkOneRow(t, with(c.file, c.row), c.file, c.col, c.reason) })
	}
}

// checkOneRow checks that the bundle's last row of file is good (col "") or is the one
// reject, naming col with a reason containing reason.
func checkOneRow(t *testing.T, files map[string]string, file, col, reason string) {
	t.Helper()
	line := strings.Count(files[file], "\n")
	rejects, _ := checkBundle(t, files)
	if col == "" {
		if len(rejects) != 0 {
			t.Fatalf("want no reject, got %v", rejects)
		}
		return
	}
	if len(rejects) != 1 {
		t.Fatalf("want exactly one reject, got %d: %v", len(rejects), rejects)
	}
	r := rejects[0]
	if r.File != file || r.Line != line || r.Column != col || !strings.Contains(r.Reason, reason) {
		t.Fatalf("got %q, want %s:%d: %s: …%s…", r.String(), file, line, col, reason)
	}
}

// A visit's person must be a member of that household when the row is loaded: as the
// bundle's people.csv leaves them (a member who moved household is no longer one).
func TestVisitMembership(t *testing.T) {
	moved := with("households.csv", "H2,2号,A2")
	moved["people.csv"] += "P3,王五,,,,,H2\n"
	t.Run("member of another household", func(t *testing.T) {
		f := copyFiles(moved)
		f["visits.csv"] += "H1,2020-01-22 09:00,P3,present,,\n"
		checkOneRow(t, f, "visits.csv", "person_id", "not a member of the household")
	})
	t.Run("member who moved out: their later row decides", func(t *testing.T) {
		f := copyFiles(moved)
		f["people.csv"] += "P2,李四,,,,,H2\n" // P2 moves from H1 to H2
		f["visits.csv"] = "household_id,at,person_id,status,officer_id,temperature\nH1,2020-01-22 09:00,P2,away,,\n"
		checkOneRow(t, f, "visits.csv", "person_id", "not a member of the household")
	})
	t.Run("member who moved in", func(t *testing.T) {
		f := copyFiles(moved)
		f["people.csv"] += "P3,王五,,,,,H1\n"
		f["visits.csv"] += "H1,2020-01-22 09:00,P3,present,,\n"
		checkOneRow(t, f, "visits.csv", "", "")
	})
	t.Run("person without a household", func(t *testing.T) {
		f := copyFiles(moved)
		f["people.csv"] += "P4,赵六,,,,,\n"
		f["visits.csv"] += "H1,2020-01-22 09:00,P4,present,,\n"
		checkOneRow(t, f, "visits.csv", "person_id", "not a member of the household")
	})
	t.Run("the first failing column is named", func(t *testing.T) {
		f := copyFiles(moved)
		f["visits.csv"] += "H1,2020-01-22,P3,present,,\n" // at comes before person_id
		checkOneRow(t, f, "visits.csv", "at", "bare date")
	})
}

func copyFiles(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
