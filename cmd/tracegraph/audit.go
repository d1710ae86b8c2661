package main

import (
	"context"
	"fmt"
	"os/user"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tracegraph/tracegraph/graph"
)

// The audit of reads (graph/audit.go) as the commands wire it: the configured queue,
// its series on /metrics, and the record of a command-line export.

// newAuditor is the queue TRACEGRAPH_AUDIT_* configure.
func newAuditor(db *graph.DB, getenv func(string) string) (*graph.Auditor, error) {
	cfg, err := graph.AuditConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	return graph.NewAuditor(db, cfg), nil
}

// cliActor names whoever runs a command: TRACEGRAPH_ACTOR, else "cli:" and the OS user.
func cliActor(getenv func(string) string) string {
	if a := strings.TrimSpace(getenv("TRACEGRAPH_ACTOR")); a != "" {
		return a
	}
	name := getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	return "cli:" + name
}

// auditCommandRead records that a command read these people's identity and writes the
// record before the command prints anything: an export that cannot be audited is not
// printed (SPEC §8: exports on the command line too).
func auditCommandRead(ctx context.Context, svc *graph.Service, getenv func(string) string, operation string, personIDs []string) error {
	rec := graph.AuditRecord{Actor: cliActor(getenv), Role: "operator", Operation: operation, PersonIDs: personIDs}
	if err := svc.Audit.Record(ctx, rec); err != nil {
		return fmt.Errorf("%s: audit record: %w", operation, err)
	}
	if err := svc.Audit.Flush(ctx); err != nil {
		return fmt.Errorf("%s: audit record not written, nothing exported: %w", operation, err)
	}
	return nil
}

// watchAudit exports the audit queue's state, read at each scrape.
func (m *metrics) watchAudit(reg prometheus.Registerer, a *graph.Auditor) {
	gauge := func(name, help string, v func(graph.AuditStatus) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return v(a.Status()) })
	}
	counter := func(name, help string, v func(graph.AuditStatus) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return v(a.Status()) })
	}
	reg.MustRegister(
		gauge("tracegraph_audit_queued", "Audit records of reads queued in this process, not yet written.", func(s graph.AuditStatus) float64 { return float64(s.Queued) }),
		gauge("tracegraph_audit_last_flush_age_seconds", "Time since the audit flusher last caught up.", func(s graph.AuditStatus) float64 { return s.LastFlushAge.Seconds() }),
		gauge("tracegraph_audit_flush_failures_consecutive", "Audit flushes failed since the last that worked.", func(s graph.AuditStatus) float64 { return float64(s.ConsecutiveFailures) }),
		counter("tracegraph_audit_flush_failures_total", "Audit flushes that failed.", func(s graph.AuditStatus) float64 { return float64(s.FailedFlushes) }),
		counter("tracegraph_audit_flushes_total", "Audit write transactions.", func(s graph.AuditStatus) float64 { return float64(s.Flushes) }),
		counter("tracegraph_audit_records_written_total", "Audit records of reads written.", func(s graph.AuditStatus) float64 { return float64(s.Written) }),
		counter("tracegraph_audit_refused_total", "Reads refused because the audit queue stayed full.", func(s graph.AuditStatus) float64 { return float64(s.Refused) }),
	)
}
