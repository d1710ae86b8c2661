// Package loader imports a bundle of CSV files into the graph (SPEC §3): it parses and
// validates every row in pure Go, checks references against the bundle and the
// database, reports bad rows as `file:line: column: reason`, and writes the good rows
// through graph's batched writers in dependency order. Loading is idempotent, so an
// interrupted load is finished by running it again.
package loader

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph"
)

// DefaultBatchSize is the number of rows per UNWIND transaction.
const DefaultBatchSize = 5000

// Options tune a load. The zero value is valid: Asia/Shanghai, batches of
// DefaultBatchSize, no progress output.
type Options struct {
	// Strict validates the whole bundle first and writes nothing if any row is bad.
	Strict bool
	// Loc is the service's zone, in which local times and bare dates are read.
	Loc *time.Location
	// BatchSize is the number of rows per write transaction.
	BatchSize int
	// Progress, when it is a terminal, gets a live bar per file. Otherwise progress
	// goes to Log as a line every few seconds.
	Progress io.Writer
	// Log gets progress lines (on a non-terminal) and a line per file; nil is silent.
	Log *zerolog.Logger
	// LogEvery is the interval of progress log lines; zero means 5 s.
	LogEvery time.Duration
}

// Reject is one bad row (or refused file): `file:line: column: reason`.
type Reject struct {
	File   string
	Line   int
	Column string
	Reason string
	Raw    []string // the row as read, when there is one
}

func (r Reject) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", r.File, r.Line, r.Column, r.Reason)
}

// FileReport sums up one file: rows read, written (good rows, a later row of the same
// key replacing an earlier one) and rejected, and the time it took.
type FileReport struct {
	File     string
	Read     int
	Written  int
	Rejected int
	Elapsed  time.Duration
}

// Report is the outcome of a load.
type Report struct {
	Files   []FileReport // the files of the bundle, in load order
	Rejects []Reject     // in load order: file by file, line by line
	// Written is false when nothing was written (Strict with rejects).
	Written bool
	Elapsed time.Duration
}

// Clean says whether the bundle loaded without a single reject.
func (r *Report) Clean() bool { return len(r.Rejects) == 0 }

// Rows is the total rows read and written.
func (r *Report) Rows() (read, written int) {
	for _, f := range r.Files {
		read += f.Read
		written += f.Written
	}
	return read, written
}

// Load imports the bundle in dir. Bad rows end in the report's Rejects, not in the
// error: the error is for failures (an unreadable folder, Neo4j unavailable), after
// which the load may be run again.
func Load(ctx context.Context, db *graph.DB, dir string, opts Options) (*Report, error) {
	start := time.Now()
	if opts.Loc == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return nil, fmt.Errorf("load: time zone: %w", err)
		}
		opts.Loc = loc
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, &graph.Error{Kind: graph.Invalid, Op: "load", Field: dir, Msg: "cannot read the bundle folder", Err: err}
	}
	rep := &Report{}
	present, rejects := scanDir(entries)
	rep.Rejects = append(rep.Rejects, rejects...)

	l := newRun(db, opts)
	type pending struct {
		t      *table
		values []any
		fr     *FileReport
	}
	var stash []pending
	for _, t := range tables {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !present[t.file] {
			continue
		}
		fstart := time.Now()
		values, fr, rejects, err := l.validate(ctx, t, filepath.Join(dir, t.file))
		if err != nil {
			return nil, err
		}
		rep.Rejects = append(rep.Rejects, rejects...)
		fr.Elapsed = time.Since(fstart)
		if opts.Strict {
			stash = append(stash, pending{t, values, fr})
			rep.Files = append(rep.Files, *fr)
			continue
		}
		if err := l.write(ctx, t, values); err != nil {
			return nil, err
		}
		fr.Elapsed = time.Since(fstart)
		rep.Files = append(rep.Files, *fr)
		l.logFile(*fr)
	}
	if opts.Strict {
		if len(rep.Rejects) > 0 {
			for i := range rep.Files {
				rep.Files[i].Written = 0
			}
			rep.Elapsed = time.Since(start)
			return rep, nil
		}
		for i, p := range stash {
			wstart := time.Now()
			if err := l.write(ctx, p.t, p.values); err != nil {
				return nil, err
			}
			rep.Files[i].Elapsed += time.Since(wstart)
			l.logFile(rep.Files[i])
		}
	}
	rep.Written = true
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func newRun(db *graph.DB, opts Options) *run {
	l := &run{db: db, opts: opts, known: map[graph.KeyKind]map[string]bool{},
		rejected: map[graph.KeyKind]map[string]bool{}, inDB: map[graph.KeyKind]map[string]bool{},
		refused: map[graph.KeyKind]string{}, householdOf: map[string]string{}, prog: newProgress(opts)}
	if db != nil {
		l.lookup = db.ExistingKeys
		l.parents = db.AreaAncestry
		l.households = db.HouseholdsOf
	}
	return l
}

