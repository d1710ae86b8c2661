// Command trace benchmarks the tracing queries on the graph NEO4J_URI points at (load a
// generated county first: `tracegraph gen --people 1000000 --out DIR && tracegraph load
// DIR`). It runs contactChain (depth 2) for random traced cases, risk for random people,
// all clusters and the unlinked exposures, twice: through GraphQL over HTTP (a real loopback server with the
// production handler and an epidemiologist's JWT) and straight through graph.Service
// (the same Cypher through the driver, no GraphQL), and prints p50/p95/max side by side.
// It only reads.
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
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/index"
	"github.com/tracegraph/tracegraph/resolvers"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-trace:", err)
		os.Exit(1)
	}
}

func run() error {
	chains := flag.Int("chains", 200, "contactChain calls (random traced cases)")
	risks := flag.Int("risks", 1000, "risk calls (random people)")
	asOfS := flag.String("asof", "", "asOf (RFC 3339); default: the latest confirmation in the graph")
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
	// TRACEGRAPH_INDEX=on: the rules read the in-memory tracing index (as serve does);
	// otherwise the Cypher reads per request. Run the same command both ways.
	var ix *index.Follower
	indexOn := os.Getenv("TRACEGRAPH_INDEX") == "on"
	if indexOn {
		ix = index.New(db, time.Second).WithFacts(loc)
		start := time.Now()
		if err := ix.Build(ctx); err != nil {
			return err
		}
		st := ix.Status()
		built := time.Since(start)
		runtime.GC()
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("index: built in %s, %d people, version %d; after a GC: heap in use %d MB, RSS %s\n",
			built.Round(time.Millisecond), st.People, st.Version, ms.HeapInuse>>20, rss())
		svc.Index = ix
		bg, cancel := context.WithCancel(ctx)
		defer cancel()
		go ix.Run(bg, nil)
	} else {
		fmt.Println("index: off (TRACEGRAPH_INDEX=on to read facts from the tracing index)")
	}

	asOf, err := pickAsOf(ctx, db, *asOfS)
	if err != nil {
		return err
	}
	cases, err := svc.TracedCaseIDs(ctx, asOf)
	if err != nil {
		return err
	}
	people, err := samplePeople(ctx, db, *risks, *seed)
	if err != nil {
		return err
	}
	if len(cases) == 0 || len(people) == 0 {
		return fmt.Errorf("the graph has %d traced cases and %d people as of %s: load a county first", len(cases), len(people), asOf.Format(time.RFC3339))
	}
	rng := mrand.New(mrand.NewPCG(*seed, 2))
	caseSample := make([]string, *chains)
	for i := range caseSample {
		caseSample[i] = cases[rng.IntN(len(cases))]
	}
	fmt.Printf("graph: %d traced cases as of %s; %d chains, %d risks\n\n", len(cases), asOf.Format(time.RFC3339), len(caseSample), len(people))

	// The production handler behind its JWT middleware, on a loopback HTTP server.
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	auth, err := resolvers.NewAuthenticator(secret, "")
	if err != nil {
		return err
	}
	token, err := resolvers.SignToken(secret, graph.RoleEpidemiologist, "bench", nil, time.Hour, time.Now())
	if err != nil {
		return err
	}
	h := resolvers.NewHandler(&resolvers.Resolver{Svc: svc, Index: ix}, resolvers.Options{Logger: zerolog.Nop()})
	srv := httptest.NewServer(auth.Middleware(h))
	defer srv.Close()
	post := func(query string, vars map[string]any) error {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		var out struct{ Errors []any }
		if err := json.Unmarshal(data, &out); err != nil || len(out.Errors) > 0 || resp.StatusCode != 200 {
			return fmt.Errorf("graphql %d: %s", resp.StatusCode, data)
		}
		return nil
	}
	at := asOf.Format(time.RFC3339)
	const chainQ = `query($id: ID!, $asOf: DateTime) { contactChain(caseId: $id, asOf: $asOf) {
		source { id } contacts { person { id name } degree class lastExposureAt via { id }
		exposures { kind class source { id } from to } } } }`
	const riskQ = `query($id: ID!, $asOf: DateTime) { risk(personId: $id, asOf: $asOf) {
		tier expiresAt reasons { rule since expiresAt case { id } } } }`
	const pageQ = `query($id: ID!, $asOf: DateTime) { contactChain(caseId: $id, maxDepth: 2, asOf: $asOf) { total
		contacts(first: 100) { person { id name } degree class lastExposureAt via { id } exposures { kind class source { id } from to } } } }`
	const summaryQ = `query($asOf: DateTime) { summary(asOf: $asOf) { confirmedTotal activeCases peopleByTier { red yellow green }
		children { areaCode confirmedTotal peopleByTier { red yellow } } } }`
	const redQ = `query($asOf: DateTime) { people(filter: {tier: RED}, first: 100, asOf: $asOf) { nodes { id name } hasNextPage } }`
	const clustersQ = `query($asOf: DateTime) { clusters(asOf: $asOf) { indexCase { id } size cases { person { id } generation } } }`
	const unlinkedQ = `query($asOf: DateTime) { unlinkedExposures(asOf: $asOf) { a { id } b { id } shared } }`

	var rows []row
	printHeader()
	r, err := measure("contactChain depth 2", caseSample,
		func(id string) error { return post(chainQ, map[string]any{"id": id, "asOf": at}) },
		func(id string) error { _, err := svc.ContactChain(ctx, id, 2, asOf); return err })
	if err != nil {
		return err
	}
	rows = append(rows, r)
	r, err = measure("chain contacts(first:100)", caseSample,
		func(id string) error { return post(pageQ, map[string]any{"id": id, "asOf": at}) },
		func(id string) error {
			ch, err := svc.ContactChain(ctx, id, 2, asOf)
			if err == nil {
				first := 100
				_, err = ch.PageContacts(&first, nil)
			}
			return err
		})
	if err != nil {
		return err
	}
	rows = append(rows, r)
	r, err = measure("risk", people,
		func(id string) error { return post(riskQ, map[string]any{"id": id, "asOf": at}) },
		func(id string) error { _, err := svc.Risk(ctx, id, asOf); return err })
	if err != nil {
		return err
	}
	rows = append(rows, r)
	r, err = measure("all clusters", []string{"", "", ""},
		func(string) error { return post(clustersQ, map[string]any{"asOf": at}) },
		func(string) error { _, err := svc.Clusters(ctx, asOf, 1); return err })
	if err != nil {
		return err
	}
	rows = append(rows, r)
	// summary after a change: a write through tracegraph (a bench-only person, upserted
	// again each time) moves the feed, so no cached answer can serve it.
	n := 0
	change := func() error {
		n++
		return db.WritePeople(ctx, []graph.Person{{ID: "BENCH-TRACE-1", Name: fmt.Sprintf("bench %d", n)}})
	}
	r, err = measure("summary after a change", []string{"", "", ""},
		func(string) error {
			if err := change(); err != nil {
				return err
			}
			return post(summaryQ, map[string]any{"asOf": at})
		},
		func(string) error {
			if err := change(); err != nil {
				return err
			}
			_, err := svc.Summary(ctx, "", asOf)
			return err
		})
	if err != nil {
		return err
	}
	rows = append(rows, r)
	if err := post(summaryQ, map[string]any{"asOf": at}); err != nil { // the answer of this version, once
		fmt.Println("summary warm-up:", err)
	}
	r, err = measure("summary repeated", []string{"", "", ""},
		func(string) error { return post(summaryQ, map[string]any{"asOf": at}) },
		func(string) error { _, err := svc.Summary(ctx, "", asOf); return err })
	if err != nil {
		return err
	}
	rows = append(rows, r)
	r, err = measure("people tier RED first 100", []string{"", "", ""},
		func(string) error { return post(redQ, map[string]any{"asOf": at}) },
		func(string) error {
			_, err := svc.SearchPeople(ctx, graph.PeopleFilter{Tier: graph.TierRed}, 100, "", asOf)
			return err
		})
	if err != nil {
		return err
	}
	rows = append(rows, r)
	r, err = measure("unlinked exposures", []string{"", "", ""},
		func(string) error { return post(unlinkedQ, map[string]any{"asOf": at}) },
		func(string) error { _, err := svc.UnlinkedExposures(ctx, asOf, ""); return err })
	if err != nil {
		return err
	}
	rows = append(rows, r)

	_ = rows
	fmt.Printf("\nRSS %s (this process: the HTTP server, the service and the index when on)\n", rss())
	return nil
}

