package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// proxy forwards TCP to Neo4j and can be cut and restored, so a test can take the
// database away from a running service without stopping the shared Neo4j.
type proxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{t: t, target: target}
	p.up("127.0.0.1:0")
	t.Cleanup(p.down)
	return p
}

func (p *proxy) up(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *proxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func getenvFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func status(t *testing.T, h http.Handler, path string) int {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code
}

func waitStatus(t *testing.T, h http.Handler, path string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := status(t, h, path)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s = %d after %s, want %d", path, got, within, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestReadyzFollowsNeo4jWithoutRestart(t *testing.T) {
	graphtest.MustOpen(t) // Neo4j must answer before the test starts
	target := strings.TrimPrefix(graphtest.Config().URI, "bolt://")
	px := newProxy(t, target)
	env := map[string]string{"NEO4J_URI": "bolt://" + px.addr, "TRACEGRAPH_DEV": "1"}
	a, err := newApp(context.Background(), getenvFrom(env), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()

	if got := status(t, a.handler, "/healthz"); got != 200 {
		t.Fatalf("/healthz = %d", got)
	}
	waitStatus(t, a.handler, "/readyz", 200, 60*time.Second)

	addr := px.addr
	px.down()
	waitStatus(t, a.handler, "/readyz", 503, 30*time.Second)
	if got := status(t, a.handler, "/healthz"); got != 200 {
		t.Fatalf("/healthz while Neo4j is away = %d, want 200 (the process is up)", got)
	}

	px.up(addr)
	waitStatus(t, a.handler, "/readyz", 200, 60*time.Second)
}

func TestServeAnswersPolicyAndMetrics(t *testing.T) {
	graphtest.MustOpen(t)
	env := getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_JWT_SECRET": testSecret})
	a, err := newApp(context.Background(), env, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	waitStatus(t, a.handler, "/readyz", 200, 60*time.Second) // runs Neo4j transactions
	query := `{"operationName":"P","query":"query P { policy { name } }"}`

	anon, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(query))
	if err != nil {
		t.Fatal(err)
	}
	anon.Body.Close()
	if anon.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous POST /graphql = %d, want 401", anon.StatusCode)
	}

	var out bytes.Buffer
	if err := run(context.Background(), []string{"tracegraph", "token", "--role", "dashboard", "--sub", "screen"}, env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/graphql", strings.NewReader(query))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(out.String()))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"name":"default"`) {
		t.Fatalf("POST /graphql = %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id on the response")
	}
	if got := status(t, a.handler, "/metrics"); got != http.StatusUnauthorized {
		t.Errorf("anonymous /metrics = %d, want 401", got)
	}
	mreq, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	mreq.Header.Set("Authorization", req.Header.Get("Authorization"))
	mresp, err := http.DefaultClient.Do(mreq)
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	for _, want := range []string{`tracegraph_graphql_operation_seconds_count{operation="P"} 1`, `tracegraph_neo4j_transaction_seconds`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if got := status(t, a.handler, "/"); got != 200 {
		t.Errorf("IDE page / = %d", got)
	}
}

const testSecret = "a-test-secret-that-is-long-enough-0123"

func TestServeRefusesToStartWithoutASecret(t *testing.T) {
	_, err := newApp(context.Background(), getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI}), zerolog.Nop())
	if err == nil || !strings.Contains(err.Error(), "TRACEGRAPH_JWT_SECRET") {
		t.Fatalf("err = %v, want a refusal naming TRACEGRAPH_JWT_SECRET", err)
	}
	a, err := newApp(context.Background(), getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_DEV": "1"}), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	if a.devToken == "" {
		t.Fatal("development mode made no token")
	}
}

func TestRunRejectsUnknownCommand(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"tracegraph", "frobnicate"}, getenvFrom(nil), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("err = %v", err)
	}
	var ec exitCoder
	if ee, ok := err.(exitCoder); ok {
		ec = ee
	}
	if ec == nil || ec.ExitCode() != 2 {
		t.Fatalf("exit code: %v", err)
	}
}

func TestRequestBodyLimit(t *testing.T) {
	graphtest.MustOpen(t)
	a, err := newApp(context.Background(), getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_DEV": "1"}), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	big := `{"query":"{ policy { name } }","variables":{"pad":"` + strings.Repeat("x", 1<<20) + `"}}`
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(big))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.devToken)
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	if rec.Code == 200 && !strings.Contains(rec.Body.String(), "errors") {
		t.Fatalf("a body over 1 MiB was accepted: %d %s", rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
	}
	small := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"{ policy { name } }"}`))
	small.Header.Set("Content-Type", "application/json")
	small.Header.Set("Authorization", "Bearer "+a.devToken)
	rec = httptest.NewRecorder()
	a.handler.ServeHTTP(rec, small)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"default"`) {
		t.Fatalf("small body: %d %s", rec.Code, rec.Body)
	}
}

func TestServeAppGivesTheDevTokenOnlyInDevMode(t *testing.T) {
	for _, tc := range []struct {
		env       map[string]string
		wantToken bool
	}{
		{map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_DEV": "1"}, true},
		{map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_JWT_SECRET": testSecret}, false},
	} {
		a, err := newApp(context.Background(), getenvFrom(tc.env), zerolog.Nop())
		if err != nil {
			t.Fatal(err)
		}
		if got := status(t, a.handler, "/app/"); got != 200 {
			t.Errorf("/app/ = %d, want 200 (the page loads without a token)", got)
		}
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, httptest.NewRequest("GET", "/app/config.json", nil))
		body := rec.Body.String()
		if has := a.devToken != "" && strings.Contains(body, a.devToken); has != tc.wantToken {
			t.Errorf("config.json %s: carries the dev token = %v, want %v", body, has, tc.wantToken)
		}
		if tc.wantToken == false && strings.Contains(body, "devToken") {
			t.Errorf("config.json %s names a devToken outside development mode", body)
		}
		if !strings.Contains(body, `"timeZone":"Asia/Shanghai"`) {
			t.Errorf("config.json %s: want the service's zone", body)
		}
		a.close()
	}
}

// TestServeWithTheIndex: TRACEGRAPH_INDEX=on makes /readyz wait for the index and
// /metrics show its version and lag; another value is refused at start.
func TestServeWithTheIndex(t *testing.T) {
	graphtest.MustOpen(t)
	env := map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_JWT_SECRET": testSecret, "TRACEGRAPH_INDEX": "on"}
	a, err := newApp(context.Background(), getenvFrom(env), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	waitStatus(t, a.handler, "/readyz", 200, 60*time.Second)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"tracegraph", "token", "--role", "dashboard", "--sub", "screen"}, getenvFrom(env), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(out.String()))
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	for _, want := range []string{"tracegraph_index_version ", "tracegraph_index_lag 0", "tracegraph_index_answers "} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	env["TRACEGRAPH_INDEX"] = "yes"
	if _, err := newApp(context.Background(), getenvFrom(env), zerolog.Nop()); err == nil || !strings.Contains(err.Error(), "TRACEGRAPH_INDEX") {
		t.Fatalf("TRACEGRAPH_INDEX=yes: %v, want a refusal naming it", err)
	}
}