// scanDir picks the bundle's files: known *.csv names are loaded, an unknown *.csv
// name is an error (a typo must not silently drop a ledger), other files are ignored.
func scanDir(entries []os.DirEntry) (map[string]bool, []Reject) {
	present := map[string]bool{}
	var rejects []Reject
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.EqualFold(filepath.Ext(name), ".csv") {
			continue
		}
		if _, ok := tableByFile[name]; !ok {
			rejects = append(rejects, Reject{File: name, Line: 1, Column: "file", Reason: "unknown file"})
			continue
		}
		present[name] = true
	}
	return present, rejects
}

// run is the state of one load: the keys the bundle has defined so far (good rows),
// the keys whose rows were all rejected, the database lookups made, and the files
// refused whole.
type run struct {
	db       *graph.DB
	opts     Options
	known    map[graph.KeyKind]map[string]bool
	rejected map[graph.KeyKind]map[string]bool
	inDB     map[graph.KeyKind]map[string]bool // key → exists, for keys looked up
	refused  map[graph.KeyKind]string          // kind → the refused file that defines it
	lookup   func(ctx context.Context, kind graph.KeyKind, keys []string) (map[string]bool, error)
	// parents gives the stored parent codes of areas and of all their ancestors.
	parents func(ctx context.Context, codes []string) (map[string]string, error)
	// householdOf is each person's household as this bundle's people.csv leaves it
	// (good rows; "" for none); households asks the database about everyone else.
	householdOf map[string]string
	households  func(ctx context.Context, personIDs []string) (map[string]string, error)
	prog        progress
}

// checkVisitMembers rejects the visit rows whose person is not a member of the
// household when the row is loaded (SPEC §3): membership as this bundle's people.csv
// leaves it, else as stored. A person the bundle and the database do not know is left
// to the reference check.
func (l *run) checkVisitMembers(ctx context.Context, t *table, rows []*row) error {
	col := t.index("person_id")
	var ask []string
	seen := map[string]bool{}
	for _, r := range rows {
		if r.value == nil {
			continue
		}
		v := r.value.(graph.Visit)
		if _, here := l.householdOf[v.PersonID]; v.PersonID == "" || here || seen[v.PersonID] {
			continue
		}
		seen[v.PersonID] = true
		ask = append(ask, v.PersonID)
	}
	stored := map[string]string{}
	if len(ask) > 0 && l.households != nil {
		sort.Strings(ask)
		const chunk = 10000
		for i := 0; i < len(ask); i += chunk {
			part, err := l.households(ctx, ask[i:min(i+chunk, len(ask))])
			if err != nil {
				return fmt.Errorf("%s: checking households: %w", t.file, err)
			}
			for k, h := range part {
				stored[k] = h
			}
		}
	}
	for _, r := range rows {
		if r.value == nil {
			continue
		}
		v := r.value.(graph.Visit)
		if v.PersonID == "" || (!l.known[graph.KeyPerson][v.PersonID] && !l.inDB[graph.KeyPerson][v.PersonID]) {
			continue
		}
		h, here := l.householdOf[v.PersonID]
		if !here {
			h = stored[v.PersonID]
		}
		if h != v.HouseholdID {
			r.fail(col, graph.NotAMember)
		}
	}
	return nil
}

func (l *run) logFile(fr FileReport) {
	if l.opts.Log != nil {
		l.opts.Log.Info().Str("file", fr.File).Int("read", fr.Read).Int("written", fr.Written).
			Int("rejected", fr.Rejected).Dur("elapsed", fr.Elapsed).Msg("loaded")
	}
}

// validate reads and checks one file. It returns the values to write (one per key, the
// last good row winning; areas parents first), the file's counts and its rejects.
func (l *run) validate(ctx context.Context, t *table, path string) ([]any, *FileReport, []Reject, error) {
	rows, refusal, err := readFile(t, path, l.opts.Loc)
	if err != nil {
		return nil, nil, nil, err
	}
	return l.check(ctx, t, rows, refusal)
}

