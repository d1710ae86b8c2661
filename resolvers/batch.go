package resolvers

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"
)

// errNotLoaded is what a loader answers for a key its fetch left out (no such record).
var errNotLoaded = errors.New("not found")

// batchLoader gathers the keys that concurrently running resolvers ask for and fetches
// them in one call, caching each answer for the rest of the operation. It replaces a
// fixed batching wait (16 ms per nested level was most of a single person's answer
// time, issue 14) by waiting only while keys keep arriving: the batch goes out once
// the goroutines that could add to it have had their turns and none did (idleTurns,
// quiet). A lone key —
// one person's household, its area, its members — goes out at once; a page of N
// people, whose resolvers run side by side, still costs one fetch per field.
type batchLoader[V any] struct {
	fetch    func(context.Context, []string) (map[string]V, error)
	capacity int

	mu    sync.Mutex
	open  *batch[V]            // the batch still taking keys, if any
	cache map[string]*batch[V] // every key asked, with the batch that answers it
}

type batch[V any] struct {
	keys []string
	done chan struct{}
	vals map[string]V
	err  error
}

func newBatchLoader[V any](fetch func(context.Context, []string) (map[string]V, error), capacity int) *batchLoader[V] {
	return &batchLoader[V]{fetch: fetch, capacity: capacity, cache: map[string]*batch[V]{}}
}

// idleTurns is how many scheduler turns in a row must pass without a new key, and
// quiet how long since the last new key, before a batch goes out. gqlgen starts a
// goroutine for each item of a list; they reach their loads within a few turns of each
// other, but on a loaded machine the process's threads may be descheduled between
// turns, so a short quiet period (a sixtieth of the 16 ms timer it replaces, and only
// counted from the last key) keeps a page's keys together there too.
const (
	idleTurns = 3
	quiet     = 250 * time.Microsecond
)

// Load answers one key, batched with the keys asked concurrently.
func (l *batchLoader[V]) Load(ctx context.Context, key string) (V, error) {
	l.mu.Lock()
	b, ok := l.cache[key]
	if !ok {
		b = l.open
		if b == nil {
			b = &batch[V]{done: make(chan struct{})}
			l.open = b
			go l.dispatch(ctx, b)
		}
		b.keys = append(b.keys, key)
		l.cache[key] = b
		if len(b.keys) >= l.capacity {
			l.open = nil // full: the dispatcher sends it now; later keys start another
		}
	}
	l.mu.Unlock()
	var zero V
	select {
	case <-b.done:
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	if b.err != nil {
		return zero, b.err
	}
	v, ok := b.vals[key]
	if !ok {
		return zero, errNotLoaded
	}
	return v, nil
}

func (l *batchLoader[V]) dispatch(ctx context.Context, b *batch[V]) {
	last := time.Now()
	for idle, n := 0, 0; idle < idleTurns || time.Since(last) < quiet; {
		runtime.Gosched()
		l.mu.Lock()
		full := l.open != b
		grew := len(b.keys) != n
		n = len(b.keys)
		l.mu.Unlock()
		if full {
			break
		}
		if grew {
			idle, last = 0, time.Now()
		} else {
			idle++
		}
	}
	l.mu.Lock()
	if l.open == b {
		l.open = nil
	}
	keys := b.keys
	l.mu.Unlock()
	b.vals, b.err = l.fetch(ctx, keys)
	close(b.done)
}
