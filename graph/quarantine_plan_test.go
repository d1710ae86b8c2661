package graph

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// Tests of SPEC §6 steps 1–5 as pure functions over a snapshot. Each test names the
// sentence of the spec it checks.

var qZone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// qAt is a local time on a day of January 2020 ("26 12:00").
func qAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2020-01-"+s, qZone)
	if err != nil {
		panic(err)
	}
	return t
}

var qAsOf = qAt("26 12:00")

func qChain(source string, contacts ...ChainContact) *Chain {
	return &Chain{SourceID: source, Contacts: contacts}
}

func qContact(id string, degree int, class string, last time.Time) ChainContact {
	return ChainContact{PersonID: id, Degree: degree, Class: class, LastExposureAt: last}
}

func TestNeedsTakeTheStrongestKindAndItsLatestEnd(t *testing.T) {
	p := DefaultPolicy()
	chains := []*Chain{
		qChain("C1", qContact("P1", 1, ClassClose, qAt("20 10:00")), qContact("P2", 2, ClassClose, qAt("25 10:00")), qContact("P3", 1, ClassGeneral, qAt("24 09:00"))),
		qChain("C2", qContact("P1", 2, ClassClose, qAt("26 11:00")), qContact("P1", 1, ClassClose, qAt("22 10:00")), qContact("P3", 2, ClassClose, qAt("24 10:00"))),
	}
	needs := ComputeNeeds(p, qAsOf, chains, nil)
	want := map[string]struct {
		kind    string
		end     time.Time
		reasons string
	}{
		// close contact of two cases: centralized, the later of the two ends; the
		// secondary-qContact reason (weaker kind) is not listed
		"P1": {KindCentralized, qAt("22 10:00").Add(14 * Day), "close contact of C1; close contact of C2"},
		"P2": {KindHome, qAt("25 10:00").Add(7 * Day), "secondary contact of C1"},
		// home (secondary) beats health monitoring (general) even with an earlier end
		"P3": {KindHome, qAt("24 10:00").Add(7 * Day), "secondary contact of C2"},
	}
	if len(needs) != len(want) {
		t.Fatalf("needs = %v", needs)
	}
	for id, w := range want {
		n := needs[id]
		if n == nil || n.Kind != w.kind || !n.End.Equal(w.end) || joinReasons(n.Reasons) != w.reasons {
			t.Errorf("%s: need = %+v, want %+v", id, n, w)
		}
	}
}

func TestNeedsWhoseEndIsNotAfterAsOfAreDroppedFirst(t *testing.T) {
	p := DefaultPolicy()
	chains := []*Chain{qChain("C1",
		// close qContact ending exactly qAt qAsOf: dropped, so the weaker general qNeed
		// (from another case) is the one that remains
		qContact("P1", 1, ClassClose, qAsOf.Add(-14*Day)),
		// one minute later it still counts
		qContact("P2", 1, ClassClose, qAsOf.Add(-14*Day+time.Minute)),
	), qChain("C2", qContact("P1", 1, ClassGeneral, qAt("25 00:00")))}
	needs := ComputeNeeds(p, qAsOf, chains, nil)
	if n := needs["P1"]; n == nil || n.Kind != KindHealthMonitoring || !n.End.Equal(qAt("25 00:00").Add(14*Day)) {
		t.Errorf("P1 need = %+v, want health_monitoring from the general contact", n)
	}
	if n := needs["P2"]; n == nil || n.Kind != KindCentralized || !n.End.Equal(qAsOf.Add(time.Minute)) {
		t.Errorf("P2 need = %+v", n)
	}
}

