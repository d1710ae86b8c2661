package graph

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// Policy holds every parameter that SPEC §4–6 writes in italics, with the spec's
// defaults in DefaultPolicy. The running policy is readable through GraphQL so that a
// tracer can see which numbers produced an answer.
type Policy struct {
	Name string `json:"name"`

	// §4 tracing
	WindowLeadDays      int     `json:"windowLeadDays"`      // infectious window starts this many days before the reference date
	CloseContactMinutes float64 `json:"closeContactMinutes"` // direct contact / shared event duration that makes CLOSE
	FlightRowRange      int     `json:"flightRowRange"`      // flight rows within ± this are CLOSE
	ContactWindowDays   int     `json:"contactWindowDays"`   // a contact's window ends lastExposureAt + this
	LikelySourceDays    int     `json:"likelySourceDays"`    // likely-source look-back before B's reference
	// §5 tiers
	PositiveTestDays int     `json:"positiveTestDays"`
	ContactRiskDays  int     `json:"contactRiskDays"`
	ArrivalRiskDays  int     `json:"arrivalRiskDays"`
	FeverCelsius     float64 `json:"feverCelsius"`
	FeverDays        int     `json:"feverDays"`
	// §10 zoning: new cases counted over ZoningDays; high needs ZoningHighCases
	// confirmed cases in all and a cluster within ZoningDays.
	ZoningDays      int `json:"zoningDays"`
	ZoningHighCases int `json:"zoningHighCases"`
	// §6 quarantine
	Quarantine QuarantinePolicy `json:"quarantine"`
}

// QuarantinePolicy is the §6 table, the test days, and the follow-on steps of the
// protocol presets ("then N days at home").
type QuarantinePolicy struct {
	CloseContact    Measure `json:"closeContact"`
	HighRiskArrival Measure `json:"highRiskArrival"`
	// SecondaryContact is nil when a protocol does not quarantine secondary contacts.
	SecondaryContact  *Measure `json:"secondaryContact,omitempty"`
	GeneralContact    Measure  `json:"generalContact"`
	MediumRiskArrival Measure  `json:"mediumRiskArrival"`
	// TestDays are the days (1 = the date of placedAt) on which a placed centralized
	// assignment is due a pcr or antigen sample.
	TestDays []int `json:"testDays"`
}

// Measure is one row of the §6 table: the kind of assignment and its length in days,
// optionally followed by a second assignment when the first completes.
type Measure struct {
	Kind     string   `json:"kind"` // centralized, home, health_monitoring
	Days     int      `json:"days"`
	TestDays []int    `json:"testDays,omitempty"` // overrides QuarantinePolicy.TestDays for this measure
	Then     *Measure `json:"then,omitempty"`
}

// Quarantine kinds, strongest first.
const (
	KindCentralized      = "centralized"
	KindHome             = "home"
	KindHealthMonitoring = "health_monitoring"
)

// Day is 24 hours: the spec's "within N days" is asOf − N×24 h < t ≤ asOf.
const Day = 24 * time.Hour

// DefaultPolicy returns the values of SPEC §4–6.
func DefaultPolicy() Policy {
	return Policy{
		Name:                "default",
		WindowLeadDays:      2,
		CloseContactMinutes: 15,
		FlightRowRange:      3,
		ContactWindowDays:   14,
		LikelySourceDays:    14,
		PositiveTestDays:    14,
		ContactRiskDays:     14,
		ArrivalRiskDays:     14,
		FeverCelsius:        37.3,
		FeverDays:           3,
		ZoningDays:          14,
		ZoningHighCases:     50,
		Quarantine: QuarantinePolicy{
			CloseContact:      Measure{Kind: KindCentralized, Days: 14},
			HighRiskArrival:   Measure{Kind: KindCentralized, Days: 14},
			SecondaryContact:  &Measure{Kind: KindHome, Days: 7},
			GeneralContact:    Measure{Kind: KindHealthMonitoring, Days: 14},
			MediumRiskArrival: Measure{Kind: KindHealthMonitoring, Days: 14},
			TestDays:          []int{1, 7, 14},
		},
	}
}

// presets maps a preset name to its policy. The national protocol editions differ
// only in the quarantine table; see docs/rules.md.
func presets() map[string]func() Policy {
	return map[string]func() Policy{
		"default":    DefaultPolicy,
		"edition8":   Edition8Policy,
		"edition9":   Edition9Policy,
		"measures20": Measures20Policy,
	}
}

