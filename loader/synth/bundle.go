// Package synth writes import bundles (SPEC §3): a synthetic county of any size for
// scale work (Generate) and the hand-written demo county (WriteDemo). It depends only on
// the standard library: it writes CSV, it never talks to Neo4j.
package synth

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Columns are the SPEC §3 columns of every bundle file, in the table's order. The
// generator writes every column of every file, so a reader sees the full header.
var Columns = map[string][]string{
	"areas.csv":             {"code", "name", "level", "parent_code"},
	"risk_designations.csv": {"area_code", "level", "since"},
	"households.csv":        {"id", "address", "area_code"},
	"people.csv":            {"id", "name", "id_number", "phone", "sex", "birth_date", "household_id"},
	"cases.csv":             {"person_id", "status", "onset_date", "confirmed_at", "isolated_at"},
	"trips.csv":             {"id", "person_id", "mode", "number", "seat", "from_area", "to_area", "depart_at", "arrive_at"},
	"events.csv":            {"id", "kind", "place", "area_code", "start", "end", "indoor"},
	"attendance.csv":        {"person_id", "event_id", "from", "to", "proximity"},
	"contacts.csv":          {"person_a", "person_b", "at", "duration_min", "setting", "protected"},
	"tests.csv":             {"id", "person_id", "kind", "sampled_at", "result"},
	"checkpoints.csv":       {"id", "name", "area_code"},
	"passages.csv":          {"checkpoint_id", "at", "person_id", "plate", "temperature", "turned_back"},
	"facilities.csv":        {"id", "name", "area_code", "capacity"},
	"officers.csv":          {"id", "name", "role", "area_code", "phone"},
	"responsibilities.csv":  {"officer_id", "person_id"},
	"health_reports.csv":    {"person_id", "date", "temperature", "symptoms"},
	"visits.csv":            {"household_id", "at", "person_id", "status", "officer_id", "temperature"},
	"employers.csv":         {"id", "name", "area_code"},
	"employment.csv":        {"person_id", "employer_id", "since"},
}

// FileNames lists the bundle files in dependency order (a file only refers to files
// before it), which is also the order of Stats.
var FileNames = []string{
	"areas.csv", "risk_designations.csv", "households.csv", "people.csv", "cases.csv",
	"trips.csv", "events.csv", "attendance.csv", "contacts.csv", "tests.csv",
	"checkpoints.csv", "passages.csv", "facilities.csv", "officers.csv",
	"responsibilities.csv", "health_reports.csv", "visits.csv", "employers.csv", "employment.csv",
}

// Zone is the bundle's zone: every time is written with +08:00 (Asia/Shanghai had no
// daylight saving in 2020, so a fixed offset is exact and needs no tzdata).
var Zone = time.FixedZone("CST", 8*3600)

// table is one CSV file being written: rows are built in a scratch buffer and copied
// to a large buffered writer, so nothing but the current row is held in memory.
type table struct {
	name string
	cols int
	f    *os.File
	w    *bufio.Writer
	row  []byte
	nf   int // fields in the current row
	rows int // data rows written
}

func (t *table) sep() {
	if t.nf > 0 {
		t.row = append(t.row, ',')
	}
	t.nf++
}

// str writes a text field, quoted only when CSV needs it.
func (t *table) str(s string) *table {
	t.sep()
	if strings.ContainsAny(s, ",\"\r\n") {
		t.row = append(t.row, '"')
		t.row = append(t.row, strings.ReplaceAll(s, `"`, `""`)...)
		t.row = append(t.row, '"')
	} else {
		t.row = append(t.row, s...)
	}
	return t
}

// raw writes a field known to need no quoting (ids, numbers, codes).
func (t *table) raw(b []byte) *table {
	t.sep()
	t.row = append(t.row, b...)
	return t
}

func (t *table) empty() *table { t.sep(); return t }

func (t *table) int(v int) *table {
	t.sep()
	t.row = strconv.AppendInt(t.row, int64(v), 10)
	return t
}