func TestNeedsFromArrivals(t *testing.T) {
	p := DefaultPolicy()
	arr := []Arrival{
		{PersonID: "A1", TripID: "T1", FromArea: "420900", Level: "high", ArriveAt: qAt("20 08:00")},
		{PersonID: "A2", TripID: "T2", FromArea: "420000", Level: "medium", ArriveAt: qAt("21 08:00")},
		{PersonID: "A3", TripID: "T3", FromArea: "420000", Level: "low", ArriveAt: qAt("21 08:00")},
	}
	needs := ComputeNeeds(p, qAsOf, nil, arr)
	if n := needs["A1"]; n == nil || n.Kind != KindCentralized || !n.End.Equal(qAt("20 08:00").Add(14*Day)) || n.Reasons[0] != "arrival from high-risk area 420900 (T1)" {
		t.Errorf("A1 = %+v", n)
	}
	if n := needs["A2"]; n == nil || n.Kind != KindHealthMonitoring || !n.End.Equal(qAt("21 08:00").Add(14*Day)) {
		t.Errorf("A2 = %+v", n)
	}
	if needs["A3"] != nil {
		t.Errorf("a low-level arrival gives no qNeed: %+v", needs["A3"])
	}
}

func TestNeedsWithoutSecondaryContactsInTheProtocol(t *testing.T) {
	p := DefaultPolicy()
	p.Quarantine.SecondaryContact = nil
	needs := ComputeNeeds(p, qAsOf, []*Chain{qChain("C1", qContact("P2", 2, ClassClose, qAt("25 10:00")))}, nil)
	if len(needs) != 0 {
		t.Fatalf("needs = %+v, want none", needs)
	}
}

// --- plan helpers

func qOpen(id, person, kind, status string, start, end time.Time) *assignment {
	seq := 0
	for _, c := range strings.TrimPrefix(id, "Q") {
		seq = seq*10 + int(c-'0')
	}
	return &assignment{Q: &Quarantine{ID: id, PersonID: person, Kind: kind, Status: status, Start: start, End: end}, Seq: seq}
}

func qNeed(person, kind string, end time.Time, reason string) *Need {
	return &Need{PersonID: person, Kind: kind, End: end, Reasons: []string{reason}}
}

func qSnapshot() *snapshot {
	return &snapshot{
		AsOf:          qAsOf,
		AreaParent:    map[string]string{"county": "", "townA": "county", "vilA1": "townA", "vilA2": "townA", "townB": "county", "vilB1": "townB"},
		HouseholdArea: map[string]string{},
		CaseStatus:    map[string]string{},
		Needs:         map[string]*Need{},
		NextSeq:       100,
	}
}

func qIDs(l []*Quarantine) string {
	var s []string
	for _, q := range l {
		s = append(s, q.ID+":"+q.PersonID)
	}
	return strings.Join(s, " ")
}

func TestCloseCompletesBeforeItEscalates(t *testing.T) {
	s := qSnapshot()
	s.Open = []*assignment{
		qOpen("Q0001", "P1", KindHome, QStatusActive, qAt("19 12:00"), qAsOf),                  // end = qAsOf: completed
		qOpen("Q0002", "P2", KindHome, QStatusActive, qAt("19 12:00"), qAsOf.Add(time.Minute)), // became a case: escalated
		qOpen("Q0003", "P3", KindCentralized, QStatusPending, qAt("19 12:00"), qAt("25 00:00")),
		qOpen("Q0004", "P4", KindHome, QStatusActive, qAt("19 12:00"), qAt("30 00:00")), // recovered: left alone
		qOpen("Q0005", "P5", KindHealthMonitoring, QStatusActive, qAt("19 12:00"), qAt("30 00:00")),
	}
	s.CaseStatus = map[string]string{"P1": StatusConfirmed, "P2": StatusConfirmed, "P4": StatusRecovered, "P5": StatusDeceased}
	pl := planRun(s, DefaultPolicy())
	r := pl.run
	if got := qIDs(r.Completed); got != "Q0001:P1 Q0003:P3" {
		t.Errorf("completed = %s", got)
	}
	if got := qIDs(r.Escalated); got != "Q0002:P2 Q0005:P5" {
		t.Errorf("escalated = %s", got)
	}
	if !r.Escalated[0].End.Equal(qAsOf) || r.Escalated[0].Status != QStatusEscalated {
		t.Errorf("escalated end = %v status %s, want qAsOf", r.Escalated[0].End, r.Escalated[0].Status)
	}
	if !r.Completed[0].End.Equal(qAsOf) || r.Completed[1].PlacedAt != nil {
		t.Errorf("completed keep their end and an unplaced one stays unplaced: %+v", r.Completed)
	}
	if s.Open[3].Q.Status != QStatusActive {
		t.Errorf("a recovered person's assignment is not escalated")
	}
}

