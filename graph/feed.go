package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// The change feed (issue 13): every write transaction that touches facts records what it
// touched as one (:Change {seq}) node, in the same transaction, under a sequence number
// taken from the singleton (:Feed {id: 'feed'}). A tracing index applies the feed in seq
// order. docs/architecture.md argues the design; in short:
//
//   - The sequence is taken by the transaction's LAST statement, so the Feed node's write
//     lock is held only from then until commit (the commit itself), not for the whole
//     transaction: writers run their work in parallel and queue only to commit.
//   - Because the lock is held until commit, seq order is commit order, and a reader
//     never sees seq n+1 without n: no gaps except where changes were pruned.
//   - A transaction that rolls back (an error, a dry run, a failed commit) rolls back its
//     increment and its Change with it: nothing is recorded.

// Change kinds: what a Change's keys name.
const (
	ChangeAreas         = "areas"
	ChangeDesignations  = "designations"
	ChangeHouseholds    = "households"
	ChangePeople        = "people"
	ChangeCases         = "cases"
	ChangeTrips         = "trips"
	ChangeEvents        = "events"
	ChangeAttendances   = "attendances"
	ChangeContacts      = "contacts"
	ChangeTests         = "tests"
	ChangeCheckpoints   = "checkpoints"
	ChangePassages      = "passages"
	ChangeFacilities    = "facilities"
	ChangeOfficers      = "officers"
	ChangeResponsible   = "responsibilities"
	ChangeHealthReports = "healthReports"
	ChangeQuarantines   = "quarantines"
	ChangeDailyReports  = "dailyReports"
	ChangeVisits        = "visits"
	ChangeEmployers     = "employers"
	ChangeEmployment    = "employment"
	// ChangeReset says every fact may have changed (the data was deleted): an index
	// rebuilds.
	ChangeReset = "reset"
)

// Change is one entry of the feed: the keys each kind of fact it touched, by kind.
// Composite keys are their parts joined by "|" (times as RFC 3339 with nanoseconds).
type Change struct {
	Seq   int64
	Op    string
	Cause string // what asked for the write (a mutation's name, a command); "" when untold
	At    time.Time
	Keys  map[string][]string
}

type causeKey struct{}

// WithCause names, for the changes written under ctx, what asked for them (the GraphQL
// mutation, "load", "quarantine"): subscription events carry it.
func WithCause(ctx context.Context, cause string) context.Context {
	return context.WithValue(ctx, causeKey{}, cause)
}

func causeOf(ctx context.Context, op string) string {
	if c, _ := ctx.Value(causeKey{}).(string); c != "" {
		return c
	}
	return op
}

// touched collects what one attempt of a write transaction touched.
type touched struct {
	mu     sync.Mutex
	keys   map[string]map[string]bool
	people map[string]bool // whose records the attempt wrote, for its audit record
}

type touchedKey struct{}

// Touch records, for the write transaction ctx belongs to, that it touched these keys of
// this kind. Outside a write transaction it does nothing.
func Touch(ctx context.Context, kind string, keys ...string) {
	t, _ := ctx.Value(touchedKey{}).(*touched)
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.keys[kind]
	if m == nil {
		m = map[string]bool{}
		t.keys[kind] = m
	}
	for _, k := range keys {
		m[k] = true
	}
}

// TouchPeople records, for the write transaction ctx belongs to, that it wrote these
// people's records: its audit record names them (db.go, auditWrite). Empty ids are
// ignored; outside a write transaction it does nothing.
func TouchPeople(ctx context.Context, ids ...string) {
	t, _ := ctx.Value(touchedKey{}).(*touched)
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.people == nil {
		t.people = map[string]bool{}
	}
	for _, id := range ids {
		if id != "" {
			t.people[id] = true
		}
	}
}

