package synth_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/loader/synth"
)

// This file is an independent reading of SPEC §3, written from the spec and not from
// the generator: checkBundle fails the test for any row a loader would reject, any key
// given twice, and any reference that does not resolve inside the bundle.

type rows struct {
	name   string
	header []string
	recs   [][]string
}

func (r rows) col(rec []string, name string) string {
	i := slices.Index(r.header, name)
	if i < 0 {
		panic("no column " + name)
	}
	return rec[i]
}

func readBundle(t tb, dir string) map[string]rows {
	t.Helper()
	out := map[string]rows{}
	for _, name := range synth.FileNames {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cr := csv.NewReader(f)
		recs, err := cr.ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(recs) == 0 {
			t.Fatalf("%s: no header", name)
		}
		out[name] = rows{name: name, header: recs[0], recs: recs[1:]}
	}
	return out
}

var shanghai = time.FixedZone("CST", 8*3600)

var localLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

func parseTime(s string, bareDate bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, shanghai); err == nil {
			return t, nil
		}
	}
	if bareDate {
		if t, err := time.ParseInLocation("2006-01-02", s, shanghai); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", s)
}

// validID checks GB 11643 from the standard's definition.
func validID(s string) bool {
	if len(s) != 18 {
		return false
	}
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * w[i]
	}
	return strings.ToUpper(s[17:]) == string("10X98765432"[sum%11])
}

var (
	flightSeat = regexp.MustCompile(`^\s*\d+[A-Za-z]\s*$`)
	trainSeat  = regexp.MustCompile(`^\s*\d+-\d+[A-Za-z]?\s*$`)
	boolRe     = regexp.MustCompile(`(?i)^(true|false|1|0|yes|no|是|否)?$`)
)

// tb is the part of testing.T the checker uses, so that a test can check the checker.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

type checker struct {
	t    tb
	errs int
}

func (c *checker) failf(file string, line int, format string, args ...any) {
	c.t.Helper()
	c.errs++
	if c.errs <= 20 {
		c.t.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...))
	}
}

