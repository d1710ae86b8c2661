// Command peer compares tracegraph with the Neo4j GraphQL Library on the same Neo4j and
// the same county (issue 14; make bench-peer runs it, bench/peer/README.md says how).
// For each query it first checks that both answer the same for --sets random parameter
// sets, then measures both interleaved in one run: p50/p95 of sequential requests, and
// requests per second with --clients concurrent clients. It prints one table.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tracegraph/tracegraph/graph"
)

// query is one question asked of both APIs. Both answers are reduced by their norm to
// the same plain shape (a tracegraph person and a peer's one-element people list, a
// page and a list), so that equal facts compare equal.
type query struct {
	name   string
	param  string // which sample the parameter comes from
	tg     string // tracegraph's query; $p is the parameter
	peer   string // the peer's query
	tgNorm func(any) any
	prNorm func(any) any
}

var queries = []query{
	{
		name: "a. a person with household, members and area", param: "person",
		tg:     `query($p: ID!) { person(id: $p) { id name household { id address area { code name } members { id name } } } }`,
		peer:   `query($p: ID!) { people(where: {id: {eq: $p}}) { id name household { id address area { code name } members { id name } } } }`,
		tgNorm: func(d any) any { return at(d, "person") },
		prNorm: func(d any) any {
			p := first(at(d, "people"))
			if h := first(at(p, "household")); h != nil {
				setKey(h, "area", first(at(h, "area")))
				setKey(p, "household", h)
			} else if p != nil {
				setKey(p, "household", nil)
			}
			return p
		},
	},
	{
		name: "b. 100 people of one village with case status and tests", param: "village",
		tg:     `query($p: ID!) { people(filter: {areaCode: $p}, first: 100) { nodes { id name case { status } tests { id kind result sampledAt } } } }`,
		peer:   `query($p: ID!) { people(where: {household: {some: {area: {some: {code: {eq: $p}}}}}}, sort: [{id: ASC}], limit: 100) { id name case { status } tests { id kind result sampledAt } } }`,
		tgNorm: func(d any) any { return at(at(d, "people"), "nodes") },
		prNorm: func(d any) any {
			l, _ := at(d, "people").([]any)
			for _, p := range l {
				setKey(p, "case", first(at(p, "case")))
			}
			return l
		},
	},
	{
		name: "c. a person's recorded contacts with the other person", param: "contacted",
		tg:     `query($p: ID!) { person(id: $p) { contacts { other { id name } at durationMin setting protected } } }`,
		peer:   `query($p: ID!) { people(where: {id: {eq: $p}}) { contactsConnection { edges { properties { at durationMin setting protected } node { id name } } } } }`,
		tgNorm: func(d any) any { return at(at(d, "person"), "contacts") },
		prNorm: func(d any) any {
			return edges(first(at(d, "people")), "contactsConnection", "other")
		},
	},
	{
		name: "d. a person's event attendances", param: "attendee",
		tg:     `query($p: ID!) { person(id: $p) { attendances { event { id kind place start end indoor } from to proximity } } }`,
		peer:   `query($p: ID!) { people(where: {id: {eq: $p}}) { attendedConnection { edges { properties { from to proximity } node { id kind place start end indoor } } } } }`,
		tgNorm: func(d any) any { return at(at(d, "person"), "attendances") },
		prNorm: func(d any) any {
			return edges(first(at(d, "people")), "attendedConnection", "event")
		},
	},
	{
		name: "e. the county's cases by status", param: "none",
		tg: `query { summary { suspected confirmedTotal asymptomaticTotal recovered deceased } }`,
		peer: `query { s: casesConnection(where: {status: {eq: "suspected"}}) { aggregate { count { nodes } } }
			c: casesConnection(where: {status: {eq: "confirmed"}}) { aggregate { count { nodes } } }
			a: casesConnection(where: {status: {eq: "asymptomatic"}}) { aggregate { count { nodes } } }
			r: casesConnection(where: {status: {eq: "recovered"}}) { aggregate { count { nodes } } }
			d: casesConnection(where: {status: {eq: "deceased"}}) { aggregate { count { nodes } } } }`,
		tgNorm: func(d any) any {
			s := at(d, "summary")
			n := func(k string) float64 { f, _ := at(s, k).(float64); return f }
			return map[string]any{"suspected": n("suspected"), "confirmed": n("confirmedTotal") - n("recovered") - n("deceased"),
				"asymptomatic": n("asymptomaticTotal"), "recovered": n("recovered"), "deceased": n("deceased")}
		},
		prNorm: func(d any) any {
			n := func(k string) any { return at(at(at(at(d, k), "aggregate"), "count"), "nodes") }
			return map[string]any{"suspected": n("s"), "confirmed": n("c"), "asymptomatic": n("a"), "recovered": n("r"), "deceased": n("d")}
		},
	},
	{
		name: "f. a town's first 20 cases → person → household → members → tests", param: "town",
		tg: `query($p: ID!) { cases(filter: {areaCode: $p}, first: 20) { nodes { status person { id name household { id members { id name tests { id result } } } } } } }`,
		peer: `query($p: ID!) { cases(where: {person: {some: {household: {some: {area: {some: {parent: {some: {code: {eq: $p}}}}}}}}}},
			sort: [{confirmedAt: ASC}, {personId: ASC}], limit: 20) { status person { id name household { id members { id name tests { id result } } } } } }`,
		tgNorm: func(d any) any { return at(at(d, "cases"), "nodes") },
		prNorm: func(d any) any {
			l, _ := at(d, "cases").([]any)
			for _, c := range l {
				p := first(at(c, "person"))
				setKey(p, "household", first(at(p, "household")))
				setKey(c, "person", p)
			}
			return l
		},
	},
	{
		name: "g. who else was at the events a person attended", param: "coattendee",
		tg:   `query($p: ID!) { person(id: $p) { coAttendees(first: 500) { nodes { person { id name } } hasNextPage } } }`,
		peer: `query($p: ID!) { people(where: {id: {eq: $p}}) { coAttendees { id name } } }`,
		tgNorm: func(d any) any {
			var out []any
			seen := map[string]bool{}
			l, _ := at(at(at(d, "person"), "coAttendees"), "nodes").([]any)
			for _, n := range l {
				p := at(n, "person")
				if id, _ := at(p, "id").(string); !seen[id] {
					seen[id] = true
					out = append(out, p)
				}
			}
			return out
		},
		prNorm: func(d any) any { return at(first(at(d, "people")), "coAttendees") },
	},
}

