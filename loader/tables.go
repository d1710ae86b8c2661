package loader

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tracegraph/tracegraph/graph"
)

// column is one column of a bundle file, in the order of SPEC §3's table: that order
// decides which column a bad row's report names (the first failing one).
type column struct {
	name     string
	required bool
}

// table describes one bundle file: its columns, how a row becomes a graph value, the
// key that makes later rows replace earlier ones, and which references it provides.
type table struct {
	file     string
	cols     []column
	provides graph.KeyKind // the kind of key its rows define for later files (KeyNone if none)
	parse    func(r *row) any
	key      func(v any) string // the §3 key of a parsed value
	id       func(v any) string // the referable id, when provides != KeyNone
	colIndex map[string]int
}

func (t *table) index(name string) int {
	i, ok := t.colIndex[name]
	if !ok {
		panic("loader: table " + t.file + " has no column " + name)
	}
	return i
}

// ref is a reference from a row to a key of an earlier file (or of the same file, for
// an area's parent), checked against the bundle and the database.
type ref struct {
	col  int
	kind graph.KeyKind
	key  string
}

// row is one data row while it is parsed: cells by table column, the first failure and
// the references still to check.
type row struct {
	t       *table
	line    int
	raw     []string
	vals    []string // trimmed, by table column; "" when absent
	loc     *time.Location
	failCol int // -1 while the row is good
	reason  string
	// wrongCount marks a row whose number of values differs from the header's: its
	// report names "row", as no single column is at fault.
	wrongCount bool
	refs       []ref
	value      any
}

func (r *row) fail(col int, reason string) {
	if r.failCol < 0 || col < r.failCol {
		r.failCol, r.reason = col, reason
	}
}

func (r *row) failed(col int) bool { return r.failCol >= 0 && r.failCol <= col }

// row implements graph.RowValues: the row rules live in graph/rowrules.go, shared with
// the API's writes.
var _ graph.RowValues = (*row)(nil)

// Text is an optional or required text cell ("" when empty), bounded by its kind.
func (r *row) Text(name string, kind graph.TextKind) string {
	i := r.t.index(name)
	v := r.vals[i]
	if v != "" {
		if err := graph.CheckTextValue(v, kind); err != nil {
			r.fail(i, err.Error())
		}
	}
	return v
}

// Ref records a reference cell for the reference check and returns its value.
func (r *row) Ref(name string, kind graph.KeyKind) string { return r.ref(name, kind) }

// Time reads a time cell.
func (r *row) Time(name string, allowDate bool) time.Time { return r.time(name, allowDate) }

// OptTime reads an optional time cell.
func (r *row) OptTime(name string) *time.Time { return r.optTime(name) }

// Date reads an optional date cell.
func (r *row) Date(name string) *graph.Date { return r.date(name) }

// Enum reads an optional enum cell, def when empty.
func (r *row) Enum(name string, allowed []string, def string) string {
	return r.enum(name, allowed, def)
}

// Bool reads an optional boolean cell, def when empty.
func (r *row) Bool(name string, def bool) bool { return r.boolean(name, def) }

// Decimal reads an optional number cell within [min, max].
func (r *row) Decimal(name string, min, max float64) *float64 { return r.decimal(name, min, max) }

// NotBefore rejects an end before its start, naming the end column.
func (r *row) NotBefore(endName string, end, start time.Time, startName string) {
	r.notBefore(endName, end, start, startName)
}

// Fail records a failure of the named column.
func (r *row) Fail(name, reason string) { r.fail(r.t.index(name), reason) }

// text is an optional or required text cell ("" when empty).
func (r *row) text(name string) string { return r.vals[r.t.index(name)] }

// ref records a reference cell for the reference check and returns its value.
func (r *row) ref(name string, kind graph.KeyKind) string {
	i := r.t.index(name)
	v := r.vals[i]
	if v == "" {
		return ""
	}
	if err := graph.CheckTextValue(v, graph.TextID); err != nil {
		r.fail(i, err.Error()) // an id too long for any key: no need to look it up
		return v
	}
	r.refs = append(r.refs, ref{col: i, kind: kind, key: v})
	return v
}

