package graph

import (
	"testing"
	"time"
)

func fp(f float64) *float64 { return &f }

// SPEC §4, direct contact row: CLOSE if not protected and (duration ≥ 15 min or missing,
// or setting in meal, household, vehicle, medical); otherwise GENERAL.
func TestClassifyDirectContact(t *testing.T) {
	p := DefaultPolicy()
	for _, tc := range []struct {
		name      string
		dur       *float64
		setting   string
		protected bool
		want      string
	}{
		{"15 minutes is CLOSE", fp(15), "work", false, ClassClose},
		{"16 minutes is CLOSE", fp(16), "other", false, ClassClose},
		{"14 minutes is GENERAL", fp(14), "work", false, ClassGeneral},
		{"14.99 minutes is GENERAL", fp(14.99), "work", false, ClassGeneral},
		{"missing duration is CLOSE", nil, "work", false, ClassClose},
		{"missing duration and setting is CLOSE", nil, "", false, ClassClose},
		{"0 minutes at a meal is CLOSE", fp(0), "meal", false, ClassClose},
		{"short household contact is CLOSE", fp(5), "household", false, ClassClose},
		{"short vehicle contact is CLOSE", fp(1), "vehicle", false, ClassClose},
		{"short medical contact is CLOSE", fp(1), "medical", false, ClassClose},
		{"protected medical contact is GENERAL", fp(30), "medical", true, ClassGeneral},
		{"protected with missing duration is GENERAL", nil, "other", true, ClassGeneral},
		{"14 minutes at work with no setting is GENERAL", fp(14), "", false, ClassGeneral},
	} {
		if got := p.classifyContact(tc.dur, tc.setting, tc.protected); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// SPEC §4, shared event row: CLOSE if the overlap inside W ≥ 15 min and (indoor, or both
// proximities close).
func TestClassifyEvent(t *testing.T) {
	p := DefaultPolicy()
	for _, tc := range []struct {
		name         string
		overlap      time.Duration
		indoor       bool
		proxA, proxB string
		want         string
	}{
		{"indoor 15 min", 15 * time.Minute, true, "venue", "venue", ClassClose},
		{"indoor 14 min", 14 * time.Minute, true, "close", "close", ClassGeneral},
		{"outdoor, both close, 15 min", 15 * time.Minute, false, "close", "close", ClassClose},
		{"outdoor, one venue, 45 min", 45 * time.Minute, false, "close", "venue", ClassGeneral},
		{"outdoor, both close, 14 min 59 s", 15*time.Minute - time.Second, false, "close", "close", ClassGeneral},
	} {
		if got := p.classifyEvent(tc.overlap, tc.indoor, tc.proxA, tc.proxB); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// SPEC §4, shared conveyance row and the seat formats.
func TestClassifyConveyance(t *testing.T) {
	p := DefaultPolicy()
	for _, tc := range []struct {
		name, mode, a, b, want string
	}{
		{"flight rows +3", "flight", "8B", "11A", ClassClose},
		{"flight rows -3", "flight", "8B", "5B", ClassClose},
		{"flight rows +4", "flight", "8B", "12C", ClassGeneral},
		{"flight seat in lower case with blanks", "flight", "8B", " 11c ", ClassClose},
		{"flight seat without letter", "flight", "8B", "9", ClassGeneral},
		{"flight seat in train format", "flight", "8B", "05-9A", ClassGeneral},
		{"flight missing seat", "flight", "8B", "", ClassGeneral},
		{"train same carriage", "train", "08-9A", "08-5F", ClassClose},
		{"train same carriage, 08 and 8, no letter", "train", "08-05B", "8-07", ClassClose},
		{"train next carriage", "train", "08-9A", "09-9A", ClassGeneral},
		{"train seat without carriage", "train", "08-9A", "12", ClassGeneral},
		{"train missing seat", "train", "08-9A", "", ClassGeneral},
		{"bus with no seats", "bus", "", "", ClassClose},
		{"car", "car", "", "", ClassClose},
		{"other", "other", "x", "", ClassClose},
	} {
		if got := p.classifyConveyance(tc.mode, tc.a, tc.b); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestNumberKey(t *testing.T) {
	for in, want := range map[string]string{"k 2 2": "K22", "MU8042": "MU8042", "m u 8 0 4 2": "MU8042", " \t": "", "": ""} {
		if got := NumberKey(in); got != want {
			t.Errorf("NumberKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// The intervals of each exposure kind, with the window's boundaries.
func TestExposureIntervals(t *testing.T) {
	p := DefaultPolicy()
	w := Interval{at("2020-01-18 00:00"), at("2020-01-26 12:00")}
	type want struct {
		kind, class, person string
		from, to            string
	}
	for _, tc := range []struct {
		name  string
		n     neighbourhood
		facts map[string]*personFacts
		want  []want
	}{
		{name: "contact at 23:59 the day before W, 0 minutes: none; at 00:00 on its first day: counted",
			n: neighbourhood{Contacts: []rawContact{
				{Other: "P1", At: at("2020-01-17 23:59"), DurationMin: fp(0), Setting: "meal"},
				{Other: "P2", At: at("2020-01-18 00:00"), DurationMin: fp(0), Setting: "meal"},
			}},
			want: []want{{ExpDirectContact, ClassClose, "P2", "2020-01-18 00:00", "2020-01-18 00:00"}}},
		{name: "contact running into W is cut to W; missing duration is [at, at]",
			n: neighbourhood{Contacts: []rawContact{
				{Other: "P1", At: at("2020-01-17 23:00"), DurationMin: fp(60), Setting: "other"},
				{Other: "P2", At: at("2020-01-18 03:01")},
			}},
			want: []want{
				{ExpDirectContact, ClassClose, "P1", "2020-01-18 00:00", "2020-01-18 00:00"},
				{ExpDirectContact, ClassClose, "P2", "2020-01-18 03:01", "2020-01-18 03:01"},
			}},
		{name: "contact at asOf with a duration ends at asOf",
			n:    neighbourhood{Contacts: []rawContact{{Other: "P1", At: at("2020-01-26 12:00"), DurationMin: fp(30), Setting: "other"}}},
			want: []want{{ExpDirectContact, ClassClose, "P1", "2020-01-26 12:00", "2020-01-26 12:00"}}},
		{name: "touching attendances make no exposure; each pair of rows is its own",
			n: neighbourhood{Attendances: []rawAttendance{
				{EventID: "E", Indoor: true, Other: "P1", From: at("2020-01-22 14:00"), To: at("2020-01-22 15:00"), OtherFrom: at("2020-01-22 15:00"), OtherTo: at("2020-01-22 16:00")},
				{EventID: "E", Indoor: false, Other: "P2", From: at("2020-01-22 14:00"), To: at("2020-01-22 15:00"), Proximity: "close", OtherFrom: at("2020-01-22 14:00"), OtherTo: at("2020-01-22 14:08"), OtherProximity: "close"},
				{EventID: "E", Indoor: false, Other: "P2", From: at("2020-01-22 14:00"), To: at("2020-01-22 15:00"), Proximity: "close", OtherFrom: at("2020-01-22 14:50"), OtherTo: at("2020-01-22 15:00"), OtherProximity: "close"},
			}},
			want: []want{
				{ExpEvent, ClassGeneral, "P2", "2020-01-22 14:00", "2020-01-22 14:08"},
				{ExpEvent, ClassGeneral, "P2", "2020-01-22 14:50", "2020-01-22 15:00"},
			}},
		{name: "overnight train, boarded at different stations: the common part, same carriage",
			n: neighbourhood{Trips: []rawTrip{{TripID: "T1", Mode: "train", Number: "K3376", Seat: "08-05B", Depart: at("2020-01-22 20:00"), Arrive: at("2020-01-23 07:00"),
				Other: "P1", OtherTripID: "T2", OtherSeat: "08-07", OtherDepart: at("2020-01-23 00:30"), OtherArrive: at("2020-01-23 09:00")}}},
			want: []want{{ExpConveyance, ClassClose, "P1", "2020-01-23 00:30", "2020-01-23 07:00"}}},
		{name: "trips that only touch share nothing",
			n: neighbourhood{Trips: []rawTrip{{TripID: "T1", Mode: "flight", Seat: "8B", Depart: at("2020-01-18 00:00"), Arrive: at("2020-01-18 02:00"),
				Other: "P1", OtherTripID: "T2", OtherSeat: "8C", OtherDepart: at("2020-01-18 02:00"), OtherArrive: at("2020-01-18 03:00")}}},
		},
		{name: "household: W less the member's isolation (isolated from 21 Jan 05:00 on)",
			n:     neighbourhood{HouseholdID: "H1", Members: []string{"P1", "P2"}},
			facts: map[string]*personFacts{"P1": {ID: "P1", Isolations: []Interval{{at("2020-01-21 05:00"), farFuture}}}},
			want: []want{
				{ExpHousehold, ClassClose, "P1", "2020-01-18 00:00", "2020-01-21 05:00"},
				{ExpHousehold, ClassClose, "P2", "2020-01-18 00:00", "2020-01-26 12:00"},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := p.exposuresFrom("S", w, &tc.n, tc.facts)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d exposures %+v, want %d", len(got), got, len(tc.want))
			}
			for i, g := range got {
				x := tc.want[i]
				if g.Kind != x.kind || g.Class != x.class || g.PersonID != x.person || !g.From.Equal(at(x.from)) || !g.To.Equal(at(x.to)) || g.SourceID != "S" {
					t.Errorf("exposure %d = %s %s %s [%v, %v], want %+v", i, g.Kind, g.Class, g.PersonID, g.From, g.To, x)
				}
			}
		})
	}
}
