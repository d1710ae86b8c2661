package graph

import (
	"testing"
	"time"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at reads a local time in the spec's zone: "2020-01-21 18:30" or with seconds.
func at(s string) time.Time {
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, shanghai); err == nil {
			return t
		}
	}
	panic("bad time " + s)
}

func atp(s string) *time.Time { t := at(s); return &t }

func date(s string) *Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func TestInfectiousWindow(t *testing.T) {
	svc := NewService(nil, DefaultPolicy(), shanghai)
	asOf := at("2020-01-26 12:00")
	for _, tc := range []struct {
		name     string
		f        personFacts
		from, to string // "" when no window
		empty    bool
		noWindow bool
	}{
		{name: "onset date: from 00:00 two days before, to asOf",
			f:    personFacts{Case: &Case{Status: StatusConfirmed, OnsetDate: date("2020-01-23")}},
			from: "2020-01-21 00:00", to: "2020-01-26 12:00"},
		{name: "no onset: the first positive sample's date",
			f:    personFacts{Case: &Case{Status: StatusConfirmed, ConfirmedAt: atp("2020-01-20 13:00")}, FirstPositive: atp("2020-01-19 23:59")},
			from: "2020-01-17 00:00", to: "2020-01-26 12:00"},
		{name: "no onset, no positive test: confirmedAt's date",
			f:    personFacts{Case: &Case{Status: StatusConfirmed, ConfirmedAt: atp("2020-01-20 00:30")}},
			from: "2020-01-18 00:00", to: "2020-01-26 12:00"},
		{name: "ends at the isolation point (isolatedAt)",
			f: personFacts{Case: &Case{Status: StatusConfirmed, OnsetDate: date("2020-01-23")},
				Isolations: isolationsOf(atp("2020-01-23 17:00"), nil, asOf)},
			from: "2020-01-21 00:00", to: "2020-01-23 17:00"},
		{name: "isolatedAt after asOf does not count yet",
			f: personFacts{Case: &Case{Status: StatusConfirmed, OnsetDate: date("2020-01-23")},
				Isolations: isolationsOf(atp("2020-01-26 12:00:01"), nil, asOf)},
			from: "2020-01-21 00:00", to: "2020-01-26 12:00"},
		{name: "isolated since before the start: empty",
			f: personFacts{Case: &Case{Status: StatusConfirmed, OnsetDate: date("2020-01-23")},
				Isolations: isolationsOf(atp("2020-01-15 05:00"), nil, asOf)},
			from: "2020-01-21 00:00", to: "2020-01-15 05:00", empty: true},
		{name: "a placed centralized assignment ended before the start does not cut",
			f: personFacts{Case: &Case{Status: StatusConfirmed, OnsetDate: date("2020-01-23")},
				Isolations: isolationsOf(nil, []Interval{{at("2020-01-05 12:00"), at("2020-01-19 12:00")}}, asOf)},
			from: "2020-01-21 00:00", to: "2020-01-26 12:00"},
		{name: "no dates at all: no window",
			f: personFacts{Case: &Case{Status: StatusConfirmed}}, noWindow: true, empty: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, has, nonEmpty := svc.infectiousWindow(&tc.f, asOf)
			if tc.noWindow {
				if has {
					t.Fatalf("window %v, want none", w)
				}
				return
			}
			if !w.From.Equal(at(tc.from)) || !w.To.Equal(at(tc.to)) || nonEmpty == tc.empty {
				t.Fatalf("window [%v, %v] nonEmpty=%v, want [%s, %s] empty=%v", w.From, w.To, nonEmpty, tc.from, tc.to, tc.empty)
			}
		})
	}
}