func (r *row) time(name string, allowDate bool) time.Time {
	i := r.t.index(name)
	if r.vals[i] == "" {
		return time.Time{}
	}
	t, err := ParseTime(r.vals[i], r.loc, allowDate)
	if err != nil {
		r.fail(i, err.Error())
	}
	return t
}

func (r *row) optTime(name string) *time.Time {
	if r.text(name) == "" {
		return nil
	}
	t := r.time(name, false)
	return &t
}

// notBefore rejects an end before its start, naming the end column.
func (r *row) notBefore(endName string, end, start time.Time, startName string) {
	i := r.t.index(endName)
	if !r.failed(i) && !end.IsZero() && !start.IsZero() && end.Before(start) {
		r.fail(i, fmt.Sprintf("end before start: %s is before %s", endName, startName))
	}
}

func (r *row) date(name string) *graph.Date {
	i := r.t.index(name)
	if r.vals[i] == "" {
		return nil
	}
	d, err := ParseDate(r.vals[i])
	if err != nil {
		r.fail(i, err.Error())
		return nil
	}
	return &d
}

func (r *row) enum(name string, allowed []string, def string) string {
	i := r.t.index(name)
	if r.vals[i] == "" {
		return def
	}
	v, err := ParseEnum(r.vals[i], allowed)
	if err != nil {
		r.fail(i, err.Error())
	}
	return v
}

func (r *row) boolean(name string, def bool) bool {
	i := r.t.index(name)
	if r.vals[i] == "" {
		return def
	}
	v, err := ParseBool(r.vals[i])
	if err != nil {
		r.fail(i, err.Error())
	}
	return v
}

func (r *row) decimal(name string, min, max float64) *float64 {
	i := r.t.index(name)
	if r.vals[i] == "" {
		return nil
	}
	v, err := ParseDecimal(r.vals[i], min, max)
	if err != nil {
		r.fail(i, err.Error())
		return nil
	}
	return &v
}

func req(name string) column { return column{name, true} }
func opt(name string) column { return column{name, false} }

func nano(t time.Time) string { return strconv.FormatInt(t.UnixNano(), 10) }

