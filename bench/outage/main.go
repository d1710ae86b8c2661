// Command outage measures how long a request takes to fail when Neo4j goes away under a
// running service, and how soon it answers again once Neo4j is back (issue 11). It
// serves the production GraphQL handler over loopback HTTP against NEO4J_URI, warms the
// connection pool, runs -stop (a shell command that stops that Neo4j: a real outage),
// then times -requests person reads, one after another and -parallel at once; with
// -start it starts Neo4j again and times until the first answer. It only reads.
//
//	NEO4J_URI=bolt://127.0.0.1:7714 go run ./bench/outage \
//	  -stop 'NEO4J_PORT=7714 NEO4J_HOME=.neo4j-outage deploy/neo4j/neo4j.sh stop' \
//	  -start 'NEO4J_PORT=7714 NEO4J_HOME=.neo4j-outage deploy/neo4j/neo4j.sh start'
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/resolvers"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-outage:", err)
		os.Exit(1)
	}
}

func run() error {
	stop := flag.String("stop", "", "shell command that stops the Neo4j NEO4J_URI names (required)")
	start := flag.String("start", "", "shell command that starts it again (optional)")
	requests := flag.Int("requests", 5, "sequential requests timed during the outage")
	parallel := flag.Int("parallel", 20, "concurrent requests timed during the outage")
	flag.Parse()
	if *stop == "" {
		return fmt.Errorf("-stop is required")
	}
	ctx := context.Background()
	cfg := graph.ConfigFromEnv(os.Getenv)
	db, err := graph.Open(cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	auth, err := resolvers.NewAuthenticator(secret, "")
	if err != nil {
		return err
	}
	tok, err := resolvers.SignToken(secret, graph.RoleEpidemiologist, "bench-outage", nil, time.Hour, time.Now())
	if err != nil {
		return err
	}
	svc := graph.NewService(db, graph.DefaultPolicy(), time.UTC)
	h := resolvers.NewHandler(&resolvers.Resolver{Svc: svc}, resolvers.Options{Logger: zerolog.Nop(), Authenticate: auth.Verify})
	srv := httptest.NewServer(auth.Middleware(h))
	defer srv.Close()
	ask := func() (string, time.Duration) {
		t0 := time.Now()
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(`{"query":"{ person(id: \"P000001\") { id name } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "http error " + err.Error(), time.Since(t0)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var out struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		_ = json.Unmarshal(body, &out)
		if len(out.Errors) == 0 {
			return "ok", time.Since(t0)
		}
		return out.Errors[0].Extensions.Code + " (" + out.Errors[0].Message + ")", time.Since(t0)
	}
	for range 3 {
		if got, _ := ask(); got != "ok" {
			return fmt.Errorf("warm-up: %s", got)
		}
	}
	fmt.Println("warm: 3 reads answered; stopping Neo4j:", *stop)
	if out, err := exec.Command("sh", "-c", *stop).CombinedOutput(); err != nil {
		return fmt.Errorf("-stop: %v: %s", err, out)
	}
	for i := range *requests {
		got, took := ask()
		fmt.Printf("outage, request %d: %s after %s\n", i+1, got, took.Round(time.Millisecond))
	}
	time.Sleep(1500 * time.Millisecond) // past the circuit's pause: every request tries
	var (
		mu    sync.Mutex
		times []time.Duration
		codes = map[string]int{}
		wg    sync.WaitGroup
	)
	for range *parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, took := ask()
			mu.Lock()
			times = append(times, took)
			codes[strings.SplitN(got, " ", 2)[0]]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(times)
	fmt.Printf("outage, %d at once: %v; fastest %s, slowest %s\n", *parallel, codes,
		times[0].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
	if *start == "" {
		return nil
	}
	if out, err := exec.Command("sh", "-c", *start).CombinedOutput(); err != nil {
		return fmt.Errorf("-start: %v: %s", err, out)
	}
	back := time.Now()
	last := ""
	for {
		got, took := ask()
		if got != last {
			fmt.Printf("  %s after start: %s (took %s)\n", time.Since(back).Round(time.Millisecond), got, took.Round(time.Millisecond))
			last = got
		}
		if got == "ok" || strings.HasPrefix(got, "NOT_FOUND") {
			fmt.Printf("Neo4j started again: first answer %s after the start command returned\n", time.Since(back).Round(time.Millisecond))
			return nil
		}
		if time.Since(back) > time.Minute {
			return fmt.Errorf("no answer a minute after Neo4j started: %s", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