func main() {
	tgURL := flag.String("tracegraph", "http://127.0.0.1:8106/graphql", "tracegraph's GraphQL endpoint")
	token := flag.String("token", os.Getenv("BENCH_TOKEN"), "bearer token for tracegraph (an epidemiologist's)")
	peerURL := flag.String("peer", "http://127.0.0.1:8126/graphql", "the peer's GraphQL endpoint")
	neo := flag.String("neo4j", "bolt://127.0.0.1:7716", "the Neo4j both read, for sampling parameters")
	sets := flag.Int("sets", 25, "random parameter sets per query for the equality check")
	seq := flag.Int("seq", 30, "sequential requests per query and API for p50/p95")
	clients := flag.Int("clients", 8, "concurrent clients for throughput")
	dur := flag.Duration("dur", 4*time.Second, "throughput: time per query and API (in two interleaved halves)")
	seed := flag.Uint64("seed", 1, "random seed of the parameter choice")
	only := flag.String("only", "", "comma-separated query letters to run (default all)")
	flag.Parse()
	if err := run(*tgURL, *token, *peerURL, *neo, *sets, *seq, *clients, *dur, *seed, *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench-peer:", err)
		os.Exit(1)
	}
}

func run(tgURL, token, peerURL, neo string, sets, seq, clients int, dur time.Duration, seed uint64, only string) error {
	ctx := context.Background()
	samples, err := sample(ctx, neo)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	tg := &api{url: tgURL, token: token, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	pr := &api{url: peerURL, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	var rows []result
	for _, q := range queries {
		if only != "" && !strings.Contains(only, q.name[:1]) {
			continue
		}
		pool := samples[q.param]
		if q.param != "none" && len(pool) == 0 {
			return fmt.Errorf("%s: no %s to ask about in the graph", q.name, q.param)
		}
		params := make([]string, sets)
		for i := range params {
			if q.param != "none" {
				params[i] = pool[rng.IntN(len(pool))]
			}
		}
		// Equality first: a faster wrong answer measures nothing.
		for _, p := range params {
			a, err := tg.ask(q.tg, p)
			if err != nil {
				return fmt.Errorf("%s, tracegraph, %q: %w", q.name, p, err)
			}
			b, err := pr.ask(q.peer, p)
			if err != nil {
				return fmt.Errorf("%s, peer, %q: %w", q.name, p, err)
			}
			x, y := canon(q.tgNorm(a)), canon(q.prNorm(b))
			if !reflect.DeepEqual(x, y) {
				xs, _ := json.Marshal(x)
				ys, _ := json.Marshal(y)
				return fmt.Errorf("%s, parameter %q: the answers differ\ntracegraph: %.2000s\npeer:       %.2000s", q.name, p, xs, ys)
			}
		}
		fmt.Fprintf(os.Stderr, "%s: equal answers for %d parameter sets\n", q.name, sets)
		r := result{name: q.name}
		// Sequential, interleaved request by request (the order alternating).
		for i := range seq {
			p := params[i%len(params)]
			order := []*api{tg, pr}
			if i%2 == 1 {
				order = []*api{pr, tg}
			}
			for _, a := range order {
				qq := q.tg
				if a == pr {
					qq = q.peer
				}
				start := time.Now()
				if _, err := a.ask(qq, p); err != nil {
					return fmt.Errorf("%s: %w", q.name, err)
				}
				if a == tg {
					r.tgLat = append(r.tgLat, time.Since(start))
				} else {
					r.prLat = append(r.prLat, time.Since(start))
				}
			}
		}
		// Throughput: clients concurrent clients, tracegraph and peer in turn, twice.
		for range 2 {
			r.tgN += load(tg, q.tg, params, clients, dur/2)
			r.prN += load(pr, q.peer, params, clients, dur/2)
		}
		r.secs = dur.Seconds()
		rows = append(rows, r)
	}
	print(rows, clients)
	return nil
}

type result struct {
	name         string
	tgLat, prLat []time.Duration
	tgN, prN     int64
	secs         float64
}

func pct(l []time.Duration, p float64) time.Duration {
	s := slices.Clone(l)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

func print(rows []result, clients int) {
	fmt.Printf("| query (both APIs, same data) | tracegraph p50 / p95 ms | peer p50 / p95 ms | tracegraph req/s (%d clients) | peer req/s | throughput tracegraph ÷ peer |\n", clients)
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range rows {
		tg, pr := float64(r.tgN)/r.secs, float64(r.prN)/r.secs
		ratio := 0.0
		if pr > 0 {
			ratio = tg / pr
		}
		fmt.Printf("| %s | %s / %s | %s / %s | %.1f | %.1f | %.2f |\n", r.name,
			ms(pct(r.tgLat, 0.5)), ms(pct(r.tgLat, 0.95)), ms(pct(r.prLat, 0.5)), ms(pct(r.prLat, 0.95)), tg, pr, ratio)
	}
}

// load runs clients concurrent loops of q for d and counts the answers.
func load(a *api, q string, params []string, clients int, d time.Duration) int64 {
	var n atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; time.Now().Before(stop); i++ {
				if _, err := a.ask(q, params[i%len(params)]); err == nil {
					n.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return n.Load()
}

type api struct {
	url, token string
	client     *http.Client
}

// ask posts q with $p = param (when q declares it) and returns data, or an error for
// a transport failure or any GraphQL error.
func (a *api) ask(q, param string) (any, error) {
	body := map[string]any{"query": q}
	if strings.Contains(q, "$p") {
		body["variables"] = map[string]any{"p": param}
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, a.url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data   any             `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("HTTP %d: %.300s", resp.StatusCode, raw)
	}
	if len(out.Errors) > 0 && string(out.Errors) != "null" {
		return nil, errors.New(string(out.Errors))
	}
	return out.Data, nil
}

// sample reads the ids the parameters are drawn from, in a fixed order.
func sample(ctx context.Context, uri string) (map[string][]string, error) {
	db, err := graph.Open(graph.Config{URI: uri, Database: "neo4j"}, nil)
	if err != nil {
		return nil, err
	}
	defer db.Close(ctx)
	q := map[string]string{
		"person":    `MATCH (p:Person)-[:MEMBER_OF]->(:Household) RETURN p.id AS id ORDER BY id`,
		"village":   `MATCH (a:Area)<-[:IN]-(:Household) WHERE a.level IN ['village', 'community'] RETURN DISTINCT a.code AS id ORDER BY id`,
		"contacted": `MATCH (p:Person) WHERE EXISTS { (p)-[:CONTACTED]-() } RETURN p.id AS id ORDER BY id`,
		"attendee":  `MATCH (p:Person) WHERE EXISTS { (p)-[:ATTENDED]->() } RETURN p.id AS id ORDER BY id`,
		"town":      `MATCH (a:Area {level: 'town'}) RETURN a.code AS id ORDER BY id`,
		// People whose co-attendances fit one page of tracegraph's (500): the peer's
		// list is unpaged, so a longer one would compare a page with the whole.
		"coattendee": `MATCH (p:Person)-[:ATTENDED]->(e:Event)
			WITH p, sum(COUNT { (e)<-[:ATTENDED]-() }) AS n WHERE n <= 450 RETURN p.id AS id ORDER BY id`,
	}
	out := map[string][]string{}
	for k, cypher := range q {
		ids, err := graph.Read(ctx, db, "sample", func(ctx context.Context, tx graph.Tx) ([]string, error) {
			res, err := tx.Run(ctx, cypher, nil)
			if err != nil {
				return nil, err
			}
			var ids []string
			for res.Next(ctx) {
				v, _ := res.Record().Get("id")
				ids = append(ids, v.(string))
			}
			return ids, res.Err()
		})
		if err != nil {
			return nil, fmt.Errorf("sample %s: %w", k, err)
		}
		out[k] = ids
	}
	return out, nil
}

// Helpers over decoded JSON.

func at(v any, key string) any {
	m, _ := v.(map[string]any)
	return m[key]
}

func first(v any) any {
	l, _ := v.([]any)
	if len(l) == 0 {
		return nil
	}
	return l[0]
}

func setKey(v any, key string, val any) {
	if m, ok := v.(map[string]any); ok {
		m[key] = val
	}
}

// edges turns a peer connection's edges into tracegraph's shape: the edge's
// properties with the node under nodeKey.
func edges(v any, conn, nodeKey string) any {
	l, _ := at(at(v, conn), "edges").([]any)
	out := []any{}
	for _, e := range l {
		m := map[string]any{}
		if p, ok := at(e, "properties").(map[string]any); ok {
			for k, x := range p {
				m[k] = x
			}
		}
		m[nodeKey] = at(e, "node")
		out = append(out, m)
	}
	return out
}

// canon makes equal facts equal values: instants in UTC milliseconds (the APIs write
// zones differently), enum-like strings in lower case (CONFIRMED and confirmed), and
// lists as sets (sorted by their JSON: the peer's nested lists have no order).
func canon(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = canon(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canon(e)
		}
		sort.Slice(out, func(i, j int) bool {
			a, _ := json.Marshal(out[i])
			b, _ := json.Marshal(out[j])
			return string(a) < string(b)
		})
		return out
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		return strings.ToLower(x)
	case nil:
		return nil
	}
	return v
}
