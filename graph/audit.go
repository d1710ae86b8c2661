package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Audit of reads (SPEC §8, issue 11): every identity read by a person-level role leaves an
// AuditRecord, but not a write transaction per request. Records are queued in the
// process and written in batches, one UNWIND write per flush, at least every Interval
// and as soon as a batch is full. A graceful shutdown flushes (Close); a crash loses
// what was queued since the last flush, at most Interval's worth. A full queue makes a
// read wait up to Wait for room and then refuses it (Unavailable): a record is never
// dropped to let a read through. Writes do not come here: their record commits in
// the write's own transaction (db.go, auditWrite).

// AuditConfig tunes the queue of read audit records. Zero values take the defaults.
type AuditConfig struct {
	Queue    int           // records held in the process at most; default 10,000
	Batch    int           // records per write transaction; default 500
	Interval time.Duration // longest a record waits before a flush; default 1 s
	Wait     time.Duration // how long a read waits for room in a full queue; default 2 s
}

// Defaults for AuditConfig.
const (
	DefaultAuditQueue    = 10000
	DefaultAuditBatch    = 500
	DefaultAuditInterval = time.Second
	DefaultAuditWait     = 2 * time.Second
	// auditFlushTimeout bounds one flush, so a hung Neo4j shows as a failed flush.
	auditFlushTimeout = 10 * time.Second
)

func (c AuditConfig) withDefaults() AuditConfig {
	if c.Queue <= 0 {
		c.Queue = DefaultAuditQueue
	}
	if c.Batch <= 0 {
		c.Batch = DefaultAuditBatch
	}
	c.Batch = min(c.Batch, c.Queue)
	if c.Interval <= 0 {
		c.Interval = DefaultAuditInterval
	}
	if c.Wait <= 0 {
		c.Wait = DefaultAuditWait
	}
	return c
}

// AuditConfigFromEnv reads TRACEGRAPH_AUDIT_QUEUE, TRACEGRAPH_AUDIT_BATCH and
// TRACEGRAPH_AUDIT_FLUSH_INTERVAL.
func AuditConfigFromEnv(getenv func(string) string) (AuditConfig, error) {
	var c AuditConfig
	for _, v := range []struct {
		name string
		dst  *int
	}{{"TRACEGRAPH_AUDIT_QUEUE", &c.Queue}, {"TRACEGRAPH_AUDIT_BATCH", &c.Batch}} {
		if s := getenv(v.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return c, InvalidArg("config", v.name, "want a whole number ≥ 1, got %q", s)
			}
			*v.dst = n
		}
	}
	if s := getenv("TRACEGRAPH_AUDIT_FLUSH_INTERVAL"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return c, InvalidArg("config", "TRACEGRAPH_AUDIT_FLUSH_INTERVAL", "want a duration such as 1s, got %q", s)
		}
		c.Interval = d
	}
	return c.withDefaults(), nil
}

// AuditStatus is the state of the queue, for /metrics and /readyz.
type AuditStatus struct {
	Queued              int           // records not yet written
	Written             uint64        // records written since start
	Flushes             uint64        // write transactions of records since start
	FailedFlushes       uint64        // flushes that failed since start
	ConsecutiveFailures int           // flushes failed since the last one that worked
	Refused             uint64        // reads refused because the queue stayed full
	LastFlushAge        time.Duration // since the flusher last found the queue written (0 before it starts)
	LastError           error         // the last failed flush's error, nil after a success
}

// Auditor queues read audit records and writes them in batches. It is safe for
// concurrent use; its flusher starts with the first record (or Start).
type Auditor struct {
	db  *DB
	cfg AuditConfig

	mu        sync.Mutex
	queue     []AuditRecord
	room      chan struct{} // closed (and replaced) when a flush frees room
	lastFlush time.Time     // last time the flusher emptied, or wrote a batch of, the queue
	consec    int
	lastErr   error
	started   bool
	closed    bool

	flushMu sync.Mutex // one flush at a time, so a batch is never written twice
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}

	written, flushes, failed, refused atomic.Uint64
}

