package graph

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file is SPEC §4's exposure table: which recorded facts make an exposure between a
// source S (inside a window X: the case's infectious window or a contact's contact
// window) and another person P, its interval, and whether it is CLOSE or GENERAL.

// Exposure kinds and classes use the GraphQL enum spellings.
const (
	ExpHousehold     = "HOUSEHOLD"
	ExpDirectContact = "DIRECT_CONTACT"
	ExpEvent         = "EVENT"
	ExpConveyance    = "CONVEYANCE"
	ClassClose       = "CLOSE"
	ClassGeneral     = "GENERAL"
)

// Exposure is one qualifying exposure of a person to a source.
type Exposure struct {
	Kind, Class string
	SourceID    string    // the person the exposure is to (the case, or the close contact at degree k)
	PersonID    string    // the exposed person
	From, To    time.Time // its interval; its time is To
	// What it comes from (as applies). For a conveyance, TripID is the exposed person's
	// trip and SourceTripID the source's.
	HouseholdID, EventID, TripID, SourceTripID string
	// DIRECT_CONTACT: the recorded contact.
	ContactAt   *time.Time
	DurationMin *float64
	Setting     string
	Protected   bool
	// EVENT: whether the event was indoor and both attendances' proximities.
	Indoor                           bool
	Proximity, SourceProximity       string
	AttendanceFrom, SourceAttendFrom *time.Time
	// CONVEYANCE: the mode, the source trip's number as written, and both seats.
	Mode, Number, Seat, SourceSeat string
}

// Time is the moment of the exposure: its interval's end.
func (e Exposure) Time() time.Time { return e.To }

// closeSettings are the direct-contact settings that make a contact CLOSE whatever
// its duration.
var closeSettings = map[string]bool{"meal": true, "household": true, "vehicle": true, "medical": true}

// classifyContact: CLOSE if not protected and (duration ≥ the policy minutes, or missing,
// or setting in meal, household, vehicle, medical); otherwise GENERAL.
func (p Policy) classifyContact(durationMin *float64, setting string, protected bool) string {
	if protected {
		return ClassGeneral
	}
	if durationMin == nil || *durationMin >= p.CloseContactMinutes || closeSettings[setting] {
		return ClassClose
	}
	return ClassGeneral
}

// classifyEvent: CLOSE if the overlap inside the window is at least the policy minutes
// and (the event is indoor, or both proximities are close).
func (p Policy) classifyEvent(overlap time.Duration, indoor bool, proxA, proxB string) string {
	long := overlap >= time.Duration(p.CloseContactMinutes*float64(time.Minute))
	if long && (indoor || (proxA == "close" && proxB == "close")) {
		return ClassClose
	}
	return ClassGeneral
}

var (
	flightSeatRe = regexp.MustCompile(`^(\d+)([A-Za-z])$`)
	trainSeatRe  = regexp.MustCompile(`^(\d+)-(\d+)([A-Za-z])?$`)
)

// parseFlightSeat reads `12C` (row 12, the letter required), blanks around ignored.
func parseFlightSeat(s string) (row int, ok bool) {
	m := flightSeatRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	row, err := strconv.Atoi(m[1])
	return row, err == nil
}

// parseTrainSeat reads `05-12A` (carriage 05, row 12, the letter optional).
func parseTrainSeat(s string) (carriage, row int, ok bool) {
	m := trainSeatRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, 0, false
	}
	c, err1 := strconv.Atoi(m[1])
	r, err2 := strconv.Atoi(m[2])
	return c, r, err1 == nil && err2 == nil
}

