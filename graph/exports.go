package graph

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The lists a county prints and keeps in spreadsheets (issues 17 and 19): the quarantine
// list, the tests due, a sweep's zero report and its missed households and people, and
// the ledgers of returnees, away residents and returning workers. Each list's columns
// are defined here once (ExportColumns) and its rows are made here once (ExportLists),
// scoped and masked for the principal in ctx, formula-neutralised: the command line
// (CSV, JSON, xlsx) and GraphQL (a workbook) write the same cells.

// Export list names: the sheet names of a workbook, the CLI's `tracegraph export LIST`
// and the GraphQL exportWorkbook argument. They are SPEC's own words for the lists.
const (
	ExportQuarantinesList     = ExportSheet // "quarantines"
	ExportTestsDue            = "testsDue"
	ExportSweepCoverage       = "sweepCoverage"
	ExportNotVisited          = "notVisited"
	ExportNotAccountedFor     = "notAccountedFor"
	ExportReturnees           = "returnees"
	ExportAwayResidents       = "awayResidents"
	ExportWorkerLedger        = "workerLedger"
	exportOp                  = "export"
	exportTimeLayout          = "2006-01-02 15:04"
	exportMaxListsPerWorkbook = 8
)

// ExportListNames are the lists, in the order a workbook of all of them holds them.
var ExportListNames = []string{ExportQuarantinesList, ExportTestsDue, ExportSweepCoverage, ExportNotVisited,
	ExportNotAccountedFor, ExportReturnees, ExportAwayResidents, ExportWorkerLedger}

// personColumns are the identity columns every list of people carries, in this order:
// what a cadre needs to find and phone someone. id_number and phone are masked where the
// reader may not see them whole (SPEC §8).
var personColumns = []string{"person", "name", "id_number", "phone", "address", "area"}

func withPerson(cols ...string) []string {
	return append(append([]string{}, personColumns...), cols...)
}

var ledgerColumns = []string{"trip", "from_area", "origin_level", "depart_at", "arrive_at", "quarantine", "quarantine_kind", "missing_reports"}

// ExportColumns names each list's columns, for every encoder. The quarantine list's
// are ExportHeader.
var ExportColumns = map[string][]string{
	ExportQuarantinesList: ExportHeader,
	ExportTestsDue:        withPerson("assignment", "day", "date", "facility", "facility_name", "officers"),
	ExportSweepCoverage: {"area", "area_name", "area_level", "from", "to", "households", "visited", "not_visited",
		"people", "accounted_for", "not_accounted_for"},
	ExportNotVisited:      {"household", "address", "area", "members", "last_no_answer"},
	ExportNotAccountedFor: withPerson("household"),
	ExportReturnees:       withPerson(ledgerColumns...),
	ExportAwayResidents:   withPerson("trip", "away_in", "since", "level"),
	ExportWorkerLedger: append([]string{"employer", "employer_name", "employer_area"},
		withPerson(append(append([]string{}, ledgerColumns...), "missing_yesterday")...)...),
}

// ExportOptions are what an export is of.
type ExportOptions struct {
	AsOf     time.Time // the moment; testsDue lists the samples due on its local date
	AreaCode string    // only this area and below ("" for the county)
	// From and To bound a sweep (§11, both included); nil To is AsOf and nil From the
	// start of To's local date: by default the day's zero report so far.
	From, To *time.Time
	// MaskAll masks every row's ID numbers and phones whatever the principal may see
	// whole: the command line's default, since a printed list travels.
	MaskAll bool
}

// ExportTable is one list ready for any encoder: its name (the sheet's), its columns and
// its cells, masked and formula-neutralised, and the people whose identity the cells
// carry (for the audit record, SPEC §8).
type ExportTable struct {
	Name      string
	Header    []string
	Rows      [][]string
	PersonIDs []string
}

