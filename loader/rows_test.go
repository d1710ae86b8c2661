package loader

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/graph"
)

// baseBundle is a small good bundle with every file; tests append one row to a file.
var baseBundle = map[string]string{
	"areas.csv":             "code,name,level,parent_code\nA1,县,county,\nA2,镇,town,A1\n",
	"risk_designations.csv": "area_code,level,since\nA1,high,2020-01-20\n",
	"households.csv":        "id,address,area_code\nH1,1号,A2\n",
	"people.csv":            "id,name,id_number,phone,sex,birth_date,household_id\nP1,张三,11010519491231002X,139,M,1949-12-31,H1\nP2,李四,,,,,H1\n",
	"cases.csv":             "person_id,status,onset_date,confirmed_at,isolated_at\nP1,confirmed,2020-01-20,2020-01-22 10:00,\n",
	"trips.csv":             "id,person_id,mode,number,seat,from_area,to_area,depart_at,arrive_at\nT1,P1,train,G 101,05-12A,A1,A2,2020-01-20 08:00,2020-01-20 12:00\n",
	"events.csv":            "id,kind,place,area_code,start,end,indoor\nE1,meal,家,A2,2020-01-21 18:00,2020-01-21 20:00,\n",
	"attendance.csv":        "person_id,event_id,from,to,proximity\nP1,E1,2020-01-21 18:00,2020-01-21 20:00,close\n",
	"contacts.csv":          "person_a,person_b,at,duration_min,setting,protected\nP1,P2,2020-01-21 18:00,30,meal,\n",
	"tests.csv":             "id,person_id,kind,sampled_at,result\nTS1,P1,pcr,2020-01-22 09:00,positive\n",
	"checkpoints.csv":       "id,name,area_code\nC1,村口,A2\n",
	"passages.csv":          "checkpoint_id,at,person_id,plate,temperature,turned_back\nC1,2020-01-21 09:00,P1,,37.5,no\n",
	"facilities.csv":        "id,name,area_code,capacity\nF1,酒店,A1,10\n",
	"officers.csv":          "id,name,role,area_code,phone\nO1,王,cadre,A2,\n",
	"responsibilities.csv":  "officer_id,person_id\nO1,P1\n",
	"health_reports.csv":    "person_id,date,temperature,symptoms\nP1,2020-01-21,36.8,\n",
	"visits.csv":            "household_id,at,person_id,status,officer_id,temperature\nH1,2020-01-21 09:00,,,O1,\nH1,2020-01-21 09:00,P2,,,36.5\n",
	"employers.csv":         "id,name,area_code\nEM1,服装厂,A2\n",
	"employment.csv":        "person_id,employer_id,since\nP1,EM1,2019-06-01\n",
}

// checkBundle validates a bundle given as file contents, in dependency order, against
// a database that holds nothing (references to the database are tested on Neo4j).
func checkBundle(t *testing.T, files map[string]string) ([]Reject, map[string][]any) {
	t.Helper()
	l := newRun(nil, Options{Loc: shanghai(t)})
	l.lookup = func(context.Context, graph.KeyKind, []string) (map[string]bool, error) { return nil, nil }
	var rejects []Reject
	values := map[string][]any{}
	for _, tb := range tables {
		content, ok := files[tb.file]
		if !ok {
			continue
		}
		rows, refusal, err := parseCSV(tb, strings.NewReader(content), l.opts.Loc)
		if err != nil {
			t.Fatal(err)
		}
		vs, fr, rj, err := l.check(context.Background(), tb, rows, refusal)
		if err != nil {
			t.Fatal(err)
		}
		if fr.Read != fr.Written+fr.Rejected && refusal == nil {
			t.Errorf("%s: read %d ≠ written %d + rejected %d", tb.file, fr.Read, fr.Written, fr.Rejected)
		}
		rejects = append(rejects, rj...)
		values[tb.file] = vs
	}
	return rejects, values
}

func with(file string, lines ...string) map[string]string {
	out := make(map[string]string, len(baseBundle))
	for k, v := range baseBundle {
		out[k] = v
	}
	for _, l := range lines {
		out[file] += l + "\n"
	}
	return out
}

func TestBaseBundleIsClean(t *testing.T) {
	rejects, values := checkBundle(t, baseBundle)
	if len(rejects) != 0 {
		t.Fatalf("rejects: %v", rejects)
	}
	if len(values) != len(tables) {
		t.Fatalf("%d files checked, want %d", len(values), len(tables))
	}
}

