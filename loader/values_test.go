package loader

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph"
)

func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParseTime(t *testing.T) {
	loc := shanghai(t)
	at := func(s string) time.Time {
		tt, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tt
	}
	good := []struct {
		in        string
		allowDate bool
		want      time.Time
	}{
		{"2020-01-21T18:30:00+08:00", false, at("2020-01-21T18:30:00+08:00")},
		{"2020-01-21T10:30:00Z", false, at("2020-01-21T18:30:00+08:00")},
		{"2020-01-21T10:30:00.5Z", false, at("2020-01-21T18:30:00.5+08:00")},
		{"2020-01-21T05:30:00-05:00", false, at("2020-01-21T18:30:00+08:00")},
		{"2020-01-21 18:30:00+08:00", false, at("2020-01-21T18:30:00+08:00")},
		{"2020-01-21 18:30", false, at("2020-01-21T18:30:00+08:00")},
		{"2020-01-21T18:30", false, at("2020-01-21T18:30:00+08:00")},
		{"2020-01-21 18:30:15", false, at("2020-01-21T18:30:15+08:00")},
		{"2020-01-21T18:30:15", false, at("2020-01-21T18:30:15+08:00")},
		{"2020-01-21 18:30:15.25", false, at("2020-01-21T18:30:15.25+08:00")},
		{"2020-01-21T18:30:15.123456789", false, at("2020-01-21T18:30:15.123456789+08:00")},
		{"2020-01-21", true, at("2020-01-21T00:00:00+08:00")},
		{"2020-01-21T00:00:00+08:00", true, at("2020-01-21T00:00:00+08:00")},
	}
	for _, c := range good {
		got, err := ParseTime(c.in, loc, c.allowDate)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", c.in, err)
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("ParseTime(%q) = %v, want %v", c.in, got, c.want)
		}
		if got.Location().String() != loc.String() {
			t.Errorf("ParseTime(%q) is in %v, want the service zone", c.in, got.Location())
		}
	}
	bad := []struct{ in, reason string }{
		{"2020-01-21", "bare date"},
		{"2020-13-21 18:30", "bad time"},
		{"2020-01-32T18:30", "bad time"},
		{"2020-01-21 25:30", "bad time"},
		{"2020-01-21 18:60", "bad time"},
		{"2020-02-30", "bad time"},
		{"21/01/2020 18:30", "bad time"},
		{"2020-01-21T18:30+08:00", "bad time"},
		{"2020-01-21T18:30:00+25:00", "bad time"},
		{"yesterday", "bad time"},
		{"2020-01-21 18", "bad time"},
		{"2020-1-21 18:30", "bad time"},
		{"1579602600", "bad time"},
	}
	for _, c := range bad {
		_, err := ParseTime(c.in, loc, false)
		if err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("ParseTime(%q) error = %v, want one saying %q", c.in, err, c.reason)
		}
	}
	// A bad bare date is a bad date even where bare dates are allowed.
	if _, err := ParseTime("2020-02-30", loc, true); err == nil {
		t.Error("ParseTime(2020-02-30, allowDate) accepted an impossible date")
	}
}

