package loader

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// The bulk path (issue 16): the first load of a county into an empty, stopped local
// Neo4j through Neo4j's own importer (`neo4j-admin database import full`, run by
// deploy/neo4j/neo4j.sh import). Rows are read and checked exactly as by Load (the same
// tables, row rules, reference checks and rejects); the good values are written as the
// importer's CSV files, one per label and per relationship type and end labels, with
// the same labels, properties, copied properties and relationships that graph's
// writers make. The importer writes a new store; the migrations (constraints, indexes)
// are applied by the first tracegraph command that connects after the server starts,
// as for any store, and the change feed starts at seq 1 with one reset change.

// BulkMarker is the file a bulk load leaves in the store's folder while the importer
// runs: a store with it was cut off mid-import, and the same bulk load may overwrite it.
const BulkMarker = "bulk-load.incomplete"

// BulkOptions tune a bulk load.
type BulkOptions struct {
	Options
	// Home is the folder of the local Neo4j's store (NEO4J_HOME of deploy/neo4j). The
	// server on it must be stopped and its database empty (never created).
	Home string
	// Importer is the command that runs the importer, the importer's arguments appended
	// (default: deploy/neo4j/neo4j.sh import). NEO4J_HOME is set to Home for it.
	Importer []string
	// ImporterArgs are more importer options (e.g. --max-off-heap-memory=4G).
	ImporterArgs []string
	// Stage is the folder for the import files (default: Home/bulk-stage), removed after
	// a successful import.
	Stage string
	// ImporterOut gets the importer's output (nil: discarded).
	ImporterOut io.Writer
}

// BulkTarget checks that home is a store the bulk path may write: no database there yet,
// or one left by a bulk load that was cut off. It returns why not otherwise.
func BulkTarget(home string) error {
	db := filepath.Join(home, "data", "databases", "neo4j")
	if _, err := os.Stat(filepath.Join(home, BulkMarker)); err == nil {
		return nil
	}
	if pid, err := os.ReadFile(filepath.Join(home, "neo4j.pid")); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(pid))); err == nil && syscall.Kill(n, 0) == nil {
			return fmt.Errorf("the Neo4j on %s is running (pid %d): the bulk path writes a stopped store (make neo4j-stop), or load without --bulk", home, n)
		}
	}
	if _, err := os.Stat(db); err == nil {
		return fmt.Errorf("%s already holds a database: the bulk path only makes a new one; load without --bulk, or remove the store folder %s (its data is lost) for a fresh bulk load", db, home)
	}
	return nil
}

