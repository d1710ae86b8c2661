// Package index is the read side's view of the change feed (issue 13, graph/feed.go).
//
// This first step holds no facts: it follows the feed (build at the head, apply every
// change in seq order, rebuild on a gap or a reset) so that the version it reports says
// exactly when the data changed, and it keeps answers keyed by (version, asOf, arguments)
// for the expensive whole-county reads (summary, clusters). The rules still read Neo4j
// through graph; when the facts move into memory they will be applied from the same
// Follower. It is its own package beside the Neo4j code (issue 15) and is off unless
// TRACEGRAPH_INDEX=on.
package index

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// Follower applies the change feed in seq order.
type Follower struct {
	db   *graph.DB
	poll time.Duration
	loc  *time.Location

	// facts, when on (WithFacts), is the in-memory tracing index; mu guards it: views
	// hold the read lock for a request, applying a change takes the write lock.
	withFacts bool
	mu        sync.RWMutex
	facts     *store
	buildTime atomic.Int64 // nanoseconds the last build took

	apply    sync.Mutex // one applier at a time: changes are applied in order
	version  atomic.Int64
	head     atomic.Int64 // the feed head at the last poll
	built    atomic.Bool
	rebuilds atomic.Int64
	polled   atomic.Int64 // unix nanoseconds of the last successful poll

	cache answers
}

// New makes a follower of db's feed that polls every poll (at most 1 s, the bound
// for a write on another process to become visible).
func New(db *graph.DB, poll time.Duration) *Follower {
	if poll <= 0 || poll > time.Second {
		poll = time.Second
	}
	return &Follower{db: db, poll: poll, loc: time.UTC, cache: answers{m: map[answerKey]any{}}}
}

// WithFacts makes the follower hold the tracing index: Build loads every fact the rules
// read, Poll applies each change to it, and the follower is a graph.FactIndex (View).
// loc is the zone the index answers its times in (the service's).
func (f *Follower) WithFacts(loc *time.Location) *Follower {
	f.withFacts = true
	if loc != nil {
		f.loc = loc
	}
	return f
}

// Build takes the feed's head as the version, dropping every cached answer. With no facts
// held yet, that is the whole build; it runs at start, after a gap and after a reset.
func (f *Follower) Build(ctx context.Context) error {
	f.apply.Lock()
	defer f.apply.Unlock()
	return f.buildLocked(ctx)
}

func (f *Follower) buildLocked(ctx context.Context) error {
	start := time.Now()
	head, err := f.db.FeedHead(ctx)
	if err != nil {
		return fmt.Errorf("index build: %w", err)
	}
	if f.withFacts {
		// The head is read first: a write committed while the facts load is in the
		// feed above it and is applied again (records are read whole, so applying is
		// idempotent); the index is never older than its version.
		st, err := loadStore(ctx, f.db)
		if err != nil {
			return fmt.Errorf("index build: %w", err)
		}
		f.mu.Lock()
		f.facts = st
		f.mu.Unlock()
		f.buildTime.Store(int64(time.Since(start)))
	}
	f.cache.flush()
	f.version.Store(head)
	f.head.Store(head)
	if f.built.Swap(true) {
		f.rebuilds.Add(1)
	}
	f.polled.Store(time.Now().UnixNano())
	return nil
}

// Poll applies every change committed since the version, in seq order.
func (f *Follower) Poll(ctx context.Context) error {
	f.apply.Lock()
	defer f.apply.Unlock()
	if !f.built.Load() {
		return f.buildLocked(ctx)
	}
	for {
		cs, err := f.db.FeedSince(ctx, f.version.Load(), 1000)
		if err != nil {
			return fmt.Errorf("index poll: %w", err)
		}
		next := f.version.Load()
		for _, c := range cs {
			// Seq order is commit order (feed.go), so the next change is version+1;
			// anything else means changes were lost to this follower (pruned, or
			// deleted behind tracegraph's back): what they touched is unknown.
			if c.Seq != next+1 || len(c.Keys[graph.ChangeReset]) > 0 {
				return f.buildLocked(ctx)
			}
			next = c.Seq
		}
		if len(cs) > 0 {
			if f.withFacts {
				if err := f.applyFacts(ctx, cs); err != nil {
					return fmt.Errorf("index poll: %w", err)
				}
			}
			f.version.Store(next)
		}
		if len(cs) < 1000 {
			break
		}
	}
	head, err := f.db.FeedHead(ctx)
	if err != nil {
		return fmt.Errorf("index poll: %w", err)
	}
	f.head.Store(head)
	f.polled.Store(time.Now().UnixNano())
	return nil
}

// CatchUp makes sure the version is at least seq (a read after this process's own write
// passes DB.LastWrittenSeq, so it sees that write).
func (f *Follower) CatchUp(ctx context.Context, seq int64) error {
	if f.built.Load() && f.version.Load() >= seq {
		return nil
	}
	return f.Poll(ctx)
}

// Run polls until ctx ends. Errors (Neo4j away) are retried at the next tick; Ready says
// false meanwhile because the last poll grows old.
func (f *Follower) Run(ctx context.Context, onErr func(error)) {
	t := time.NewTicker(f.poll)
	defer t.Stop()
	for {
		if err := f.Poll(ctx); err != nil && ctx.Err() == nil && onErr != nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Status is what /readyz and /metrics report.
type Status struct {
	Built    bool
	Version  int64
	Head     int64
	Lag      int64 // changes committed but not applied, as of the last poll
	Age      time.Duration
	Rebuilds int64
	Answers  int // cached answers held
	// The tracing index (WithFacts): people held and how long the last build took.
	People    int
	BuildTime time.Duration
}

// Status reports the follower's state.
func (f *Follower) Status() Status {
	s := Status{Built: f.built.Load(), Version: f.version.Load(), Head: f.head.Load(), Rebuilds: f.rebuilds.Load(), Answers: f.cache.size()}
	if f.withFacts {
		f.mu.RLock()
		if f.facts != nil {
			s.People = len(f.facts.people)
		}
		f.mu.RUnlock()
		s.BuildTime = time.Duration(f.buildTime.Load())
	}
	if s.Head > s.Version {
		s.Lag = s.Head - s.Version
	}
	if p := f.polled.Load(); p > 0 {
		s.Age = time.Since(time.Unix(0, p))
	}
	return s
}

// Ready is true once built and caught up: no lag at the last poll, and that poll recent
// (three poll intervals), so a follower that cannot reach the feed stops saying ready.
func (f *Follower) Ready() error {
	s := f.Status()
	switch {
	case !s.Built:
		return fmt.Errorf("index not built")
	case s.Lag > 0:
		return fmt.Errorf("index %d changes behind the feed", s.Lag)
	case s.Age > 3*f.poll+time.Second:
		return fmt.Errorf("index last caught up %s ago", s.Age.Round(time.Millisecond))
	}
	return nil
}
