package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/resolvers"
)

// The test binary doubles as a `tracegraph serve` process, so the replica test runs
// real processes without building the binary first.
func TestMain(m *testing.M) {
	if os.Getenv("TRACEGRAPH_TEST_SERVE_CHILD") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, []string{"tracegraph", "serve"}, os.Getenv, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "tracegraph:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const replicaSecret = "replica-test-secret-of-at-least-32-bytes"

type replica struct {
	addr string
	cmd  *exec.Cmd
	log  string
}

func startReplica(t *testing.T, addr string) *replica {
	t.Helper()
	cfg := graphtest.Config()
	logPath := filepath.Join(t.TempDir(), strings.ReplaceAll(addr, ":", "_")+".log")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TRACEGRAPH_TEST_SERVE_CHILD=1", "TRACEGRAPH_ADDR="+addr,
		"NEO4J_URI="+cfg.URI, "NEO4J_USER="+cfg.User, "NEO4J_PASSWORD="+cfg.Password, "NEO4J_DATABASE="+cfg.Database,
		"TRACEGRAPH_JWT_SECRET="+replicaSecret, "TRACEGRAPH_LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{addr: addr, cmd: cmd, log: logPath}
	t.Cleanup(func() { r.kill(syscall.SIGTERM); f.Close() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return r
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logPath)
			t.Fatalf("replica %s not ready after 60 s:\n%s", addr, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (r *replica) kill(sig syscall.Signal) {
	if r.cmd.Process != nil && r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Signal(sig)
		_ = r.cmd.Wait()
	}
}

// answer is a GraphQL answer with the feed version it reports.
type answer struct {
	Data       json.RawMessage            `json:"data"`
	Errors     []struct{ Message string } `json:"errors"`
	Extensions struct {
		FeedVersion int64 `json:"feedVersion"`
	} `json:"extensions"`
}

func post(t *testing.T, addr, token, query string, minVersion int64) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if minVersion > 0 {
		req.Header.Set("X-Tracegraph-Min-Version", fmt.Sprint(minVersion))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	if len(a.Errors) > 0 {
		t.Fatalf("%s on %s: %+v", query, addr, a.Errors)
	}
	return a
}

// arrival is one event a subscriber received, and the connection it came on.
type arrival struct {
	seq      int64
	at       time.Time
	connFrom time.Time
}

// subscriber follows riskChanged on one replica over one transport, reconnecting (with
// after = the last seq it saw) whenever the stream breaks, as a screen would.
type subscriber struct {
	name, addr, transport, token string
	mu                           sync.Mutex
	got                          []arrival
	last                         int64
	reconnects                   int
}

func (s *subscriber) record(seq int64, connFrom time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, arrival{seq: seq, at: time.Now(), connFrom: connFrom})
	s.last = max(s.last, seq)
}

func (s *subscriber) follow(ctx context.Context, after int64) {
	s.last = after
	for ctx.Err() == nil {
		s.mu.Lock()
		from := s.last
		s.mu.Unlock()
		q := fmt.Sprintf(`subscription { riskChanged(after: %d) { seq personIds cause } }`, from)
		connFrom := time.Now()
		if s.transport == "sse" {
			s.sse(ctx, q, connFrom)
		} else {
			s.ws(ctx, q, connFrom)
		}
		s.mu.Lock()
		s.reconnects++
		s.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func eventSeq(payload []byte) (int64, bool) {
	var v struct {
		Data struct {
			RiskChanged struct{ Seq int64 } `json:"riskChanged"`
		} `json:"data"`
	}
	if json.Unmarshal(payload, &v) != nil || v.Data.RiskChanged.Seq == 0 {
		return 0, false
	}
	return v.Data.RiskChanged.Seq, true
}

func (s *subscriber) sse(ctx context.Context, q string, connFrom time.Time) {
	body, _ := json.Marshal(map[string]any{"query": q})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+s.addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			if seq, ok := eventSeq([]byte(data)); ok {
				s.record(seq, connFrom)
			}
		}
	}
}

func (s *subscriber) ws(ctx context.Context, q string, connFrom time.Time) {
	c, _, err := websocket.Dial(ctx, "ws://"+s.addr+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
	})
	if err != nil {
		return
	}
	defer c.CloseNow()
	send := func(v any) error {
		b, _ := json.Marshal(v)
		return c.Write(ctx, websocket.MessageText, b)
	}
	if send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + s.token}}) != nil {
		return
	}
	if send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": q}}) != nil {
		return
	}
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		var msg struct {
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(b, &msg) != nil {
			continue
		}
		switch msg.Type {
		case "next":
			if seq, ok := eventSeq(msg.Payload); ok {
				s.record(seq, connFrom)
			}
		case "ping":
			_ = send(map[string]any{"type": "pong"})
		case "error", "complete":
			return
		}
	}
}