// Bulk validates the bundle at dir as Load does and, unless Strict found rejects, writes
// the good rows into a new store at opts.Home with Neo4j's bulk importer. The report is
// Load's: the same files, counts and rejects.
func Bulk(ctx context.Context, dir string, opts BulkOptions) (*Report, error) {
	start := time.Now()
	if opts.Home == "" {
		return nil, errors.New("bulk load: no store folder (NEO4J_HOME)")
	}
	home, err := filepath.Abs(opts.Home)
	if err != nil {
		return nil, err
	}
	if err := BulkTarget(home); err != nil {
		return nil, fmt.Errorf("bulk load: %w", err)
	}
	if opts.Loc == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return nil, fmt.Errorf("bulk load: time zone: %w", err)
		}
		opts.Loc = loc
	}
	if len(opts.Importer) == 0 {
		opts.Importer = []string{"deploy/neo4j/neo4j.sh", "import"}
	}
	stageDir := opts.Stage
	if stageDir == "" {
		stageDir = filepath.Join(home, "bulk-stage")
	}
	src, err := openSource(dir, opts.Loc)
	if err != nil {
		return nil, err
	}
	defer src.close()
	rep := &Report{}
	rep.Rejects = append(rep.Rejects, src.rejects...)

	if err := os.RemoveAll(stageDir); err != nil {
		return nil, err
	}
	st, err := newStage(stageDir)
	if err != nil {
		return nil, err
	}
	defer st.close()

	// An empty store: every reference must be to a good row of the bundle.
	l := newRun(nil, opts.Options)
	l.lookup = func(context.Context, graph.KeyKind, []string) (map[string]bool, error) { return nil, nil }
	for _, t := range tables {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !src.present[t.file] {
			continue
		}
		fstart := time.Now()
		values, fr, rejects, err := l.validate(ctx, t, src.read)
		if err != nil {
			return nil, err
		}
		rep.Rejects = append(rep.Rejects, rejects...)
		if err := st.add(t.file, values); err != nil {
			return nil, fmt.Errorf("bulk load: staging %s: %w", t.file, err)
		}
		fr.Elapsed = time.Since(fstart)
		rep.Files = append(rep.Files, *fr)
		l.logFile(*fr)
	}
	if err := st.feedStart(time.Now()); err != nil {
		return nil, err
	}
	if err := st.close(); err != nil {
		return nil, fmt.Errorf("bulk load: staging: %w", err)
	}
	if opts.Strict && len(rep.Rejects) > 0 {
		for i := range rep.Files {
			rep.Files[i].Written = 0
		}
		os.RemoveAll(stageDir)
		rep.Elapsed = time.Since(start)
		src.rename(rep)
		return rep, nil
	}

	// The marker goes down before the importer touches the store and is removed only
	// after it succeeded: a kill in between leaves a store that this same command may
	// overwrite, and that a server start would show half-made.
	marker := filepath.Join(home, BulkMarker)
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(marker, []byte("a bulk load of "+dir+" started "+time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644); err != nil {
		return nil, err
	}
	if opts.Log != nil {
		opts.Log.Info().Str("home", home).Int("files", len(st.args)).Msg("running the bulk importer")
	}
	istart := time.Now()
	args := append([]string{}, opts.Importer[1:]...)
	args = append(args, "--overwrite-destination=true", "--bad-tolerance=0", "--threads=2",
		"--report-file="+filepath.Join(stageDir, "import.report"))
	args = append(args, opts.ImporterArgs...)
	args = append(args, st.args...)
	cmd := exec.CommandContext(ctx, opts.Importer[0], args...)
	cmd.Env = append(os.Environ(), "NEO4J_HOME="+home)
	// The importer dies with this process: a killed load leaves no importer writing on.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out := opts.ImporterOut
	if out == nil {
		out = io.Discard
	}
	var tail tailBuffer
	cmd.Stdout = io.MultiWriter(out, &tail)
	cmd.Stderr = io.MultiWriter(out, &tail)
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("bulk load: the importer (%s) failed: %w; its last output:\n%s", strings.Join(opts.Importer, " "), err, tail.String())
	}
	if err := os.Remove(marker); err != nil {
		return nil, err
	}
	os.RemoveAll(stageDir)
	if opts.Log != nil {
		opts.Log.Info().Dur("elapsed", time.Since(istart)).Msg("bulk importer done")
	}
	rep.Written = true
	rep.Elapsed = time.Since(start)
	src.rename(rep)
	return rep, nil
}

// tailBuffer keeps the last few KB written to it, for an error message.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = t.b[len(t.b)-4096:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// stage writes the importer's input files: one per label (nodes) and one per
// relationship type and pair of end labels, each with its header line.
type stage struct {
	dir   string
	files map[string]*stageFile
	order []string
	args  []string
	// plates of the vehicles seen: a Vehicle node per plate, however many passages.
	plates map[string]bool
	seq    int
}

type stageFile struct {
	f *os.File
	w *bufio.Writer
}

func newStage(dir string) (*stage, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &stage{dir: dir, files: map[string]*stageFile{}, plates: map[string]bool{}}, nil
}