// rss is the process's resident set now and at its peak (Linux /proc).
func rss() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	var cur, peak string
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			cur = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			peak = strings.TrimSpace(v)
		}
	}
	return cur + " (peak " + peak + ")"
}

type row struct {
	name     string
	n        int
	gql, raw [3]time.Duration // p50, p95, max
	err      error            // the first failure; the row is printed with it
}

func printHeader() {
	fmt.Printf("%-27s %6s | %-26s | %-26s | %s\n", "query", "n", "GraphQL/HTTP p50 p95 max", "service p50 p95 max", "p95 ratio")
}

func printRow(r row) {
	if r.err != nil {
		fmt.Printf("%-27s %6d | FAILED: %v\n", r.name, r.n, r.err)
		return
	}
	fmt.Printf("%-27s %6d | %8s %8s %8s | %8s %8s %8s | %.2f\n", r.name, r.n,
		ms(r.gql[0]), ms(r.gql[1]), ms(r.gql[2]), ms(r.raw[0]), ms(r.raw[1]), ms(r.raw[2]),
		float64(r.gql[1])/float64(max(r.raw[1], 1)))
}

// measure runs each id through both paths, interleaved so that caches warm equally.
func measure(name string, ids []string, gql, raw func(string) error) (row, error) {
	var g, r []time.Duration
	out := row{name: name, n: len(ids)}
	for _, id := range ids {
		t := time.Now()
		if err := gql(id); err != nil {
			out.err = fmt.Errorf("%s (after %s): %w", id, time.Since(t).Round(time.Millisecond), err)
			break
		}
		g = append(g, time.Since(t))
		t = time.Now()
		if err := raw(id); err != nil {
			out.err = fmt.Errorf("%s (service, after %s): %w", id, time.Since(t).Round(time.Millisecond), err)
			break
		}
		r = append(r, time.Since(t))
	}
	if out.err == nil {
		out.gql, out.raw = pct(g), pct(r)
	}
	printRow(out)
	return out, nil
}

