package graph

import (
	"fmt"
	"time"
)

// Row rules of SPEC §3: how one row of a bundle file — or one write through the API,
// which takes the same columns — becomes a graph value. The loader and the write
// mutations both call these, so a bad value is refused with the same reason either
// way. A RowValues reads the cells and records the first failure; the loader's reads
// CSV cells, the API's reads arguments (graph/writes_api.go).

// RowValues reads one row's cells by column name; each reader records a failure for
// its column when the cell is bad, and Ref records a reference for the caller to check.
type RowValues interface {
	// Text reads a free-text cell of a kind, which bounds it (CheckTextValue).
	Text(col string, kind TextKind) string
	// Ref reads a reference cell, an id (bounded as TextID).
	Ref(col string, kind KeyKind) string
	Time(col string, allowDate bool) time.Time
	OptTime(col string) *time.Time
	Date(col string) *Date
	Enum(col string, allowed []string, def string) string
	Bool(col string, def bool) bool
	Decimal(col string, min, max float64) *float64
	// NotBefore fails endCol when end is before start (both set and parsed).
	NotBefore(endCol string, end, start time.Time, startCol string)
	Fail(col, reason string)
}

// Enumerations of SPEC §2–3.
var (
	RiskLevels   = []string{"low", "medium", "high"}
	CaseStatuses = []string{StatusSuspected, StatusConfirmed, StatusAsymptomatic, StatusRecovered, StatusDeceased}
	TripModes    = []string{"flight", "train", "bus", "car", "other"}
	Proximities  = []string{"close", "venue"}
	Settings     = []string{"household", "meal", "vehicle", "medical", "work", "other"}
	TestKinds    = []string{"pcr", "antigen", "antibody"}
	TestResults  = []string{"positive", "negative", "pending"}
	OfficerRoles = []string{"cadre", "medical"}
)

func AreaRow(r RowValues) Area {
	a := Area{Code: r.Text("code", TextID), Name: r.Text("name", TextName)}
	a.Level = r.Enum("level", AreaLevels, "")
	a.ParentCode = r.Ref("parent_code", KeyArea)
	if a.ParentCode != "" && a.ParentCode == a.Code {
		r.Fail("parent_code", "an area cannot be its own parent")
	}
	return a
}

func RiskDesignationRow(r RowValues) RiskDesignation {
	d := RiskDesignation{AreaCode: r.Ref("area_code", KeyArea)}
	d.Level = r.Enum("level", RiskLevels, "")
	d.Since = r.Time("since", true)
	return d
}

func HouseholdRow(r RowValues) Household {
	return Household{ID: r.Text("id", TextID), Address: r.Text("address", TextLong), AreaCode: r.Ref("area_code", KeyArea)}
}

func PersonRow(r RowValues) Person {
	p := Person{ID: r.Text("id", TextID), Name: r.Text("name", TextName), Phone: r.Text("phone", TextPhone),
		Sex: r.Text("sex", TextName)}
	var idBirth Date
	if s := r.Text("id_number", TextID); s != "" {
		n, d, err := ParseIDNumberValue(s)
		if err != nil {
			r.Fail("id_number", err.Error())
		}
		p.IDNumber, idBirth = n, d
	}
	p.BirthDate = r.Date("birth_date")
	if p.BirthDate != nil && p.IDNumber != "" && *p.BirthDate != idBirth {
		r.Fail("birth_date", fmt.Sprintf("birth_date %s does not match the ID number's %s", p.BirthDate, idBirth))
	}
	p.HouseholdID = r.Ref("household_id", KeyHousehold)
	return p
}

func CaseRow(r RowValues) Case {
	c := Case{PersonID: r.Ref("person_id", KeyPerson)}
	c.Status = r.Enum("status", CaseStatuses, "")
	c.OnsetDate = r.Date("onset_date")
	c.ConfirmedAt = r.OptTime("confirmed_at")
	c.IsolatedAt = r.OptTime("isolated_at")
	return c
}