// TestRejectReasons appends one row to the base bundle and expects either no reject
// (want "") or exactly one, `file:line: column: …reason…`.
func TestRejectReasons(t *testing.T) {
	cases := []struct{ file, row, col, reason string }{
		// areas
		{"areas.csv", "A3,村,village,A2", "", ""},
		{"areas.csv", "A3,村,Village,A2", "level", "unknown value"},
		{"areas.csv", "A3,村,hamlet,A2", "level", "unknown value"},
		{"areas.csv", "A3,村,village,NOPE", "parent_code", "unknown reference"},
		{"areas.csv", "A3,村,village,A3", "parent_code", "own parent"},
		{"areas.csv", ",村,village,A2", "code", "required"},
		{"areas.csv", "A3,,hamlet,NOPE", "name", "required"},
		{"areas.csv", "A3,村,village", "row", "wrong column count"},
		{"areas.csv", "A3,村,village,A2,extra", "row", "wrong column count"},
		// risk designations
		{"risk_designations.csv", "A2,medium,2020-01-21 09:00", "", ""},
		{"risk_designations.csv", "A2,medium,2020-01-21", "", ""},
		{"risk_designations.csv", "A9,medium,2020-01-21", "area_code", "unknown reference"},
		{"risk_designations.csv", "A2,severe,2020-01-21", "level", "unknown value"},
		{"risk_designations.csv", "A2,high,2020-01-21 25:00", "since", "bad time"},
		{"risk_designations.csv", "A2,high,", "since", "required"},
		// households
		{"households.csv", "H2,,A1", "", ""},
		{"households.csv", "H2,x,A9", "area_code", "unknown reference"},
		{"households.csv", "H2,x,", "area_code", "required"},
		// people
		{"people.csv", "P3,王五,11010519491231002x,,,1949-12-31,H1", "", ""},
		{"people.csv", "P3,王五,,,,,", "", ""},
		{"people.csv", "P3,王五,110105194912310021,,,,H1", "id_number", "invalid ID number"},
		{"people.csv", "P3,王五,1101051949123100,,,,H1", "id_number", "invalid ID number"},
		{"people.csv", "P3,王五,11010519491231002X,,,1950-01-01,H1", "birth_date", "does not match"},
		{"people.csv", "P3,王五,,,,1950-02-30,H1", "birth_date", "bad date"},
		{"people.csv", "P3,王五,,,,,H9", "household_id", "unknown reference"},
		{"people.csv", "P3,王五,11010519491231002Y,,,,H9", "id_number", "invalid ID number"},
		{"people.csv", "P3,,,,,,", "name", "required"},
		// cases
		{"cases.csv", "P2,asymptomatic,,,", "", ""},
		{"cases.csv", "P9,confirmed,,,", "person_id", "unknown reference"},
		{"cases.csv", "P2,Confirmed,,,", "status", "unknown value"},
		{"cases.csv", "P2,confirmed,2020-01-20 10:00,,", "onset_date", "bad date"},
		{"cases.csv", "P2,confirmed,,2020-01-22,", "confirmed_at", "bare date"},
		{"cases.csv", "P2,confirmed,,,yesterday", "isolated_at", "bad time"},
		{"cases.csv", "P9,sick,x,y,z", "person_id", "unknown reference"},
		// trips
		{"trips.csv", "T2,P2,flight,MU 5001,12C,,,2020-01-20T08:00:00+08:00,2020-01-20T08:00:00+08:00", "", ""},
		{"trips.csv", "T2,P2,plane,MU 5001,12C,,,2020-01-20 08:00,2020-01-20 10:00", "mode", "unknown value"},
		{"trips.csv", "T2,P9,flight,,,,,2020-01-20 08:00,2020-01-20 10:00", "person_id", "unknown reference"},
		{"trips.csv", "T2,P2,flight,,,A9,,2020-01-20 08:00,2020-01-20 10:00", "from_area", "unknown reference"},
		{"trips.csv", "T2,P2,flight,,,,A9,2020-01-20 08:00,2020-01-20 10:00", "to_area", "unknown reference"},
		{"trips.csv", "T2,P2,flight,,,,,2020-01-20 08:00,2020-01-20 07:59:59", "arrive_at", "end before start"},
		{"trips.csv", "T2,P2,flight,,,,,2020-01-20,2020-01-21 10:00", "depart_at", "bare date"},
		{"trips.csv", "T2,P2,flight,,,,,2020-01-20 08:00,", "arrive_at", "required"},
		// events
		{"events.csv", "E2,market,,,2020-01-21 08:00,2020-01-21 08:00,是", "", ""},
		{"events.csv", "E2,market,,,2020-01-21 08:00,2020-01-21 07:59,是", "end", "end before start"},
		{"events.csv", "E2,market,,,2020-01-21 08:00,2020-01-21 09:00,maybe", "indoor", "bad boolean"},
		{"events.csv", "E2,market,,A9,2020-01-21 08:00,2020-01-21 09:00,", "area_code", "unknown reference"},
		{"events.csv", ",market,,,2020-01-21 08:00,2020-01-21 09:00,", "id", "required"},
		// attendance
		{"attendance.csv", "P2,E1,2020-01-21 18:00,2020-01-21 19:00,", "", ""},
		{"attendance.csv", "P2,E1,2020-01-21 19:00,2020-01-21 18:00,", "to", "end before start"},
		{"attendance.csv", "P2,E1,2020-01-21 18:00,2020-01-21 19:00,near", "proximity", "unknown value"},
		{"attendance.csv", "P2,E9,2020-01-21 18:00,2020-01-21 19:00,", "event_id", "unknown reference"},
		{"attendance.csv", "P9,E9,2020-01-21 18:00,2020-01-21 19:00,", "person_id", "unknown reference"},
		// contacts
		{"contacts.csv", "P2,P1,2020-01-21 19:00,,,", "", ""},
		{"contacts.csv", "P2,P1,2020-01-21 19:00,0,household,TRUE", "", ""},
		{"contacts.csv", "P1,P1,2020-01-21 18:00,,,", "person_b", "themselves"},
		{"contacts.csv", "P9,P1,2020-01-21 18:00,,,", "person_a", "unknown reference"},
		{"contacts.csv", "P1,P9,2020-01-21 18:00,,,", "person_b", "unknown reference"},
		{"contacts.csv", "P1,P2,2020-01-21 18:00,-5,,", "duration_min", "out of range"},
		{"contacts.csv", "P1,P2,2020-01-21 18:00,-0.01,,", "duration_min", "out of range"},
		{"contacts.csv", "P1,P2,2020-01-21 18:00,14.5,party,", "setting", "unknown value"},
		{"contacts.csv", "P1,P2,2020-01-21 18:00,14.5,meal,sometimes", "protected", "bad boolean"},
		{"contacts.csv", "P1,P2,2020-01-21,14.5,meal,", "at", "bare date"},
		// tests
		{"tests.csv", "TS2,P2,antibody,2020-01-22 09:00,pending", "", ""},
		{"tests.csv", "TS2,P2,serology,2020-01-22 09:00,positive", "kind", "unknown value"},
		{"tests.csv", "TS2,P2,pcr,2020-01-22 09:00,unknown", "result", "unknown value"},
		{"tests.csv", "TS2,P2,pcr,2020-01-22,positive", "sampled_at", "bare date"},
		{"tests.csv", "TS2,P9,pcr,2020-01-22 09:00,positive", "person_id", "unknown reference"},
		// checkpoints
		{"checkpoints.csv", "C2,x,A9", "area_code", "unknown reference"},
		// passages
		{"passages.csv", "C1,2020-01-21 10:00,,豫S12345,,否", "", ""},
		{"passages.csv", "C1,2020-01-21 10:00,P2,,30,", "", ""},
		{"passages.csv", "C1,2020-01-21 10:01,P2,,45,", "", ""},
		{"passages.csv", "C1,2020-01-21 10:00,P2,,29.9,", "temperature", "out of range"},
		{"passages.csv", "C1,2020-01-21 10:00,P2,,45.1,", "temperature", "out of range"},
		{"passages.csv", "C1,2020-01-21 10:00,,,37,", "plate", "required"},
		{"passages.csv", "C9,2020-01-21 10:00,P2,,,", "checkpoint_id", "unknown reference"},
		{"passages.csv", "C1,2020-01-21 10:00,P9,,,", "person_id", "unknown reference"},
		{"passages.csv", "C1,2020-01-21 10:00,P2,,,maybe", "turned_back", "bad boolean"},
		// facilities
		{"facilities.csv", "F2,x,A1,0", "", ""},
		{"facilities.csv", "F2,x,A1,-1", "capacity", "out of range"},
		{"facilities.csv", "F2,x,A1,2.5", "capacity", "bad integer"},
		{"facilities.csv", "F2,x,A1,", "capacity", "required"},
		{"facilities.csv", "F2,x,A9,1", "area_code", "unknown reference"},
		// officers
		{"officers.csv", "O2,x,medical,A1,", "", ""},
		{"officers.csv", "O2,x,doctor,A1,", "role", "unknown value"},
		{"officers.csv", "O2,x,medical,A9,", "area_code", "unknown reference"},
		// responsibilities
		{"responsibilities.csv", "O9,P1", "officer_id", "unknown reference"},
		{"responsibilities.csv", "O1,P9", "person_id", "unknown reference"},
		// health reports
		{"health_reports.csv", "P2,2020-01-21,,咳嗽", "", ""},
		{"health_reports.csv", "P2,2020-01-21 08:00,,", "date", "bad date"},
		{"health_reports.csv", "P2,2020-01-21,46,", "temperature", "out of range"},
		{"health_reports.csv", "P2,2020-01-21,hot,", "temperature", "bad number"},
		{"health_reports.csv", "P9,2020-01-21,,", "person_id", "unknown reference"},
	}
	cases = append(cases, boundCases()...)
	for _, c := range cases {
		name := c.row
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(c.file+"/"+name, func(t *testing.T) {
			files := with(c.file, c.row)
			line := strings.Count(files[c.file], "\n")
			rejects, _ := checkBundle(t, files)
			if c.col == "" {
				if len(rejects) != 0 {
					t.Fatalf("want no reject, got %v", rejects)
				}
				return
			}
			if len(rejects) != 1 {
				t.Fatalf("want exactly one reject, got %d: %v", len(rejects), rejects)
			}
			r := rejects[0]
			if r.File != c.file || r.Line != line || r.Column != c.col || !strings.Contains(r.Reason, c.reason) {
				t.Fatalf("got %q, want %s:%d: %s: …%s…", r.String(), c.file, line, c.col, c.reason)
			}
			if len(r.Raw) == 0 {
				t.Errorf("reject carries no raw row")
			}
		})
	}
}