// Issue 18: three `serve` processes over one Neo4j. Writes through each (and a load from
// the command line) reach the subscribers of every replica, over websocket and SSE, once
// each, in order, within 1 s; a replica killed and restarted gets its subscribers back,
// and they get what they missed (after); answers never go back in version when the
// client sends the version it last saw (X-Tracegraph-Min-Version).
func TestThreeReplicasShareTheFeed(t *testing.T) {
	db := graphtest.MustOpen(t)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.WriteAreas(ctx, []graph.Area{{Code: "C", Name: "县", Level: "county"}, {Code: "T1", Name: "一镇", Level: "town", ParentCode: "C"}}))
	must(db.WriteHouseholds(ctx, []graph.Household{{ID: "H1", AreaCode: "T1"}, {ID: "H2", AreaCode: "T1"}}))
	must(db.WritePeople(ctx, []graph.Person{{ID: "P01", Name: "张三", HouseholdID: "H1"}, {ID: "P02", Name: "李四", HouseholdID: "H2"},
		{ID: "P03", Name: "王五", HouseholdID: "H2"}}))

	addrs := []string{"127.0.0.1:8113", "127.0.0.1:8114", "127.0.0.1:8115"}
	reps := make([]*replica, len(addrs))
	for i, a := range addrs {
		reps[i] = startReplica(t, a)
	}
	token, err := resolvers.SignToken([]byte(replicaSecret), graph.RoleEpidemiologist, "replica-test", nil, time.Hour, time.Now())
	must(err)

	start := post(t, addrs[0], token, `{ policy { name } }`, 0).Extensions.FeedVersion
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var subs []*subscriber
	for i, a := range addrs {
		for _, tr := range []string{"websocket", "sse"} {
			s := &subscriber{name: fmt.Sprintf("replica%d/%s", i, tr), addr: a, transport: tr, token: token}
			subs = append(subs, s)
			go s.follow(sctx, start)
		}
	}

	// The client's view: the highest version it has seen, sent with every request.
	var seen int64
	checkVersion := func(a answer, where string) {
		if a.Extensions.FeedVersion < seen {
			t.Errorf("%s answered at version %d after the client saw %d", where, a.Extensions.FeedVersion, seen)
		}
		seen = max(seen, a.Extensions.FeedVersion)
	}
	writeStart := map[int64]time.Time{}
	var want []int64
	alive := []bool{true, true, true}
	write := func(i int) {
		r := i % 3
		for !alive[r] {
			r = (r + 1) % 3
		}
		t0 := time.Now()
		a := post(t, addrs[r], token, fmt.Sprintf(`mutation { recordContact(input: {personA: "P01", personB: "P02", at: "2020-01-20 10:%02d"}) { at } }`, i), seen)
		if a.Extensions.FeedVersion <= seen {
			t.Fatalf("write %d on %s: feedVersion %d, the client had seen %d", i, addrs[r], a.Extensions.FeedVersion, seen)
		}
		checkVersion(a, addrs[r]+" (write)")
		writeStart[a.Extensions.FeedVersion] = t0
		want = append(want, a.Extensions.FeedVersion)
		// Read it back on the next replica: it waits until it has seen the write.
		next := (r + 1) % 3
		for !alive[next] {
			next = (next + 1) % 3
		}
		checkVersion(post(t, addrs[next], token, `{ person(id: "P01") { id } }`, seen), addrs[next]+" (read)")
	}
	for i := 0; i < 10; i++ {
		write(i)
	}
	// Kill replica 2 without warning; its subscribers keep trying to reconnect.
	reps[2].kill(syscall.SIGKILL)
	alive[2] = false
	for i := 10; i < 20; i++ {
		write(i)
	}
	reps[2] = startReplica(t, addrs[2])
	alive[2] = true
	for i := 20; i < 30; i++ {
		write(i)
	}
	// A load from the command line (another process's writes) reaches every replica too.
	dir := writeFiles(t, map[string]string{"contacts.csv": "person_a,person_b,at,duration_min,setting,protected\nP02,P03,2020-01-21T10:00:00+08:00,15,other,false\n"})
	before, err := db.FeedHead(ctx)
	must(err)
	var out, errb bytes.Buffer
	must(run(ctx, []string{"tracegraph", "load", dir}, getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_LOG_LEVEL": "error"}), &out, &errb))
	loaded, err := db.FeedHead(ctx)
	must(err)
	if loaded <= before {
		t.Fatalf("the load wrote no change (feed head %d → %d)", before, loaded)
	}
	loadStart := time.Now()
	want = append(want, loaded)
	writeStart[loaded] = loadStart

	// Every subscriber gets every write, once, in order.
	deadline := time.Now().Add(15 * time.Second)
	for _, s := range subs {
		for {
			s.mu.Lock()
			n := 0
			for _, a := range s.got {
				if slices.Contains(want, a.seq) {
					n++
				}
			}
			s.mu.Unlock()
			if n >= len(want) || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	cancel()
	var latencies []time.Duration
	for _, s := range subs {
		s.mu.Lock()
		var seqs []int64
		for _, a := range s.got {
			seqs = append(seqs, a.seq)
		}
		for i := 1; i < len(seqs); i++ {
			if seqs[i] <= seqs[i-1] {
				t.Errorf("%s: seq %d after %d (order or duplicate): %v", s.name, seqs[i], seqs[i-1], seqs)
				break
			}
		}
		for _, w := range want {
			if !slices.Contains(seqs, w) {
				t.Errorf("%s missed change %d (got %v)", s.name, w, seqs)
			}
		}
		for _, a := range s.got {
			t0, ok := writeStart[a.seq]
			if !ok || t0.Before(a.connFrom) {
				continue // a replay of what it missed while its replica was down
			}
			d := a.at.Sub(t0)
			latencies = append(latencies, d)
			if d > time.Second {
				t.Errorf("%s: change %d arrived after %s", s.name, a.seq, d.Round(time.Millisecond))
			}
		}
		s.mu.Unlock()
	}
	for _, s := range subs[4:] {
		replayed := 0
		for _, a := range s.got {
			if t0, ok := writeStart[a.seq]; ok && t0.Before(a.connFrom) {
				replayed++
			}
		}
		if s.reconnects == 0 || replayed < 10 {
			t.Errorf("%s: %d reconnects, %d changes replayed after its replica was killed, want ≥ 1 and ≥ 10", s.name, s.reconnects, replayed)
		}
	}
	slices.Sort(latencies)
	if len(latencies) > 0 {
		p := func(q float64) time.Duration {
			return latencies[int(q*float64(len(latencies)-1))].Round(time.Millisecond)
		}
		t.Logf("delivery latency over %d live deliveries (from sending the write to the event at the subscriber): p50 %s, p95 %s, max %s",
			len(latencies), p(0.50), p(0.95), latencies[len(latencies)-1].Round(time.Millisecond))
		fmt.Printf("replicas: delivery latency p50 %s p95 %s (n=%d)\n", p(0.50), p(0.95), len(latencies))
	}
}
