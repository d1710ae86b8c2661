package graph

import "time"

// RiskChange tells open screens whose tier may have changed through a write.
type RiskChange struct {
	PersonIDs []string
	Cause     string // the mutation
	At        time.Time
}

// QuarantineChange tells open screens whose quarantine assignments changed.
type QuarantineChange struct {
	PersonIDs []string
	Cause     string
	At        time.Time
}
