package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// reasons renders a risk as "TIER: RULE@since ..." with since in local "01-02 15:04".
func reasons(r *graph.Risk, loc *time.Location) string {
	var out []string
	for _, x := range r.Reasons {
		s := x.Rule + "@"
		if x.Since == nil {
			s += "none"
		} else {
			s += x.Since.In(loc).Format("01-02 15:04:05")
		}
		out = append(out, s)
	}
	return r.Tier + ": " + strings.Join(out, " ")
}

// SPEC §5's arrival rules: the effective level of the from_area at departure comes from
// the nearest ancestor-or-self with a designation since ≤ departAt (its latest one).
func TestArrivalLevels(t *testing.T) {
	f := newFixture(t)
	f.area("P", "")
	f.area("C", "P")
	f.area("E", "C") // no designation of its own: inherits
	f.area("D", "C") // its own low designation stops inheritance
	f.designate("P", "medium", "2020-01-12 00:00")
	f.designate("C", "high", "2020-01-16 09:00")
	f.designate("C", "low", "2020-01-19 09:00")
	f.designate("D", "low", "2020-01-11 00:00")
	f.people("T1", "T2", "T3", "T4", "T5", "T6", "T7")
	f.trip("TR1", "T1", "train", "G1", "", "C", "2020-01-16 09:00", "2020-01-16 12:00")    // C high since 09:00
	f.trip("TR2", "T2", "train", "G1", "", "C", "2020-01-16 08:59:59", "2020-01-16 12:00") // C not yet: P medium
	f.trip("TR3", "T3", "train", "G1", "", "C", "2020-01-19 09:00", "2020-01-19 12:00")    // C's latest: low
	f.trip("TR4", "T4", "train", "G1", "", "E", "2020-01-17 09:00", "2020-01-17 12:00")    // inherited high from C
	f.trip("TR5", "T5", "train", "G1", "", "D", "2020-01-17 09:00", "2020-01-17 12:00")    // D low
	f.trip("TR6", "T6", "train", "G1", "", "C", "2020-01-12 10:00", "2020-01-12 12:00")    // arrives 14 days before asOf: out
	f.trip("TR7", "T7", "train", "G1", "", "C", "2020-01-12 10:00", "2020-01-12 12:00:01") // one second later: in (P medium)
	asOf := f.at("2020-01-26 12:00")
	got, err := f.svc.Arrivals(t0(), asOf.Add(-14*graph.Day), asOf)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, a := range got {
		rows = append(rows, a.PersonID+":"+a.Level+":"+a.DesignatedArea)
	}
	want := "T1:high:C T2:medium:P T4:high:C T7:medium:P"
	if strings.Join(rows, " ") != want {
		t.Fatalf("arrivals = %v\n want %s", rows, want)
	}
	// An arrival one second after asOf does not exist yet; at asOf it does.
	for asOfS, n := range map[string]int{"2020-01-16 11:59:59": 0, "2020-01-16 12:00": 2} {
		got, err = f.svc.Arrivals(t0(), f.at("2020-01-15 00:00"), f.at(asOfS))
		if err != nil || len(got) != n {
			t.Fatalf("arrivals as of %s: %v %v, want %d", asOfS, got, err, n)
		}
	}
}

