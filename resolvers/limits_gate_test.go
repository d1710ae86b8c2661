package resolvers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/resolvers"
)

// The per-principal bound of issue 11's Limits: at most MaxExpensive operations of one
// token subject cost ExpensiveCost or more in flight; the others are answered at once
// with TOO_MANY_REQUESTS and a retry hint, while another principal's expensive
// operations and the first one's cheap ones still run. The held operations are kept
// in flight by a hook so that the overlap does not depend on timing.
func TestExpensiveOperationsAreBoundedPerPrincipal(t *testing.T) {
	svc, _ := demoCounty(t)
	var held atomic.Int64
	release := make(chan struct{})
	limits := resolvers.WithGateHeld(resolvers.Limits{MaxExpensive: 2, ExpensiveCost: 1000}, func(ctx context.Context) {
		held.Add(1)
		select {
		case <-release:
		case <-ctx.Done():
		}
	})
	h := resolvers.NewHandler(&resolvers.Resolver{Svc: svc}, resolvers.Options{Logger: testLogger(t), Limits: limits})
	alice := clientFor(h, &graph.Principal{Subject: "alice", Role: graph.RoleEpidemiologist})
	bob := clientFor(h, &graph.Principal{Subject: "bob", Role: graph.RoleEpidemiologist})
	const expensive = `{ summary { people } }` // a county computation: 2001
	const cheap = `{ person(id: "P0001") { id name } }`

	type result struct {
		resp *client.Response
		err  error
	}
	post := func(c *client.Client, q string) <-chan result {
		ch := make(chan result, 1)
		go func() {
			r, err := c.RawPost(q)
			ch <- result{r, err}
		}()
		return ch
	}
	waitHeld := func(n int64) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for held.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d operations held their slot, want %d", held.Load(), n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	var running []<-chan result
	for range 2 {
		running = append(running, post(alice, expensive))
	}
	waitHeld(2)
	// Alice's next ones are refused at once, naming the bound and a retry hint.
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			var r result
			select {
			case r = <-post(alice, expensive):
			case <-time.After(5 * time.Second):
				t.Error("alice's third expensive operation was not refused: it still runs after 5 s")
				return
			}
			if r.err != nil {
				t.Error(r.err)
				return
			}
			var errs []struct {
				Message    string
				Extensions map[string]any
			}
			_ = json.Unmarshal(r.resp.Errors, &errs)
			if len(errs) != 1 || errs[0].Extensions["code"] != "TOO_MANY_REQUESTS" || errs[0].Extensions["retryAfterSeconds"] == nil ||
				!strings.Contains(errs[0].Message, "at most 2") {
				t.Errorf("alice's third expensive operation: %s", r.resp.Errors)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("the refusal took %v", d)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		close(release)
		return
	}
	// Alice's cheap query and Bob's expensive one are not held back by Alice's.
	if r := <-post(alice, cheap); r.err != nil || len(r.resp.Errors) > 0 {
		t.Fatalf("alice's person query: %v %s", r.err, r.resp.Errors)
	}
	bobs := post(bob, expensive)
	waitHeld(3)
	if held.Load() != 3 {
		t.Fatalf("%d held, want alice's 2 and bob's 1", held.Load())
	}
	close(release)
	for _, ch := range append(running, bobs) {
		r := <-ch
		if r.err != nil || len(r.resp.Errors) > 0 || !strings.Contains(fmt.Sprint(r.resp.Data), "people") {
			t.Fatalf("a held operation: %v %s %s", r.err, r.resp.Errors, r.resp.Data)
		}
	}
	// The slots are free again.
	if r := <-post(alice, expensive); r.err != nil || len(r.resp.Errors) > 0 {
		t.Fatalf("alice after her operations ended: %v %s", r.err, r.resp.Errors)
	}
}