func pct(ds []time.Duration) [3]time.Duration {
	slices.Sort(ds)
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return [3]time.Duration{at(0.5), at(0.95), ds[len(ds)-1]}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// pickAsOf is the flag's time, else the latest confirmation in the graph.
func pickAsOf(ctx context.Context, db *graph.DB, s string) (time.Time, error) {
	if s != "" {
		return time.Parse(time.RFC3339, s)
	}
	return graph.Read(ctx, db, "bench", func(ctx context.Context, tx graph.Tx) (time.Time, error) {
		res, err := tx.Run(ctx, `MATCH (c:Case) RETURN max(c.confirmedAt) AS t`, nil)
		if err != nil {
			return time.Time{}, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return time.Time{}, err
		}
		v, _ := rec.Get("t")
		t, ok := v.(time.Time)
		if !ok {
			return time.Now(), nil
		}
		return t, nil
	})
}

// samplePeople picks n people at random (by a random skip into the id order).
func samplePeople(ctx context.Context, db *graph.DB, n int, seed uint64) ([]string, error) {
	return graph.Read(ctx, db, "bench", func(ctx context.Context, tx graph.Tx) ([]string, error) {
		res, err := tx.Run(ctx, `MATCH (p:Person) WITH p, rand() AS r ORDER BY r LIMIT $n RETURN p.id AS id`, map[string]any{"n": n})
		if err != nil {
			return nil, err
		}
		var out []string
		for res.Next(ctx) {
			v, _ := res.Record().Get("id")
			out = append(out, v.(string))
		}
		_ = seed // ORDER BY rand() is not seeded; the case sample is
		return out, res.Err()
	})
}
