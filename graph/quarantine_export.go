package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// ExportRow is one line of the quarantine list that tracing teams print and phone
// through: the assignments in force at a moment.
type ExportRow struct {
	QuarantineID string
	PersonID     string
	Name         string
	IDNumber     string // masked by ExportQuarantines when the principal may not see it whole
	Phone        string // likewise
	Address      string // the household's address
	AreaCode     string // the household's area
	Kind         string
	Status       string
	Start, End   time.Time
	PlacedAt     *time.Time
	FacilityID   string
	FacilityName string
	Officers     []Officer // the 1+1 pair, else the officers responsible for the person
	TestsDue     []Date    // sample dates still to come (from the date of asOf), for placed centralized ones
	// Masked says the principal sees this person only as a contact (SPEC §8): the ID
	// number and phone above are masked, and a file made of the row (ExportRecords)
	// masks its officers' phones too.
	Masked bool
}

// ExportQuarantines lists the assignments in force at asOf (start ≤ asOf < end: a
// closed one ended at its closing run, so it drops out from then), optionally only
// for people whose household is in areaCode or below, in person-id order. The rows
// are those of the people the principal in ctx may see (ScopeOf), with the ID number
// and phone masked where their scope says so: every transport (GraphQL, the command
// line) gets the same rows.
func (s *Service) ExportQuarantines(ctx context.Context, asOf time.Time, areaCode string) ([]ExportRow, error) {
	rows, err := s.exportQuarantines(ctx, asOf, areaCode)
	if err != nil {
		return nil, err
	}
	rows, scopes, err := visibleOnly(ctx, s, rows, func(r ExportRow) string { return r.PersonID })
	if err != nil {
		return nil, err
	}
	for i := range rows {
		if scopes[i] != InArea {
			rows[i].IDNumber, rows[i].Phone = MaskIDNumber(rows[i].IDNumber), MaskPhone(rows[i].Phone)
			rows[i].Masked = true
		}
	}
	return rows, nil
}

func (s *Service) exportQuarantines(ctx context.Context, asOf time.Time, areaCode string) ([]ExportRow, error) {
	loc := s.Loc
	if loc == nil {
		loc = time.UTC
	}
	asOf = asOf.In(loc)
	return Read(ctx, s.DB, "exportQuarantines", func(ctx context.Context, tx Tx) ([]ExportRow, error) {
		res, err := tx.Run(ctx, `MATCH (q:Quarantine)
			WHERE q.start <= $asOf AND q.end > $asOf
			MATCH (p:Person {id: q.personId})
			OPTIONAL MATCH (p)-[:MEMBER_OF]->(h:Household)-[:IN]->(a:Area)
			WITH q, p, h, a
			WHERE $area IS NULL OR EXISTS { MATCH (a)-[:PART_OF*0..]->(:Area {code: $area}) }
			OPTIONAL MATCH (q)-[:AT]->(f:Facility)
			WITH q, p, h, a, f,
			     COLLECT { MATCH (q)-[:STAFFED_BY]->(o:Officer) RETURN o {.id, .name, .role, .phone, .areaCode} ORDER BY o.role, o.id } AS staffed,
			     COLLECT { MATCH (o:Officer)-[:RESPONSIBLE_FOR]->(p) RETURN o {.id, .name, .role, .phone, .areaCode} ORDER BY o.role, o.id } AS responsible
			RETURN q {.*} AS q, p {.id, .name, .idNumber, .phone} AS p, h.address AS address, a.code AS area,
			       f.name AS facilityName, staffed, responsible
			ORDER BY p.id, q.seq`, map[string]any{"asOf": asOf, "area": nilIfEmpty(areaCode)})
		if err != nil {
			return nil, err
		}
		var out []ExportRow
		for res.Next(ctx) {
			r := res.Record()
			qv, _ := r.Get("q")
			pv, _ := r.Get("p")
			addr, _ := r.Get("address")
			area, _ := r.Get("area")
			fname, _ := r.Get("facilityName")
			staffed, _ := r.Get("staffed")
			responsible, _ := r.Get("responsible")
			a := assignmentFromProps(qv.(map[string]any))
			pm := pv.(map[string]any)
			row := ExportRow{QuarantineID: a.Q.ID, PersonID: str(pm["id"]), Name: str(pm["name"]), IDNumber: str(pm["idNumber"]),
				Phone: str(pm["phone"]), Address: str(addr), AreaCode: str(area), Kind: a.Q.Kind, Status: a.Q.Status,
				Start: a.Q.Start, End: a.Q.End, PlacedAt: a.Q.PlacedAt, FacilityID: a.Q.FacilityID, FacilityName: str(fname)}
			offs := staffed.([]any)
			if len(offs) == 0 {
				offs = responsible.([]any)
			}
			for _, o := range offs {
				m := o.(map[string]any)
				row.Officers = append(row.Officers, Officer{ID: str(m["id"]), Name: str(m["name"]), Role: str(m["role"]), Phone: str(m["phone"]), AreaCode: str(m["areaCode"])})
			}
			row.TestsDue = s.testDates(a, loc, DateOf(asOf, loc))
			out = append(out, row)
		}
		return out, res.Err()
	})
}

