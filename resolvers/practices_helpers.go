package resolvers

import (
	"context"
	"encoding/base64"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// page is one page of an in-memory list ordered by a key.
type page[T any] struct {
	nodes   []T
	end     *string
	hasNext bool
}

// pageOf cuts a list (already ordered by key) after the cursor's key: keyset paging, so
// a page stays right when rows are added before it. The cursor names its list.
func pageOf[T any](kind string, items []T, key func(T) string, first *int, after *string) (page[T], error) {
	n := defaultPage
	if first != nil {
		n = *first
	}
	if n < 1 || n > graph.MaxPageSize {
		return page[T]{}, graph.InvalidArg(kind, "first", "page size %d is not in 1–%d", n, graph.MaxPageSize)
	}
	start := 0
	if after != nil && *after != "" {
		b, err := base64.RawURLEncoding.DecodeString(*after)
		k, ok := strings.CutPrefix(string(b), kind+"\x00")
		if err != nil || !ok {
			return page[T]{}, graph.InvalidArg(kind, "after", "not a cursor of this list")
		}
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > k })
	}
	end := min(start+n, len(items))
	p := page[T]{nodes: items[start:end], hasNext: end < len(items)}
	if end > start {
		c := base64.RawURLEncoding.EncodeToString([]byte(kind + "\x00" + key(items[end-1])))
		p.end = &c
	}
	return p, nil
}

// zoneOf is one area's zoning assessment, from one assessment of the whole tree per
// operation and asOf: a summary asks for its area and each child area.
func (r *Resolver) zoneOf(ctx context.Context, code string, asOf time.Time) (*graph.Zone, error) {
	c := cacheOf(ctx)
	key := asOf.UTC().Format(time.RFC3339Nano)
	if c != nil {
		c.mu.Lock()
		z, ok := c.zoning[key]
		c.mu.Unlock()
		if ok {
			return z.byArea(code), nil
		}
	}
	zones, err := r.Svc.Zoning(ctx, asOf, "", graph.AreaLevels)
	if err != nil {
		return nil, err
	}
	zs := &zoneSet{m: map[string]*graph.Zone{}}
	for _, z := range zones {
		zs.m[z.Area.Code] = z
	}
	if c != nil {
		c.mu.Lock()
		if c.zoning == nil {
			c.zoning = map[string]*zoneSet{}
		}
		c.zoning[key] = zs
		c.mu.Unlock()
	}
	return zs.byArea(code), nil
}

type zoneSet struct {
	mu sync.Mutex
	m  map[string]*graph.Zone
}

func (z *zoneSet) byArea(code string) *graph.Zone {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.m[code]
}

// tracerMayWriteInHousehold: a visit is written about a household of the tracer's areas.
func (r *Resolver) tracerMayWriteInHousehold(ctx context.Context, householdID string) error {
	if tracerAreas(ctx) == nil {
		return nil
	}
	hs, err := r.Svc.Households(ctx, []string{householdID})
	if err != nil {
		return err
	}
	code := ""
	if h := hs[householdID]; h != nil {
		code = h.AreaCode
	}
	return r.tracerMayWriteInArea(ctx, code)
}

// tracerMayWriteEmployer: an existing employer must be in the tracer's areas.
func (r *Resolver) tracerMayWriteEmployer(ctx context.Context, employerID string) error {
	if tracerAreas(ctx) == nil {
		return nil
	}
	es, err := r.Svc.Employers(ctx, []string{employerID})
	if err != nil {
		return err
	}
	if e := es[employerID]; e != nil {
		return r.tracerMayWriteInArea(ctx, e.AreaCode)
	}
	return nil
}