// Edition8Policy is the 8th edition of the national protocol: close contacts 14 days
// centralized then 7 days of home health monitoring, sampled on days 1, 4, 7 and 14;
// secondary contacts 7 days centralized.
func Edition8Policy() Policy {
	p := DefaultPolicy()
	p.Name = "edition8"
	p.Quarantine.CloseContact = Measure{Kind: KindCentralized, Days: 14, TestDays: []int{1, 4, 7, 14},
		Then: &Measure{Kind: KindHealthMonitoring, Days: 7}}
	p.Quarantine.SecondaryContact = &Measure{Kind: KindCentralized, Days: 7}
	return p
}

// Edition9Policy is the 9th edition: close contacts 7 days centralized then 3 days of
// home health monitoring, sampled on days 1, 2, 3, 5 and 7; secondary contacts 7 days
// at home, sampled on days 1, 4 and 7; arrivals from high-risk areas 7 days
// centralized, from medium-risk areas 7 days at home.
func Edition9Policy() Policy {
	p := DefaultPolicy()
	p.Name = "edition9"
	p.Quarantine.CloseContact = Measure{Kind: KindCentralized, Days: 7, TestDays: []int{1, 2, 3, 5, 7},
		Then: &Measure{Kind: KindHealthMonitoring, Days: 3}}
	p.Quarantine.SecondaryContact = &Measure{Kind: KindHome, Days: 7, TestDays: []int{1, 4, 7}}
	p.Quarantine.HighRiskArrival = Measure{Kind: KindCentralized, Days: 7}
	p.Quarantine.MediumRiskArrival = Measure{Kind: KindHome, Days: 7}
	return p
}

// Measures20Policy is the "20 measures" protocol: close contacts 5 days centralized
// then 3 days at home, sampled on days 1, 2, 3 and 5; secondary contacts are not
// quarantined.
func Measures20Policy() Policy {
	p := DefaultPolicy()
	p.Name = "measures20"
	p.Quarantine.CloseContact = Measure{Kind: KindCentralized, Days: 5, TestDays: []int{1, 2, 3, 5},
		Then: &Measure{Kind: KindHome, Days: 3}}
	p.Quarantine.SecondaryContact = nil
	return p
}

// PresetNames lists the policy presets, sorted.
func PresetNames() []string {
	var names []string
	for n := range presets() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LoadPolicy reads TRACEGRAPH_POLICY: empty or a preset name, or the path of a JSON
// policy file whose fields override the default preset's.
func LoadPolicy(spec string) (Policy, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return DefaultPolicy(), nil
	}
	if p, ok := presets()[spec]; ok {
		return p(), nil
	}
	data, err := os.ReadFile(spec)
	if err != nil {
		return Policy{}, InvalidArg("policy", "TRACEGRAPH_POLICY", "%q is neither a preset (%s) nor a readable file: %v", spec, presetNames(), err)
	}
	p := DefaultPolicy()
	p.Name = spec
	if err := json.Unmarshal(data, &p); err != nil {
		return Policy{}, InvalidArg("policy", "TRACEGRAPH_POLICY", "%s: %v", spec, err)
	}
	if err := p.Validate(); err != nil {
		return Policy{}, fmt.Errorf("%s: %w", spec, err)
	}
	return p, nil
}

func presetNames() string { return strings.Join(PresetNames(), ", ") }

// Validate rejects a policy whose numbers cannot be right.
func (p Policy) Validate() error {
	nonNeg := map[string]int{
		"windowLeadDays": p.WindowLeadDays, "flightRowRange": p.FlightRowRange,
		"contactWindowDays": p.ContactWindowDays, "likelySourceDays": p.LikelySourceDays,
		"positiveTestDays": p.PositiveTestDays, "contactRiskDays": p.ContactRiskDays,
		"arrivalRiskDays": p.ArrivalRiskDays, "feverDays": p.FeverDays,
		"zoningDays": p.ZoningDays, "zoningHighCases": p.ZoningHighCases,
	}
	for name, v := range nonNeg {
		if v < 0 {
			return InvalidArg("policy", name, "must be ≥ 0, got %d", v)
		}
	}
	if p.CloseContactMinutes < 0 {
		return InvalidArg("policy", "closeContactMinutes", "must be ≥ 0")
	}
	for name, m := range map[string]*Measure{
		"quarantine.closeContact": &p.Quarantine.CloseContact, "quarantine.highRiskArrival": &p.Quarantine.HighRiskArrival,
		"quarantine.secondaryContact": p.Quarantine.SecondaryContact, "quarantine.generalContact": &p.Quarantine.GeneralContact,
		"quarantine.mediumRiskArrival": &p.Quarantine.MediumRiskArrival,
	} {
		for m != nil {
			switch m.Kind {
			case KindCentralized, KindHome, KindHealthMonitoring:
			default:
				return InvalidArg("policy", name+".kind", "unknown kind %q", m.Kind)
			}
			if m.Days <= 0 {
				return InvalidArg("policy", name+".days", "must be > 0")
			}
			m = m.Then
		}
	}
	return nil
}
