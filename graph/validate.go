package graph

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Value validation of SPEC §3, shared by the loader (bundle rows) and the API's write
// mutations, so that a bad value gets the same reason whichever way it comes in. Each
// function takes a trimmed, non-empty value and returns it parsed or an error whose
// text is the reason (the loader reports it as `file:line: column: reason`, the API as
// `mutation: argument: reason`).

// Value parsing for SPEC §3. Each function takes a trimmed, non-empty cell and returns
// the value or an error whose text is the reject reason, so that the report line reads
// `file:line: column: reason`.

// The bounds of SPEC §3 (revision 4). They keep every stored value within what Neo4j
// stores, indexes and computes with: a 9 KB name is refused by a string index in the
// middle of a load, and a duration of 1e29 minutes overflows the date arithmetic of
// every chain that reads it. Both are rejected as rows here instead.
const (
	MaxDurationMin = 10080 // a week, in minutes
	MinTemperature = 30.0  // °C
	MaxTemperature = 45.0
	MaxIDLen       = 64 // characters, not bytes
	MaxNameLen     = 100
	MaxLongTextLen = 500 // addresses, places, notes
	MaxPhoneLen    = 20
)

// MinDate and MaxDate bound every date, and every time's date in the service's zone.
var (
	MinDate = Date{1900, time.January, 1}
	MaxDate = Date{2100, time.December, 31}
)

// TextKind is the kind of a free-text value, which gives its bound (SPEC §3).
type TextKind int

const (
	// TextID is an id or a reference to one, and short codes read like ids: a seat, a
	// conveyance number, a plate, a capacity.
	TextID TextKind = iota
	// TextName is a name, and short labels read like names: sex, an event's kind.
	TextName
	// TextLong is an address, a place or a note (symptoms, a daily report's note).
	TextLong
	// TextPhone is a phone number: digits, +, - and spaces.
	TextPhone
)

func (k TextKind) max() int {
	switch k {
	case TextName:
		return MaxNameLen
	case TextLong:
		return MaxLongTextLen
	case TextPhone:
		return MaxPhoneLen
	}
	return MaxIDLen
}

// CheckTextValue checks a trimmed text value of a kind: no control characters (a line
// break or an escape sequence included), at most the kind's number of characters, and
// for a phone only digits, +, - and spaces. The reason starts "too long" or "bad
// character" and never repeats the value, which may be kilobytes long.
func CheckTextValue(s string, kind TextKind) error {
	if !utf8.ValidString(s) {
		return errors.New("bad character: not valid UTF-8")
	}
	n := 0
	for _, c := range s {
		n++
		switch {
		case unicode.IsControl(c):
			return fmt.Errorf("bad character: control character %U at character %d", c, n)
		case kind == TextPhone && !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == ' '):
			return fmt.Errorf("bad character: %q at character %d (a phone has digits, +, - and spaces)", c, n)
		}
	}
	if max := kind.max(); n > max {
		return fmt.Errorf("too long: %d characters, at most %d", n, max)
	}
	return nil
}

// checkDateBounds refuses a date outside MinDate..MaxDate.
func checkDateBounds(d Date, shown string) error {
	if dateBefore(d, MinDate) || dateBefore(MaxDate, d) {
		return fmt.Errorf("out of range: %s not in %s..%s", shown, MinDate, MaxDate)
	}
	return nil
}

func dateBefore(a, b Date) bool {
	if a.Year != b.Year {
		return a.Year < b.Year
	}
	if a.Month != b.Month {
		return a.Month < b.Month
	}
	return a.Day < b.Day
}

// errBareDate marks a bare date in a time column that needs a time of day.
var errBareDate = errors.New("a bare date is not a time here: give a time of day")

// localLayouts are the local forms of §3, read in the service's zone. Go accepts a
// fractional second after the seconds field even when the layout has none, which gives
// the optional fraction.
var localLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
}

// offsetLayouts are RFC 3339 (with the space that RFC 3339 §5.6 allows in place of T).
var offsetLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
}