func TestHeaderRefusals(t *testing.T) {
	cases := []struct{ header, col, reason string }{
		{"id,name,nickname", "nickname", "unknown column"},
		{"id,name,name", "name", "duplicated column"},
		{"id,phone", "name", "missing required column"},
		{"id,,name", "column 2", "empty column name"},
	}
	for _, c := range cases {
		files := map[string]string{"people.csv": c.header + "\nP1,张三,x\n"}
		rejects, values := checkBundle(t, files)
		want := "people.csv:1: " + c.col + ": " + c.reason
		if len(rejects) != 1 || rejects[0].String() != want {
			t.Errorf("header %q: got %v, want [%s]", c.header, rejects, want)
		}
		if len(values["people.csv"]) != 0 {
			t.Errorf("header %q: a refused file loaded rows", c.header)
		}
	}
	// Column order is free, optional columns may be left out, a BOM and blanks are
	// tolerated, and cells are trimmed.
	files := map[string]string{"people.csv": "\ufeffhousehold_id, name ,id\n, 张三 , P1 \n"}
	rejects, values := checkBundle(t, files)
	if len(rejects) != 0 || len(values["people.csv"]) != 1 {
		t.Fatalf("free column order: %v", rejects)
	}
	if p := values["people.csv"][0].(graph.Person); p.ID != "P1" || p.Name != "张三" || p.HouseholdID != "" {
		t.Errorf("got %+v", p)
	}
}

