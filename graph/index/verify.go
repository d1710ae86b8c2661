package index

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// Verify compares the index with Neo4j as it is now and lists every difference, each
// naming the fact and the person or table ("person P7: contacts: index […], neo4j […]").
// It catches writes made to Neo4j by other means than tracegraph (raw Cypher, a restore),
// which record nothing in the feed; the cure is a rebuild. It first applies the feed,
// then loads every fact afresh while no change is applied, and retries when the feed
// moves during the load (a write through tracegraph is not a difference).
func (f *Follower) Verify(ctx context.Context) ([]string, error) {
	if !f.withFacts {
		return nil, fmt.Errorf("index verify: the index holds no facts")
	}
	for try := 0; try < 5; try++ {
		if err := f.Poll(ctx); err != nil {
			return nil, err
		}
		f.apply.Lock()
		head, err := f.db.FeedHead(ctx)
		if err != nil || head != f.version.Load() {
			f.apply.Unlock()
			if err != nil {
				return nil, fmt.Errorf("index verify: %w", err)
			}
			continue
		}
		fresh, err := loadStore(ctx, f.db)
		if err != nil {
			f.apply.Unlock()
			return nil, fmt.Errorf("index verify: %w", err)
		}
		after, err := f.db.FeedHead(ctx)
		if err != nil || after != head {
			f.apply.Unlock()
			if err != nil {
				return nil, fmt.Errorf("index verify: %w", err)
			}
			continue
		}
		f.mu.RLock()
		diffs := diffStores(f.facts, fresh)
		f.mu.RUnlock()
		f.apply.Unlock()
		return diffs, nil
	}
	return nil, fmt.Errorf("index verify: the feed kept moving during five loads; try when writes are fewer")
}

// diffStores lists what differs between the index (ix) and a fresh load (db).
func diffStores(ix, db *store) []string {
	var out []string
	same := func(what string, a, b any) {
		if x, y := show(reflect.ValueOf(a)), show(reflect.ValueOf(b)); x != y {
			out = append(out, fmt.Sprintf("%s: index %s, neo4j %s", what, x, y))
		}
	}
	ids := map[string]bool{}
	for id := range ix.people {
		ids[id] = true
	}
	for id := range db.people {
		ids[id] = true
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	for _, id := range sorted {
		a, b := ix.people[id], db.people[id]
		switch {
		case a == nil:
			out = append(out, fmt.Sprintf("person %s: in neo4j, not in the index", id))
			continue
		case b == nil:
			out = append(out, fmt.Sprintf("person %s: in the index, not in neo4j", id))
			continue
		}
		p := "person " + id + ": "
		same(p+"name", a.Name, b.Name)
		same(p+"household", a.HouseholdProp+"/"+a.HouseholdID, b.HouseholdProp+"/"+b.HouseholdID)
		same(p+"case", caseString(a.Case), caseString(b.Case))
		same(p+"tests", a.Tests, b.Tests)
		same(p+"contacts", a.Contacts, b.Contacts)
		same(p+"attendances", a.Attendances, b.Attendances)
		same(p+"trips", a.Trips, b.Trips)
		same(p+"passages", a.Passages, b.Passages)
		same(p+"visits", a.Visits, b.Visits)
		same(p+"health reports", a.Reports, b.Reports)
		same(p+"assignments", a.Quarantines, b.Quarantines)
	}
	same("areas", ix.areas, db.areas)
	same("designations", sortedMap(ix.designations), sortedMap(db.designations))
	same("households", sortedMap(ix.households), sortedMap(db.households))
	same("facilities", ix.facilities, db.facilities)
	indoor := func(s *store) map[string]bool {
		m := map[string]bool{}
		for id, e := range s.events {
			m[id] = e.indoor
		}
		return m
	}
	same("events", sortedMap(indoor(ix)), sortedMap(indoor(db)))
	return out
}

func caseString(c *graph.Case) any {
	if c == nil {
		return "none"
	}
	return *c
}

// show prints a value with its pointers followed (fmt would print their addresses) and
// times in UTC, so that equal facts print alike.
func show(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Invalid:
		return "nil"
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "nil"
		}
		return show(v.Elem())
	case reflect.Slice, reflect.Array:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = show(v.Index(i))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return t.UTC().Format(time.RFC3339Nano)
		}
		parts := make([]string, v.NumField())
		for i := range parts {
			parts[i] = v.Type().Field(i).Name + ":" + show(v.Field(i))
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return fmt.Sprint(v.Interface())
}

// sortedMap prints a map in key order (fmt sorts map keys).
func sortedMap[V any](m map[string]V) string { return fmt.Sprint(m) }