// classifyConveyance: car, bus or other always CLOSE; flight CLOSE within ± the policy
// rows; train CLOSE in the same carriage. An unreadable or missing flight or train seat
// makes the exposure GENERAL.
func (p Policy) classifyConveyance(mode, seatA, seatB string) string {
	switch mode {
	case "car", "bus", "other":
		return ClassClose
	case "flight":
		a, okA := parseFlightSeat(seatA)
		b, okB := parseFlightSeat(seatB)
		if okA && okB && abs(a-b) <= p.FlightRowRange {
			return ClassClose
		}
	case "train":
		a, _, okA := parseTrainSeat(seatA)
		b, _, okB := parseTrainSeat(seatB)
		if okA && okB && a == b {
			return ClassClose
		}
	}
	return ClassGeneral
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// NumberKey is a trip number compared for conveyances: without white space, upper-cased.
func NumberKey(number string) string {
	return strings.ToUpper(strings.Join(strings.Fields(number), ""))
}

// Raw facts read around a source person, before the rules apply.

type rawContact struct {
	Other       string
	At          time.Time
	DurationMin *float64
	Setting     string
	Protected   bool
}

type rawAttendance struct {
	EventID            string
	Indoor             bool
	Other              string
	From, To           time.Time // the source's attendance
	Proximity          string
	OtherFrom, OtherTo time.Time
	OtherProximity     string
}

type rawTrip struct {
	TripID, Mode, Number, Seat string
	Depart, Arrive             time.Time
	Other                      string
	OtherTripID, OtherSeat     string
	OtherDepart, OtherArrive   time.Time
}

// neighbourhood is everything recorded around one source person that can make an
// exposure, read for the hull of the windows asked about.
type neighbourhood struct {
	HouseholdID string
	Members     []string // other members of the household
	Contacts    []rawContact
	Attendances []rawAttendance
	Trips       []rawTrip
}

func durationOf(minutes float64) time.Duration {
	return time.Duration(minutes * float64(time.Minute))
}

// exposuresFrom applies the exposure table to a source's neighbourhood inside window x.
// facts gives the exposed people's isolations (for the household exposure). The result
// is ordered by person, time, kind so that answers are deterministic.
func (p Policy) exposuresFrom(source string, x Interval, n *neighbourhood, facts map[string]*personFacts) []Exposure {
	if n == nil || x.Empty() {
		return nil
	}
	var out []Exposure
	for _, m := range n.Members {
		var isos []Interval
		if f := facts[m]; f != nil {
			isos = f.Isolations
		}
		span, ok := freeSpan(x, isos)
		if !ok {
			continue
		}
		out = append(out, Exposure{Kind: ExpHousehold, Class: ClassClose, SourceID: source, PersonID: m,
			From: span.From, To: span.To, HouseholdID: n.HouseholdID})
	}
	for _, c := range n.Contacts {
		end := c.At
		if c.DurationMin != nil {
			end = c.At.Add(durationOf(*c.DurationMin))
		}
		iv := Interval{c.At, end}.Intersect(x)
		if iv.Empty() {
			continue
		}
		at := c.At
		out = append(out, Exposure{Kind: ExpDirectContact, Class: p.classifyContact(c.DurationMin, c.Setting, c.Protected),
			SourceID: source, PersonID: c.Other, From: iv.From, To: iv.To,
			ContactAt: &at, DurationMin: c.DurationMin, Setting: c.Setting, Protected: c.Protected})
	}
	for _, a := range n.Attendances {
		iv := Interval{a.From, a.To}.Intersect(Interval{a.OtherFrom, a.OtherTo}).Intersect(x)
		if iv.Length() <= 0 { // overlap by more than zero
			continue
		}
		from, otherFrom := a.From, a.OtherFrom
		out = append(out, Exposure{Kind: ExpEvent, Class: p.classifyEvent(iv.Length(), a.Indoor, a.Proximity, a.OtherProximity),
			SourceID: source, PersonID: a.Other, From: iv.From, To: iv.To, EventID: a.EventID,
			Indoor: a.Indoor, Proximity: a.OtherProximity, SourceProximity: a.Proximity,
			AttendanceFrom: &otherFrom, SourceAttendFrom: &from})
	}
	for _, t := range n.Trips {
		common := Interval{t.Depart, t.Arrive}.Intersect(Interval{t.OtherDepart, t.OtherArrive})
		if common.Length() <= 0 { // one conveyance: intervals overlap by more than zero
			continue
		}
		iv := common.Intersect(x)
		if iv.Length() <= 0 {
			continue
		}
		out = append(out, Exposure{Kind: ExpConveyance, Class: p.classifyConveyance(t.Mode, t.Seat, t.OtherSeat),
			SourceID: source, PersonID: t.Other, From: iv.From, To: iv.To,
			TripID: t.OtherTripID, SourceTripID: t.TripID, Mode: t.Mode, Number: t.Number,
			Seat: strings.TrimSpace(t.OtherSeat), SourceSeat: strings.TrimSpace(t.Seat)})
	}
	sortExposures(out)
	return out
}

// sortExposures orders exposures by person, time, kind, source and what they come from.
func sortExposures(es []Exposure) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.PersonID != b.PersonID {
			return a.PersonID < b.PersonID
		}
		if !a.From.Equal(b.From) {
			return a.From.Before(b.From)
		}
		if !a.To.Equal(b.To) {
			return a.To.Before(b.To)
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.SourceID != b.SourceID {
			return a.SourceID < b.SourceID
		}
		return a.HouseholdID+a.EventID+a.TripID < b.HouseholdID+b.EventID+b.TripID
	})
}