func TestRefusedFileRejectsItsReferences(t *testing.T) {
	files := map[string]string{"people.csv": "id,name,nick\nP1,张三,x\n", "cases.csv": baseBundle["cases.csv"]}
	rejects, _ := checkBundle(t, files)
	var got []string
	for _, r := range rejects {
		got = append(got, r.String())
	}
	if len(rejects) != 2 || rejects[0].String() != "people.csv:1: nick: unknown column" ||
		rejects[1].File != "cases.csv" || rejects[1].Column != "person_id" || !strings.Contains(rejects[1].Reason, "people.csv was refused") {
		t.Fatalf("got %q", got)
	}
}

func TestUnknownFileNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"people.csv", "peoples.csv", "People.csv", "cases.CSV", "notes.txt", "README.md"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "old.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	present, rejects := scanDir(entries)
	if !present["people.csv"] || len(present) != 1 {
		t.Errorf("present = %v", present)
	}
	var got []string
	for _, r := range rejects {
		got = append(got, r.String())
	}
	want := []string{"People.csv:1: file: unknown file", "cases.CSV:1: file: unknown file", "peoples.csv:1: file: unknown file"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestReferenceToRejectedRow(t *testing.T) {
	files := with("people.csv", "P3,王五,110105194912310021,,,,H1")
	files["cases.csv"] += "P3,confirmed,,,\n"
	files["contacts.csv"] += "P3,P1,2020-01-21 18:00,,,\n"
	rejects, _ := checkBundle(t, files)
	if len(rejects) != 3 {
		t.Fatalf("got %v", rejects)
	}
	for _, r := range rejects[1:] {
		if r.Column != "person_id" && r.Column != "person_a" || !strings.Contains(r.Reason, "rejected in this bundle") {
			t.Errorf("got %q", r.String())
		}
	}
}

func TestAreaParents(t *testing.T) {
	// A child before its parent is fine; a parent that is rejected takes its children
	// with it; a cycle inside the bundle never reaches a root.
	files := map[string]string{"areas.csv": "code,name,level,parent_code\n" +
		"V1,村,village,T1\n" + // line 2: parent later in the file
		"T1,镇,town,C1\n" +
		"C1,县,county,\n" +
		"V2,村,village,T2\n" + // line 5: parent rejected
		"T2,镇,tonw,C1\n" + // line 6: bad level
		"X1,甲,town,X2\n" + // line 7: cycle
		"X2,乙,town,X1\n"} // line 8
	rejects, values := checkBundle(t, files)
	var got []string
	for _, r := range rejects {
		got = append(got, r.File+":"+strconv.Itoa(r.Line)+": "+r.Column)
	}
	want := []string{"areas.csv:5: parent_code", "areas.csv:6: level", "areas.csv:7: parent_code", "areas.csv:8: parent_code"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
	if !strings.Contains(rejects[2].Reason, "parent cycle") || !strings.Contains(rejects[0].Reason, "rejected") {
		t.Errorf("reasons: %q, %q", rejects[0].Reason, rejects[2].Reason)
	}
	var order []string
	for _, v := range values["areas.csv"] {
		order = append(order, v.(graph.Area).Code)
	}
	if strings.Join(order, ",") != "C1,T1,V1" {
		t.Errorf("write order %v, want parents first", order)
	}
}

func TestLaterRowsWin(t *testing.T) {
	files := with("people.csv", "P1,张三丰,,,,,", "P2,李四,,,,,H1")
	files["contacts.csv"] += "P2,P1,2020-01-21 18:00,45,,\n" // same unordered pair and time
	rejects, values := checkBundle(t, files)
	if len(rejects) != 0 {
		t.Fatal(rejects)
	}
	people := values["people.csv"]
	if len(people) != 2 {
		t.Fatalf("people: %v", people)
	}
	for _, v := range people {
		p := v.(graph.Person)
		if p.ID == "P1" && (p.Name != "张三丰" || p.IDNumber != "" || p.HouseholdID != "") {
			t.Errorf("P1 = %+v, want the later row", p)
		}
	}
	cs := values["contacts.csv"]
	if len(cs) != 1 || *cs[0].(graph.Contact).DurationMin != 45 {
		t.Errorf("contacts = %+v, want the later row only", cs)
	}
	// A later bad row does not undo an earlier good one.
	files = with("people.csv", "P1,张三,bad-id,,,,")
	rejects, values = checkBundle(t, files)
	if len(rejects) != 1 || len(values["people.csv"]) != 2 {
		t.Errorf("rejects %v values %v", rejects, values["people.csv"])
	}
}

func TestLineNumbersAndMalformedCSV(t *testing.T) {
	files := map[string]string{"areas.csv": "code,name,level,parent_code\n" +
		"A1,\"多行\n名称\",county,\n" + // lines 2–3
		"A2,镇,twon,A1\n" + // line 4
		"A3,\"bad\"quote,town,A1\n" + // line 5
		"A4,镇,town,\n"}
	rejects, values := checkBundle(t, files)
	var got []string
	for _, r := range rejects {
		got = append(got, r.File+":"+strconv.Itoa(r.Line)+": "+r.Column)
	}
	// A line break inside a quoted cell is a control character (SPEC §3): the record
	// of lines 2–3 is rejected at its first line, and the next one is line 4.
	want := []string{"areas.csv:2: name", "areas.csv:4: level", "areas.csv:5: row"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q (%v)", got, want, rejects)
	}
	if !strings.HasPrefix(rejects[0].Reason, "bad character") {
		t.Errorf("a line break in a name: %q", rejects[0].Reason)
	}
	if len(values["areas.csv"]) != 1 {
		t.Errorf("values %v", values["areas.csv"])
	}
}

func TestStoredValues(t *testing.T) {
	loc := shanghai(t)
	_, values := checkBundle(t, with("trips.csv", "T2,P2,flight, mu 5001 ,12c,,,2020-01-20T00:00:00Z,2020-01-20 10:00"))
	var trip graph.Trip
	for _, v := range values["trips.csv"] {
		if v.(graph.Trip).ID == "T2" {
			trip = v.(graph.Trip)
		}
	}
	if trip.Number != "mu 5001" || graph.TripNumberKey(trip.Number) != "MU5001" || trip.Seat != "12c" {
		t.Errorf("trip %+v", trip)
	}
	if trip.DepartAt.Location().String() != loc.String() || trip.DepartAt.Hour() != 8 {
		t.Errorf("depart %v, want 08:00 in the service zone", trip.DepartAt)
	}
	_, values = checkBundle(t, baseBundle)
	ev := values["events.csv"][0].(graph.Event)
	if !ev.Indoor {
		t.Error("indoor defaults to true")
	}
	att := values["attendance.csv"][0].(graph.Attendance)
	if att.Proximity != "close" {
		t.Errorf("proximity %q", att.Proximity)
	}
	_, values = checkBundle(t, with("attendance.csv", "P2,E1,2020-01-21 18:00,2020-01-21 19:00,"))
	if a := values["attendance.csv"][1].(graph.Attendance); a.Proximity != "venue" {
		t.Errorf("proximity defaults to venue, got %q", a.Proximity)
	}
	c := values["contacts.csv"][0].(graph.Contact)
	if c.Protected || c.Setting != "meal" || *c.DurationMin != 30 {
		t.Errorf("contact %+v", c)
	}
	p := values["people.csv"][0].(graph.Person)
	if p.BirthDate == nil || p.BirthDate.String() != "1949-12-31" || p.IDNumber != "11010519491231002X" {
		t.Errorf("person %+v", p)
	}
}

// boundCases are SPEC §3's value bounds (revision 4) on every bounded column of the
// bundle, at the boundary: the last good value and the first bad one.
func boundCases() []struct{ file, row, col, reason string } {
	r := strings.Repeat
	id64, id65 := r("i", 64), r("i", 65)
	return []struct{ file, row, col, reason string }{
		// ids, here and in references: at most 64 characters
		{"areas.csv", id64 + ",村,village,A2", "", ""},
		{"areas.csv", id65 + ",村,village,A2", "code", "too long"},
		{"areas.csv", "A3,村,village," + id65, "parent_code", "too long"},
		{"households.csv", id65 + ",,A1", "id", "too long"},
		{"households.csv", "H2,," + id65, "area_code", "too long"},
		{"people.csv", id65 + ",王五,,,,,", "id", "too long"},
		{"people.csv", "P3,王五,,,,," + id65, "household_id", "too long"},
		{"cases.csv", id65 + ",confirmed,,,", "person_id", "too long"},
		{"trips.csv", "T2,P2,flight," + r("G", 64) + "," + r("1", 64) + ",,,2020-01-20 08:00,2020-01-20 10:00", "", ""},
		{"trips.csv", "T2,P2,flight," + r("G", 65) + ",,,,2020-01-20 08:00,2020-01-20 10:00", "number", "too long"},
		{"trips.csv", "T2,P2,flight,,12C\x01,,,2020-01-20 08:00,2020-01-20 10:00", "seat", "bad character"},
		{"events.csv", id65 + ",meal,,,2020-01-21 08:00,2020-01-21 09:00,", "id", "too long"},
		{"attendance.csv", "P2," + id65 + ",2020-01-21 18:00,2020-01-21 19:00,", "event_id", "too long"},
		{"contacts.csv", "P1," + id65 + ",2020-01-21 18:00,,,", "person_b", "too long"},
		{"tests.csv", id65 + ",P2,pcr,2020-01-22 09:00,positive", "id", "too long"},
		{"passages.csv", "C1,2020-01-21 10:00,," + r("豫", 64) + ",,", "", ""},
		{"passages.csv", "C1,2020-01-21 10:00,," + r("豫", 65) + ",,", "plate", "too long"},
		{"responsibilities.csv", "O1," + id65, "person_id", "too long"},
		// names: at most 100 characters (counted as characters, not bytes)
		{"areas.csv", "A3," + r("村", 100) + ",village,A2", "", ""},
		{"areas.csv", "A3," + r("村", 101) + ",village,A2", "name", "too long"},
		{"people.csv", "P3," + r("王", 100) + ",,,,,", "", ""},
		{"people.csv", "P3," + r("x", 9*1024) + ",,,,,", "name", "too long"},
		{"people.csv", "P3,王五,,," + r("M", 101) + ",,", "sex", "too long"},
		{"events.csv", "E2," + r("k", 101) + ",,,2020-01-21 08:00,2020-01-21 09:00,", "kind", "too long"},
		{"checkpoints.csv", "C2," + r("口", 101) + ",A1", "name", "too long"},
		{"facilities.csv", "F2," + r("店", 101) + ",A1,1", "name", "too long"},
		{"officers.csv", "O2," + r("王", 101) + ",medical,A1,", "name", "too long"},
		// addresses, places and notes: at most 500
		{"households.csv", "H2," + r("路", 500) + ",A1", "", ""},
		{"households.csv", "H2," + r("路", 501) + ",A1", "address", "too long"},
		{"events.csv", "E2,meal," + r("家", 501) + ",,2020-01-21 08:00,2020-01-21 09:00,", "place", "too long"},
		{"health_reports.csv", "P2,2020-01-21,," + r("咳", 500), "", ""},
		{"health_reports.csv", "P2,2020-01-21,," + r("咳", 501), "symptoms", "too long"},
		// phones: at most 20 of digits, +, - and spaces
		{"people.csv", "P3,王五,,+86 139-0000-0000,,,", "", ""},
		{"people.csv", "P3,王五,," + r("1", 20) + ",,,", "", ""},
		{"people.csv", "P3,王五,," + r("1", 21) + ",,,", "phone", "too long"},
		{"people.csv", "P3,王五,,139x,,,", "phone", "bad character"},
		{"officers.csv", "O2,x,medical,A1,call me", "phone", "bad character"},
		// no control characters
		{"areas.csv", "A3,村\t名,village,A2", "name", "bad character"},
		{"people.csv", "P3,王\x00五,,,,,", "name", "bad character"},
		{"households.csv", "H2,1号\x1b[31m,A1", "address", "bad character"},
		{"people.csv", "P\x07,王五,,,,,", "id", "bad character"},
		// durations 0–10,080 minutes
		{"contacts.csv", "P1,P2,2020-01-21 19:00,10080,,", "", ""},
		{"contacts.csv", "P1,P2,2020-01-21 19:00,10080.01,,", "duration_min", "out of range"},
		{"contacts.csv", "P1,P2,2020-01-21 19:00,100000000000000000000000000000,,", "duration_min", "out of range"},
		// times and dates 1900-01-01 to 2100-12-31
		{"contacts.csv", "P1,P2,1900-01-01 00:00,,,", "", ""},
		{"contacts.csv", "P1,P2,1899-12-31 23:59,,,", "at", "out of range"},
		{"contacts.csv", "P1,P2,2100-12-31 23:59,,,", "", ""},
		{"contacts.csv", "P1,P2,2101-01-01 00:00,,,", "at", "out of range"},
		{"trips.csv", "T2,P2,flight,,,,,2020-01-20 08:00,9999-12-31 10:00", "arrive_at", "out of range"},
		{"risk_designations.csv", "A2,high,1899-12-31", "since", "out of range"},
		{"cases.csv", "P2,confirmed,0001-01-01,,", "onset_date", "out of range"},
		{"people.csv", "P3,王五,,,,1900-01-01,", "", ""},
		{"people.csv", "P3,王五,,,,1899-12-31,", "birth_date", "out of range"},
		{"people.csv", "P3,王五,,,,2101-01-01,", "birth_date", "out of range"},
		{"health_reports.csv", "P2,2101-01-01,,", "date", "out of range"},
	}
}