// CheckExportLists says whether every name is a list ExportLists makes, naming the
// argument (field) at fault.
func CheckExportLists(field string, names []string) error {
	if len(names) == 0 {
		return InvalidArg(exportOp, field, "no list named: want one or more of %s", strings.Join(ExportListNames, ", "))
	}
	if len(names) > exportMaxListsPerWorkbook {
		return InvalidArg(exportOp, field, "%d lists: at most %d", len(names), exportMaxListsPerWorkbook)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if _, ok := ExportColumns[n]; !ok {
			return InvalidArg(exportOp, field, "unknown list %q: want one of %s", n, strings.Join(ExportListNames, ", "))
		}
		if seen[n] {
			return InvalidArg(exportOp, field, "list %q named twice", n)
		}
		seen[n] = true
	}
	return nil
}

// ExportLists makes the named lists for the principal in ctx (SPEC §8): an
// epidemiologist (and the command line's operator, with no principal) gets the county;
// a tracer gets only the people they may see (ScopeOf, and the ledgers and sweeps cut
// to their areas as the GraphQL lists are), with ID numbers and phones masked for those
// who are only contacts; any other role is refused. Every cell passes NeutraliseCell.
func (s *Service) ExportLists(ctx context.Context, names []string, o ExportOptions) ([]*ExportTable, error) {
	if p := PrincipalFrom(ctx); p != nil && !p.PersonLevel() {
		return nil, &Error{Kind: Forbidden, Op: exportOp, Msg: fmt.Sprintf("role %q may not export lists of people", p.Role)}
	}
	if err := CheckExportLists("lists", names); err != nil {
		return nil, err
	}
	loc := s.Loc
	if loc == nil {
		loc = time.UTC
	}
	o.AsOf = o.AsOf.In(loc)
	tree, county, err := s.exportCheckArea(ctx, o.AreaCode)
	if err != nil {
		return nil, err
	}
	x := &exporter{s: s, o: o, loc: loc, tree: tree, county: county, scopeAreas: ListScope(ctx)}
	out := make([]*ExportTable, 0, len(names))
	for _, n := range names {
		t, err := x.list(ctx, n)
		if err != nil {
			return nil, err
		}
		for i := range t.Rows {
			for j := range t.Rows[i] {
				t.Rows[i][j] = NeutraliseCell(t.Rows[i][j])
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// exportCheckArea refuses an unknown area and returns the area tree and the county (the deepest area
// holding every household), the sweep's default area.
func (s *Service) exportCheckArea(ctx context.Context, code string) (*areaTree, string, error) {
	type checked struct {
		tree   *areaTree
		county string
	}
	c, err := Read(ctx, s.DB, exportOp, func(ctx context.Context, tx Tx) (checked, error) {
		tree, err := CypherFacts(tx).AreaTree(ctx)
		if err != nil {
			return checked{}, err
		}
		if code != "" && !tree.Has(code) {
			return checked{}, &Error{Kind: NotFound, Op: exportOp, Field: "areaCode", Msg: "no area " + code}
		}
		hh, err := CypherFacts(tx).HouseholdAreas(ctx)
		if err != nil {
			return checked{}, err
		}
		return checked{tree, tree.commonRoot(hh)}, nil
	})
	return c.tree, c.county, err
}

// exporter makes the lists of one export, reading a sweep once for its three lists.
type exporter struct {
	s          *Service
	o          ExportOptions
	loc        *time.Location
	tree       *areaTree // the area tree read once per export ("lives under" is decided in Go)
	county     string
	scopeAreas []string
	sweep      *SweepCoverage
}

// exportPerson is what a list prints of a person: identity and household.
type exportPerson struct {
	Name, IDNumber, Phone, Address, Area string
}

func (x *exporter) ts(t time.Time) string { return t.In(x.loc).Format(exportTimeLayout) }

func (x *exporter) optTS(t *time.Time) string {
	if t == nil {
		return ""
	}
	return x.ts(*t)
}

func dates(ds []Date) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, " ")
}

// people reads the identity of the given people in one round trip.
func (x *exporter) people(ctx context.Context, ids []string) (map[string]exportPerson, error) {
	return Read(ctx, x.s.DB, exportOp, func(ctx context.Context, tx Tx) (map[string]exportPerson, error) {
		out := map[string]exportPerson{}
		err := collect(ctx, tx, `UNWIND $ids AS id MATCH (p:Person {id: id})
			OPTIONAL MATCH (p)-[:MEMBER_OF]->(h:Household)-[:IN]->(a:Area)
			RETURN p.id AS id, p.name AS name, p.idNumber AS idNumber, p.phone AS phone, h.address AS address, a.code AS area`,
			map[string]any{"ids": ids}, func(r *Record) {
				out[str(get(r, "id"))] = exportPerson{Name: str(get(r, "name")), IDNumber: str(get(r, "idNumber")), Phone: str(get(r, "phone")),
					Address: str(get(r, "address")), Area: str(get(r, "area"))}
			})
		return out, err
	})
}

// personRows is the one path of a list of people: it keeps the items whose person the
// principal may see (visibleOnly), reads their identity, masks it where the scope (or
// MaskAll) says so and puts the person columns between each item's own cells. underOnly
// drops items whose person's household lies outside the export's area (for lists whose
// own query takes no area).
func personRows[T any](ctx context.Context, x *exporter, name string, items []T, personID func(T) string,
	cells func(T, bool) (before, after []string), underOnly bool) (*ExportTable, error) {
	items, scopes, err := visibleOnly(ctx, x.s, items, personID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, personID(it))
	}
	who, err := x.people(ctx, ids)
	if err != nil {
		return nil, err
	}
	t := &ExportTable{Name: name, Header: ExportColumns[name]}
	seen := map[string]bool{}
	for i, it := range items {
		id := personID(it)
		p := who[id]
		if underOnly && x.o.AreaCode != "" && !x.tree.Under(p.Area, x.o.AreaCode) {
			continue
		}
		masked := x.o.MaskAll || scopes[i] != InArea
		idn, phone := p.IDNumber, p.Phone
		if masked {
			idn, phone = MaskIDNumber(idn), MaskPhone(phone)
		}
		before, after := cells(it, masked)
		row := append(append(append([]string{}, before...), id, p.Name, idn, phone, p.Address, p.Area), after...)
		t.Rows = append(t.Rows, row)
		if !seen[id] {
			seen[id] = true
			t.PersonIDs = append(t.PersonIDs, id)
		}
	}
	return t, nil
}

func (x *exporter) list(ctx context.Context, name string) (*ExportTable, error) {
	o := x.o
	switch name {
	case ExportQuarantinesList:
		rows, err := x.s.ExportQuarantines(ctx, o.AsOf, o.AreaCode)
		if err != nil {
			return nil, err
		}
		t := &ExportTable{Name: name, Header: ExportHeader}
		seen := map[string]bool{}
		for _, r := range rows {
			t.Rows = append(t.Rows, ExportRecords([]ExportRow{r}, x.loc, o.MaskAll || r.Masked)...)
			if !seen[r.PersonID] {
				seen[r.PersonID] = true
				t.PersonIDs = append(t.PersonIDs, r.PersonID)
			}
		}
		return t, nil

	case ExportTestsDue:
		due, err := x.s.testsDue(ctx, DateOf(o.AsOf, x.loc))
		if err != nil {
			return nil, err
		}
		offs, err := x.s.Officers(ctx, nil)
		if err != nil {
			return nil, err
		}
		officer := map[string]Officer{}
		for _, of := range offs {
			officer[of.ID] = of
		}
		facs, err := x.s.Facilities(ctx)
		if err != nil {
			return nil, err
		}
		facility := map[string]string{}
		for _, f := range facs {
			facility[f.ID] = f.Name
		}
		return personRows(ctx, x, name, due, func(d TestDue) string { return d.PersonID }, func(d TestDue, masked bool) ([]string, []string) {
			var names []string
			for _, id := range d.OfficerIDs {
				of := officer[id]
				phone := of.Phone
				if masked {
					phone = MaskPhone(phone)
				}
				names = append(names, fmt.Sprintf("%s %s (%s) %s", of.ID, of.Name, of.Role, phone))
			}
			return nil, []string{d.QuarantineID, strconv.Itoa(d.Day), d.Date.String(), d.FacilityID, facility[d.FacilityID], strings.Join(names, "; ")}
		}, true)

	case ExportSweepCoverage, ExportNotVisited, ExportNotAccountedFor:
		sw, err := x.sweepCoverage(ctx)
		if err != nil {
			return nil, err
		}
		switch name {
		case ExportSweepCoverage:
			t := &ExportTable{Name: name, Header: ExportColumns[name]}
			for _, c := range append([]*SweepCoverage{sw}, sw.Children...) {
				t.Rows = append(t.Rows, []string{c.Area.Code, c.Area.Name, c.Area.Level, x.ts(c.From), x.ts(c.To),
					strconv.Itoa(c.Households), strconv.Itoa(c.Visited), strconv.Itoa(len(c.NotVisited)),
					strconv.Itoa(c.People), strconv.Itoa(c.AccountedFor), strconv.Itoa(len(c.NotAccountedFor))})
			}
			return t, nil
		case ExportNotVisited:
			t := &ExportTable{Name: name, Header: ExportColumns[name]}
			for _, h := range sw.NotVisited {
				t.Rows = append(t.Rows, []string{h.HouseholdID, h.Address, h.AreaCode, strconv.Itoa(h.Members), x.optTS(h.LastNoAnswer)})
			}
			return t, nil
		}
		return personRows(ctx, x, name, sw.NotAccountedFor, func(m MissedPerson) string { return m.PersonID },
			func(m MissedPerson, _ bool) ([]string, []string) { return nil, []string{m.HouseholdID} }, false)

	case ExportReturnees:
		l, err := x.s.Returnees(ctx, o.AsOf, o.AreaCode, 14, "", x.scopeAreas)
		if err != nil {
			return nil, err
		}
		return personRows(ctx, x, name, l, func(e LedgerEntry) string { return e.PersonID },
			func(e LedgerEntry, _ bool) ([]string, []string) { return nil, x.ledgerCells(e) }, false)

	case ExportAwayResidents:
		l, err := x.s.AwayResidents(ctx, o.AsOf, o.AreaCode, "", x.scopeAreas)
		if err != nil {
			return nil, err
		}
		return personRows(ctx, x, name, l, func(a AwayResident) string { return a.PersonID },
			func(a AwayResident, _ bool) ([]string, []string) {
				return nil, []string{a.TripID, a.AreaCode, x.ts(a.Since), a.Level}
			}, false)

	case ExportWorkerLedger:
		ls, err := x.s.WorkerLedger(ctx, o.AsOf, "", o.AreaCode, x.scopeAreas)
		if err != nil {
			return nil, err
		}
		type worker struct {
			e *Employer
			w LedgerEntry
		}
		var ws []worker
		for _, l := range ls {
			for _, w := range l.Workers {
				ws = append(ws, worker{l.Employer, w})
			}
		}
		yesterday := DateOf(o.AsOf, x.loc).AddDays(-1)
		return personRows(ctx, x, name, ws, func(w worker) string { return w.w.PersonID },
			func(w worker, _ bool) ([]string, []string) {
				missing := "no"
				for _, d := range w.w.MissingReports {
					if d == yesterday {
						missing = "yes"
					}
				}
				return []string{w.e.ID, w.e.Name, w.e.AreaCode}, append(x.ledgerCells(w.w), missing)
			}, false)
	}
	return nil, InvalidArg(exportOp, "lists", "unknown list %q", name)
}

func (x *exporter) ledgerCells(e LedgerEntry) []string {
	return []string{e.TripID, e.FromArea, e.OriginLevel, x.ts(e.DepartAt), x.ts(e.ArriveAt), e.QuarantineID,
		e.QuarantineKind, dates(e.MissingReports)}
}

// sweepCoverage is §11 over the export's area (default the county) and period, once.
func (x *exporter) sweepCoverage(ctx context.Context) (*SweepCoverage, error) {
	if x.sweep != nil {
		return x.sweep, nil
	}
	to := x.o.AsOf
	if x.o.To != nil {
		to = *x.o.To
	}
	from := DateOf(to, x.loc).In(x.loc)
	if x.o.From != nil {
		from = *x.o.From
	}
	area := x.o.AreaCode
	if area == "" {
		area = x.county
	}
	sw, err := x.s.SweepCoverage(ctx, area, from, to, x.scopeAreas)
	if err != nil {
		return nil, err
	}
	x.sweep = sw
	return sw, nil
}
