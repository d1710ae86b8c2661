package graph

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Writes through the API (issue 6). Each takes the arguments of one bundle row, by the
// bundle's column names, checks them with the loader's row rules (graph/rowrules.go)
// so the reasons are the same, checks the references against the database, and writes
// through the loader's batched writers (graph/writes.go): the same keys, so a write
// is idempotent where its key allows and a later write for a key replaces its values.

// Cells are one write's arguments by bundle column name; "" is absent.
type Cells map[string]string

// FloatCell writes an optional number argument as a cell.
func FloatCell(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// IntCell writes an optional integer argument as a cell.
func IntCell(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// BoolCell writes an optional boolean argument as a cell.
func BoolCell(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// ArgName is the API's name of a bundle column: person_id → personId.
func ArgName(col string) string {
	parts := strings.Split(col, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// argRow is a RowValues over one write's cells. Like a bundle row it keeps the
// failure of the first column in the table's order.
type argRow struct {
	cols    []string // the columns in SPEC §3's order; required ones marked by required
	req     map[string]bool
	cells   Cells
	loc     *time.Location
	failIdx int
	failCol string
	reason  string
	refs    []argRef
}

type argRef struct {
	col  string
	kind KeyKind
	key  string
}

func newArgRow(cols []string, cells Cells, loc *time.Location) *argRow {
	r := &argRow{req: map[string]bool{}, cells: Cells{}, loc: loc, failIdx: -1}
	for _, c := range cols {
		name := strings.TrimSuffix(c, "!")
		r.cols = append(r.cols, name)
		r.req[name] = strings.HasSuffix(c, "!")
	}
	for k, v := range cells {
		r.cells[k] = strings.TrimSpace(v)
	}
	for _, c := range r.cols {
		if r.req[c] && r.cells[c] == "" {
			r.Fail(c, "required value missing")
		}
	}
	return r
}

func (r *argRow) index(col string) int {
	for i, c := range r.cols {
		if c == col {
			return i
		}
	}
	panic("graph: no column " + col)
}

func (r *argRow) Fail(col, reason string) {
	if i := r.index(col); r.failIdx < 0 || i < r.failIdx {
		r.failIdx, r.failCol, r.reason = i, col, reason
	}
}

func (r *argRow) failed(col string) bool { return r.failIdx >= 0 && r.failIdx <= r.index(col) }

// cell is a cell's value, unchecked ("" when absent).
func (r *argRow) cell(col string) string { r.index(col); return r.cells[col] }

func (r *argRow) Text(col string, kind TextKind) string {
	v := r.cell(col)
	if v != "" {
		if err := CheckTextValue(v, kind); err != nil {
			r.Fail(col, err.Error())
		}
	}
	return v
}

func (r *argRow) Ref(col string, kind KeyKind) string {
	v := r.cell(col)
	if v == "" {
		return ""
	}
	if err := CheckTextValue(v, TextID); err != nil {
		r.Fail(col, err.Error())
		return v
	}
	r.refs = append(r.refs, argRef{col, kind, v})
	return v
}

func (r *argRow) Time(col string, allowDate bool) time.Time {
	v := r.cell(col)
	if v == "" {
		return time.Time{}
	}
	t, err := ParseTimeValue(v, r.loc, allowDate)
	if err != nil {
		r.Fail(col, err.Error())
	}
	return t
}

func (r *argRow) OptTime(col string) *time.Time {
	if r.cell(col) == "" {
		return nil
	}
	t := r.Time(col, false)
	return &t
}

func (r *argRow) Date(col string) *Date {
	v := r.cell(col)
	if v == "" {
		return nil
	}
	d, err := ParseDateValue(v)
	if err != nil {
		r.Fail(col, err.Error())
		return nil
	}
	return &d
}

func (r *argRow) Enum(col string, allowed []string, def string) string {
	v := r.cell(col)
	if v == "" {
		return def
	}
	e, err := ParseEnumValue(v, allowed)
	if err != nil {
		r.Fail(col, err.Error())
	}
	return e
}

func (r *argRow) Bool(col string, def bool) bool {
	v := r.cell(col)
	if v == "" {
		return def
	}
	b, err := ParseBoolValue(v)
	if err != nil {
		r.Fail(col, err.Error())
	}
	return b
}

func (r *argRow) Decimal(col string, min, max float64) *float64 {
	v := r.cell(col)
	if v == "" {
		return nil
	}
	f, err := ParseDecimalValue(v, min, max)
	if err != nil {
		r.Fail(col, err.Error())
		return nil
	}
	return &f
}

func (r *argRow) NotBefore(endCol string, end, start time.Time, startCol string) {
	if !r.failed(endCol) && !end.IsZero() && !start.IsZero() && end.Before(start) {
		r.Fail(endCol, fmt.Sprintf("end before start: %s is before %s", endCol, startCol))
	}
}

// checkRow applies a row rule to a write's cells: the first bad column in the table's
// order fails it (INVALID naming the argument), then every reference must exist
// (one round trip per kind of reference).
func checkRow[T any](ctx context.Context, s *Service, op string, cols []string, cells Cells, rule func(RowValues) T) (T, error) {
	r := newArgRow(cols, cells, s.Loc)
	v := rule(r)
	if r.failIdx >= 0 {
		var zero T
		return zero, &Error{Kind: Invalid, Op: op, Field: ArgName(r.failCol), Msg: r.reason}
	}
	byKind := map[KeyKind][]string{}
	for _, ref := range r.refs {
		byKind[ref.kind] = append(byKind[ref.kind], ref.key)
	}
	found := map[KeyKind]map[string]bool{}
	for kind, keys := range byKind {
		m, err := s.DB.ExistingKeys(ctx, kind, keys)
		if err != nil {
			var zero T
			return zero, err
		}
		found[kind] = m
	}
	for _, ref := range r.refs { // in the order the rule read them: the table's order
		if !found[ref.kind][ref.key] {
			var zero T
			return zero, &Error{Kind: Invalid, Op: op, Field: ArgName(ref.col),
				Msg: fmt.Sprintf("unknown reference: no %s %q", ref.kind, ref.key)}
		}
	}
	return v, nil
}

// The columns of SPEC §3's tables, in order; "!" marks a required one.
var (
	colsPeople        = []string{"id!", "name!", "id_number", "phone", "sex", "birth_date", "household_id"}
	colsHouseholds    = []string{"id!", "address", "area_code!"}
	colsTrips         = []string{"id!", "person_id!", "mode!", "number", "seat", "from_area", "to_area", "depart_at!", "arrive_at!"}
	colsEvents        = []string{"id!", "kind!", "place", "area_code", "start!", "end!", "indoor"}
	colsAttendance    = []string{"person_id!", "event_id!", "from!", "to!", "proximity"}
	colsContacts      = []string{"person_a!", "person_b!", "at!", "duration_min", "setting", "protected"}
	colsTests         = []string{"id!", "person_id!", "kind!", "sampled_at!", "result!"}
	colsCases         = []string{"person_id!", "status!", "onset_date", "confirmed_at", "isolated_at"}
	colsDesignations  = []string{"area_code!", "level!", "since!"}
	colsPassages      = []string{"checkpoint_id!", "at!", "person_id", "plate", "temperature", "turned_back"}
	colsHealthReports = []string{"person_id!", "date!", "temperature", "symptoms"}
	colsFacilities    = []string{"id!", "name!", "area_code!", "capacity!"}
	colsOfficers      = []string{"id!", "name!", "role!", "area_code!", "phone"}
)

// UpsertPerson creates or replaces a person (a later write replaces every value, as a
// later bundle row does; an absent household removes the person from theirs).
func (s *Service) UpsertPerson(ctx context.Context, cells Cells) (*Person, error) {
	p, err := checkRow(ctx, s, "upsertPerson", colsPeople, cells, PersonRow)
	if err != nil {
		return nil, err
	}
	if err := s.DB.WritePeople(ctx, []Person{p}); err != nil {
		return nil, err
	}
	return s.Person(ctx, p.ID)
}

// UpsertHousehold creates or replaces a household.
func (s *Service) UpsertHousehold(ctx context.Context, cells Cells) (*Household, error) {
	h, err := checkRow(ctx, s, "upsertHousehold", colsHouseholds, cells, HouseholdRow)
	if err != nil {
		return nil, err
	}
	if err := s.DB.WriteHouseholds(ctx, []Household{h}); err != nil {
		return nil, err
	}
	return &h, nil
}

// RecordTrip creates or replaces a trip (key: id).
func (s *Service) RecordTrip(ctx context.Context, cells Cells) (*Trip, error) {
	t, err := checkRow(ctx, s, "recordTrip", colsTrips, cells, TripRow)
	if err != nil {
		return nil, err
	}
	return &t, s.DB.WriteTrips(ctx, []Trip{t})
}

// RecordEvent creates or replaces an event (key: id).
func (s *Service) RecordEvent(ctx context.Context, cells Cells) (*Event, error) {
	e, err := checkRow(ctx, s, "recordEvent", colsEvents, cells, EventRow)
	if err != nil {
		return nil, err
	}
	return &e, s.DB.WriteEvents(ctx, []Event{e})
}

// RecordAttendance records an attendance (key: person, event, from).
func (s *Service) RecordAttendance(ctx context.Context, cells Cells) (*Attendance, error) {
	a, err := checkRow(ctx, s, "recordAttendance", colsAttendance, cells, AttendanceRow)
	if err != nil {
		return nil, err
	}
	return &a, s.DB.WriteAttendance(ctx, []Attendance{a})
}

// RecordContact records a direct contact (key: unordered pair, at), returned as seen
// from person_a.
func (s *Service) RecordContact(ctx context.Context, cells Cells) (*ContactRecord, error) {
	c, err := checkRow(ctx, s, "recordContact", colsContacts, cells, ContactRow)
	if err != nil {
		return nil, err
	}
	return &ContactRecord{PersonID: c.PersonA, OtherID: c.PersonB, Contact: c}, s.DB.WriteContacts(ctx, []Contact{c})
}

// RecordTest creates or replaces a test (key: id).
func (s *Service) RecordTest(ctx context.Context, cells Cells) (*Test, error) {
	t, err := checkRow(ctx, s, "recordTest", colsTests, cells, TestRow)
	if err != nil {
		return nil, err
	}
	return &t, s.DB.WriteTests(ctx, []Test{t})
}

// DesignateRisk records a risk designation (key: area, since).
func (s *Service) DesignateRisk(ctx context.Context, cells Cells) (*RiskDesignation, error) {
	d, err := checkRow(ctx, s, "designateRisk", colsDesignations, cells, RiskDesignationRow)
	if err != nil {
		return nil, err
	}
	return &d, s.DB.WriteRiskDesignations(ctx, []RiskDesignation{d})
}

// RecordPassage records a checkpoint passage (key: checkpoint, at, person or plate).
func (s *Service) RecordPassage(ctx context.Context, cells Cells) (*Passage, error) {
	p, err := checkRow(ctx, s, "recordPassage", colsPassages, cells, PassageRow)
	if err != nil {
		return nil, err
	}
	return &p, s.DB.WritePassages(ctx, []Passage{p})
}

// SubmitHealthReport records a daily health report (key: person, date).
func (s *Service) SubmitHealthReport(ctx context.Context, cells Cells) (*HealthReport, error) {
	h, err := checkRow(ctx, s, "submitHealthReport", colsHealthReports, cells, HealthReportRow)
	if err != nil {
		return nil, err
	}
	return &h, s.DB.WriteHealthReports(ctx, []HealthReport{h})
}

// UpsertFacility creates or replaces a facility.
func (s *Service) UpsertFacility(ctx context.Context, cells Cells) (*Facility, error) {
	f, err := checkRow(ctx, s, "upsertFacility", colsFacilities, cells, FacilityRow)
	if err != nil {
		return nil, err
	}
	return &f, s.DB.WriteFacilities(ctx, []Facility{f})
}

// UpsertOfficer creates or replaces an officer.
func (s *Service) UpsertOfficer(ctx context.Context, cells Cells) (*Officer, error) {
	o, err := checkRow(ctx, s, "upsertOfficer", colsOfficers, cells, OfficerRow)
	if err != nil {
		return nil, err
	}
	return &o, s.DB.WriteOfficers(ctx, []Officer{o})
}

// caseMoves are the status changes setCaseStatus allows: a new case starts suspected,
// confirmed or asymptomatic; suspected → confirmed or asymptomatic; confirmed or
// asymptomatic → recovered or deceased. Writing the same status again updates the times.
var caseMoves = map[string][]string{
	"":                 {StatusSuspected, StatusConfirmed, StatusAsymptomatic},
	StatusSuspected:    {StatusConfirmed, StatusAsymptomatic},
	StatusConfirmed:    {StatusRecovered, StatusDeceased},
	StatusAsymptomatic: {StatusRecovered, StatusDeceased},
}

// CaseChange is what setCaseStatus did.
type CaseChange struct {
	Case *Case
	From string // the status before ("" when there was no case)
}

// SetCaseStatus moves a person's case to a status, checking the move in the same
// transaction that writes it. Times given replace the stored ones; times not given are
// kept, except that a case becoming confirmed or asymptomatic without any confirmedAt
// is confirmed now (the service clock).
func (s *Service) SetCaseStatus(ctx context.Context, cells Cells) (*CaseChange, error) {
	const op = "setCaseStatus"
	c, err := checkRow(ctx, s, op, colsCases, cells, CaseRow)
	if err != nil {
		return nil, err
	}
	now := s.Now().In(s.Loc)
	return Write(ctx, s.DB, op, func(ctx context.Context, tx Tx) (*CaseChange, error) {
		Touch(ctx, ChangeCases, c.PersonID)
		TouchPeople(ctx, c.PersonID)
		res, err := tx.Run(ctx, `MATCH (p:Person {id: $id}) OPTIONAL MATCH (p)-[:HAS_CASE]->(c:Case)
			RETURN c {.personId, .status, .onsetDate, .confirmedAt, .isolatedAt} AS c`, map[string]any{"id": c.PersonID})
		if err != nil {
			return nil, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return nil, err
		}
		old := &Case{}
		if m, ok := get(rec, "c").(map[string]any); ok {
			old = caseFromMap(m)
		}
		if old.Status != c.Status && !containsStr(caseMoves[old.Status], c.Status) {
			from := old.Status
			if from == "" {
				from = "no case"
			}
			return nil, InvalidArg(op, "status", "a case cannot move from %s to %s (allowed: suspected → confirmed or asymptomatic → recovered or deceased)", from, c.Status)
		}
		merged := *old
		merged.PersonID, merged.Status = c.PersonID, c.Status
		if c.OnsetDate != nil {
			merged.OnsetDate = c.OnsetDate
		}
		if c.ConfirmedAt != nil {
			merged.ConfirmedAt = c.ConfirmedAt
		}
		if c.IsolatedAt != nil {
			merged.IsolatedAt = c.IsolatedAt
		}
		if merged.ConfirmedAt == nil && (c.Status == StatusConfirmed || c.Status == StatusAsymptomatic) {
			merged.ConfirmedAt = &now
		}
		res, err = tx.Run(ctx, `MATCH (p:Person {id: $id}) MERGE (p)-[:HAS_CASE]->(c:Case {personId: $id})
			SET c.status = $status, c.onsetDate = $onset, c.confirmedAt = $confirmed, c.isolatedAt = $isolated`,
			map[string]any{"id": merged.PersonID, "status": merged.Status, "onset": optDate(merged.OnsetDate),
				"confirmed": optTime(merged.ConfirmedAt), "isolated": optTime(merged.IsolatedAt)})
		if err != nil {
			return nil, err
		}
		if _, err := res.Consume(ctx); err != nil {
			return nil, err
		}
		if becameConfirmed(old.Status, merged.Status) {
			Touch(ctx, ChangeConfirmations, merged.PersonID) // caseConfirmed (feed_events.go)
		}
		return &CaseChange{Case: &merged, From: old.Status}, nil
	})
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// SubmitDailyReport records a town's daily report for a date (a zero report has no
// note or says so); submitting again replaces the note and the time. It is stored as
// (:Area)-[:SUBMITTED]->(:DailyReport {areaCode, date, note, submittedAt}).
func (s *Service) SubmitDailyReport(ctx context.Context, areaCode, date, note string) (*DailyReport, error) {
	const op = "submitDailyReport"
	d, err := DateArg(op, "date", date)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if err := CheckTextValue(note, TextLong); note != "" && err != nil {
		return nil, InvalidArg(op, "note", "%s", err)
	}
	areas, err := s.Areas(ctx, []string{areaCode})
	if err != nil {
		return nil, err
	}
	a := areas[areaCode]
	if a == nil {
		return nil, InvalidArg(op, "areaCode", "unknown reference: no area %q", areaCode)
	}
	if a.Level != "town" {
		return nil, InvalidArg(op, "areaCode", "%s is a %s: daily reports come from towns", areaCode, a.Level)
	}
	now := s.Now().In(s.Loc)
	_, err = Write(ctx, s.DB, op, func(ctx context.Context, tx Tx) (any, error) {
		Touch(ctx, ChangeDailyReports, FeedKey(areaCode, date))
		res, err := tx.Run(ctx, `MATCH (a:Area {code: $area})
			MERGE (a)-[:SUBMITTED]->(r:DailyReport {areaCode: $area, date: $date})
			SET r.note = $note, r.submittedAt = $at`,
			map[string]any{"area": areaCode, "date": neoDate(d), "note": nz(note), "at": now})
		if err != nil {
			return nil, err
		}
		_, err = res.Consume(ctx)
		return nil, err
	})
	if err != nil {
		return nil, err
	}
	// Return the town's whole day, figures included, as dailyReports shows it.
	all, err := s.DailyReports(ctx, d)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.AreaCode == areaCode {
			return r, nil
		}
	}
	return nil, Errorf(Internal, op, "town %s missing from the daily reports", areaCode)
}

// becameConfirmed says a status move is a confirmation: into confirmed or asymptomatic
// from anything else (no case included).
func becameConfirmed(from, to string) bool {
	counted := func(s string) bool { return s == StatusConfirmed || s == StatusAsymptomatic }
	return counted(to) && !counted(from)
}