// NewAuditor makes the queue for db. Nothing runs until the first record or Start.
func NewAuditor(db *DB, cfg AuditConfig) *Auditor {
	return &Auditor{db: db, cfg: cfg.withDefaults(), room: make(chan struct{}),
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// Config is the configuration in force (defaults filled in).
func (a *Auditor) Config() AuditConfig { return a.cfg }

// Start runs the flusher now rather than at the first record, so /metrics shows its
// age from the start.
func (a *Auditor) Start() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.startLocked()
}

func (a *Auditor) startLocked() {
	if a.started || a.closed {
		return
	}
	a.started = true
	a.lastFlush = time.Now()
	go a.run()
}

// NewAuditID makes a random record id.
func NewAuditID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Record queues rec (an id and time are given when missing). When the queue is full it
// waits up to Wait (or ctx) for a flush to make room, then refuses with Unavailable:
// the caller must not hand out what it read.
func (a *Auditor) Record(ctx context.Context, rec AuditRecord) error {
	if rec.ID == "" {
		rec.ID = NewAuditID()
	}
	if rec.At.IsZero() {
		rec.At = time.Now()
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		a.mu.Lock()
		if a.closed {
			a.mu.Unlock()
			return &Error{Kind: Unavailable, Op: "audit", Msg: "the audit queue is closed (shutting down)"}
		}
		a.startLocked()
		if len(a.queue) < a.cfg.Queue {
			a.queue = append(a.queue, rec)
			full := len(a.queue) >= a.cfg.Batch
			a.mu.Unlock()
			if full {
				a.nudge()
			}
			return nil
		}
		room := a.room
		a.mu.Unlock()
		a.nudge()
		if timer == nil {
			timer = time.NewTimer(a.cfg.Wait)
		}
		select {
		case <-room:
		case <-timer.C:
			a.refused.Add(1)
			return &Error{Kind: Unavailable, Op: "audit", Msg: fmt.Sprintf(
				"the audit queue is full (%d records waiting to be written) and had no room within %s; the read is refused rather than left unrecorded",
				a.cfg.Queue, a.cfg.Wait)}
		case <-ctx.Done():
			a.refused.Add(1)
			return &Error{Kind: Unavailable, Op: "audit", Msg: "the audit queue is full", Err: ctx.Err()}
		}
	}
}

func (a *Auditor) nudge() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

func (a *Auditor) run() {
	defer close(a.done)
	t := time.NewTicker(a.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-a.stop:
			return
		case <-t.C:
		case <-a.kick:
		}
		// One batch per wake-up; a full batch left behind wakes the loop again.
		more, _ := a.flushBatch(context.Background())
		if more {
			a.nudge()
		}
	}
}

// flushBatch writes up to one batch in one transaction. more says whether a full batch
// is still queued.
func (a *Auditor) flushBatch(ctx context.Context) (more bool, err error) {
	a.flushMu.Lock()
	defer a.flushMu.Unlock()
	a.mu.Lock()
	n := min(len(a.queue), a.cfg.Batch)
	batch := append([]AuditRecord(nil), a.queue[:n]...)
	a.mu.Unlock()
	if n == 0 {
		a.mu.Lock()
		a.lastFlush = time.Now()
		a.mu.Unlock()
		return false, nil
	}
	// The flush is not the caller's read: it must not be audited itself, nor cut short
	// by the caller's time-out.
	fctx, cancel := context.WithTimeout(withoutWriteAudit(context.WithoutCancel(ctx)), auditFlushTimeout)
	defer cancel()
	err = writeAuditRecords(fctx, a.db, batch)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.failed.Add(1)
		a.consec++
		a.lastErr = err
		return false, err
	}
	// Only the flusher removes records, and only from the front: these are the batch.
	a.queue = append(a.queue[:0:0], a.queue[n:]...)
	a.flushes.Add(1)
	a.written.Add(uint64(n))
	a.consec, a.lastErr = 0, nil
	a.lastFlush = time.Now()
	close(a.room)
	a.room = make(chan struct{})
	return len(a.queue) >= a.cfg.Batch, nil
}

// Flush writes every record queued before the call, a batch per transaction.
func (a *Auditor) Flush(ctx context.Context) error {
	a.mu.Lock()
	left := len(a.queue)
	a.mu.Unlock()
	for left > 0 {
		a.mu.Lock()
		n := min(len(a.queue), a.cfg.Batch)
		a.mu.Unlock()
		if n == 0 {
			return nil
		}
		if _, err := a.flushBatch(ctx); err != nil {
			return &Error{Kind: Unavailable, Op: "audit flush", Msg: fmt.Sprintf("%d audit records not written", a.Status().Queued), Err: err}
		}
		left -= n
		if err := ctx.Err(); err != nil {
			return &Error{Kind: Unavailable, Op: "audit flush", Msg: fmt.Sprintf("%d audit records not written", a.Status().Queued), Err: err}
		}
	}
	return nil
}