func TripRow(r RowValues) Trip {
	t := Trip{ID: r.Text("id", TextID), PersonID: r.Ref("person_id", KeyPerson)}
	t.Mode = r.Enum("mode", TripModes, "")
	t.Number, t.Seat = r.Text("number", TextID), r.Text("seat", TextID)
	t.FromArea = r.Ref("from_area", KeyArea)
	t.ToArea = r.Ref("to_area", KeyArea)
	t.DepartAt = r.Time("depart_at", false)
	t.ArriveAt = r.Time("arrive_at", false)
	r.NotBefore("arrive_at", t.ArriveAt, t.DepartAt, "depart_at")
	return t
}

func EventRow(r RowValues) Event {
	e := Event{ID: r.Text("id", TextID), Kind: r.Text("kind", TextName), Place: r.Text("place", TextLong)}
	e.AreaCode = r.Ref("area_code", KeyArea)
	e.Start = r.Time("start", false)
	e.End = r.Time("end", false)
	r.NotBefore("end", e.End, e.Start, "start")
	e.Indoor = r.Bool("indoor", true)
	return e
}

func AttendanceRow(r RowValues) Attendance {
	a := Attendance{PersonID: r.Ref("person_id", KeyPerson), EventID: r.Ref("event_id", KeyEvent)}
	a.From = r.Time("from", false)
	a.To = r.Time("to", false)
	r.NotBefore("to", a.To, a.From, "from")
	a.Proximity = r.Enum("proximity", Proximities, "venue")
	return a
}

func ContactRow(r RowValues) Contact {
	c := Contact{PersonA: r.Ref("person_a", KeyPerson), PersonB: r.Ref("person_b", KeyPerson)}
	if c.PersonA != "" && c.PersonA == c.PersonB {
		r.Fail("person_b", "a contact of a person with themselves")
	}
	c.At = r.Time("at", false)
	c.DurationMin = r.Decimal("duration_min", 0, MaxDurationMin)
	c.Setting = r.Enum("setting", Settings, "")
	c.Protected = r.Bool("protected", false)
	return c
}

func TestRow(r RowValues) Test {
	t := Test{ID: r.Text("id", TextID), PersonID: r.Ref("person_id", KeyPerson)}
	t.Kind = r.Enum("kind", TestKinds, "")
	t.SampledAt = r.Time("sampled_at", false)
	t.Result = r.Enum("result", TestResults, "")
	return t
}

func CheckpointRow(r RowValues) Checkpoint {
	return Checkpoint{ID: r.Text("id", TextID), Name: r.Text("name", TextName), AreaCode: r.Ref("area_code", KeyArea)}
}

func PassageRow(r RowValues) Passage {
	p := Passage{CheckpointID: r.Ref("checkpoint_id", KeyCheckpoint)}
	p.At = r.Time("at", false)
	p.PersonID = r.Ref("person_id", KeyPerson)
	p.Plate = r.Text("plate", TextID)
	if p.PersonID == "" && p.Plate == "" {
		r.Fail("plate", "required: a passage names a person_id or a plate")
	}
	p.Temperature = r.Decimal("temperature", MinTemperature, MaxTemperature)
	p.TurnedBack = r.Bool("turned_back", false)
	return p
}

func FacilityRow(r RowValues) Facility {
	f := Facility{ID: r.Text("id", TextID), Name: r.Text("name", TextName), AreaCode: r.Ref("area_code", KeyArea)}
	if s := r.Text("capacity", TextID); s != "" {
		n, err := ParseCountValue(s)
		if err != nil {
			r.Fail("capacity", err.Error())
		}
		f.Capacity = n
	}
	return f
}

func OfficerRow(r RowValues) Officer {
	o := Officer{ID: r.Text("id", TextID), Name: r.Text("name", TextName)}
	o.Role = r.Enum("role", OfficerRoles, "")
	o.AreaCode = r.Ref("area_code", KeyArea)
	o.Phone = r.Text("phone", TextPhone)
	return o
}

func ResponsibilityRow(r RowValues) Responsibility {
	return Responsibility{OfficerID: r.Ref("officer_id", KeyOfficer), PersonID: r.Ref("person_id", KeyPerson)}
}

func HealthReportRow(r RowValues) HealthReport {
	h := HealthReport{PersonID: r.Ref("person_id", KeyPerson)}
	if d := r.Date("date"); d != nil {
		h.Date = *d
	}
	h.Temperature = r.Decimal("temperature", MinTemperature, MaxTemperature)
	h.Symptoms = r.Text("symptoms", TextLong)
	return h
}
