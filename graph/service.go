package graph

import "time"

// Service is the domain: tracing, tiers and quarantine over one Neo4j. It is stateless
// apart from its configuration, so any number of replicas can serve one graph.
type Service struct {
	DB     *DB
	Policy Policy
	Loc    *time.Location // the service's zone: local times and dates are read in it
	Now    func() time.Time
	// Audit queues the records of identity reads (audit.go); NewService gives it the
	// defaults, and cmd/ replaces it with the configured one before serving.
	Audit *Auditor
	// Index, when set, is where the read-only rules read their facts (graph/index);
	// nil: the Cypher reads, per request (facts.go).
	Index FactIndex
}

// NewService builds a Service; now defaults to time.Now.
func NewService(db *DB, policy Policy, loc *time.Location) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{DB: db, Policy: policy, Loc: loc, Now: time.Now, Audit: NewAuditor(db, AuditConfig{})}
}

// AsOf resolves an optional asOf argument: nil means now.
func (s *Service) AsOf(asOf *time.Time) time.Time {
	if asOf != nil {
		return *asOf
	}
	return s.Now()
}
