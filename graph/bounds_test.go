package graph

import (
	"strings"
	"testing"
	"time"
)

// TestValueBounds is SPEC §3's table of value bounds (revision 4), at every boundary:
// the last good value and the first bad one on each side, with the reason the report
// gives. The loader's rows and the API's writes both read cells through these.
func TestValueBounds(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	rep := strings.Repeat
	type check func(s string) error
	text := func(k TextKind) check { return func(s string) error { return CheckTextValue(s, k) } }
	decimal := func(lo, hi float64) check {
		return func(s string) error { _, err := ParseDecimalValue(s, lo, hi); return err }
	}
	tm := func(allowDate bool) check {
		return func(s string) error { _, err := ParseTimeValue(s, loc, allowDate); return err }
	}
	date := func(s string) error { _, err := ParseDateValue(s); return err }
	cases := []struct {
		what   string
		check  check
		in     string
		reason string // "" when the value is good
	}{
		{"duration", decimal(0, MaxDurationMin), "0", ""},
		{"duration", decimal(0, MaxDurationMin), "10080", ""},
		{"duration", decimal(0, MaxDurationMin), "10079.999", ""},
		{"duration", decimal(0, MaxDurationMin), "10080.001", "out of range"},
		{"duration", decimal(0, MaxDurationMin), "-0.001", "out of range"},
		{"duration", decimal(0, MaxDurationMin), "100000000000000000000000000000", "out of range"},
		{"temperature", decimal(MinTemperature, MaxTemperature), "30", ""},
		{"temperature", decimal(MinTemperature, MaxTemperature), "45", ""},
		{"temperature", decimal(MinTemperature, MaxTemperature), "29.99", "out of range"},
		{"temperature", decimal(MinTemperature, MaxTemperature), "45.01", "out of range"},

		{"time", tm(false), "1900-01-01 00:00", ""},
		{"time", tm(false), "1899-12-31 23:59:59.999", "out of range"},
		{"time", tm(false), "2100-12-31 23:59:59.999", ""},
		{"time", tm(false), "2101-01-01 00:00", "out of range"},
		{"time", tm(false), "9999-12-31T10:00:00+08:00", "out of range"},
		{"time", tm(false), "0001-01-01T00:00:00Z", "out of range"},
		// The bounds are dates of the service's zone: 16:00Z is already the next day there.
		{"time", tm(false), "2100-12-31T15:59:59Z", ""},
		{"time", tm(false), "2100-12-31T16:00:00Z", "out of range"},
		{"time", tm(false), "1899-12-31T16:00:00Z", ""},
		{"time", tm(false), "1899-12-31T15:50:00Z", "out of range"}, // 23:55:43 local mean time
		{"since", tm(true), "1900-01-01", ""},
		{"since", tm(true), "1899-12-31", "out of range"},
		{"since", tm(true), "2100-12-31", ""},
		{"since", tm(true), "2101-01-01", "out of range"},
		{"date", date, "1900-01-01", ""},
		{"date", date, "1899-12-31", "out of range"},
		{"date", date, "2100-12-31", ""},
		{"date", date, "2101-01-01", "out of range"},
		{"date", date, "9999-01-01", "out of range"},
		{"date", date, "0001-01-01", "out of range"},

		{"id", text(TextID), rep("a", 64), ""},
		{"id", text(TextID), rep("a", 65), "too long"},
		{"id", text(TextID), rep("号", 64), ""}, // characters, not bytes
		{"id", text(TextID), rep("号", 65), "too long"},
		{"name", text(TextName), rep("张", 100), ""},
		{"name", text(TextName), rep("张", 101), "too long"},
		{"name", text(TextName), rep("x", 9*1024), "too long"},
		{"address", text(TextLong), rep("路", 500), ""},
		{"address", text(TextLong), rep("路", 501), "too long"},
		{"phone", text(TextPhone), "+86 139-0000-0000", ""},
		{"phone", text(TextPhone), rep("1", 20), ""},
		{"phone", text(TextPhone), rep("1", 21), "too long"},
		{"phone", text(TextPhone), "139 0000 000x", "bad character"},
		{"phone", text(TextPhone), "(0371) 1234", "bad character"},
		{"phone", text(TextPhone), "１３９", "bad character"}, // full-width digits are not digits here
		{"name", text(TextName), "张\x00三", "bad character"},
		{"name", text(TextName), "张\t三", "bad character"},
		{"name", text(TextName), "张\n三", "bad character"},
		{"name", text(TextName), "张\r三", "bad character"},
		{"name", text(TextName), "张\x7f三", "bad character"},
		{"name", text(TextName), "张\u0085三", "bad character"}, // C1 control
		{"address", text(TextLong), "1号\x1b[31m", "bad character"},
		{"id", text(TextID), "P\x01", "bad character"},
		{"phone", text(TextPhone), "139\x00", "bad character"},
		{"name", text(TextName), "Zoë O'Brien-Smith 张三", ""},
	}
	for _, c := range cases {
		err := c.check(c.in)
		shown := c.in
		if len(shown) > 40 {
			shown = shown[:40] + "…"
		}
		switch {
		case c.reason == "" && err != nil:
			t.Errorf("%s %q: %v, want it accepted", c.what, shown, err)
		case c.reason != "" && (err == nil || !strings.HasPrefix(err.Error(), c.reason)):
			t.Errorf("%s %q: error %v, want one starting %q", c.what, shown, err, c.reason)
		}
		// A reason never repeats a long value: a rejects line stays readable.
		if err != nil && len(err.Error()) > 200 {
			t.Errorf("%s: reason of %d bytes", c.what, len(err.Error()))
		}
	}
}