// Close stops the flusher and writes what is queued (a graceful shutdown). Records
// offered after Close are refused. It returns an error naming how many records could
// not be written.
func (a *Auditor) Close(ctx context.Context) error {
	a.mu.Lock()
	wasClosed, started := a.closed, a.started
	a.closed = true
	a.mu.Unlock()
	if !wasClosed && started {
		close(a.stop)
		<-a.done
	}
	return a.Flush(ctx)
}

// Status reports the queue.
func (a *Auditor) Status() AuditStatus {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := AuditStatus{Queued: len(a.queue), Written: a.written.Load(), Flushes: a.flushes.Load(),
		FailedFlushes: a.failed.Load(), ConsecutiveFailures: a.consec, Refused: a.refused.Load(), LastError: a.lastErr}
	if a.started {
		s.LastFlushAge = time.Since(a.lastFlush)
	}
	return s
}

// Ready is nil while records are being written: it fails when the last flush failed,
// when more than half the queue is waiting, or when the flusher has not kept up for
// several intervals. /readyz reports it, so a replica whose audit is stuck is taken out
// of rotation before reads have to be refused.
func (a *Auditor) Ready() error {
	s := a.Status()
	switch {
	case s.ConsecutiveFailures > 0:
		return &Error{Kind: Unavailable, Op: "audit", Msg: fmt.Sprintf("the last %d flushes of audit records failed (%d queued)", s.ConsecutiveFailures, s.Queued), Err: s.LastError}
	case s.Queued > a.cfg.Queue/2:
		return &Error{Kind: Unavailable, Op: "audit", Msg: fmt.Sprintf("%d audit records queued, over the bound of %d (half of TRACEGRAPH_AUDIT_QUEUE)", s.Queued, a.cfg.Queue/2)}
	case s.Queued > 0 && s.LastFlushAge > 5*a.cfg.Interval+auditFlushTimeout:
		return &Error{Kind: Unavailable, Op: "audit", Msg: fmt.Sprintf("no audit flush for %s (%d queued)", s.LastFlushAge.Round(time.Second), s.Queued)}
	}
	return nil
}

// writeAuditRecords writes records in one transaction, one UNWIND statement.
func writeAuditRecords(ctx context.Context, db *DB, recs []AuditRecord) error {
	rows := make([]map[string]any, len(recs))
	for i, r := range recs {
		ids := r.PersonIDs
		if ids == nil {
			ids = []string{}
		}
		rows[i] = map[string]any{"id": r.ID, "actor": r.Actor, "role": r.Role, "at": r.At.UTC(),
			"operation": r.Operation, "personIds": ids}
	}
	_, err := Write(ctx, db, "audit flush", func(ctx context.Context, tx Tx) (any, error) {
		res, err := tx.Run(ctx, `UNWIND $rows AS r
			CREATE (:AuditRecord {id: r.id, actor: r.actor, role: r.role, at: r.at,
				operation: r.operation, personIds: r.personIds})`, map[string]any{"rows": rows})
		if err != nil {
			return nil, err
		}
		_, err = res.Consume(ctx)
		return nil, err
	})
	return err
}

type noWriteAuditKey struct{}

// withoutWriteAudit marks ctx as the audit's own write, which leaves no record of itself.
func withoutWriteAudit(ctx context.Context) context.Context {
	return context.WithValue(ctx, noWriteAuditKey{}, true)
}

// auditWrite leaves, inside a write transaction run for a principal, the audit record
// of the write: who, when, the request and the graph operation, and the people whose
// records it wrote. It commits with the write or not at all; the audit's own writes and
// writes without a principal (the loader, migrations) leave none.
func auditWrite(ctx context.Context, tx Tx, op string, t *touched) error {
	p := PrincipalFrom(ctx)
	if p == nil || ctx.Value(noWriteAuditKey{}) != nil {
		return nil
	}
	t.mu.Lock()
	ids := make([]string, 0, len(t.people))
	for id := range t.people {
		ids = append(ids, id)
	}
	t.mu.Unlock()
	slices.Sort(ids)
	operation := op
	if o := operationFrom(ctx); o != "" {
		operation = o + " (" + op + ")"
	}
	res, err := tx.Run(ctx, `CREATE (:AuditRecord {id: $id, actor: $actor, role: $role, at: $at,
		operation: $operation, personIds: $personIds})`, map[string]any{
		"id": NewAuditID(), "actor": p.Subject, "role": p.Role, "at": time.Now().UTC(),
		"operation": operation, "personIds": ids,
	})
	if err != nil {
		return fmt.Errorf("audit record: %w", err)
	}
	_, err = res.Consume(ctx)
	return err
}
