package index

import (
	"context"
	"fmt"

	"github.com/tracegraph/tracegraph/graph"
)

// buildPage is how many people one read of the build loads.
const buildPage = 5000

// loadStore reads every fact the rules read: the small tables, then the people by id in
// pages (each page its own read transaction, so no time-out grows with the county).
func loadStore(ctx context.Context, db *graph.DB) (*store, error) {
	st := newStore()
	static, err := db.LoadStaticFacts(ctx)
	if err != nil {
		return nil, err
	}
	st.setStatic(static)
	after := ""
	for {
		recs, err := db.LoadPeoplePage(ctx, after, buildPage)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			st.put(r)
		}
		if len(recs) < buildPage {
			break
		}
		after = recs[len(recs)-1].ID
	}
	st.sortDirty()
	return st, nil
}

// staticKinds are the kinds of change that reload the small tables.
var staticKinds = []string{graph.ChangeAreas, graph.ChangeDesignations, graph.ChangeHouseholds, graph.ChangeEvents, graph.ChangeFacilities}

// applyFacts applies changes (consecutive, in seq order) to the store: the people they
// touched are read again whole, and the small tables when one of theirs changed. The
// reads run before the write lock is taken, so requests are held only for the swap.
func (f *Follower) applyFacts(ctx context.Context, cs []graph.Change) error {
	keys := map[string][]string{}
	reloadStatic := false
	for _, c := range cs {
		for k, ks := range c.Keys {
			keys[k] = append(keys[k], ks...)
			for _, sk := range staticKinds {
				if k == sk {
					reloadStatic = true
				}
			}
		}
	}
	ids, err := f.db.PeopleTouchedBy(ctx, keys)
	if err != nil {
		return err
	}
	// The people who held a moved test, trip or assignment before, and the members a
	// household had: the graph no longer names them.
	f.mu.RLock()
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	more := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, k := range keys[graph.ChangeTests] {
		more(f.facts.owners["test:"+k])
	}
	for _, k := range keys[graph.ChangeTrips] {
		more(f.facts.owners["trip:"+k])
	}
	for _, k := range keys[graph.ChangeQuarantines] {
		more(f.facts.owners["quarantine:"+k])
	}
	for _, k := range keys[graph.ChangeHouseholds] {
		for m := range f.facts.members[k] {
			more(m)
		}
	}
	f.mu.RUnlock()
	var recs []graph.PersonRecord
	for i := 0; i < len(ids); i += buildPage {
		part, err := f.db.LoadPeople(ctx, ids[i:min(i+buildPage, len(ids))])
		if err != nil {
			return err
		}
		recs = append(recs, part...)
	}
	var static *graph.StaticFacts
	if reloadStatic {
		if static, err = f.db.LoadStaticFacts(ctx); err != nil {
			return err
		}
	}
	found := make(map[string]bool, len(recs))
	f.mu.Lock()
	defer f.mu.Unlock()
	if static != nil {
		f.facts.setStatic(static)
	}
	for _, r := range recs {
		found[r.ID] = true
		f.facts.put(r)
	}
	for _, id := range ids {
		if !found[id] {
			f.facts.remove(id) // no longer in the graph
		}
	}
	f.facts.sortDirty()
	return nil
}

// View is graph.FactIndex: it catches up with seq (this process's last write) and
// returns the facts under the read lock, released by release.
func (f *Follower) View(ctx context.Context, seq int64) (graph.Facts, func(), error) {
	if !f.withFacts {
		return nil, nil, fmt.Errorf("the index holds no facts (WithFacts)")
	}
	if err := f.CatchUp(ctx, seq); err != nil {
		return nil, nil, err
	}
	f.mu.RLock()
	if f.facts == nil {
		f.mu.RUnlock()
		return nil, nil, fmt.Errorf("index not built")
	}
	return view{s: f.facts, loc: f.loc}, f.mu.RUnlock, nil
}

var _ graph.FactIndex = (*Follower)(nil)