// ParseTimeValue reads a time column: RFC 3339, or a local form read in loc. With
// allowDate (the `since` column), a bare date means 00:00 local. The result is in loc,
// so that Neo4j stores every loaded time in the service's zone.
func ParseTimeValue(s string, loc *time.Location, allowDate bool) (time.Time, error) {
	if len(s) == len("2006-01-02") {
		if d, err := parseRealDate(s); err == nil {
			if !allowDate {
				return time.Time{}, errBareDate
			}
			return d.In(loc), checkDateBounds(d, s)
		}
	}
	if hasOffset(s) {
		for _, l := range offsetLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return timeInBounds(t.In(loc), s)
			}
		}
	} else {
		for _, l := range localLayouts {
			if t, err := time.ParseInLocation(l, s, loc); err == nil {
				return timeInBounds(t, s)
			}
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q: want RFC 3339 (2020-01-21T18:30:00+08:00) or local 2020-01-21 18:30[:ss[.fff]]", s)
}

// timeInBounds refuses a time whose date in the service's zone (t is in it) is outside
// MinDate..MaxDate.
func timeInBounds(t time.Time, shown string) (time.Time, error) {
	if err := checkDateBounds(Date{t.Year(), t.Month(), t.Day()}, shown); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// hasOffset says whether a time string ends in a zone (Z or ±hh:mm) after its time of
// day, which decides between the RFC 3339 and the local layouts.
func hasOffset(s string) bool {
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		return true
	}
	if len(s) < 16 {
		return false
	}
	tail := s[11:] // after the date and its separator
	return strings.ContainsAny(tail, "+-")
}

// ParseDateValue reads YYYY-MM-DD (exactly: two-digit month and day) from MinDate to
// MaxDate.
func ParseDateValue(s string) (Date, error) {
	d, err := parseRealDate(s)
	if err != nil {
		return Date{}, err
	}
	return d, checkDateBounds(d, s)
}

// parseRealDate reads YYYY-MM-DD, any real date.
func parseRealDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("bad date %q: want YYYY-MM-DD", s)
	}
	d, err := ParseDate(s)
	if err != nil {
		return Date{}, fmt.Errorf("bad date %q: want a real YYYY-MM-DD date", s)
	}
	return d, nil
}

// ParseBoolValue reads true false 1 0 yes no 是 否 in any case.
func ParseBoolValue(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "是":
		return true, nil
	case "false", "0", "no", "否":
		return false, nil
	}
	return false, fmt.Errorf("bad boolean %q: want true false 1 0 yes no 是 否", s)
}

// ParseEnumValue accepts exactly one of the lower-case values.
func ParseEnumValue(s string, allowed []string) (string, error) {
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", fmt.Errorf("unknown value %q: want one of %s", s, strings.Join(allowed, " "))
}

// ParseDecimalValue reads a plain decimal number (digits, optional sign and fraction; no
// exponent, hex, Inf or NaN) within [min, max].
func ParseDecimalValue(s string, min, max float64) (float64, error) {
	if !isDecimal(s) {
		return 0, fmt.Errorf("bad number %q", s)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("bad number %q", s)
	}
	if f < min || f > max {
		return 0, fmt.Errorf("out of range: %s not in %s", s, rangeText(min, max))
	}
	return f, nil
}

func rangeText(min, max float64) string {
	if math.IsInf(max, 1) {
		return fmt.Sprintf("[%g, ∞)", min)
	}
	return fmt.Sprintf("[%g, %g]", min, max)
}

func isDecimal(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, dots := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

// ParseCountValue reads an integer ≥ 0.
func ParseCountValue(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		if isDecimal(s) {
			if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f < 0 {
				return 0, fmt.Errorf("out of range: %s is below 0", s)
			}
		}
		return 0, fmt.Errorf("bad integer %q", s)
	}
	if n < 0 {
		return 0, fmt.Errorf("out of range: %s is below 0", s)
	}
	return n, nil
}

// idWeights are the GB 11643 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckChar is the GB 11643 check character of an ID number's first 17 digits.
func IDCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// ParseIDNumberValue checks a resident ID number by GB 11643: 17 digits, then a check
// character (0–9 or X; x is accepted), digits 7–14 a real date. It returns the number
// with an upper-case X and the birth date it carries.
func ParseIDNumberValue(s string) (string, Date, error) {
	if len(s) != 18 {
		return "", Date{}, fmt.Errorf("invalid ID number %q: want 18 characters", s)
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return "", Date{}, fmt.Errorf("invalid ID number %q: character %d is not a digit", s, i+1)
		}
		sum += int(c-'0') * idWeights[i]
	}
	check := s[17]
	if check == 'x' {
		check = 'X'
	}
	if want := idCheckChars[sum%11]; check != want {
		return "", Date{}, fmt.Errorf("invalid ID number %q: check character should be %c", s, want)
	}
	// Any real date: the number is what GB 11643 says, and its date is not stored (a
	// birth_date that is given must match it, and is itself bounded).
	birth := s[6:10] + "-" + s[10:12] + "-" + s[12:14]
	d, err := parseRealDate(birth)
	if err != nil {
		return "", Date{}, fmt.Errorf("invalid ID number %q: digits 7–14 are not a date", s)
	}
	return s[:17] + string(check), d, nil
}
