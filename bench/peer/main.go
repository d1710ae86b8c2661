// Command peer compares tracegraph with the Neo4j GraphQL Library (@neo4j/graphql 7
// under graphql-yoga, bench/peer/server.mjs) on the same Neo4j and the same county:
// `make bench-peer` starts that Neo4j (with APOC), loads a generated county, starts the
// peer and runs this. For each query it draws parameter sets from the county, checks
// that both APIs give the same answer for every one (canonical forms: queries.go), then
// measures both interleaved: p50/p95 of sequential requests, and throughput with
// --clients concurrent clients, and prints tracegraph ÷ peer.
//
// tracegraph runs in this process with the production handler behind its JWT
// middleware, as an epidemiologist (access control and audit on: every answer that
// names someone writes its audit record), on a loopback HTTP server.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/resolvers"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-peer:", err)
		os.Exit(1)
	}
}

type api struct {
	name string
	url  string
	auth string
}

func run() error {
	peerURL := flag.String("peer", "http://127.0.0.1:7719/graphql", "the peer's GraphQL endpoint")
	samples := flag.Int("samples", 25, "parameter sets per query (each answer checked equal)")
	rounds := flag.Int("rounds", 2, "sequential passes over the parameter sets per API")
	clients := flag.Int("clients", 8, "concurrent clients for the throughput runs")
	dur := flag.Duration("duration", 3*time.Second, "length of each throughput run (two per API per query, interleaved)")
	only := flag.String("only", "", "run only the queries whose name starts with one of these comma-separated prefixes")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return err
	}
	db, err := graph.Open(graph.ConfigFromEnv(os.Getenv), nil)
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	svc := graph.NewService(db, graph.DefaultPolicy(), loc)
	p, err := pickPools(ctx, db, *seed)
	if err != nil {
		return err
	}

	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	auth, err := resolvers.NewAuthenticator(secret, "")
	if err != nil {
		return err
	}
	token, err := resolvers.SignToken(secret, graph.RoleEpidemiologist, "bench-peer", nil, 2*time.Hour, time.Now())
	if err != nil {
		return err
	}
	h := resolvers.NewHandler(&resolvers.Resolver{Svc: svc}, resolvers.Options{Logger: zerolog.Nop()})
	srv := httptest.NewServer(auth.Middleware(h))
	defer srv.Close()
	tg := api{name: "tracegraph", url: srv.URL, auth: "Bearer " + token}
	peer := api{name: "peer", url: *peerURL}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	fmt.Printf("county: %d people drawn, %d villages, %d towns; %d parameter sets per query, %d clients\n\n",
		len(p.people), len(p.villages), len(p.towns), *samples, *clients)
	fmt.Printf("%-52s | %-19s | %-19s | %-17s | %s\n", "query", "tracegraph p50 p95", "peer p50 p95", "req/s tg   peer", "tput tg÷peer")
	rng := mrand.New(mrand.NewPCG(*seed, 7))
	mismatches := 0
	for _, q := range queries {
		if *only != "" && !hasPrefix(q.name, strings.Split(*only, ",")) {
			continue
		}
		sets := make([]map[string]any, *samples)
		for i := range sets {
			sets[i] = q.params(p, rng)
		}
		// The same answers first (this also warms both).
		bad := 0
		for _, vars := range sets {
			a, err := post(ctx, client, tg, q.tg, vars)
			if err != nil {
				return fmt.Errorf("%s %v: %w", q.name, vars, err)
			}
			b, err := post(ctx, client, peer, q.peer, vars)
			if err != nil {
				return fmt.Errorf("%s %v (peer): %w", q.name, vars, err)
			}
			x, y := canon(q.tgForm(a)), canon(q.peerForm(b))
			if !reflect.DeepEqual(x, y) {
				if bad == 0 {
					fmt.Fprintf(os.Stderr, "%s %v: answers differ\n tracegraph %s\n peer       %s\n", q.name, vars, trunc(canonJSON(x)), trunc(canonJSON(y)))
				}
				bad++
			}
		}
		if bad > 0 {
			mismatches++
			fmt.Printf("%-52s | %d of %d answers differ: not measured\n", q.name, bad, len(sets))
			continue
		}
		// Sequential latency, the two APIs alternating request by request.
		var lt, lp []time.Duration
		for range *rounds {
			for _, vars := range sets {
				for _, x := range []struct {
					a   api
					q   string
					out *[]time.Duration
				}{{tg, q.tg, &lt}, {peer, q.peer, &lp}} {
					t := time.Now()
					if _, err := post(ctx, client, x.a, x.q, vars); err != nil {
						return fmt.Errorf("%s (%s): %w", q.name, x.a.name, err)
					}
					*x.out = append(*x.out, time.Since(t))
				}
			}
		}
		// Throughput, interleaved: tracegraph, peer, tracegraph, peer.
		var nt, np int64
		var st, sp time.Duration
		for range 2 {
			n, d, err := throughput(ctx, client, tg, q.tg, sets, *clients, *dur)
			if err != nil {
				return fmt.Errorf("%s (tracegraph, %d clients): %w", q.name, *clients, err)
			}
			nt, st = nt+n, st+d
			n, d, err = throughput(ctx, client, peer, q.peer, sets, *clients, *dur)
			if err != nil {
				return fmt.Errorf("%s (peer, %d clients): %w", q.name, *clients, err)
			}
			np, sp = np+n, sp+d
		}
		rt, rp := float64(nt)/st.Seconds(), float64(np)/sp.Seconds()
		t50, t95 := pct(lt)
		p50, p95 := pct(lp)
		fmt.Printf("%-52s | %8s %8s | %8s %8s | %7.1f %7.1f | %.2f\n", q.name, ms(t50), ms(t95), ms(p50), ms(p95), rt, rp, rt/rp)
	}
	if err := auditProbe(ctx, svc, *clients, *dur); err != nil {
		return err
	}
	if mismatches > 0 {
		return fmt.Errorf("%d queries answered differently by the two APIs", mismatches)
	}
	return nil
}

func hasPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// throughput runs clients goroutines posting q for d, cycling through the parameter
// sets, and returns the requests completed and the time taken.
func throughput(ctx context.Context, c *http.Client, a api, q string, sets []map[string]any, clients int, d time.Duration) (int64, time.Duration, error) {
	var n atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	deadline := start.Add(d)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := i; time.Now().Before(deadline); j++ {
				if _, err := post(ctx, c, a, q, sets[j%len(sets)]); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return n.Load(), time.Since(start), firstErr
}

func post(ctx context.Context, c *http.Client, a api, q string, vars map[string]any) (map[string]any, error) {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, a.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if a.auth != "" {
		req.Header.Set("Authorization", a.auth)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data   map[string]any
		Errors []any
	}
	if err := json.Unmarshal(data, &out); err != nil || len(out.Errors) > 0 || resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s answered %d: %s", a.name, resp.StatusCode, trunc(string(data)))
	}
	return out.Data, nil
}

// canon makes answers comparable: times as UTC instants (tracegraph answers in the
// service's zone, the peer as stored), statuses in lower case, "" as null; everything
// else as it is.
func canon(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			x = canon(x)
			if s, ok := x.(string); ok && k == "status" {
				x = strings.ToLower(s) // tracegraph's enums (CONFIRMED) are the stored values upper-cased
			}
			out[k] = x
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = canon(x)
		}
		return out
	case string:
		if t == "" {
			return nil // tracegraph answers an absent phone or address as "", the peer as null
		}
		if tm, err := time.Parse(time.RFC3339Nano, t); err == nil {
			return tm.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

func canonJSON(v any) string {
	b, _ := json.Marshal(canon(v))
	return string(b)
}

func trunc(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

func pct(ds []time.Duration) (time.Duration, time.Duration) {
	slices.Sort(ds)
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return at(0.5), at(0.95)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// pickPools draws the parameter values from the county in Neo4j.
func pickPools(ctx context.Context, db *graph.DB, seed uint64) (*pools, error) {
	strs := func(cypher string, params map[string]any) ([]string, error) {
		return graph.Read(ctx, db, "bench-peer", func(ctx context.Context, tx graph.Tx) ([]string, error) {
			res, err := tx.Run(ctx, cypher, params)
			if err != nil {
				return nil, err
			}
			var out []string
			for res.Next(ctx) {
				v, _ := res.Record().Get("v")
				s, _ := v.(string)
				out = append(out, s)
			}
			return out, res.Err()
		})
	}
	p := &pools{}
	var err error
	sd := map[string]any{"seed": int64(seed)}
	// A deterministic sample: every k-th id, offset by the seed.
	if p.people, err = strs(`MATCH (p:Person)-[:MEMBER_OF]->(:Household) WITH p ORDER BY p.id
		WITH collect(p.id) AS ids WITH ids, size(ids) / 200 + 1 AS k
		UNWIND range($seed % k, size(ids) - 1, k) AS i RETURN ids[i] AS v`, sd); err != nil {
		return nil, err
	}
	if p.villages, err = strs(`MATCH (a:Area)<-[:IN]-(:Household) RETURN DISTINCT a.code AS v ORDER BY v`, nil); err != nil {
		return nil, err
	}
	if p.towns, err = strs(`MATCH (t:Area)<-[:PART_OF]-(:Area)<-[:IN]-(:Household) RETURN DISTINCT t.code AS v ORDER BY v`, nil); err != nil {
		return nil, err
	}
	if p.households, err = strs(`MATCH (h:Household) WITH h ORDER BY h.id WITH collect(h.id) AS ids WITH ids, size(ids) / 200 + 1 AS k
		UNWIND range($seed % k, size(ids) - 1, k) AS i RETURN ids[i] AS v`, sd); err != nil {
		return nil, err
	}
	if p.areas, err = strs(`MATCH (a:Area) RETURN a.code AS v ORDER BY v`, nil); err != nil {
		return nil, err
	}
	if p.attending, err = strs(`MATCH (p:Person) WHERE EXISTS { (p)-[:ATTENDED]->(:Event) } WITH p ORDER BY p.id
		WITH collect(p.id) AS ids WITH ids, size(ids) / 200 + 1 AS k
		UNWIND range($seed % k, size(ids) - 1, k) AS i RETURN ids[i] AS v`, sd); err != nil {
		return nil, err
	}
	// Name prefixes that are found: a drawn person's first character in their village.
	names, err := strs(`UNWIND $ids AS id MATCH (p:Person {id: id})-[:MEMBER_OF]->(:Household)-[:IN]->(a:Area)
		RETURN a.code + '|' + left(p.name, 1) AS v`, map[string]any{"ids": p.people})
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if a, b, ok := strings.Cut(n, "|"); ok {
			p.namesAt = append(p.namesAt, [2]string{a, b})
		}
	}
	if len(p.people) == 0 || len(p.villages) == 0 || len(p.towns) == 0 || len(p.attending) == 0 {
		return nil, fmt.Errorf("the graph has %d people with households, %d villages, %d towns: load a county first",
			len(p.people), len(p.villages), len(p.towns))
	}
	return p, nil
}

// auditProbe measures what each answer that names someone pays for its audit record
// today (one CREATE (:AuditRecord) write transaction per operation): the sequential
// latency and the rate at which clients concurrent writers can commit them. Batched
// audit writes (the privacy work) would take this off the read path.
func auditProbe(ctx context.Context, svc *graph.Service, clients int, d time.Duration) error {
	rec := func(i int) graph.AuditRecord {
		return graph.AuditRecord{ID: fmt.Sprintf("bench-peer-%d-%d", time.Now().UnixNano(), i), Actor: "bench-peer",
			Role: graph.RoleEpidemiologist, At: time.Now(), Operation: "query bench-peer: audit probe", PersonIDs: []string{"P0000001"}}
	}
	var lat []time.Duration
	for i := range 50 {
		t := time.Now()
		if err := svc.WriteAudit(ctx, rec(i)); err != nil {
			return err
		}
		lat = append(lat, time.Since(t))
	}
	var n atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Since(start) < d; i++ {
				if svc.WriteAudit(ctx, rec(c*1_000_000+i)) == nil {
					n.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	p50, p95 := pct(lat)
	fmt.Printf("\naudit record write alone (what every answer naming someone adds): p50 %s p95 %s sequential, %.0f/s with %d writers\n",
		ms(p50), ms(p95), float64(n.Load())/time.Since(start).Seconds(), clients)
	return nil
}
