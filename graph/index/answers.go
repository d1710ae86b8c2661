package index

import (
	"context"
	"sync"
	"time"
)

// maxAnswers bounds the cache: answers of one version only are kept, and at most this
// many of them (distinct asOf × arguments).
const maxAnswers = 256

type answerKey struct {
	name    string
	version int64
	asOf    int64 // unix nanoseconds
	args    string
}

type answers struct {
	mu sync.Mutex
	m  map[answerKey]any
}

func (a *answers) flush() {
	a.mu.Lock()
	a.m = map[answerKey]any{}
	a.mu.Unlock()
}

func (a *answers) size() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.m)
}

// Answer is the answer of compute for (name, args, asOf) at the index's current version:
// cached while no change is applied, computed again after one. It first catches up with
// this process's own writes (seq), so a request after a write sees it. An answer computed
// while a change commits may already include it; it is kept under the older version, which
// is never staler than the data it was read from.
func Answer[T any](ctx context.Context, f *Follower, seq int64, name, args string, asOf time.Time, compute func() (T, error)) (T, error) {
	var zero T
	if err := f.CatchUp(ctx, seq); err != nil {
		return zero, err
	}
	k := answerKey{name: name, version: f.version.Load(), asOf: asOf.UnixNano(), args: args}
	f.cache.mu.Lock()
	v, ok := f.cache.m[k]
	f.cache.mu.Unlock()
	if ok {
		return v.(T), nil
	}
	out, err := compute()
	if err != nil {
		return zero, err
	}
	f.cache.mu.Lock()
	defer f.cache.mu.Unlock()
	for old := range f.cache.m {
		if old.version < k.version {
			delete(f.cache.m, old)
		}
	}
	if len(f.cache.m) < maxAnswers {
		f.cache.m[k] = out
	}
	return out, nil
}