func TestActiveAndDeceasedCasesGetNoNewAssignment(t *testing.T) {
	s := qSnapshot()
	for i, st := range []string{StatusSuspected, StatusConfirmed, StatusAsymptomatic, StatusDeceased, StatusRecovered, ""} {
		p := string(rune('A' + i))
		s.Needs[p] = qNeed(p, KindHome, qAt("30 00:00"), "secondary contact of C")
		if st != "" {
			s.CaseStatus[p] = st
		}
	}
	r := planRun(s, DefaultPolicy()).run
	if got := qIDs(r.Created); got != "Q0100:E Q0101:F" {
		t.Fatalf("created = %s, want only the recovered person and the non-case", got)
	}
}

func TestApplySupersedesExtendsAndNeverShortens(t *testing.T) {
	s := qSnapshot()
	s.Open = []*assignment{
		qOpen("Q0001", "P1", KindHealthMonitoring, QStatusActive, qAt("20 12:00"), qAt("30 00:00")), // stronger qNeed
		qOpen("Q0002", "P2", KindHome, QStatusActive, qAt("20 12:00"), qAt("30 00:00")),             // same kind, later
		qOpen("Q0003", "P3", KindHome, QStatusActive, qAt("20 12:00"), qAt("30 00:00")),             // same kind, earlier
		qOpen("Q0004", "P4", KindCentralized, QStatusActive, qAt("20 12:00"), qAt("30 00:00")),      // weaker qNeed
		qOpen("Q0005", "P5", KindHome, QStatusActive, qAt("20 12:00"), qAt("30 00:00")),             // same kind, same end
	}
	s.Open[3].Q.FacilityID, s.Open[3].Q.PlacedAt = "F1", tp(qAt("20 12:00"))
	s.Facilities = []facilityState{{ID: "F1", AreaCode: "county", Capacity: 5}}
	s.Needs = map[string]*Need{
		"P1": qNeed("P1", KindHome, qAt("28 00:00"), "secondary contact of C"),
		"P2": qNeed("P2", KindHome, qAt("31 00:00"), "secondary contact of C"),
		"P3": qNeed("P3", KindHome, qAt("29 00:00"), "secondary contact of C"),
		"P4": qNeed("P4", KindHome, qAt("31 00:00").Add(10*Day), "secondary contact of C"),
		"P5": qNeed("P5", KindHome, qAt("30 00:00"), "secondary contact of C"),
	}
	r := planRun(s, DefaultPolicy()).run
	if got := qIDs(r.Superseded); got != "Q0001:P1" {
		t.Errorf("superseded = %s", got)
	}
	if q := r.Superseded[0]; q.Status != QStatusSuperseded || !q.End.Equal(qAsOf) {
		t.Errorf("superseded = %+v, want end = qAsOf", q)
	}
	if got := qIDs(r.Created); got != "Q0100:P1" {
		t.Fatalf("created = %s", got)
	}
	if q := r.Created[0]; q.Kind != KindHome || !q.Start.Equal(qAsOf) || !q.End.Equal(qAt("28 00:00")) || q.Status != QStatusActive {
		t.Errorf("new = %+v", q)
	}
	if got := qIDs(r.Extended); got != "Q0002:P2" || !r.Extended[0].End.Equal(qAt("31 00:00")) {
		t.Errorf("extended = %s", got)
	}
	if !s.Open[2].Q.End.Equal(qAt("30 00:00")) || !s.Open[3].Q.End.Equal(qAt("30 00:00")) || s.Open[3].Q.Status != QStatusActive {
		t.Errorf("an earlier end never shortens, a weaker qNeed leaves it: %+v %+v", s.Open[2].Q, s.Open[3].Q)
	}
	if len(r.Completed)+len(r.Escalated)+len(r.Placed) != 0 {
		t.Errorf("unexpected changes: %+v", r)
	}
}