func TestParseDate(t *testing.T) {
	if d, err := ParseDate("2020-02-29"); err != nil || d != (graph.Date{Year: 2020, Month: 2, Day: 29}) {
		t.Errorf("ParseDate(2020-02-29) = %v, %v", d, err)
	}
	for _, s := range []string{"2019-02-29", "2020-1-05", "2020/01/05", "20200105", "2020-01-05T00:00", "2020-01-05 ", "x020-01-05"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
}

func TestParseBool(t *testing.T) {
	for _, s := range []string{"true", "TRUE", "True", "1", "yes", "YES", "Yes", "是"} {
		if v, err := ParseBool(s); err != nil || !v {
			t.Errorf("ParseBool(%q) = %v, %v; want true", s, v, err)
		}
	}
	for _, s := range []string{"false", "FALSE", "False", "0", "no", "NO", "No", "否"} {
		if v, err := ParseBool(s); err != nil || v {
			t.Errorf("ParseBool(%q) = %v, %v; want false", s, v, err)
		}
	}
	for _, s := range []string{"t", "f", "y", "n", "2", "-1", "on", "off", "真", "yes please"} {
		if _, err := ParseBool(s); err == nil || !strings.Contains(err.Error(), "bad boolean") {
			t.Errorf("ParseBool(%q) error = %v", s, err)
		}
	}
}

func TestParseEnum(t *testing.T) {
	if v, err := ParseEnum("high", graph.RiskLevels); err != nil || v != "high" {
		t.Errorf("ParseEnum(high) = %q, %v", v, err)
	}
	for _, s := range []string{"High", "HIGH", "higher", "h", "red"} {
		if _, err := ParseEnum(s, graph.RiskLevels); err == nil || !strings.Contains(err.Error(), "unknown value") {
			t.Errorf("ParseEnum(%q) error = %v", s, err)
		}
	}
}

var posInf = math.Inf(1)

func TestParseDecimalRanges(t *testing.T) {
	good := []struct {
		in       string
		min, max float64
		want     float64
	}{
		{"30", 30, 45, 30}, {"45", 30, 45, 45}, {"37.3", 30, 45, 37.3}, {"30.0", 30, 45, 30},
		{"0", 0, posInf, 0}, {"0.5", 0, posInf, 0.5}, {"14.75", 0, posInf, 14.75}, {"100000", 0, posInf, 100000},
		{"+15", 0, posInf, 15}, {".5", 0, posInf, .5}, {"15.", 0, posInf, 15},
	}
	for _, c := range good {
		if v, err := ParseDecimal(c.in, c.min, c.max); err != nil || v != c.want {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %v", c.in, v, err, c.want)
		}
	}
	bad := []struct {
		in       string
		min, max float64
		reason   string
	}{
		{"29.99", 30, 45, "out of range"}, {"45.01", 30, 45, "out of range"}, {"-37", 30, 45, "out of range"},
		{"-0.5", 0, posInf, "out of range"}, {"-1", 0, posInf, "out of range"},
		{"NaN", 0, posInf, "bad number"}, {"Inf", 0, posInf, "bad number"}, {"1e3", 0, posInf, "bad number"},
		{"0x10", 0, posInf, "bad number"}, {"1,5", 0, posInf, "bad number"}, {"37.3°", 30, 45, "bad number"},
		{".", 0, posInf, "bad number"}, {"1.2.3", 0, posInf, "bad number"}, {"1_000", 0, posInf, "bad number"},
	}
	for _, c := range bad {
		if _, err := ParseDecimal(c.in, c.min, c.max); err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("ParseDecimal(%q) error = %v, want %q", c.in, err, c.reason)
		}
	}
}

func TestParseCount(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "1": 1, "250": 250, "+3": 3} {
		if v, err := ParseCount(in); err != nil || v != want {
			t.Errorf("ParseCount(%q) = %v, %v", in, v, err)
		}
	}
	for in, reason := range map[string]string{"-1": "out of range", "-0.5": "out of range", "1.5": "bad integer", "ten": "bad integer", "": "bad integer", "1e2": "bad integer"} {
		if _, err := ParseCount(in); err == nil || !strings.Contains(err.Error(), reason) {
			t.Errorf("ParseCount(%q) error = %v, want %q", in, err, reason)
		}
	}
}

// idNumber builds a valid GB 11643 number from its first 17 digits.
func idNumber(first17 string) string {
	return first17 + string(graph.IDCheckChar(first17))
}

