package graph

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// FeedHub reads the change feed for one process and hands each change's events
// (ChangeEvents, derived once per change) to every subscription of that process, in seq
// order, once each (issue 18). Every replica runs its own hub over the same feed, so
// a write through any of them, the loader or a quarantine run reaches the subscribers
// of all. It runs only while someone listens or waits (a subscription, a request that
// waits for a version): a process with no screens open does not poll.
type FeedHub struct {
	svc  *Service
	poll time.Duration

	mu      sync.Mutex
	users   int
	running bool
	stop    context.CancelFunc
	version int64         // the last change read
	ring    []*FeedEvents // the latest changes' events, contiguous, in seq order
	notify  chan struct{} // closed (and replaced) whenever version advances
	wake    chan struct{}
	pollMu  sync.Mutex
	onErr   func(error)
}

// MaxReplay bounds how far behind the head a subscriber may start (after) or fall: past
// it the subscriber is told to refetch.
const MaxReplay = 1000

const ringSize = 1024

// NewFeedHub makes a hub that polls every poll (at most 1 s; 100 ms if zero). A
// process's own writes call Wake so their events go out at once.
func NewFeedHub(svc *Service, poll time.Duration, onErr func(error)) *FeedHub {
	if poll <= 0 {
		poll = 100 * time.Millisecond
	}
	poll = min(poll, time.Second)
	return &FeedHub{svc: svc, poll: poll, notify: make(chan struct{}), wake: make(chan struct{}, 1), onErr: onErr}
}

// Version is the seq of the last change this hub has read (0 while it is not running:
// then nothing waits for it).
func (h *FeedHub) Version() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.version
}

// VersionAt is Version, read from the feed's head when the hub is idle (so an answer
// can always say how fresh it is at least).
func (h *FeedHub) VersionAt(ctx context.Context) (int64, error) {
	h.mu.Lock()
	running, v := h.running, h.version
	h.mu.Unlock()
	if running || h.svc == nil || h.svc.DB == nil {
		return v, nil
	}
	return h.svc.DB.FeedHead(ctx)
}

// Run keeps the hub running until ctx ends (a served process: its version is then
// always current, and the first subscriber does not wait for a start). Neo4j away at
// the start is retried.
func (h *FeedHub) Run(ctx context.Context) {
	for {
		err := h.acquire(ctx)
		if err == nil {
			break
		}
		if h.onErr != nil {
			h.onErr(err)
		}
		if !sleepCtx(ctx, time.Second) {
			return
		}
	}
	<-ctx.Done()
	h.release()
}

// Wake asks for a poll now (after a write of this process).
func (h *FeedHub) Wake() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// acquire starts the hub if it is idle, at the feed's head.
func (h *FeedHub) acquire(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.svc == nil || h.svc.DB == nil {
		return &Error{Kind: Unavailable, Op: "feed", Msg: "no database"}
	}
	h.users++
	if h.running {
		return nil
	}
	head, err := h.svc.DB.FeedHead(ctx)
	if err != nil {
		h.users--
		return err
	}
	// Idle, the hub read nothing: it starts at the head; subscribers that want older
	// changes read them from the feed (Subscribe's after).
	if head > h.version {
		h.version = head
		h.ring = nil
	}
	bg, stop := context.WithCancel(context.Background())
	h.running, h.stop = true, stop
	go h.run(bg)
	return nil
}

func (h *FeedHub) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.users--
	if h.users == 0 && h.running {
		h.running = false
		h.stop()
	}
}

func (h *FeedHub) run(ctx context.Context) {
	t := time.NewTicker(h.poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.wake:
		case <-t.C:
		}
		if err := h.pollOnce(ctx); err != nil && ctx.Err() == nil && h.onErr != nil {
			h.onErr(err)
		}
	}
}