func TestPlaceNeverAboveCapacityFirstComeFirstServed(t *testing.T) {
	s := qSnapshot()
	s.Facilities = []facilityState{{ID: "F1", AreaCode: "county", Capacity: 2}}
	s.Open = []*assignment{
		// one place is taken by a placed assignment that completes now: it frees up
		qOpen("Q0001", "P9", KindCentralized, QStatusActive, qAt("12 12:00"), qAsOf),
		qOpen("Q0002", "P8", KindCentralized, QStatusActive, qAt("12 12:00"), qAt("30 00:00")),
		// old pending ones: by start, then person id (P7 waited longer than P1)
		qOpen("Q0003", "P1", KindCentralized, QStatusPending, qAt("25 12:00"), qAt("30 00:00")),
		qOpen("Q0004", "P7", KindCentralized, QStatusPending, qAt("24 12:00"), qAt("30 00:00")),
	}
	s.Open[0].Q.FacilityID, s.Open[0].Q.PlacedAt = "F1", tp(qAt("12 12:00"))
	s.Open[1].Q.FacilityID, s.Open[1].Q.PlacedAt = "F1", tp(qAt("12 12:00"))
	s.Needs = map[string]*Need{"P0": qNeed("P0", KindCentralized, qAt("31 00:00"), "close contact of C")}
	r := planRun(s, DefaultPolicy()).run
	if got := qIDs(r.Placed); got != "Q0004:P7" {
		t.Fatalf("placed = %s, want the one waiting longest", got)
	}
	if q := r.Placed[0]; q.Status != QStatusActive || q.PlacedAt == nil || !q.PlacedAt.Equal(qAsOf) || q.FacilityID != "F1" {
		t.Errorf("placed = %+v", q)
	}
	if got := qIDs(r.Pending); got != "Q0003:P1 Q0100:P0" {
		t.Errorf("pending = %s", got)
	}
	if q := r.Created[0]; q.Status != QStatusPending || q.FacilityID != "" || q.PlacedAt != nil {
		t.Errorf("no free place: the new one waits with no facility: %+v", q)
	}
}

func TestPlacePrefersTheDeepestCommonAncestorThenMostFreeThenSmallestID(t *testing.T) {
	cases := []struct {
		name       string
		facilities []facilityState
		home       string // the person's household area; "" none
		want       string
	}{
		{"same village beats same town", []facilityState{{"F1", "townA", 9}, {"F2", "vilA1", 1}}, "vilA1", "F2"},
		{"sibling village shares the town", []facilityState{{"F1", "vilB1", 9}, {"F2", "vilA2", 1}}, "vilA1", "F2"},
		{"equal depth: most free places", []facilityState{{"F1", "vilA2", 2}, {"F2", "townA", 3}}, "vilA1", "F2"},
		{"equal depth and free: smallest id", []facilityState{{"F2", "vilA2", 3}, {"F1", "townA", 3}}, "vilA1", "F1"},
		{"no household: most free anywhere", []facilityState{{"F1", "vilA1", 2}, {"F2", "vilB1", 4}}, "", "F2"},
		{"a full facility is skipped", []facilityState{{"F1", "vilA1", 0}, {"F2", "vilB1", 1}}, "vilA1", "F2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := qSnapshot()
			s.Facilities = c.facilities
			if c.home != "" {
				s.HouseholdArea["P1"] = c.home
			}
			s.Needs["P1"] = qNeed("P1", KindCentralized, qAt("31 00:00"), "close contact of C")
			r := planRun(s, DefaultPolicy()).run
			if len(r.Created) != 1 || r.Created[0].FacilityID != c.want {
				t.Fatalf("placed in %q, want %s", r.Created[0].FacilityID, c.want)
			}
		})
	}
}