// check validates a file's parsed rows: references against the bundle so far and the
// database, the first failing column of each bad row, and the last good row per key.
func (l *run) check(ctx context.Context, t *table, rows []*row, refusal *Reject) ([]any, *FileReport, []Reject, error) {
	fr := &FileReport{File: t.file}
	if refusal != nil {
		if t.provides != graph.KeyNone {
			l.refused[t.provides] = t.file
		}
		return nil, fr, []Reject{*refusal}, nil
	}
	fr.Read = len(rows)
	if err := l.lookupRefs(ctx, t, rows); err != nil {
		return nil, nil, nil, err
	}
	if t.provides == graph.KeyArea {
		if err := l.rejectParentCycles(ctx, t, rows); err != nil {
			return nil, nil, nil, err
		}
	}
	if t.file == "visits.csv" {
		if err := l.checkVisitMembers(ctx, t, rows); err != nil {
			return nil, nil, nil, err
		}
	}

	// Rows that fail a reference are dropped; for an area whose parent is in the same
	// file, dropping one row may orphan another, so repeat until nothing changes.
	here := map[string]bool{}
	good := make([]bool, len(rows))
	refFail := make([]int, len(rows))
	for {
		for i, r := range rows {
			refFail[i] = l.firstBadRef(t, r, here)
			good[i] = r.failCol < 0 && refFail[i] < 0
		}
		if !selfRefs(t) {
			break
		}
		// here only grows, from the areas anchored in earlier files or the database
		// down their children, so a parent cycle inside the bundle never resolves.
		next := map[string]bool{}
		for i, r := range rows {
			if good[i] {
				next[t.id(r.value)] = true
			}
		}
		if sameSet(here, next) {
			break
		}
		here = next
	}

	var rejects []Reject
	last := map[string]int{}
	for i, r := range rows {
		if good[i] {
			last[t.key(r.value)] = i
			continue
		}
		col, reason := r.failCol, r.reason
		if rf := refFail[i]; rf >= 0 && (col < 0 || rf < col) {
			col, reason = rf, l.refReason(t, r, rf)
		}
		name := t.cols[col].name
		if r.wrongCount {
			name = "row"
		}
		rejects = append(rejects, Reject{File: t.file, Line: r.line, Column: name, Reason: reason, Raw: r.raw})
	}
	fr.Rejected = len(rejects)
	fr.Written = fr.Read - fr.Rejected

	if t.provides == graph.KeyPerson {
		for i, r := range rows {
			if good[i] {
				p := r.value.(graph.Person)
				l.householdOf[p.ID] = p.HouseholdID // the last good row wins, as it is written
			}
		}
	}
	if t.provides != graph.KeyNone {
		known := l.set(l.known, t.provides)
		for i, r := range rows {
			if good[i] {
				known[t.id(r.value)] = true
			}
		}
		rej := l.set(l.rejected, t.provides)
		for i, r := range rows {
			if good[i] || r.value == nil {
				continue // a malformed row or one with the wrong column count has no key
			}
			if id := t.id(r.value); id != "" && !known[id] {
				rej[id] = true
			}
		}
	}

	idx := make([]int, 0, len(last))
	for _, i := range last {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	values := make([]any, len(idx))
	for j, i := range idx {
		values[j] = rows[i].value
	}
	if t.provides == graph.KeyArea {
		values = parentsFirst(values)
	}
	return values, fr, rejects, ctx.Err()
}

// rejectParentCycles rejects the areas whose new parent would make them their own
// ancestor, following the bundle's parents and, above them, the stored ones: the rules
// walk PART_OF upwards and need it to end.
func (l *run) rejectParentCycles(ctx context.Context, t *table, rows []*row) error {
	parent := map[string]string{} // the bundle's last syntactically good row per area
	for _, r := range rows {
		if r.failCol < 0 {
			a := r.value.(graph.Area)
			parent[a.Code] = a.ParentCode
		}
	}
	var outside []string // parents the bundle does not define: ask the database
	for _, p := range parent {
		if _, ok := parent[p]; p != "" && !ok {
			outside = append(outside, p)
		}
	}
	if len(outside) > 0 && l.parents != nil {
		sort.Strings(outside)
		stored, err := l.parents(ctx, outside)
		if err != nil {
			return fmt.Errorf("%s: checking parents: %w", t.file, err)
		}
		for c, p := range stored {
			if _, ok := parent[c]; !ok {
				parent[c] = p
			}
		}
	}
	col := t.index("parent_code")
	for _, r := range rows {
		if r.failCol >= 0 {
			continue
		}
		a := r.value.(graph.Area)
		for c, steps := a.ParentCode, 0; c != "" && steps <= len(parent); c, steps = parent[c], steps+1 {
			if c == a.Code {
				r.fail(col, fmt.Sprintf("a parent cycle: area %q would be its own ancestor", a.Code))
				break
			}
		}
	}
	return nil
}

func selfRefs(t *table) bool { return t.provides == graph.KeyArea }

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func (l *run) set(m map[graph.KeyKind]map[string]bool, k graph.KeyKind) map[string]bool {
	s, ok := m[k]
	if !ok {
		s = map[string]bool{}
		m[k] = s
	}
	return s
}

// exists says whether a reference resolves: to a good row of an earlier file, to a
// good row of this file (areas), or to a node already in the database.
func (l *run) exists(t *table, ref ref, here map[string]bool) bool {
	if l.known[ref.kind][ref.key] || l.inDB[ref.kind][ref.key] {
		return true
	}
	return ref.kind == t.provides && here[ref.key]
}

// firstBadRef is the column of the row's first unresolved reference, or -1.
func (l *run) firstBadRef(t *table, r *row, here map[string]bool) int {
	first := -1
	for _, ref := range r.refs {
		if !l.exists(t, ref, here) && (first < 0 || ref.col < first) {
			first = ref.col
		}
	}
	return first
}

func (l *run) refReason(t *table, r *row, col int) string {
	for _, ref := range r.refs {
		if ref.col != col {
			continue
		}
		reason := fmt.Sprintf("unknown reference: no %s %q in the bundle or the database", ref.kind, ref.key)
		switch {
		case l.rejected[ref.kind][ref.key]:
			reason = fmt.Sprintf("unknown reference: %s %q was rejected in this bundle", ref.kind, ref.key)
		case l.refused[ref.kind] != "":
			reason += fmt.Sprintf(" (%s was refused)", l.refused[ref.kind])
		case ref.kind == t.provides:
			reason = fmt.Sprintf("unknown reference: %s %q has no good row in this bundle (rejected, or in a parent cycle) and is not in the database", ref.kind, ref.key)
		}
		return reason
	}
	return "unknown reference"
}

// lookupRefs asks the database, in batches, about every referenced key that no earlier
// file of the bundle defined: a trip may name a person loaded last week.
func (l *run) lookupRefs(ctx context.Context, t *table, rows []*row) error {
	need := map[graph.KeyKind]map[string]bool{}
	for _, r := range rows {
		for _, ref := range r.refs {
			if l.known[ref.kind][ref.key] {
				continue
			}
			if _, asked := l.inDB[ref.kind][ref.key]; asked {
				continue
			}
			l.set(need, ref.kind)[ref.key] = true
		}
	}
	const chunk = 10000
	for kind, keys := range need {
		list := make([]string, 0, len(keys))
		for k := range keys {
			list = append(list, k)
		}
		sort.Strings(list)
		inDB := l.set(l.inDB, kind)
		for i := 0; i < len(list); i += chunk {
			part := list[i:min(i+chunk, len(list))]
			found, err := l.lookup(ctx, kind, part)
			if err != nil {
				return fmt.Errorf("%s: checking references: %w", t.file, err)
			}
			for _, k := range part {
				inDB[k] = found[k]
			}
		}
	}
	return nil
}

// readFile reads and parses one file. A refused file (bad header) gives a refusal and
// no rows; an unreadable one an error.
func readFile(t *table, path string, loc *time.Location) ([]*row, *Reject, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, &graph.Error{Kind: graph.Invalid, Op: "load", Field: path, Msg: "cannot open", Err: err}
	}
	defer f.Close()
	return parseCSV(t, f, loc)
}