// tables lists the nineteen files in dependency order: every reference points to a file
// earlier in the list (or, for an area's parent, to the same file).
var tables = []*table{
	{
		file: "areas.csv", cols: []column{req("code"), req("name"), req("level"), opt("parent_code")},
		provides: graph.KeyArea,
		parse:    func(r *row) any { return graph.AreaRow(r) },
		key:      func(v any) string { return v.(graph.Area).Code },
		id:       func(v any) string { return v.(graph.Area).Code },
	},
	{
		file: "risk_designations.csv", cols: []column{req("area_code"), req("level"), req("since")},
		parse: func(r *row) any { return graph.RiskDesignationRow(r) },
		key:   func(v any) string { d := v.(graph.RiskDesignation); return d.AreaCode + "\x00" + nano(d.Since) },
	},
	{
		file: "households.csv", cols: []column{req("id"), opt("address"), req("area_code")},
		provides: graph.KeyHousehold,
		parse:    func(r *row) any { return graph.HouseholdRow(r) },
		key:      func(v any) string { return v.(graph.Household).ID },
		id:       func(v any) string { return v.(graph.Household).ID },
	},
	{
		file: "people.csv", cols: []column{req("id"), req("name"), opt("id_number"), opt("phone"), opt("sex"), opt("birth_date"), opt("household_id")},
		provides: graph.KeyPerson,
		parse:    func(r *row) any { return graph.PersonRow(r) },
		key:      func(v any) string { return v.(graph.Person).ID },
		id:       func(v any) string { return v.(graph.Person).ID },
	},
	{
		file: "cases.csv", cols: []column{req("person_id"), req("status"), opt("onset_date"), opt("confirmed_at"), opt("isolated_at")},
		parse: func(r *row) any { return graph.CaseRow(r) },
		key:   func(v any) string { return v.(graph.Case).PersonID },
	},
	{
		file: "trips.csv", cols: []column{req("id"), req("person_id"), req("mode"), opt("number"), opt("seat"), opt("from_area"), opt("to_area"), req("depart_at"), req("arrive_at")},
		parse: func(r *row) any { return graph.TripRow(r) },
		key:   func(v any) string { return v.(graph.Trip).ID },
	},
	{
		file: "events.csv", cols: []column{req("id"), req("kind"), opt("place"), opt("area_code"), req("start"), req("end"), opt("indoor")},
		provides: graph.KeyEvent,
		parse:    func(r *row) any { return graph.EventRow(r) },
		key:      func(v any) string { return v.(graph.Event).ID },
		id:       func(v any) string { return v.(graph.Event).ID },
	},
	{
		file: "attendance.csv", cols: []column{req("person_id"), req("event_id"), req("from"), req("to"), opt("proximity")},
		parse: func(r *row) any { return graph.AttendanceRow(r) },
		key: func(v any) string {
			a := v.(graph.Attendance)
			return a.PersonID + "\x00" + a.EventID + "\x00" + nano(a.From)
		},
	},
	{
		file: "contacts.csv", cols: []column{req("person_a"), req("person_b"), req("at"), opt("duration_min"), opt("setting"), opt("protected")},
		parse: func(r *row) any { return graph.ContactRow(r) },
		key: func(v any) string {
			c := v.(graph.Contact)
			a, b := c.PersonA, c.PersonB
			if b < a {
				a, b = b, a
			}
			return a + "\x00" + b + "\x00" + nano(c.At)
		},
	},
	{
		file: "tests.csv", cols: []column{req("id"), req("person_id"), req("kind"), req("sampled_at"), req("result")},
		parse: func(r *row) any { return graph.TestRow(r) },
		key:   func(v any) string { return v.(graph.Test).ID },
	},
	{
		file: "checkpoints.csv", cols: []column{req("id"), req("name"), req("area_code")},
		provides: graph.KeyCheckpoint,
		parse:    func(r *row) any { return graph.CheckpointRow(r) },
		key:      func(v any) string { return v.(graph.Checkpoint).ID },
		id:       func(v any) string { return v.(graph.Checkpoint).ID },
	},
	{
		file: "passages.csv", cols: []column{req("checkpoint_id"), req("at"), opt("person_id"), opt("plate"), opt("temperature"), opt("turned_back")},
		parse: func(r *row) any { return graph.PassageRow(r) },
		key: func(v any) string {
			p := v.(graph.Passage)
			who := "p:" + p.PersonID
			if p.PersonID == "" {
				who = "v:" + p.Plate
			}
			return p.CheckpointID + "\x00" + nano(p.At) + "\x00" + who
		},
	},
	{
		file: "facilities.csv", cols: []column{req("id"), req("name"), req("area_code"), req("capacity")},
		parse: func(r *row) any { return graph.FacilityRow(r) },
		key:   func(v any) string { return v.(graph.Facility).ID },
	},
	{
		file: "officers.csv", cols: []column{req("id"), req("name"), req("role"), req("area_code"), opt("phone")},
		provides: graph.KeyOfficer,
		parse:    func(r *row) any { return graph.OfficerRow(r) },
		key:      func(v any) string { return v.(graph.Officer).ID },
		id:       func(v any) string { return v.(graph.Officer).ID },
	},
	{
		file: "responsibilities.csv", cols: []column{req("officer_id"), req("person_id")},
		parse: func(r *row) any { return graph.ResponsibilityRow(r) },
		key:   func(v any) string { x := v.(graph.Responsibility); return x.OfficerID + "\x00" + x.PersonID },
	},
	{
		file: "health_reports.csv", cols: []column{req("person_id"), req("date"), opt("temperature"), opt("symptoms")},
		parse: func(r *row) any { return graph.HealthReportRow(r) },
		key:   func(v any) string { x := v.(graph.HealthReport); return x.PersonID + "\x00" + x.Date.String() },
	},
	{
		file: "visits.csv", cols: []column{req("household_id"), req("at"), opt("person_id"), opt("status"), opt("officer_id"), opt("temperature")},
		parse: func(r *row) any { return graph.VisitRow(r) },
		key: func(v any) string {
			x := v.(graph.Visit)
			return x.HouseholdID + "\x00" + nano(x.At) + "\x00" + x.PersonID
		},
	},
	{
		file: "employers.csv", cols: []column{req("id"), req("name"), req("area_code")},
		provides: graph.KeyEmployer,
		parse:    func(r *row) any { return graph.EmployerRow(r) },
		key:      func(v any) string { return v.(graph.Employer).ID },
		id:       func(v any) string { return v.(graph.Employer).ID },
	},
	{
		file: "employment.csv", cols: []column{req("person_id"), req("employer_id"), opt("since")},
		parse: func(r *row) any { return graph.EmploymentRow(r) },
		key:   func(v any) string { x := v.(graph.Employment); return x.PersonID + "\x00" + x.EmployerID },
	},
}

