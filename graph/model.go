package graph

import "time"

// The domain in the words of SPEC §2. Optional values are pointers; times are instants
// (time.Time in any zone), dates are local calendar dates in the service's zone.

// Date is a calendar date (YYYY-MM-DD) without a zone; Date.In gives its 00:00 local.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the local calendar date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, err
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// In is 00:00 of the date in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays moves the date by n calendar days.
func (d Date) AddDays(n int) Date {
	t := time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

func (d Date) String() string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// Area levels.
var AreaLevels = []string{"province", "city", "county", "town", "village", "community"}

type Area struct {
	Code       string
	Name       string
	Level      string
	ParentCode string // empty for a root
}

type RiskDesignation struct {
	AreaCode string
	Level    string // low, medium, high
	Since    time.Time
}

type Household struct {
	ID       string
	Address  string
	AreaCode string
}

type Person struct {
	ID          string
	Name        string
	IDNumber    string
	Phone       string
	Sex         string
	BirthDate   *Date
	HouseholdID string
}

// Case statuses. Suspected cases are shown but not traced.
const (
	StatusSuspected    = "suspected"
	StatusConfirmed    = "confirmed"
	StatusAsymptomatic = "asymptomatic"
	StatusRecovered    = "recovered"
	StatusDeceased     = "deceased"
)

type Case struct {
	PersonID    string
	Status      string
	OnsetDate   *Date
	ConfirmedAt *time.Time
	IsolatedAt  *time.Time
}

type Trip struct {
	ID       string
	PersonID string
	Mode     string // flight, train, bus, car, other
	Number   string
	Seat     string
	FromArea string
	ToArea   string
	DepartAt time.Time
	ArriveAt time.Time
}

type Event struct {
	ID       string
	Kind     string
	Place    string
	AreaCode string
	Start    time.Time
	End      time.Time
	Indoor   bool
}

type Attendance struct {
	PersonID  string
	EventID   string
	From      time.Time
	To        time.Time
	Proximity string // close, venue
}

type Contact struct {
	PersonA     string
	PersonB     string
	At          time.Time
	DurationMin *float64
	Setting     string // household, meal, vehicle, medical, work, other; empty when unknown
	Protected   bool
}

type Test struct {
	ID        string
	PersonID  string
	Kind      string // pcr, antigen, antibody
	SampledAt time.Time
	Result    string // positive, negative, pending
}

type Checkpoint struct {
	ID       string
	Name     string
	AreaCode string
}

type Passage struct {
	CheckpointID string
	At           time.Time
	PersonID     string
	Plate        string
	Temperature  *float64
	TurnedBack   bool
}

type Facility struct {
	ID       string
	Name     string
	AreaCode string
	Capacity int
}

type Officer struct {
	ID       string
	Name     string
	Role     string // cadre, medical
	AreaCode string
	Phone    string
}

type Responsibility struct {
	OfficerID string
	PersonID  string
}

type HealthReport struct {
	PersonID    string
	Date        Date
	Temperature *float64
	Symptoms    string
}

// Quarantine statuses.
const (
	QStatusActive     = "active"
	QStatusPending    = "pending"
	QStatusCompleted  = "completed"
	QStatusSuperseded = "superseded"
	QStatusEscalated  = "escalated"
)

type Quarantine struct {
	ID         string
	PersonID   string
	Kind       string
	Status     string
	Start      time.Time
	End        time.Time
	PlacedAt   *time.Time
	FacilityID string
	Reason     string
	OfficerIDs []string
}