func TestStaffOnePlusOneNearestAreaFewestAssignmentsThenSmallestID(t *testing.T) {
	s := qSnapshot()
	s.Officers = []Officer{
		{ID: "OC-town", Role: RoleCadre, AreaCode: "townA"},
		{ID: "OM2", Role: RoleMedical, AreaCode: "vilA1"},
		{ID: "OM1", Role: RoleMedical, AreaCode: "vilA1"},
		{ID: "OM-county", Role: RoleMedical, AreaCode: "county"},
	}
	// OM1 already has one qOpen assignment naming them
	existing := qOpen("Q0001", "PX", KindHome, QStatusActive, qAt("20 12:00"), qAt("30 00:00"))
	existing.Q.OfficerIDs = []string{"OC-town", "OM1"}
	s.Open = []*assignment{existing}
	s.HouseholdArea = map[string]string{"P1": "vilA1", "P2": "vilA1", "P3": "vilA1", "P4": "vilB1"}
	for _, p := range []string{"P3", "P1", "P2", "P4", "P5"} {
		s.Needs[p] = qNeed(p, KindHome, qAt("30 00:00"), "secondary contact of C")
	}
	r := planRun(s, DefaultPolicy()).run
	got := map[string][]string{}
	for _, q := range r.Created {
		got[q.PersonID] = q.OfficerIDs
	}
	want := map[string][]string{
		"P1":      {"OC-town", "OM2"}, // OM1 has one already
		"P2":      {"OC-town", "OM1"}, // now both have one: smallest id
		"P3":      {"OC-town", "OM2"}, // OM1 2, OM2 1
		"P4":      {"OM-county"},      // townB has no cadre, nor county: missing
		"P5":      nil,                // no household: both missing
		"missing": {"P4/cadre", "P5/cadre", "P5/medical"},
	}
	var missing []string
	for _, m := range r.MissingOfficers {
		missing = append(missing, m.PersonID+"/"+m.Role)
	}
	got["missing"] = missing
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("officers = %v\nwant %v", got, want)
	}
}

func TestCentralizedAssignmentsAreNotStaffed(t *testing.T) {
	s := qSnapshot()
	s.Officers = []Officer{{ID: "O1", Role: RoleCadre, AreaCode: "county"}}
	s.HouseholdArea["P1"] = "vilA1"
	s.Needs["P1"] = qNeed("P1", KindCentralized, qAt("30 00:00"), "close contact of C")
	r := planRun(s, DefaultPolicy()).run
	if len(r.Created[0].OfficerIDs) != 0 || len(r.MissingOfficers) != 0 {
		t.Fatalf("centralized got officers %v / missing %v", r.Created[0].OfficerIDs, r.MissingOfficers)
	}
}

func TestFollowOnIsCreatedWhenTheCentralizedOneCompletes(t *testing.T) {
	s := qSnapshot()
	a := qOpen("Q0001", "P1", KindCentralized, QStatusActive, qAt("12 12:00"), qAt("26 10:00"))
	a.Then = &Measure{Kind: KindHealthMonitoring, Days: 7}
	s.Open = []*assignment{a}
	r := planRun(s, DefaultPolicy()).run
	if qIDs(r.Completed) != "Q0001:P1" || len(r.Created) != 1 {
		t.Fatalf("run = completed %s created %s", qIDs(r.Completed), qIDs(r.Created))
	}
	q := r.Created[0]
	if q.Kind != KindHealthMonitoring || !q.Start.Equal(qAsOf) || !q.End.Equal(qAt("26 10:00").Add(7*Day)) || q.Reason != "follow-on of Q0001" {
		t.Fatalf("follow-on = %+v", q)
	}
}