// pollOnce reads and derives every change after the version. A change whose events
// cannot be derived (Neo4j away) stops the poll there; the next retries it, so nothing
// is skipped.
func (h *FeedHub) pollOnce(ctx context.Context) error {
	h.pollMu.Lock()
	defer h.pollMu.Unlock()
	for {
		from := h.Version()
		cs, err := h.svc.DB.FeedSince(ctx, from, 200)
		if err != nil {
			return fmt.Errorf("feed hub: %w", err)
		}
		for _, c := range cs {
			ev, err := h.svc.ChangeEvents(ctx, c)
			if err != nil {
				return fmt.Errorf("feed hub: change %d: %w", c.Seq, err)
			}
			h.mu.Lock()
			if len(h.ring) > 0 && h.ring[len(h.ring)-1].Seq+1 != c.Seq {
				h.ring = nil // a gap (pruned changes): the ring stays contiguous
			}
			h.ring = append(h.ring, ev)
			if len(h.ring) > ringSize {
				h.ring = h.ring[len(h.ring)-ringSize:]
			}
			h.version = c.Seq
			close(h.notify)
			h.notify = make(chan struct{})
			h.mu.Unlock()
		}
		if len(cs) < 200 {
			return nil
		}
	}
}

// WaitFor waits, at most d, until the hub has read seq (read-your-writes across
// replicas: X-Tracegraph-Min-Version). It reports the version reached.
func (h *FeedHub) WaitFor(ctx context.Context, seq int64, d time.Duration) (int64, error) {
	if err := h.acquire(ctx); err != nil {
		return 0, err
	}
	defer h.release()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		h.mu.Lock()
		v, n := h.version, h.notify
		h.mu.Unlock()
		if v >= seq {
			return v, nil
		}
		h.Wake()
		select {
		case <-n:
		case <-timer.C:
			return v, &Error{Kind: Unavailable, Op: "feed", Msg: fmt.Sprintf("this replica has seen version %d, not yet %d", v, seq)}
		case <-ctx.Done():
			return v, ctx.Err()
		}
	}
}

// Subscribe streams the events of every change after after (nil: from now), in seq
// order, until ctx ends. A start more than MaxReplay changes behind is refused (the
// subscriber must refetch); a subscriber that falls that far behind gets one event
// with Behind set and the stream ends.
func (h *FeedHub) Subscribe(ctx context.Context, after *int64) (<-chan *FeedEvents, error) {
	if err := h.acquire(ctx); err != nil {
		return nil, err
	}
	h.mu.Lock()
	cursor := h.version
	h.mu.Unlock()
	if after != nil {
		if *after < 0 {
			h.release()
			return nil, InvalidArg("subscribe", "after", "%d is not a feed version", *after)
		}
		if cursor-*after > MaxReplay {
			h.release()
			return nil, InvalidArg("subscribe", "after", "version %d is %d changes behind this replica's %d (at most %d are replayed): refetch, then subscribe with the feedVersion of that answer",
				*after, cursor-*after, cursor, MaxReplay)
		}
		cursor = *after
	}
	out := make(chan *FeedEvents)
	go func() {
		defer h.release()
		defer close(out)
		send := func(ev *FeedEvents) bool {
			select {
			case out <- ev:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for {
			h.mu.Lock()
			v, n := h.version, h.notify
			var batch []*FeedEvents
			fromRing := len(h.ring) > 0 && h.ring[0].Seq <= cursor+1
			if fromRing {
				for _, ev := range h.ring {
					if ev.Seq > cursor {
						batch = append(batch, ev)
					}
				}
			}
			h.mu.Unlock()
			if v-cursor > MaxReplay {
				send(&FeedEvents{Seq: v, Behind: true})
				return
			}
			if cursor < v && !fromRing {
				// Older than the ring (a restart, a reconnect with after): from Neo4j.
				cs, err := h.svc.DB.FeedSince(ctx, cursor, 100)
				if err != nil {
					if !sleepCtx(ctx, h.poll) {
						return
					}
					continue
				}
				for _, c := range cs {
					if c.Seq > v {
						break
					}
					ev, err := h.svc.ChangeEvents(ctx, c)
					if err != nil {
						break
					}
					batch = append(batch, ev)
				}
				if len(batch) == 0 && len(cs) > 0 && cs[0].Seq <= v {
					// The first change could not be derived (Neo4j away): try again.
					if !sleepCtx(ctx, h.poll) {
						return
					}
					continue
				}
			}
			for _, ev := range batch {
				if !send(ev) {
					return
				}
				cursor = ev.Seq
			}
			if len(batch) > 0 {
				continue
			}
			if cursor < v {
				// Nothing read though behind (a gap): skip to what exists.
				cs, err := h.svc.DB.FeedSince(ctx, cursor, 1)
				if err == nil && len(cs) == 0 {
					cursor = v
				} else if err == nil && cs[0].Seq > cursor+1 {
					cursor = cs[0].Seq - 1
				}
				continue
			}
			select {
			case <-n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}