// parseCSV parses a file's content: the header, then every row.
func parseCSV(t *table, in io.Reader, loc *time.Location) ([]*row, *Reject, error) {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, nil // an empty file: no rows
	}
	if err != nil {
		return nil, &Reject{File: t.file, Line: 1, Column: "header", Reason: "malformed CSV: " + csvReason(err)}, nil
	}
	pos, refusal := t.header(header)
	if refusal != nil {
		return nil, refusal, nil
	}
	var rows []*row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				r := &row{t: t, line: pe.StartLine, failCol: 0, wrongCount: true, reason: "malformed CSV: " + csvReason(err)}
				rows = append(rows, r)
				continue
			}
			return nil, nil, fmt.Errorf("%s: %w", t.file, err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, t.parseRow(pos, len(header), rec, line, loc))
	}
	return rows, nil, nil
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// parentsFirst orders areas so that a parent in the bundle comes before its children,
// keeping the file order otherwise.
func parentsFirst(values []any) []any {
	byCode := make(map[string]graph.Area, len(values))
	for _, v := range values {
		a := v.(graph.Area)
		byCode[a.Code] = a
	}
	depth := map[string]int{}
	var depthOf func(code string, seen int) int
	depthOf = func(code string, seen int) int {
		if d, ok := depth[code]; ok {
			return d
		}
		a, ok := byCode[code]
		if !ok || a.ParentCode == "" || seen > len(byCode) {
			return 0
		}
		d := depthOf(a.ParentCode, seen+1) + 1
		depth[code] = d
		return d
	}
	out := append([]any(nil), values...)
	sort.SliceStable(out, func(i, j int) bool {
		return depthOf(out[i].(graph.Area).Code, 0) < depthOf(out[j].(graph.Area).Code, 0)
	})
	return out
}