func TestIsolationPoint(t *testing.T) {
	asOf := at("2020-02-01 00:00")
	isos := isolationsOf(nil, []Interval{{at("2020-01-10 00:00"), at("2020-01-20 00:00")}, {at("2020-01-25 00:00"), at("2020-01-30 00:00")}}, asOf)
	for _, tc := range []struct {
		t      string
		point  string
		inside bool
		ok     bool
	}{
		{"2020-01-05 00:00", "2020-01-10 00:00", false, true},
		{"2020-01-10 00:00", "2020-01-10 00:00", true, true}, // at the start: isolated at t
		{"2020-01-15 00:00", "2020-01-10 00:00", true, true},
		{"2020-01-20 00:00", "2020-01-10 00:00", true, true}, // the end is still isolated (closed)
		{"2020-01-20 00:00:01", "2020-01-25 00:00", false, true},
		{"2020-01-31 00:00", "", false, false},
	} {
		p, inside, ok := isolationPoint(isos, at(tc.t))
		if ok != tc.ok || inside != tc.inside || (ok && !p.Equal(at(tc.point))) {
			t.Errorf("after %s: %v inside=%v ok=%v, want %s inside=%v ok=%v", tc.t, p, inside, ok, tc.point, tc.inside, tc.ok)
		}
	}
	// A placement after asOf does not exist yet.
	if got := isolationsOf(nil, []Interval{{at("2020-02-01 00:00:01"), at("2020-02-10 00:00")}}, asOf); len(got) != 0 {
		t.Errorf("placement one second after asOf counted: %v", got)
	}
	if got := isolationsOf(nil, []Interval{{at("2020-02-01 00:00"), at("2020-02-10 00:00")}}, asOf); len(got) != 1 {
		t.Errorf("placement at asOf not counted: %v", got)
	}
}

func TestFreeSpanHouseholdLessIsolations(t *testing.T) {
	w := Interval{at("2020-01-18 00:00"), at("2020-01-26 12:00")}
	for _, tc := range []struct {
		name     string
		isos     []Interval
		from, to string
		none     bool
	}{
		{name: "not isolated: all of W", from: "2020-01-18 00:00", to: "2020-01-26 12:00"},
		{name: "isolated from inside W on: ends at the isolation start",
			isos: []Interval{{at("2020-01-21 05:00"), farFuture}}, from: "2020-01-18 00:00", to: "2020-01-21 05:00"},
		{name: "released inside W: starts at the release",
			isos: []Interval{{at("2020-01-10 00:00"), at("2020-01-20 08:00")}}, from: "2020-01-20 08:00", to: "2020-01-26 12:00"},
		{name: "isolated in the middle: first free part to last",
			isos: []Interval{{at("2020-01-20 00:00"), at("2020-01-22 00:00")}}, from: "2020-01-18 00:00", to: "2020-01-26 12:00"},
		{name: "isolated throughout", isos: []Interval{{at("2020-01-01 00:00"), farFuture}}, none: true},
		{name: "isolated from the first instant", isos: []Interval{{at("2020-01-18 00:00"), farFuture}}, none: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := freeSpan(w, tc.isos)
			if tc.none {
				if ok {
					t.Fatalf("got %v, want no free part", got)
				}
				return
			}
			if !ok || !got.From.Equal(at(tc.from)) || !got.To.Equal(at(tc.to)) {
				t.Fatalf("got [%v, %v] ok=%v, want [%s, %s]", got.From, got.To, ok, tc.from, tc.to)
			}
		})
	}
}

func TestCaseCountsAndTraced(t *testing.T) {
	conf := at("2020-01-25 16:00")
	for _, tc := range []struct {
		name   string
		status string
		asOf   time.Time
		traced bool
	}{
		{"one second before confirmation", StatusConfirmed, conf.Add(-time.Second), false},
		{"at confirmation", StatusConfirmed, conf, true},
		{"one second after confirmation", StatusConfirmed, conf.Add(time.Second), true},
		{"suspected is shown, not traced", StatusSuspected, conf, false},
		{"recovered is traced", StatusRecovered, conf, true},
		{"deceased is traced", StatusDeceased, conf, true},
		{"asymptomatic is traced", StatusAsymptomatic, conf, true},
	} {
		f := personFacts{Case: &Case{Status: tc.status, ConfirmedAt: &conf}}
		if got := f.isTraced(tc.asOf); got != tc.traced {
			t.Errorf("%s: traced=%v, want %v", tc.name, got, tc.traced)
		}
	}
}