// FeedKey joins the parts of a composite key.
func FeedKey(parts ...any) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		switch v := p.(type) {
		case time.Time:
			s[i] = v.UTC().Format(time.RFC3339Nano)
		case dbtype.Date:
			s[i] = time.Time(v).Format("2006-01-02")
		case nil:
			s[i] = ""
		default:
			s[i] = fmt.Sprint(v)
		}
	}
	return strings.Join(s, "|")
}

// recordChange writes the Change of a transaction attempt, as its last statement, and
// returns its seq (0 when the attempt touched nothing: read-only work in a write
// transaction records nothing).
func recordChange(ctx context.Context, tx Tx, op string, t *touched) (int64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.keys) == 0 {
		return 0, nil
	}
	kinds := make([]string, 0, len(t.keys))
	for k := range t.keys {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	props := map[string]any{}
	for _, k := range kinds {
		ks := make([]string, 0, len(t.keys[k]))
		for key := range t.keys[k] {
			ks = append(ks, key)
		}
		sort.Strings(ks)
		props[k] = ks
	}
	res, err := tx.Run(ctx, `MERGE (f:Feed {id: 'feed'}) ON CREATE SET f.seq = 0
		SET f.seq = f.seq + 1
		CREATE (c:Change {seq: f.seq, op: $op, cause: $cause, at: datetime(), kinds: $kinds})
		SET c += $keys
		RETURN f.seq AS seq`, map[string]any{"op": op, "cause": causeOf(ctx, op), "kinds": kinds, "keys": props})
	if err != nil {
		return 0, fmt.Errorf("change feed: %w", err)
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return 0, fmt.Errorf("change feed: %w", err)
	}
	seq, _ := rec.Get("seq")
	n, _ := seq.(int64)
	return n, nil
}

// LastWrittenSeq is the highest feed seq this process has committed: a read on this
// process that must see its own writes applies the feed up to it first.
func (db *DB) LastWrittenSeq() int64 {
	if db == nil {
		return 0 // a service without a database (policy only) has written nothing
	}
	return db.lastSeq.Load()
}

func (db *DB) noteSeq(seq int64) {
	for {
		cur := db.lastSeq.Load()
		if seq <= cur || db.lastSeq.CompareAndSwap(cur, seq) {
			return
		}
	}
}

// FeedSince reads up to limit changes with seq > after, in seq order.
func (db *DB) FeedSince(ctx context.Context, after int64, limit int) ([]Change, error) {
	return Read(ctx, db, "feed", func(ctx context.Context, tx Tx) ([]Change, error) {
		res, err := tx.Run(ctx, `MATCH (c:Change) WHERE c.seq > $after
			RETURN c ORDER BY c.seq LIMIT $limit`, map[string]any{"after": after, "limit": limit})
		if err != nil {
			return nil, err
		}
		var out []Change
		for res.Next(ctx) {
			v, _ := res.Record().Get("c")
			n, ok := v.(dbtype.Node)
			if !ok {
				continue
			}
			p := n.Props
			c := Change{Op: str(p["op"]), Cause: str(p["cause"]), Keys: map[string][]string{}}
			c.Seq, _ = p["seq"].(int64)
			if at := timeOf(p["at"]); at != nil {
				c.At = *at
			}
			kinds, _ := p["kinds"].([]any)
			for _, k := range kinds {
				kind := str(k)
				list, _ := p[kind].([]any)
				for _, key := range list {
					c.Keys[kind] = append(c.Keys[kind], str(key))
				}
			}
			out = append(out, c)
		}
		return out, res.Err()
	})
}

// FeedHead is the seq of the latest committed change (0 when none).
func (db *DB) FeedHead(ctx context.Context) (int64, error) {
	return Read(ctx, db, "feed head", func(ctx context.Context, tx Tx) (int64, error) {
		res, err := tx.Run(ctx, `OPTIONAL MATCH (f:Feed {id: 'feed'}) RETURN coalesce(f.seq, 0) AS seq`, nil)
		if err != nil {
			return 0, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return 0, err
		}
		v, _ := rec.Get("seq")
		n, _ := v.(int64)
		return n, nil
	})
}