// file returns the staged file named name, creating it with its header. kind is
// "nodes" or "relationships"; what is the label (nodes) or the type (relationships).
func (s *stage) file(kind, what, name, header string) (*bufio.Writer, error) {
	if sf, ok := s.files[name]; ok {
		return sf.w, nil
	}
	path := filepath.Join(s.dir, name+".csv")
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	sf := &stageFile{f: f, w: bufio.NewWriterSize(f, 1<<16)}
	s.files[name] = sf
	s.order = append(s.order, name)
	s.args = append(s.args, "--"+kind+"="+what+"="+path)
	sf.w.WriteString(header)
	sf.w.WriteByte('\n')
	return sf.w, nil
}

func (s *stage) close() error {
	var first error
	for _, name := range s.order {
		sf := s.files[name]
		if sf.f == nil {
			continue
		}
		if err := sf.w.Flush(); err != nil && first == nil {
			first = err
		}
		if err := sf.f.Close(); err != nil && first == nil {
			first = err
		}
		sf.f = nil
	}
	return first
}

// line writes one record: cells are already encoded (see q, dt, …).
func line(w *bufio.Writer, cells ...string) {
	for i, c := range cells {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(c)
	}
	w.WriteByte('\n')
}

// Cell encoders. A null is an empty, unquoted field, which the importer stores as no
// property (absent, as graph's writers leave it); a string is always quoted, so an
// empty string (a household visit's personKey) is stored as one.
func q(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func oq(s string) string {
	if s == "" {
		return ""
	}
	return q(s)
}

// dt is a DATETIME with its zone id, as the driver sends a time.Time of the service's
// zone: the same instant, offset and zone name.
func dt(t time.Time) string {
	return t.Format("2006-01-02T15:04:05.999999999Z07:00") + "[" + t.Location().String() + "]"
}

func odt(t *time.Time) string {
	if t == nil {
		return ""
	}
	return dt(*t)
}

func date(d graph.Date) string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

func odate(d *graph.Date) string {
	if d == nil {
		return ""
	}
	return date(*d)
}

func of(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'g', -1, 64)
}

func bl(b bool) string { return strconv.FormatBool(b) }

// rel writes one relationship of type typ from an id of space from to an id of space to.
func (s *stage) rel(typ, from, to, props string, start, end string, cells ...string) error {
	header := ":START_ID(" + from + "),:END_ID(" + to + ")"
	if props != "" {
		header += "," + props
	}
	w, err := s.file("relationships", typ, "rel-"+typ+"-"+from+"-"+to, header)
	if err != nil {
		return err
	}
	line(w, append([]string{q(start), q(end)}, cells...)...)
	return nil
}

func (s *stage) node(label, header string, cells ...string) error {
	w, err := s.file("nodes", label, "node-"+label, header)
	if err != nil {
		return err
	}
	line(w, cells...)
	return nil
}

// synthetic returns an id for a node that has no single-column key (a risk designation,
// a health report, a visit): it exists only for the importer's relationships and is not
// stored (its header column has no name).
func (s *stage) synthetic() string {
	s.seq++
	return strconv.Itoa(s.seq)
}

// add stages a file's values as graph's writer for that file would write them.
func (s *stage) add(file string, values []any) error {
	for _, v := range values {
		if err := s.addOne(file, v); err != nil {
			return err
		}
	}
	return nil
}

