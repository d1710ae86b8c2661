package loader

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tracegraph/tracegraph/graph"
)

// FuzzParseRows feeds arbitrary rows to every file's parser. Whatever the input, the
// parser must not panic, must give each row exactly one verdict, and a row it accepts
// must satisfy the rules of §3.
func FuzzParseRows(f *testing.F) {
	for _, tb := range tables {
		body := baseBundle[tb.file]
		f.Add(uint8(tableIndex(tb.file)), body[strings.Index(body, "\n")+1:])
	}
	f.Add(uint8(3), "P3,王五,11010519491231002x,,,1949-12-31,H1\n")
	f.Add(uint8(8), "P1,P1,2020-01-21 18:00,-1,x,maybe\n")
	f.Add(uint8(11), "C1,2020-01-21 10:00,,,45.000001,是\n")
	f.Add(uint8(5), "T,P,car,\"a\nb\",,,,2020-01-20 08:00,2020-01-20 07:00\n")
	loc := shanghai(f)
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		tb := tables[int(which)%len(tables)]
		header := baseBundle[tb.file][:strings.Index(baseBundle[tb.file], "\n")+1]
		rows, refusal, err := parseCSV(tb, strings.NewReader(header+body), loc)
		if err != nil || refusal != nil {
			t.Fatalf("the header was refused or reading failed: %v %v", refusal, err)
		}
		for _, r := range rows {
			if r.failCol >= 0 {
				if r.reason == "" || r.failCol >= len(tb.cols) {
					t.Fatalf("line %d: bad verdict %d %q", r.line, r.failCol, r.reason)
				}
				continue
			}
			for i, c := range tb.cols { // the base headers list the columns in table order
				if c.required && strings.TrimSpace(r.raw[i]) == "" {
					t.Fatalf("line %d: accepted without required %s", r.line, c.name)
				}
			}
			checkAccepted(t, r.value)
		}
	})
}

func tableIndex(file string) int {
	for i, tb := range tables {
		if tb.file == file {
			return i
		}
	}
	return 0
}

func checkAccepted(t *testing.T, v any) {
	t.Helper()
	inRange := func(f *float64, lo, hi float64) {
		if f != nil && (*f < lo || *f > hi || *f != *f) {
			t.Fatalf("accepted %v outside [%v, %v] in %+v", *f, lo, hi, v)
		}
	}
	order := func(start, end time.Time) {
		if end.Before(start) {
			t.Fatalf("accepted an end before its start: %+v", v)
		}
	}
	checkBounded(t, v)
	switch x := v.(type) {
	case graph.Person:
		if x.IDNumber != "" {
			n, d, err := ParseIDNumber(x.IDNumber)
			if err != nil || n != x.IDNumber || (x.BirthDate != nil && *x.BirthDate != d) {
				t.Fatalf("accepted person %+v: %v", x, err)
			}
		}
	case graph.Trip:
		order(x.DepartAt, x.ArriveAt)
	case graph.Event:
		order(x.Start, x.End)
	case graph.Attendance:
		order(x.From, x.To)
		if x.Proximity != "close" && x.Proximity != "venue" {
			t.Fatalf("proximity %q", x.Proximity)
		}
	case graph.Contact:
		if x.PersonA == x.PersonB {
			t.Fatalf("accepted a self-contact %+v", x)
		}
		inRange(x.DurationMin, 0, graph.MaxDurationMin)
	case graph.Passage:
		if x.PersonID == "" && x.Plate == "" {
			t.Fatalf("accepted a passage of no one %+v", x)
		}
		inRange(x.Temperature, 30, 45)
	case graph.HealthReport:
		inRange(x.Temperature, 30, 45)
	case graph.Facility:
		if x.Capacity < 0 {
			t.Fatalf("capacity %d", x.Capacity)
		}
	}
}

// checkBounded fails on an accepted value with text, a time or a date outside SPEC §3's
// bounds: no control characters, at most 500 characters, 1900-01-01 to 2100-12-31.
func checkBounded(t *testing.T, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Field(i)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				continue
			}
			f = f.Elem()
		}
		switch x := f.Interface().(type) {
		case string:
			if utf8.RuneCountInString(x) > graph.MaxLongTextLen || strings.IndexFunc(x, unicode.IsControl) >= 0 {
				t.Fatalf("accepted %s %q in %+v", rv.Type().Field(i).Name, x, v)
			}
		case time.Time:
			if !x.IsZero() && (x.Year() < 1900 || x.Year() > 2100) {
				t.Fatalf("accepted %s %v in %+v", rv.Type().Field(i).Name, x, v)
			}
		case graph.Date:
			if !x.IsZero() && (x.Year < 1900 || x.Year > 2100) {
				t.Fatalf("accepted %s %v in %+v", rv.Type().Field(i).Name, x, v)
			}
		}
	}
}