// write sends a file's values to Neo4j in batches, one transaction each.
func (l *run) write(ctx context.Context, t *table, values []any) error {
	if len(values) == 0 {
		return nil
	}
	l.prog.begin(t.file, len(values))
	defer l.prog.end()
	for i := 0; i < len(values); i += l.opts.BatchSize {
		batch := values[i:min(i+l.opts.BatchSize, len(values))]
		if err := writeBatch(ctx, l.db, t.file, batch); err != nil {
			return fmt.Errorf("%s: writing rows %d–%d: %w", t.file, i+1, i+len(batch), err)
		}
		l.prog.add(len(batch))
	}
	return nil
}

func writeBatch(ctx context.Context, db *graph.DB, file string, batch []any) error {
	switch file {
	case "areas.csv":
		return db.WriteAreas(ctx, as[graph.Area](batch))
	case "risk_designations.csv":
		return db.WriteRiskDesignations(ctx, as[graph.RiskDesignation](batch))
	case "households.csv":
		return db.WriteHouseholds(ctx, as[graph.Household](batch))
	case "people.csv":
		return db.WritePeople(ctx, as[graph.Person](batch))
	case "cases.csv":
		return db.WriteCases(ctx, as[graph.Case](batch))
	case "trips.csv":
		return db.WriteTrips(ctx, as[graph.Trip](batch))
	case "events.csv":
		return db.WriteEvents(ctx, as[graph.Event](batch))
	case "attendance.csv":
		return db.WriteAttendance(ctx, as[graph.Attendance](batch))
	case "contacts.csv":
		return db.WriteContacts(ctx, as[graph.Contact](batch))
	case "tests.csv":
		return db.WriteTests(ctx, as[graph.Test](batch))
	case "checkpoints.csv":
		return db.WriteCheckpoints(ctx, as[graph.Checkpoint](batch))
	case "passages.csv":
		return db.WritePassages(ctx, as[graph.Passage](batch))
	case "facilities.csv":
		return db.WriteFacilities(ctx, as[graph.Facility](batch))
	case "officers.csv":
		return db.WriteOfficers(ctx, as[graph.Officer](batch))
	case "responsibilities.csv":
		return db.WriteResponsibilities(ctx, as[graph.Responsibility](batch))
	case "health_reports.csv":
		return db.WriteHealthReports(ctx, as[graph.HealthReport](batch))
	case "visits.csv":
		return db.WriteVisits(ctx, as[graph.Visit](batch))
	case "employers.csv":
		return db.WriteEmployers(ctx, as[graph.Employer](batch))
	case "employment.csv":
		return db.WriteEmployment(ctx, as[graph.Employment](batch))
	}
	return graph.Errorf(graph.Internal, "load", "no writer for %s", file)
}

func as[T any](values []any) []T {
	out := make([]T, len(values))
	for i, v := range values {
		out[i] = v.(T)
	}
	return out
}