func TestRiskRules(t *testing.T) {
	f := newFixture(t)
	f.area("HI", "")
	f.designate("HI", "high", "2020-01-01 00:00")
	f.area("MED", "")
	f.designate("MED", "medium", "2020-01-01 00:00")
	f.people("C@H1", "HH@H1", "SEC", "GEN", "OLD", "ACT", "ONS", "SUS", "DEC", "REC", "POS", "ANT", "FEV", "HR", "ARR", "MARR", "GREEN")
	// The case: onset 20 Jan, W = [18 Jan 00:00, asOf].
	f.caseOf("C", "confirmed", "2020-01-20", "2020-01-21 09:00", "")
	f.contact("C", "SEC", "2020-01-25 09:00", 0, "meal", false) // SEC is a close contact…
	f.contact("SEC", "GEN", "2020-01-25 10:00", 0, "meal", false)
	f.contact("C", "GEN", "2020-01-19 10:00", 5, "work", false)   // …GEN a secondary contact, not general
	f.contact("C", "OLD", "2020-01-12 12:00", 0, "meal", false)   // before W: nothing
	f.contact("C", "REC", "2020-01-24 08:00", 10, "other", false) // a general contact
	f.caseOf("ACT", "asymptomatic", "", "2020-01-22 10:00", "")
	f.caseOf("ONS", "confirmed", "2020-01-23", "", "")
	f.caseOf("SUS", "suspected", "", "", "")
	f.caseOf("DEC", "deceased", "2020-01-10", "2020-01-12 10:00", "")
	f.passage("CP", "DEC", "2020-01-26 10:00", 39)
	f.caseOf("REC", "recovered", "2020-01-01", "2020-01-05 10:00", "")
	f.test("T1", "REC", "pcr", "2020-01-20 10:00", "positive") // a counting case: no POSITIVE_TEST
	f.test("T2", "POS", "antigen", "2020-01-12 12:00:01", "positive")
	f.test("T3", "POS", "pcr", "2020-01-12 12:00", "positive") // exactly 14 days: out
	f.test("T4", "ANT", "antibody", "2020-01-25 12:00", "positive")
	f.passage("CP", "FEV", "2020-01-23 12:00", 38)      // exactly 3 days: out
	f.passage("CP", "FEV", "2020-01-23 12:00:01", 37.3) // in, at the threshold
	f.passage("CP", "FEV", "2020-01-25 12:00", 37.2)    // below
	f.report("HR", "2020-01-23", 37.5)                  // 00:00 of 23 Jan: out
	f.report("HR", "2020-01-24", 37.4)                  // in
	f.trip("TRH", "ARR", "flight", "MU1", "1A", "HI", "2020-01-20 10:00", "2020-01-20 12:00")
	f.trip("TRM", "MARR", "train", "G2", "", "MED", "2020-01-21 10:00", "2020-01-21 12:00")
	asOf := f.at("2020-01-26 12:00")
	for _, tc := range []struct{ person, want, expires string }{
		// C is also a general contact of REC (a recovered case is still traced).
		{"C", "RED: ACTIVE_CASE@01-21 09:00:00 GENERAL_CONTACT@01-24 08:10:00", ""},
		{"HH", "RED: CLOSE_CONTACT@01-26 12:00:00", "2020-02-09 12:00"},
		{"SEC", "RED: CLOSE_CONTACT@01-25 09:00:00", "2020-02-08 09:00"},
		{"GEN", "YELLOW: SECONDARY_CONTACT@01-25 10:00:00", "2020-02-08 10:00"},
		{"OLD", "GREEN: ", ""},
		{"ACT", "RED: ACTIVE_CASE@01-22 10:00:00", ""},
		{"ONS", "RED: ACTIVE_CASE@01-23 00:00:00", ""},
		{"SUS", "RED: ACTIVE_CASE@none", ""},
		{"DEC", "GREEN: ", ""},
		{"REC", "YELLOW: GENERAL_CONTACT@01-24 08:10:00", "2020-02-07 08:10"},
		{"POS", "RED: POSITIVE_TEST@01-12 12:00:01", "2020-01-26 12:00:01"},
		{"ANT", "GREEN: ", ""},
		{"FEV", "YELLOW: FEVER@01-23 12:00:01", "2020-01-26 12:00:01"},
		{"HR", "YELLOW: FEVER@01-24 00:00:00", "2020-01-27 00:00"},
		{"ARR", "RED: HIGH_RISK_ARRIVAL@01-20 12:00:00", "2020-02-03 12:00"},
		{"MARR", "YELLOW: MEDIUM_RISK_ARRIVAL@01-21 12:00:00", "2020-02-04 12:00"},
		{"GREEN", "GREEN: ", ""},
	} {
		r, err := f.svc.Risk(t0(), tc.person, asOf)
		if err != nil {
			t.Fatalf("%s: %v", tc.person, err)
		}
		got := reasons(r, f.svc.Loc)
		exp := ""
		if r.ExpiresAt != nil {
			exp = strings.TrimSuffix(r.ExpiresAt.In(f.svc.Loc).Format("2006-01-02 15:04:05"), ":00")
		}
		if got != tc.want || exp != tc.expires {
			t.Errorf("%s: %s (expires %q)\n want %s (expires %q)", tc.person, got, exp, tc.want, tc.expires)
		}
	}
	if _, err := f.svc.Risk(t0(), "nobody", asOf); graph.KindOf(err) != graph.NotFound {
		t.Errorf("unknown person: %v, want NOT_FOUND", err)
	}
	// A close contact's reason lasts 14 days after the last exposure: one second later it is gone.
	r, err := f.svc.Risk(t0(), "SEC", f.at("2020-02-08 09:00:01"))
	if err != nil {
		t.Fatal(err)
	}
	if got := reasons(r, f.svc.Loc); got != "GREEN: " {
		t.Errorf("SEC 14 days and a second later: %s", got)
	}
}

// Every reason is listed, yellow ones under a red tier too; the tier's expiry is the
// latest of its reasons' (null when one never expires).
func TestRiskTierAndExpiry(t *testing.T) {
	f := newFixture(t)
	f.area("HI", "")
	f.designate("HI", "high", "2020-01-01 00:00")
	f.people("X")
	f.trip("TR1", "X", "car", "A1", "", "HI", "2020-01-20 10:00", "2020-01-20 12:00")
	f.test("T1", "X", "pcr", "2020-01-22 08:00", "positive")
	f.passage("CP", "X", "2020-01-26 08:00", 38.5)
	r, err := f.svc.Risk(t0(), "X", f.at("2020-01-26 12:00"))
	if err != nil {
		t.Fatal(err)
	}
	if got := reasons(r, f.svc.Loc); got != "RED: HIGH_RISK_ARRIVAL@01-20 12:00:00 POSITIVE_TEST@01-22 08:00:00 FEVER@01-26 08:00:00" {
		t.Errorf("reasons: %s", got)
	}
	if r.ExpiresAt == nil || !r.ExpiresAt.Equal(f.at("2020-02-05 08:00")) {
		t.Errorf("expires %v, want the latest red expiry 5 Feb 08:00 (not the fever's)", r.ExpiresAt)
	}
	f.caseOf("X", "suspected", "", "", "")
	r, err = f.svc.Risk(t0(), "X", f.at("2020-01-26 12:00"))
	if err != nil {
		t.Fatal(err)
	}
	if r.ExpiresAt != nil || !strings.HasPrefix(reasons(r, f.svc.Loc), "RED: ACTIVE_CASE@none HIGH_RISK_ARRIVAL") {
		t.Errorf("with an active case: %s expires %v, want no expiry and no POSITIVE_TEST", reasons(r, f.svc.Loc), r.ExpiresAt)
	}
}