var tableByFile = map[string]*table{}

func init() {
	for _, t := range tables {
		t.colIndex = make(map[string]int, len(t.cols))
		for i, c := range t.cols {
			t.colIndex[c.name] = i
		}
		tableByFile[t.file] = t
	}
}

// header maps a file's header onto the table's columns. It refuses the file (the error
// names the column) for an unknown, duplicated or missing required column. The result
// gives, for each table column, its position in the file's rows (-1 when absent).
func (t *table) header(names []string) ([]int, *Reject) {
	pos := make([]int, len(t.cols))
	for i := range pos {
		pos[i] = -1
	}
	for j, raw := range names {
		name := strings.TrimSpace(raw)
		if j == 0 {
			name = strings.TrimPrefix(name, "\ufeff") // a spreadsheet's byte-order mark
		}
		i, ok := t.colIndex[name]
		switch {
		case name == "":
			return nil, &Reject{File: t.file, Line: 1, Column: fmt.Sprintf("column %d", j+1), Reason: "empty column name"}
		case !ok:
			return nil, &Reject{File: t.file, Line: 1, Column: name, Reason: "unknown column"}
		case pos[i] >= 0:
			return nil, &Reject{File: t.file, Line: 1, Column: name, Reason: "duplicated column"}
		}
		pos[i] = j
	}
	for i, c := range t.cols {
		if c.required && pos[i] < 0 {
			return nil, &Reject{File: t.file, Line: 1, Column: c.name, Reason: "missing required column"}
		}
	}
	return pos, nil
}

// parseRow turns one record into a row: cell checks (UTF-8, required values), then the
// table's parser. References are checked later, against the bundle and the database.
func (t *table) parseRow(pos []int, width int, rec []string, line int, loc *time.Location) *row {
	r := &row{t: t, line: line, raw: rec, loc: loc, failCol: -1, vals: make([]string, len(t.cols))}
	if len(rec) != width {
		r.failCol, r.reason = 0, fmt.Sprintf("wrong column count: %d values, the header has %d", len(rec), width)
		r.wrongCount = true
		return r
	}
	for i, p := range pos {
		if p < 0 {
			continue
		}
		v := strings.TrimSpace(rec[p])
		if !utf8.ValidString(v) {
			r.fail(i, "not valid UTF-8")
			v = ""
		}
		r.vals[i] = v
		if v == "" && t.cols[i].required {
			r.fail(i, "required value missing")
		}
	}
	r.value = t.parse(r)
	r.vals = nil // parsed: keep only the value, the raw row (for a reject) and the refs
	return r
}
