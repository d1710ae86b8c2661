package graph

import (
	"testing"
	"time"
)

// SPEC §10 as a table: an area's confirmed cases and links, and what it is assessed.
func TestAssessZone(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	asOf := time.Date(2020, 2, 2, 10, 0, 0, 0, loc)
	p := DefaultPolicy()
	ago := func(d time.Duration) time.Time { return asOf.Add(-d) }
	n := func(k int, at time.Time) []time.Time {
		out := make([]time.Time, k)
		for i := range out {
			out[i] = at
		}
		return out
	}
	old := ago(30 * Day)
	link := func(later time.Time) []zoneLink { return []zoneLink{{A: "C1", B: "C2", Later: later}} }
	cases := []struct {
		name             string
		confirmed        []time.Time
		links            []zoneLink
		current          string
		assessed, propos string
		newN             int
		lowFrom          string
	}{
		{"no case at all", nil, nil, "low", "low", "NONE", 0, ""},
		{"one new case", []time.Time{ago(Day)}, nil, "low", "medium", "UP", 1, "2020-02-15"},
		{"confirmed exactly 14 days ago: no longer new", []time.Time{ago(14 * Day)}, nil, "medium", "low", "DOWN", 0, ""},
		{"confirmed a minute less than 14 days ago: new", []time.Time{ago(14*Day - time.Minute)}, nil, "medium", "medium", "NONE", 1, "2020-02-02"},
		{"confirmed at asOf: new", []time.Time{asOf}, nil, "low", "medium", "UP", 1, "2020-02-16"},
		{"exactly 50 with a cluster: high", append(n(49, old), ago(Day)), link(ago(Day)), "medium", "high", "UP", 1, "2020-02-15"},
		{"49 with a cluster: medium", append(n(48, old), ago(Day)), link(ago(Day)), "high", "medium", "DOWN", 1, "2020-02-15"},
		{"50 without a cluster: medium", append(n(49, old), ago(Day)), nil, "low", "medium", "UP", 1, "2020-02-15"},
		{"cluster whose later case is exactly 14 days ago: out", append(n(49, old), ago(Day)), link(ago(14 * Day)), "low", "medium", "UP", 1, "2020-02-15"},
		{"cluster whose later case is just inside", append(n(49, old), ago(Day)), link(ago(14*Day - time.Second)), "low", "high", "UP", 1, "2020-02-15"},
		{"cluster but no new case: low", n(60, old), link(ago(Day)), "high", "low", "DOWN", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			z := p.assessZone(c.confirmed, c.links, c.current, asOf, loc)
			lowFrom := ""
			if z.LowFrom != nil {
				lowFrom = z.LowFrom.String()
			}
			if z.Assessed != c.assessed || z.Proposal != c.propos || z.New != c.newN || lowFrom != c.lowFrom || z.ConfirmedTotal != len(c.confirmed) {
				t.Errorf("got %s %s new=%d lowFrom=%q total=%d, want %s %s new=%d lowFrom=%q",
					z.Assessed, z.Proposal, z.New, lowFrom, z.ConfirmedTotal, c.assessed, c.propos, c.newN, c.lowFrom)
			}
		})
	}
}

func TestConfirmedForZoning(t *testing.T) {
	asOf := time.Date(2020, 2, 2, 10, 0, 0, 0, time.UTC)
	before, after := asOf.Add(-time.Hour), asOf.Add(time.Hour)
	for _, c := range []struct {
		status string
		at     *time.Time
		want   bool
	}{
		{StatusConfirmed, &before, true}, {StatusRecovered, &before, true}, {StatusDeceased, &before, true},
		{StatusConfirmed, &asOf, true}, {StatusConfirmed, &after, false}, {StatusConfirmed, nil, false},
		{StatusAsymptomatic, &before, false}, {StatusSuspected, &before, false},
	} {
		if got := confirmedForZoning(&Case{Status: c.status, ConfirmedAt: c.at}, asOf); got != c.want {
			t.Errorf("%s at %v: got %v", c.status, c.at, got)
		}
	}
}