func TestParseIDNumber(t *testing.T) {
	// Known numbers: the standard's example and ones from the conformance bundles.
	good := []struct {
		in, want string
		birth    graph.Date
	}{
		{"11010519491231002X", "11010519491231002X", graph.Date{Year: 1949, Month: 12, Day: 31}},
		{"11010519491231002x", "11010519491231002X", graph.Date{Year: 1949, Month: 12, Day: 31}},
		{"411599196106044145", "411599196106044145", graph.Date{Year: 1961, Month: 6, Day: 4}},
		{"41159919811217114X", "41159919811217114X", graph.Date{Year: 1981, Month: 12, Day: 17}},
		{"440524188001010014", "440524188001010014", graph.Date{Year: 1880, Month: 1, Day: 1}},
	}
	for _, c := range good {
		n, d, err := ParseIDNumber(c.in)
		if err != nil || n != c.want || d != c.birth {
			t.Errorf("ParseIDNumber(%q) = %q, %v, %v; want %q, %v", c.in, n, d, err, c.want, c.birth)
		}
	}
	// Every check character but the right one is rejected.
	base := "41159919610604414"
	right := idNumber(base)
	for _, c := range "0123456789Xx" {
		s := base + string(c)
		_, _, err := ParseIDNumber(s)
		if ok := strings.EqualFold(s, right); ok != (err == nil) {
			t.Errorf("ParseIDNumber(%q) error = %v (right number %s)", s, err, right)
		}
	}
	bad := []struct{ in, reason string }{
		{"41159919610604414", "18 characters"},
		{"4115991961060441455", "18 characters"},
		{"41159919610604414A", "check character"},
		{"4115991961060441X5", "not a digit"},
		{"４11599196106044145", "18 characters"},
		{idNumber("41159919611304414"), "not a date"}, // month 13, check digit right
		{idNumber("41159920190229414"), "not a date"}, // 2019-02-29
		{"", "18 characters"},
	}
	for _, c := range bad {
		if _, _, err := ParseIDNumber(c.in); err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("ParseIDNumber(%q) error = %v, want %q", c.in, err, c.reason)
		}
	}
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "11010519491231002x", "411599196106044145", "", "abc", "41159919610604414A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, d, err := ParseIDNumber(s)
		if err != nil {
			return
		}
		// Whatever is accepted is 18 characters, digits then a right check character,
		// carries its birth date, and is stored upper-case.
		if len(n) != 18 || !strings.EqualFold(n, s) || strings.Contains(n, "x") {
			t.Fatalf("accepted %q as %q", s, n)
		}
		if idNumber(n[:17]) != n {
			t.Fatalf("accepted %q with a wrong check character", s)
		}
		if d.String() != n[6:10]+"-"+n[10:12]+"-"+n[12:14] {
			t.Fatalf("birth date %v of %q", d, s)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2020-01-21T18:30:00+08:00", "2020-01-21 18:30", "2020-01-21", "2020-01-21T18:30:15.5", "x"} {
		f.Add(s, false)
	}
	loc := shanghai(f)
	f.Fuzz(func(t *testing.T, s string, allowDate bool) {
		tt, err := ParseTime(s, loc, allowDate)
		if err != nil {
			return
		}
		if tt.Location().String() != loc.String() {
			t.Fatalf("%q parsed outside the service zone", s)
		}
		if !allowDate && len(s) == 10 {
			if _, derr := ParseDate(s); derr == nil {
				t.Fatalf("bare date %q accepted as a time", s)
			}
		}
	})
}

func TestProgressLogsOnANonTerminal(t *testing.T) {
	var buf strings.Builder
	log := zerolog.New(&buf)
	p := newProgress(Options{Progress: &buf, Log: &log, LogEvery: time.Nanosecond})
	if _, ok := p.(*logProgress); !ok {
		t.Fatalf("progress on a non-terminal is %T, want log lines", p)
	}
	p.begin("people.csv", 10)
	time.Sleep(time.Millisecond)
	p.add(4)
	p.end()
	out := buf.String()
	for _, want := range []string{`"file":"people.csv"`, `"rows":4`, `"of":10`, `"rows_per_s"`, `"eta"`} {
		if !strings.Contains(out, want) {
			t.Errorf("progress line %q lacks %s", out, want)
		}
	}
	if _, ok := newProgress(Options{}).(nopProgress); !ok {
		t.Error("no log and no terminal should be silent")
	}
}