// testDates are the sample dates of an assignment from `from` on (SPEC §6: day d is the
// local date of placedAt + d − 1, up to the local date of its end).
func (s *Service) testDates(a *assignment, loc *time.Location, from Date) []Date {
	q := a.Q
	base := q.PlacedAt
	if q.Kind != KindCentralized {
		if a.TestDays == nil {
			return nil
		}
		base = &q.Start
	}
	if base == nil {
		return nil
	}
	days := a.TestDays
	if days == nil {
		days = s.Policy.Quarantine.TestDays
	}
	first, last := DateOf(*base, loc), DateOf(q.End, loc)
	var out []Date
	for _, d := range days {
		date := first.AddDays(d - 1)
		if daysBetween(date, last) >= 0 && daysBetween(from, date) >= 0 {
			out = append(out, date)
		}
	}
	sort.Slice(out, func(i, j int) bool { return daysBetween(out[i], out[j]) > 0 })
	return out
}

// ExportSheet is the quarantine list's sheet in an .xlsx export.
const ExportSheet = "quarantines"

// ExportHeader names the columns of ExportRecords, for every encoder (CSV, JSON, a
// spreadsheet).
var ExportHeader = []string{"assignment", "person", "name", "id_number", "phone", "address", "area", "kind", "status",
	"start", "end", "placed_at", "facility", "facility_name", "officers", "tests_due"}

// ExportRecords turns export rows into the cells every export format writes. It is the
// one row path of exports: masking (ID numbers, people's and officers' phones, SPEC §8)
// and formula neutralising (NeutraliseCell) happen here, so an encoder added over these
// records gets both without doing anything.
func ExportRecords(rows []ExportRow, loc *time.Location, masked bool) [][]string {
	if loc == nil {
		loc = time.UTC
	}
	ts := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") }
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		id, phone := r.IDNumber, r.Phone
		if masked {
			id, phone = MaskIDNumber(id), MaskPhone(phone)
		}
		placed := ""
		if r.PlacedAt != nil {
			placed = ts(*r.PlacedAt)
		}
		var offs, due []string
		for _, o := range r.Officers {
			op := o.Phone
			if masked {
				op = MaskPhone(op)
			}
			offs = append(offs, fmt.Sprintf("%s %s (%s) %s", o.ID, o.Name, o.Role, op))
		}
		for _, d := range r.TestsDue {
			due = append(due, d.String())
		}
		rec := []string{r.QuarantineID, r.PersonID, r.Name, id, phone, r.Address, r.AreaCode, r.Kind, r.Status,
			ts(r.Start), ts(r.End), placed, r.FacilityID, r.FacilityName, strings.Join(offs, "; "), strings.Join(due, " ")}
		for i := range rec {
			rec[i] = NeutraliseCell(rec[i])
		}
		out = append(out, rec)
	}
	return out
}

// NeutraliseCell keeps a cell from being read as a formula by a spreadsheet (CSV
// injection): a value starting with =, +, -, @, a tab or a carriage return gets a
// leading apostrophe, which spreadsheets show as text and do not evaluate.
func NeutraliseCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