// id writes prefix followed by n zero-padded to width digits.
func (t *table) id(prefix string, n, width int) *table {
	t.sep()
	t.row = appendID(t.row, prefix, n, width)
	return t
}

// float1 writes v with one decimal.
func (t *table) float1(v float64) *table {
	t.sep()
	t.row = strconv.AppendFloat(t.row, v, 'f', 1, 64)
	return t
}

// at writes an instant in RFC 3339 with the +08:00 offset.
func (t *table) at(m minute) *table {
	t.sep()
	t.row = m.time().AppendFormat(t.row, "2006-01-02T15:04:05-07:00")
	return t
}

// date writes the local date of an instant.
func (t *table) date(m minute) *table {
	t.sep()
	t.row = m.time().AppendFormat(t.row, "2006-01-02")
	return t
}

func (t *table) bool(b bool) *table {
	if b {
		return t.str("true")
	}
	return t.str("false")
}

// end finishes the row. A wrong field count is a bug in this package, not bad input.
func (t *table) end() {
	if t.nf != t.cols {
		panic(fmt.Sprintf("synth: %s row has %d fields, want %d", t.name, t.nf, t.cols))
	}
	t.row = append(t.row, '\n')
	_, _ = t.w.Write(t.row) // the error is sticky in bufio.Writer and read at close
	t.row = t.row[:0]
	t.nf = 0
	t.rows++
}

func appendID(b []byte, prefix string, n, width int) []byte {
	b = append(b, prefix...)
	var digits [20]byte
	i := len(digits)
	for n > 0 || i == len(digits) {
		i--
		digits[i] = byte('0' + n%10)
		n /= 10
	}
	for k := len(digits) - i; k < width; k++ {
		b = append(b, '0')
	}
	return append(b, digits[i:]...)
}

// bundle is the nineteen files of one bundle, open for writing.
type bundle struct {
	dir string
	t   map[string]*table
}

func createBundle(dir string) (*bundle, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating bundle folder: %w", err)
	}
	b := &bundle{dir: dir, t: map[string]*table{}}
	for _, name := range FileNames {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			b.abort()
			return nil, fmt.Errorf("creating %s: %w", name, err)
		}
		cols := Columns[name]
		t := &table{name: name, cols: len(cols), f: f, w: bufio.NewWriterSize(f, 1<<18)}
		_, _ = t.w.WriteString(strings.Join(cols, ",") + "\n")
		b.t[name] = t
	}
	return b, nil
}

func (b *bundle) abort() {
	for _, t := range b.t {
		t.f.Close()
	}
}

// close flushes and closes every file and returns the rows written per file.
func (b *bundle) close() ([]FileStat, error) {
	var errs []error
	stats := make([]FileStat, 0, len(FileNames))
	for _, name := range FileNames {
		t := b.t[name]
		if err := t.w.Flush(); err != nil {
			errs = append(errs, fmt.Errorf("writing %s: %w", name, err))
		}
		if err := t.f.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing %s: %w", name, err))
		}
		stats = append(stats, FileStat{Name: name, Rows: t.rows})
	}
	return stats, errors.Join(errs...)
}

// FileStat is the number of data rows written to one file.
type FileStat struct {
	Name string
	Rows int
}

// minute is an instant as whole minutes since 2020-01-01 00:00 +08:00: compact enough
// to keep a town's worth of facts in memory, and exact for the data we write.
type minute int32

var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, Zone)

func (m minute) time() time.Time { return epoch.Add(time.Duration(m) * time.Minute) }

// at is the minute of a local date (2020 January = month 1) and clock time.
func at(month, day, hour, min int) minute {
	return minute(time.Date(2020, time.Month(month), day, hour, min, 0, 0, Zone).Sub(epoch) / time.Minute)
}

const (
	mHour = minute(60)
	mDay  = minute(24 * 60)
)

// dayStart is 00:00 of m's local date.
func (m minute) dayStart() minute {
	if m < 0 {
		return m - ((m%mDay)+mDay)%mDay
	}
	return m - m%mDay
}
