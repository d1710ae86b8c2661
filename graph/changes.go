package graph

import "time"

// RiskChange tells open screens whose tier may have changed through a write.
type RiskChange struct {
	Seq       int64 // the change-feed version of the write
	Refetch   bool  // too many people to list, or missed: reread what is shown
	PersonIDs []string
	Cause     string // the mutation
	At        time.Time
}

// QuarantineChange tells open screens whose quarantine assignments changed.
type QuarantineChange struct {
	Seq       int64
	Refetch   bool
	PersonIDs []string
	Cause     string
	At        time.Time
}