func (s *stage) addOne(file string, v any) error {
	var err error
	keep := func(e error) {
		if err == nil {
			err = e
		}
	}
	switch file {
	case "areas.csv":
		a := v.(graph.Area)
		keep(s.node("Area", "code:ID(Area),name,level,parentCode", q(a.Code), q(a.Name), q(a.Level), oq(a.ParentCode)))
		if a.ParentCode != "" {
			keep(s.rel("PART_OF", "Area", "Area", "", a.Code, a.ParentCode))
		}
	case "risk_designations.csv":
		d := v.(graph.RiskDesignation)
		id := s.synthetic()
		keep(s.node("RiskDesignation", ":ID(RiskDesignation),areaCode,since:datetime,level", q(id), q(d.AreaCode), dt(d.Since), q(d.Level)))
		keep(s.rel("DESIGNATED", "Area", "RiskDesignation", "", d.AreaCode, id))
	case "households.csv":
		h := v.(graph.Household)
		keep(s.node("Household", "id:ID(Household),address,areaCode", q(h.ID), oq(h.Address), oq(h.AreaCode)))
		if h.AreaCode != "" {
			keep(s.rel("IN", "Household", "Area", "", h.ID, h.AreaCode))
		}
	case "people.csv":
		p := v.(graph.Person)
		keep(s.node("Person", "id:ID(Person),name,idNumber,phone,sex,birthDate:date,householdId",
			q(p.ID), q(p.Name), oq(p.IDNumber), oq(p.Phone), oq(p.Sex), odate(p.BirthDate), oq(p.HouseholdID)))
		if p.HouseholdID != "" {
			keep(s.rel("MEMBER_OF", "Person", "Household", "", p.ID, p.HouseholdID))
		}
	case "cases.csv":
		c := v.(graph.Case)
		keep(s.node("Case", "personId:ID(Case),status,onsetDate:date,confirmedAt:datetime,isolatedAt:datetime",
			q(c.PersonID), q(c.Status), odate(c.OnsetDate), odt(c.ConfirmedAt), odt(c.IsolatedAt)))
		keep(s.rel("HAS_CASE", "Person", "Case", "", c.PersonID, c.PersonID))
	case "trips.csv":
		t := v.(graph.Trip)
		keep(s.node("Trip", "id:ID(Trip),personId,mode,number,numberKey,seat,fromArea,toArea,departAt:datetime,arriveAt:datetime",
			q(t.ID), q(t.PersonID), q(t.Mode), oq(t.Number), oq(graph.TripNumberKey(t.Number)), oq(t.Seat),
			oq(t.FromArea), oq(t.ToArea), dt(t.DepartAt), dt(t.ArriveAt)))
		keep(s.rel("TOOK", "Person", "Trip", "", t.PersonID, t.ID))
		if t.FromArea != "" {
			keep(s.rel("FROM", "Trip", "Area", "", t.ID, t.FromArea))
		}
		if t.ToArea != "" {
			keep(s.rel("TO", "Trip", "Area", "", t.ID, t.ToArea))
		}
	case "events.csv":
		e := v.(graph.Event)
		keep(s.node("Event", "id:ID(Event),kind,place,areaCode,start:datetime,end:datetime,indoor:boolean",
			q(e.ID), q(e.Kind), oq(e.Place), oq(e.AreaCode), dt(e.Start), dt(e.End), bl(e.Indoor)))
		if e.AreaCode != "" {
			keep(s.rel("AT", "Event", "Area", "", e.ID, e.AreaCode))
		}
	case "attendance.csv":
		a := v.(graph.Attendance)
		keep(s.rel("ATTENDED", "Person", "Event", "from:datetime,to:datetime,proximity", a.PersonID, a.EventID,
			dt(a.From), dt(a.To), q(a.Proximity)))
	case "contacts.csv":
		c := v.(graph.Contact)
		a, b := c.PersonA, c.PersonB
		if b < a {
			a, b = b, a
		}
		keep(s.rel("CONTACTED", "Person", "Person", "at:datetime,durationMin:double,setting,protected:boolean", a, b,
			dt(c.At), of(c.DurationMin), oq(c.Setting), bl(c.Protected)))
	case "tests.csv":
		t := v.(graph.Test)
		keep(s.node("Test", "id:ID(Test),personId,kind,sampledAt:datetime,result",
			q(t.ID), q(t.PersonID), q(t.Kind), dt(t.SampledAt), q(t.Result)))
		keep(s.rel("TESTED", "Person", "Test", "", t.PersonID, t.ID))
	case "checkpoints.csv":
		c := v.(graph.Checkpoint)
		keep(s.node("Checkpoint", "id:ID(Checkpoint),name,areaCode", q(c.ID), q(c.Name), q(c.AreaCode)))
		keep(s.rel("IN", "Checkpoint", "Area", "", c.ID, c.AreaCode))
	case "passages.csv":
		p := v.(graph.Passage)
		props := "at:datetime,temperature:double,plate,turnedBack:boolean"
		cells := []string{dt(p.At), of(p.Temperature), oq(p.Plate), bl(p.TurnedBack)}
		if p.PersonID != "" {
			keep(s.rel("PASSED", "Person", "Checkpoint", props, p.PersonID, p.CheckpointID, cells...))
			break
		}
		if !s.plates[p.Plate] {
			s.plates[p.Plate] = true
			keep(s.node("Vehicle", "plate:ID(Vehicle)", q(p.Plate)))
		}
		keep(s.rel("PASSED", "Vehicle", "Checkpoint", props, p.Plate, p.CheckpointID, cells...))
	case "facilities.csv":
		f := v.(graph.Facility)
		keep(s.node("Facility", "id:ID(Facility),name,areaCode,capacity:long",
			q(f.ID), q(f.Name), q(f.AreaCode), strconv.Itoa(f.Capacity)))
		keep(s.rel("IN", "Facility", "Area", "", f.ID, f.AreaCode))
	case "officers.csv":
		o := v.(graph.Officer)
		keep(s.node("Officer", "id:ID(Officer),name,role,areaCode,phone", q(o.ID), q(o.Name), q(o.Role), q(o.AreaCode), oq(o.Phone)))
		keep(s.rel("SERVES", "Officer", "Area", "", o.ID, o.AreaCode))
	case "responsibilities.csv":
		r := v.(graph.Responsibility)
		keep(s.rel("RESPONSIBLE_FOR", "Officer", "Person", "", r.OfficerID, r.PersonID))
	case "health_reports.csv":
		h := v.(graph.HealthReport)
		id := s.synthetic()
		keep(s.node("HealthReport", ":ID(HealthReport),personId,date:date,temperature:double,symptoms",
			q(id), q(h.PersonID), date(h.Date), of(h.Temperature), oq(h.Symptoms)))
		keep(s.rel("REPORTED", "Person", "HealthReport", "", h.PersonID, id))
	case "visits.csv":
		x := v.(graph.Visit)
		id := s.synthetic()
		// personKey is the person id, or "" for the household's own row (a stored empty
		// string: it is part of the visit's key).
		keep(s.node("Visit", ":ID(Visit),householdId,at:datetime,personKey,personId,status,officerId,temperature:double",
			q(id), q(x.HouseholdID), dt(x.At), q(x.PersonID), oq(x.PersonID), q(x.Status), oq(x.OfficerID), of(x.Temperature)))
		keep(s.rel("VISITED", "Household", "Visit", "", x.HouseholdID, id))
		if x.PersonID != "" {
			keep(s.rel("SAW", "Visit", "Person", "", id, x.PersonID))
		}
		if x.OfficerID != "" {
			keep(s.rel("BY", "Visit", "Officer", "", id, x.OfficerID))
		}
	case "employers.csv":
		e := v.(graph.Employer)
		keep(s.node("Employer", "id:ID(Employer),name,areaCode", q(e.ID), q(e.Name), q(e.AreaCode)))
		keep(s.rel("IN", "Employer", "Area", "", e.ID, e.AreaCode))
	case "employment.csv":
		e := v.(graph.Employment)
		keep(s.rel("WORKS_AT", "Person", "Employer", "since:date", e.PersonID, e.EmployerID, odate(e.Since)))
	default:
		return graph.Errorf(graph.Internal, "bulk load", "no bulk writer for %s", file)
	}
	return err
}

// feedStart stages the change feed's starting point: the counter at seq 1 and one
// change that says everything is new (reset), so an index builds from the whole graph.
func (s *stage) feedStart(now time.Time) error {
	if err := s.node("Feed", "id:ID(Feed),seq:long", q("feed"), "1"); err != nil {
		return err
	}
	return s.node("Change", ":ID(Change),seq:long,op,at:datetime,kinds:string[],"+graph.ChangeReset+":string[]",
		q("1"), "1", q("bulk load"), dt(now.UTC()), q(graph.ChangeReset), q("all"))
}