// checkBundle validates dir and returns its rows.
func checkBundle(t tb, dir string) map[string]rows {
	t.Helper()
	b := readBundle(t, dir)
	c := &checker{t: t}
	for _, name := range synth.FileNames {
		if !slices.Equal(b[name].header, synth.Columns[name]) {
			t.Errorf("%s: header %v, want %v", name, b[name].header, synth.Columns[name])
		}
	}
	keys := map[string]map[string]bool{}
	set := func(file string, line int, key string) {
		if keys[file] == nil {
			keys[file] = map[string]bool{}
		}
		if keys[file][key] {
			c.failf(file, line, "key %q given twice", key)
		}
		keys[file][key] = true
	}
	has := func(file, key string) bool { return keys[file][key] }
	each := func(name string, fn func(line int, get func(string) string)) {
		r := b[name]
		for i, rec := range r.recs {
			fn(i+2, func(col string) string { return r.col(rec, col) })
		}
	}
	tm := func(file string, line int, v string, bare bool) time.Time {
		x, err := parseTime(v, bare)
		if err != nil {
			c.failf(file, line, "%v", err)
		}
		return x
	}
	enum := func(file string, line int, v string, allowed ...string) {
		if !slices.Contains(allowed, v) {
			c.failf(file, line, "value %q not one of %v", v, allowed)
		}
	}
	temp := func(file string, line int, v string) {
		if v == "" {
			return
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 30 || f > 45 {
			c.failf(file, line, "temperature %q", v)
		}
	}
	ref := func(file string, line int, target, key string) {
		if !has(target, key) {
			c.failf(file, line, "unknown reference %q to %s", key, target)
		}
	}
	// areas: parents may come later in the file, so check after collecting.
	each("areas.csv", func(l int, g func(string) string) {
		set("areas.csv", l, g("code"))
		enum("areas.csv", l, g("level"), "province", "city", "county", "town", "village", "community")
		if g("name") == "" {
			c.failf("areas.csv", l, "no name")
		}
	})
	each("areas.csv", func(l int, g func(string) string) {
		if p := g("parent_code"); p != "" {
			ref("areas.csv", l, "areas.csv", p)
		}
	})
	each("risk_designations.csv", func(l int, g func(string) string) {
		ref("risk_designations.csv", l, "areas.csv", g("area_code"))
		enum("risk_designations.csv", l, g("level"), "low", "medium", "high")
		since := tm("risk_designations.csv", l, g("since"), true)
		set("risk_designations.csv", l, g("area_code")+"|"+since.UTC().String())
	})
	each("households.csv", func(l int, g func(string) string) {
		set("households.csv", l, g("id"))
		ref("households.csv", l, "areas.csv", g("area_code"))
	})
	each("people.csv", func(l int, g func(string) string) {
		set("people.csv", l, g("id"))
		if g("name") == "" {
			c.failf("people.csv", l, "no name")
		}
		if id := g("id_number"); id != "" {
			set("id_number", l, strings.ToUpper(id)) // no two residents share an ID number
			if !validID(id) {
				c.failf("people.csv", l, "invalid ID number %q", id)
			} else if bd := g("birth_date"); bd != "" && strings.ReplaceAll(bd, "-", "") != id[6:14] {
				c.failf("people.csv", l, "birth date %s disagrees with ID number %s", bd, id)
			}
		}
		if bd := g("birth_date"); bd != "" {
			if _, err := time.Parse("2006-01-02", bd); err != nil {
				c.failf("people.csv", l, "bad birth date %q", bd)
			}
		}
		if h := g("household_id"); h != "" {
			ref("people.csv", l, "households.csv", h)
		}
	})
	each("cases.csv", func(l int, g func(string) string) {
		ref("cases.csv", l, "people.csv", g("person_id"))
		set("cases.csv", l, g("person_id"))
		enum("cases.csv", l, g("status"), "suspected", "confirmed", "asymptomatic", "recovered", "deceased")
		if d := g("onset_date"); d != "" {
			if _, err := time.Parse("2006-01-02", d); err != nil {
				c.failf("cases.csv", l, "bad onset date %q", d)
			}
		}
		for _, col := range []string{"confirmed_at", "isolated_at"} {
			if v := g(col); v != "" {
				tm("cases.csv", l, v, false)
			}
		}
	})
	each("trips.csv", func(l int, g func(string) string) {
		set("trips.csv", l, g("id"))
		ref("trips.csv", l, "people.csv", g("person_id"))
		enum("trips.csv", l, g("mode"), "flight", "train", "bus", "car", "other")
		for _, col := range []string{"from_area", "to_area"} {
			if v := g(col); v != "" {
				ref("trips.csv", l, "areas.csv", v)
			}
		}
		d, a := tm("trips.csv", l, g("depart_at"), false), tm("trips.csv", l, g("arrive_at"), false)
		if a.Before(d) {
			c.failf("trips.csv", l, "arrives before it departs")
		}
		if s := g("seat"); s != "" && (g("mode") == "flight" && !flightSeat.MatchString(s) || g("mode") == "train" && !trainSeat.MatchString(s)) {
			c.failf("trips.csv", l, "%s seat %q does not read", g("mode"), s)
		}
	})
	evTimes := map[string][2]time.Time{}
	each("events.csv", func(l int, g func(string) string) {
		set("events.csv", l, g("id"))
		if a := g("area_code"); a != "" {
			ref("events.csv", l, "areas.csv", a)
		}
		s, e := tm("events.csv", l, g("start"), false), tm("events.csv", l, g("end"), false)
		if e.Before(s) {
			c.failf("events.csv", l, "ends before it starts")
		}
		if !boolRe.MatchString(g("indoor")) {
			c.failf("events.csv", l, "indoor %q", g("indoor"))
		}
		evTimes[g("id")] = [2]time.Time{s, e}
	})
	each("attendance.csv", func(l int, g func(string) string) {
		ref("attendance.csv", l, "people.csv", g("person_id"))
		ref("attendance.csv", l, "events.csv", g("event_id"))
		f, to := tm("attendance.csv", l, g("from"), false), tm("attendance.csv", l, g("to"), false)
		if to.Before(f) {
			c.failf("attendance.csv", l, "to before from")
		}
		if ev, ok := evTimes[g("event_id")]; ok && (f.Before(ev[0]) || to.After(ev[1])) {
			c.failf("attendance.csv", l, "attendance outside its event")
		}
		if p := g("proximity"); p != "" {
			enum("attendance.csv", l, p, "close", "venue")
		}
		set("attendance.csv", l, g("person_id")+"|"+g("event_id")+"|"+f.UTC().String())
	})
	each("contacts.csv", func(l int, g func(string) string) {
		a, bb := g("person_a"), g("person_b")
		ref("contacts.csv", l, "people.csv", a)
		ref("contacts.csv", l, "people.csv", bb)
		if a == bb {
			c.failf("contacts.csv", l, "contact of %s with themselves", a)
		}
		at := tm("contacts.csv", l, g("at"), false)
		if d := g("duration_min"); d != "" {
			if f, err := strconv.ParseFloat(d, 64); err != nil || f < 0 {
				c.failf("contacts.csv", l, "duration %q", d)
			}
		}
		if s := g("setting"); s != "" {
			enum("contacts.csv", l, s, "household", "meal", "vehicle", "medical", "work", "other")
		}
		if !boolRe.MatchString(g("protected")) {
			c.failf("contacts.csv", l, "protected %q", g("protected"))
		}
		set("contacts.csv", l, min(a, bb)+"|"+max(a, bb)+"|"+at.UTC().String())
	})
	each("tests.csv", func(l int, g func(string) string) {
		set("tests.csv", l, g("id"))
		ref("tests.csv", l, "people.csv", g("person_id"))
		enum("tests.csv", l, g("kind"), "pcr", "antigen", "antibody")
		enum("tests.csv", l, g("result"), "positive", "negative", "pending")
		tm("tests.csv", l, g("sampled_at"), false)
	})
	each("checkpoints.csv", func(l int, g func(string) string) {
		set("checkpoints.csv", l, g("id"))
		ref("checkpoints.csv", l, "areas.csv", g("area_code"))
	})
	each("passages.csv", func(l int, g func(string) string) {
		ref("passages.csv", l, "checkpoints.csv", g("checkpoint_id"))
		at := tm("passages.csv", l, g("at"), false)
		who := g("person_id")
		if who != "" {
			ref("passages.csv", l, "people.csv", who)
		} else if who = g("plate"); who == "" {
			c.failf("passages.csv", l, "neither person nor plate")
		}
		temp("passages.csv", l, g("temperature"))
		if !boolRe.MatchString(g("turned_back")) {
			c.failf("passages.csv", l, "turned_back %q", g("turned_back"))
		}
		set("passages.csv", l, g("checkpoint_id")+"|"+at.UTC().String()+"|"+who)
	})
	each("facilities.csv", func(l int, g func(string) string) {
		set("facilities.csv", l, g("id"))
		ref("facilities.csv", l, "areas.csv", g("area_code"))
		if n, err := strconv.Atoi(g("capacity")); err != nil || n < 0 {
			c.failf("facilities.csv", l, "capacity %q", g("capacity"))
		}
	})
	each("officers.csv", func(l int, g func(string) string) {
		set("officers.csv", l, g("id"))
		enum("officers.csv", l, g("role"), "cadre", "medical")
		ref("officers.csv", l, "areas.csv", g("area_code"))
	})
	each("responsibilities.csv", func(l int, g func(string) string) {
		ref("responsibilities.csv", l, "officers.csv", g("officer_id"))
		ref("responsibilities.csv", l, "people.csv", g("person_id"))
		set("responsibilities.csv", l, g("officer_id")+"|"+g("person_id"))
	})
	each("health_reports.csv", func(l int, g func(string) string) {
		ref("health_reports.csv", l, "people.csv", g("person_id"))
		if _, err := time.Parse("2006-01-02", g("date")); err != nil {
			c.failf("health_reports.csv", l, "bad date %q", g("date"))
		}
		temp("health_reports.csv", l, g("temperature"))
		set("health_reports.csv", l, g("person_id")+"|"+g("date"))
	})
	if c.errs > 20 {
		t.Errorf("… %d problems in all", c.errs)
	}
	return b
}

// recorder collects what the checker reports.
type recorder struct{ msgs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// The checker must be able to fail: a good bundle plus one row with a wrong check
// digit, one self-contact and one dangling reference gives exactly those three errors.
func TestCheckerCatchesBadRows(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.WriteDemo(dir); err != nil {
		t.Fatal(err)
	}
	appendRow := func(name, row string) {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fmt.Fprintln(f, row)
	}
	appendRow("people.csv", "ZZ1,某人,110105194912310021,,F,1949-12-31,")                 // the check character is X
	appendRow("contacts.csv", "ZZ1,ZZ1,2020-01-21T18:30:00+08:00,10,meal,false")        // with themselves
	appendRow("attendance.csv", "ZZ1,NO-SUCH-EVENT,2020-01-21 18:30,2020-01-21 19:00,") // no such event
	rec := &recorder{}
	checkBundle(rec, dir)
	want := []string{"invalid ID number", "unknown reference \"NO-SUCH-EVENT\"", "with themselves"} // in file order
	if len(rec.msgs) != len(want) {
		t.Fatalf("checker reported %d problems, want %d: %q", len(rec.msgs), len(want), rec.msgs)
	}
	for i, w := range want {
		if !strings.Contains(rec.msgs[i], w) {
			t.Errorf("problem %d = %q, want it to mention %q", i, rec.msgs[i], w)
		}
	}
}
