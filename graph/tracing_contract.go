package graph

// TEMPORARY: the tracing ↔ quarantine contract (the tracing helper's types), copied
// here so that the quarantine engine compiles and is testable before the tracing engine
// is merged. Delete this file when merging main brings the real definitions.

import (
	"context"
	"time"
)

// Interval is a closed interval [From, To].
type Interval struct{ From, To time.Time }

// Exposure kinds and classes use the GraphQL enum spellings.
const (
	ExpHousehold     = "HOUSEHOLD"
	ExpDirectContact = "DIRECT_CONTACT"
	ExpEvent         = "EVENT"
	ExpConveyance    = "CONVEYANCE"
	ClassClose       = "CLOSE"
	ClassGeneral     = "GENERAL"
)

type Exposure struct {
	Kind, Class                                string
	SourceID                                   string
	From, To                                   time.Time
	HouseholdID, EventID, TripID, SourceTripID string
	ContactAt                                  *time.Time
	DurationMin                                *float64
	Setting                                    string
	Protected                                  bool
}

type ChainContact struct {
	PersonID       string
	Degree         int
	Class          string
	LastExposureAt time.Time
	Exposures      []Exposure
	Via            []string
	CaseStatus     string
	ContactWindow  *Interval
}

type Chain struct {
	SourceID string
	Window   Interval
	Empty    bool
	Contacts []ChainContact
}

type Arrival struct {
	PersonID, TripID string
	FromArea         string
	DesignatedArea   string
	Level            string
	ArriveAt         time.Time
}

type RiskReason struct {
	Rule, Tier                       string
	Since, ExpiresAt                 *time.Time
	CaseID                           string
	Path, Via                        []string
	TripID, AreaCode, DesignatedArea string
	TestID, TestKind                 string
	CheckpointID                     string
	HealthReportDate                 *Date
	Temperature                      *float64
	CaseStatus                       string
}

type Risk struct {
	PersonID  string
	Tier      string
	Reasons   []RiskReason
	ExpiresAt *time.Time
}

var _ = context.Background
