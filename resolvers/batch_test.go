package resolvers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The loaders batch the loads that a list's items make at once, without a fixed wait:
// a lone load (a single person's household, its area, its members: one key per level)
// goes out as soon as nothing else is coming, not after a timer.
func TestBatchLoaderHasNoFixedWait(t *testing.T) {
	var calls atomic.Int64
	l := one(func(ctx context.Context, keys []string) (map[string]string, error) {
		calls.Add(1)
		out := map[string]string{}
		for _, k := range keys {
			out[k] = "v" + k
		}
		return out, nil
	})
	var took []time.Duration
	for i := range 21 {
		t0 := time.Now()
		v, err := l.Load(context.Background(), fmt.Sprint(i))
		if err != nil || v != fmt.Sprint("v", i) {
			t.Fatalf("load %d = %q, %v", i, v, err)
		}
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	if took[10] > 4*time.Millisecond {
		t.Fatalf("a lone load takes %v (median): a fixed batching wait", took[10])
	}
}

func TestBatchLoaderBatchesConcurrentLoadsAndCaches(t *testing.T) {
	var calls atomic.Int64
	var mu sync.Mutex
	var sizes []int
	l := one(func(ctx context.Context, keys []string) (map[string]int, error) {
		calls.Add(1)
		mu.Lock()
		sizes = append(sizes, len(keys))
		mu.Unlock()
		out := map[string]int{}
		for _, k := range keys {
			if k != "missing" {
				out[k] = len(k)
			}
		}
		return out, nil
	})
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := l.Load(context.Background(), fmt.Sprint("k", i)); err != nil {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := calls.Load(); n > 4 {
		t.Fatalf("100 concurrent loads made %d fetches (sizes %v), want them batched", n, sizes)
	}
	before := calls.Load()
	if v, err := l.Load(context.Background(), "k7"); err != nil || v != 2 || calls.Load() != before {
		t.Fatalf("a loaded key is fetched again or wrong: %v %v (%d fetches)", v, err, calls.Load()-before)
	}
	if _, err := l.Load(context.Background(), "missing"); !errors.Is(err, errNotLoaded) {
		t.Fatalf("a key the fetch did not answer: %v, want errNotLoaded", err)
	}
	failing := one(func(ctx context.Context, keys []string) (map[string]int, error) { return nil, errors.New("boom") })
	if _, err := failing.Load(context.Background(), "x"); err == nil || err.Error() != "boom" {
		t.Fatalf("fetch error: %v", err)
	}
}