func TestHistoryRecordsEveryChange(t *testing.T) {
	s := qSnapshot()
	s.Facilities = []facilityState{{ID: "F1", AreaCode: "county", Capacity: 1}}
	s.Open = []*assignment{qOpen("Q0001", "P1", KindCentralized, QStatusPending, qAt("20 12:00"), qAt("30 00:00"))}
	s.Needs["P1"] = qNeed("P1", KindCentralized, qAt("31 00:00"), "close contact of C")
	pl := planRun(s, DefaultPolicy())
	var got []string
	for _, h := range pl.history {
		e := h.QuarantineID + " " + h.Change
		if h.From != nil {
			e += " " + h.From.Format("02 15:04") + "→" + h.To.Format("02 15:04")
		}
		got = append(got, e)
	}
	want := []string{"Q0001 extended 30 00:00→31 00:00", "Q0001 placed"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
	if qIDs(pl.run.Extended) != "Q0001:P1" || qIDs(pl.run.Placed) != "Q0001:P1" {
		t.Fatalf("an extended and placed pending one is in both lists: %+v", pl.run)
	}
}

// Every preset (issue 5): the quarantine table, the test days and the follow-on that
// starts when the centralized part completes.
func TestProtocolPresets(t *testing.T) {
	type want struct {
		closeKind     string
		closeDays     int
		closeTests    []int
		thenKind      string // "" none
		thenDays      int
		secondaryKind string // "" none
		secondaryDays int
		highDays      int
		mediumKind    string
	}
	cases := map[string]want{
		"default":    {KindCentralized, 14, nil, "", 0, KindHome, 7, 14, KindHealthMonitoring},
		"edition8":   {KindCentralized, 14, []int{1, 4, 7, 14}, KindHealthMonitoring, 7, KindCentralized, 7, 14, KindHealthMonitoring},
		"edition9":   {KindCentralized, 7, []int{1, 2, 3, 5, 7}, KindHealthMonitoring, 3, KindHome, 7, 7, KindHome},
		"measures20": {KindCentralized, 5, []int{1, 2, 3, 5}, KindHome, 3, "", 0, 14, KindHealthMonitoring},
	}
	if names := PresetNames(); len(names) != len(cases) {
		t.Fatalf("presets = %v", names)
	}
	for name, w := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := LoadPolicy(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Validate(); err != nil || p.Name != name {
				t.Fatalf("%s: %v", p.Name, err)
			}
			last := qAt("25 10:00")
			needs := ComputeNeeds(p, qAsOf, []*Chain{qChain("C", qContact("PC", 1, ClassClose, last), qContact("PS", 2, ClassClose, last))},
				[]Arrival{{PersonID: "PH", Level: "high", ArriveAt: last}, {PersonID: "PM", Level: "medium", ArriveAt: last}})
			if n := needs["PC"]; n.Kind != w.closeKind || !n.End.Equal(last.Add(time.Duration(w.closeDays)*Day)) || !reflect.DeepEqual(n.TestDays, w.closeTests) {
				t.Errorf("close qContact need = %+v", n)
			}
			if n := needs["PS"]; (w.secondaryKind == "") != (n == nil) || (n != nil && (n.Kind != w.secondaryKind || !n.End.Equal(last.Add(time.Duration(w.secondaryDays)*Day)))) {
				t.Errorf("secondary qContact need = %+v", n)
			}
			if n := needs["PH"]; n.Kind != KindCentralized || !n.End.Equal(last.Add(time.Duration(w.highDays)*Day)) {
				t.Errorf("high-risk arrival need = %+v", n)
			}
			if n := needs["PM"]; n.Kind != w.mediumKind {
				t.Errorf("medium-risk arrival need = %+v", n)
			}
			// the centralized part completes: the follow-on starts, counted from its end
			s := qSnapshot()
			s.Needs = map[string]*Need{"PC": needs["PC"]}
			s.Facilities = []facilityState{{ID: "F", AreaCode: "county", Capacity: 1}}
			first := planRun(s, p).all[0]
			if !reflect.DeepEqual(first.TestDays, w.closeTests) {
				t.Errorf("assignment test days = %v", first.TestDays)
			}
			end := first.Q.End
			s2 := qSnapshot()
			s2.AsOf = end
			first.isNew = false
			s2.Open = []*assignment{first}
			r := planRun(s2, p).run
			if len(r.Completed) != 1 {
				t.Fatalf("completed = %v", r.Completed)
			}
			if w.thenKind == "" {
				if len(r.Created) != 0 {
					t.Errorf("no follow-on expected, got %+v", r.Created[0])
				}
				return
			}
			if len(r.Created) != 1 || r.Created[0].Kind != w.thenKind || !r.Created[0].End.Equal(end.Add(time.Duration(w.thenDays)*Day)) {
				t.Errorf("follow-on = %+v", r.Created)
			}
		})
	}
}
