package main

// Tests of the HTTP transport through the real `serve` (the function main runs): its
// http.Server with the limits of httpserver.Config, and its whole handler chain
// (request log, security headers, CORS, body limit, authentication, GraphQL). Issue 11
// items 2, 11 and 14, issue 19's metrics listener.

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/httpserver"
	"github.com/tracegraph/tracegraph/loader"
	"github.com/tracegraph/tracegraph/resolvers"
)

// served is a running `serve` on a loopback port.
type served struct {
	base    string // http://127.0.0.1:port
	addr    string // 127.0.0.1:port
	metrics string // the management listener's base URL, when TRACEGRAPH_METRICS_ADDR is set
	token   string // an epidemiologist's
	logs    *syncBuffer
}

// shortLimits are the limits of a test server: short enough that a test sees them act.
func shortLimits() httpserver.Config {
	c := httpserver.Defaults()
	c.ReadHeaderTimeout = 500 * time.Millisecond
	c.ReadTimeout = time.Second
	c.WriteTimeout = time.Second
	c.IdleTimeout = time.Second
	c.WebsocketInitTimeout = 2 * time.Second
	c.StreamKeepAlive = 300 * time.Millisecond
	return c
}

// startServe runs serve with env (over the test Neo4j, a JWT secret) and limits, and
// waits until it is ready.
func startServe(t *testing.T, extra map[string]string, limits httpserver.Config) *served {
	t.Helper()
	env := map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_JWT_SECRET": testSecret}
	maps.Copy(env, extra)
	old := httpLimits
	httpLimits = limits
	t.Cleanup(func() { httpLimits = old })

	pr, pw := io.Pipe()
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0"}, getenvFrom(env), pw, zerolog.New(logs).Level(zerolog.DebugLevel))
		pw.Close()
	}()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		close(lines)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop in 30 s")
		}
	})
	s := &served{logs: logs}
	wantMetrics := env["TRACEGRAPH_METRICS_ADDR"] != ""
	timeout := time.After(30 * time.Second)
	for s.base == "" || (wantMetrics && s.metrics == "") {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve ended: %v\n%s", <-done, logs)
			}
			if _, rest, ok := strings.Cut(l, "tracegraph serving on "); ok {
				s.base = strings.TrimSuffix(strings.Fields(rest)[0], "/")
			}
			if _, rest, ok := strings.Cut(l, "metrics on "); ok {
				s.metrics = strings.TrimSuffix(strings.Fields(rest)[0], "/metrics")
			}
		case <-timeout:
			t.Fatalf("serve printed no address in 30 s\n%s", logs)
		}
	}
	s.addr = strings.TrimPrefix(s.base, "http://")
	tok, err := resolvers.SignToken([]byte(testSecret), graph.RoleEpidemiologist, "tester", nil, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.token = tok
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready in 60 s\n%s", logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return s
}

// post sends a GraphQL request as the epidemiologist.
func (s *served) post(t *testing.T, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.base+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, b
}

// dial opens a raw connection to the server and sends head (request line and
// headers, without the blank line unless given).
func dial(t *testing.T, addr, head string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	return c, bufio.NewReader(c)
}

// closedWithin waits until the server closes c (a read ends in EOF or a reset), or
// fails after d.
func closedWithin(t *testing.T, c net.Conn, br *bufio.Reader, d time.Duration, what string) time.Duration {
	t.Helper()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(d))
	_, err := io.Copy(io.Discard, br)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("%s: the connection is still open after %s", what, d)
	}
	return time.Since(start)
}

// TestSlowClientsAreCutOff: headers that never end, a body that never arrives and an
// idle keep-alive connection are closed by the server's time-outs; over-size headers get
// 431; a 401 is answered at once to a client whose body is slow, and the connection closed.
func TestSlowClientsAreCutOff(t *testing.T) {
	graphtest.MustOpen(t)
	s := startServe(t, nil, shortLimits())

	c, br := dial(t, s.addr, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
	took := closedWithin(t, c, br, 3*time.Second, "headers never finished")
	t.Logf("unfinished headers closed after %s (ReadHeaderTimeout 500ms)", took.Round(time.Millisecond))

	// No token, a body announced as 100 KB of which 1 byte comes: 401 at once (net/http
	// would read up to 256 KB of an unread body before answering), then closed.
	c, br = dial(t, s.addr, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
	_ = c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	start := time.Now()
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer within 500 ms to an anonymous request with a slow body: %v", err)
	}
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous slow body: %d, want 401", resp.StatusCode)
	}
	t.Logf("401 to a slow body after %s", time.Since(start).Round(time.Millisecond))
	closedWithin(t, c, br, time.Second, "after the 401 to a slow body")

	// With a token, a body that stops halfway: closed by ReadTimeout (1 s).
	c, br = dial(t, s.addr, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer "+s.token+
		"\r\nContent-Length: 100000\r\n\r\n{\"query\":")
	took = closedWithin(t, c, br, 3*time.Second, "a body that stops halfway")
	t.Logf("a body that stopped halfway closed after %s (ReadTimeout 1s)", took.Round(time.Millisecond))

	// A keep-alive connection that sends no second request: closed by IdleTimeout (1 s).
	c, br = dial(t, s.addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	} else {
		io.Copy(io.Discard, resp.Body)
	}
	took = closedWithin(t, c, br, 3*time.Second, "an idle keep-alive connection")
	t.Logf("an idle connection closed after %s (IdleTimeout 1s)", took.Round(time.Millisecond))

	// Headers over MaxHeaderBytes (64 KiB): 431.
	c, br = dial(t, s.addr, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: "+strings.Repeat("a", 100<<10)+"\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("100 KB of headers: %v %v, want 431", resp, err)
	}

	// An operation may run longer than ReadTimeout and WriteTimeout (here 1 s each):
	// net/http cancels a request whose read deadline passes, so Guard lifts it once the
	// body is in and the operation extends its write deadline to its own time-out.
	resp2, body := s.post(t, `{"query":"{ policy { name } }"}`)
	if resp2.StatusCode != 200 || !strings.Contains(string(body), `"default"`) {
		t.Fatalf("policy: %d %s", resp2.StatusCode, body)
	}
}

// TestSSEThroughServe: a query and a subscription over SSE through the real handler
// chain (issue 11 item 11: the request log's writer must pass Flush through), and the
// subscription outlives ReadTimeout and WriteTimeout (LiftDeadlines).
func TestSSEThroughServe(t *testing.T) {
	db := graphtest.MustOpen(t)
	if _, err := loader.Load(context.Background(), db, "../../testdata/conformance/case01/bundle", loader.Options{}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	s := startServe(t, nil, shortLimits())
	t.Logf("loaded and serving after %s", time.Since(t0).Round(time.Millisecond))
	t.Cleanup(func() { t.Logf("test body done after %s", time.Since(t0).Round(time.Millisecond)) })

	resp, body := s.post(t, `{"query":"{ policy { name } }"}`, "Accept", "text/event-stream")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") ||
		!strings.Contains(string(body), "event: next") || !strings.Contains(string(body), `"name":"default"`) {
		t.Fatalf("SSE query: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	req, _ := http.NewRequest("POST", s.base+"/graphql", strings.NewReader(`{"query":"subscription { caseConfirmed { person { id } status } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+s.token)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Body.Close()
	if sub.StatusCode != 200 {
		b, _ := io.ReadAll(sub.Body)
		t.Fatalf("SSE subscription: %d %s", sub.StatusCode, b)
	}
	events := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(sub.Body)
		for sc.Scan() {
			events <- sc.Text()
		}
		close(events)
	}()
	// Past both deadlines (1 s), pings keep coming (every 300 ms) and the stream stays open.
	quiet := time.After(2500 * time.Millisecond)
	pings := 0
wait:
	for {
		select {
		case l, ok := <-events:
			if !ok {
				t.Fatalf("the SSE stream ended after %d pings, before 2.5 s (ReadTimeout and WriteTimeout are 1 s)", pings)
			}
			if strings.HasPrefix(l, ":") {
				pings++
			}
		case <-quiet:
			break wait
		}
	}
	if pings < 3 {
		t.Fatalf("%d keep-alive pings in 2.5 s, want at least 3 (every 300 ms)", pings)
	}
	r, b := s.post(t, `{"query":"mutation { setCaseStatus(input: {personId: \"R001\", status: \"confirmed\", onsetDate: \"2020-01-20\", confirmedAt: \"2020-01-21 10:00\"}) { status } }"}`)
	if r.StatusCode != 200 || strings.Contains(string(b), `"errors"`) {
		t.Fatalf("setCaseStatus: %d %s", r.StatusCode, b)
	}
	got := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-events:
			if !ok {
				t.Fatal("the SSE stream ended before the event")
			}
			if strings.HasPrefix(l, "data:") && strings.Contains(l, `"id":"R001"`) {
				t.Logf("the event came after %s", time.Since(t0).Round(time.Millisecond))
				return
			}
		case <-got:
			t.Fatal("no caseConfirmed event over SSE in 10 s")
		}
	}
}

// TestBadRequestsAnswer4xx: malformed JSON, a batched array and an over-size body are
// the client's fault: 400, 400 and 413 with an extensions.code, no data entry, and
// nothing logged at error level (the body, which may hold personal data, never).
func TestBadRequestsAnswer4xx(t *testing.T) {
	graphtest.MustOpen(t)
	s := startServe(t, nil, httpserver.Defaults())
	const marker = "R-SECRET-411599196106044145"
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"malformed JSON", `{"query": "{ person(id: \"` + marker + `\") { name } }"`, 400, "BAD_REQUEST"},
		{"batched array", `[{"query":"{ policy { name } }"},{"query":"{ person(id: \"` + marker + `\") { name } }"}]`, 400, "BAD_REQUEST"},
		{"over 1 MiB", `{"query":"{ policy { name } }","variables":{"pad":"` + marker + strings.Repeat("x", 1<<20) + `"}}`, 413, "PAYLOAD_TOO_LARGE"},
		{"no body", ``, 400, "BAD_REQUEST"},
		{"variables not an object", `{"query":"{ policy { name } }","variables":"` + marker + `"}`, 400, "BAD_REQUEST"},
	} {
		for _, accept := range []string{"application/json", "application/graphql-response+json"} {
			resp, body := s.post(t, tc.body, "Accept", accept)
			var out struct {
				Data   *json.RawMessage `json:"data"`
				Errors []struct {
					Message    string         `json:"message"`
					Extensions map[string]any `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(body, &out); err != nil {
				t.Errorf("%s (%s): %d, not JSON: %s", tc.name, accept, resp.StatusCode, body)
				continue
			}
			if resp.StatusCode != tc.status || len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != tc.code {
				t.Errorf("%s (%s): %d %s, want %d with code %s", tc.name, accept, resp.StatusCode, body, tc.status, tc.code)
			}
			if strings.Contains(string(body), `"data"`) {
				t.Errorf("%s (%s): a data entry in %s", tc.name, accept, body)
			}
			if strings.Contains(string(body), marker) {
				t.Errorf("%s (%s): the answer repeats the body: %s", tc.name, accept, body)
			}
		}
	}
	logs := s.logs.String()
	if strings.Contains(logs, marker) {
		t.Errorf("the request body reached the log:\n%s", logs)
	}
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, `"level":"error"`) {
			t.Errorf("logged at error level: %s", l)
		}
	}
}

// TestMetricsListener: TRACEGRAPH_METRICS_ADDR serves /metrics without a token (and
// pprof with TRACEGRAPH_PPROF=1) on its own listener; the main port keeps its rule.
func TestMetricsListener(t *testing.T) {
	graphtest.MustOpen(t)
	s := startServe(t, map[string]string{"TRACEGRAPH_METRICS_ADDR": "127.0.0.1:0", "TRACEGRAPH_PPROF": "1"}, httpserver.Defaults())
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(b)
	}
	s.post(t, `{"operationName":"P","query":"query P { policy { name } }"}`)
	code, body := get(s.metrics + "/metrics")
	if code != 200 || !strings.Contains(body, `tracegraph_graphql_operation_seconds_count{operation="P"} 1`) {
		t.Fatalf("metrics listener /metrics: %d %.300s", code, body)
	}
	if code, _ := get(s.metrics + "/debug/pprof/"); code != 200 {
		t.Errorf("metrics listener /debug/pprof/ with TRACEGRAPH_PPROF=1: %d", code)
	}
	if code, _ := get(s.metrics + "/graphql"); code != 404 {
		t.Errorf("metrics listener /graphql: %d, want 404 (only metrics and pprof there)", code)
	}
	if code, _ := get(s.base + "/metrics"); code != 401 {
		t.Errorf("main /metrics without a token: %d, want 401", code)
	}
	if code, _ := get(s.base + "/debug/pprof/"); code == 200 {
		t.Errorf("main /debug/pprof/: 200, want it only on the metrics listener")
	}
}

func TestMetricsListenerOffByDefault(t *testing.T) {
	graphtest.MustOpen(t)
	s := startServe(t, map[string]string{"TRACEGRAPH_METRICS_ADDR": "127.0.0.1:0"}, httpserver.Defaults())
	resp, err := http.Get(s.metrics + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("/debug/pprof/ without TRACEGRAPH_PPROF: %d, want 404", resp.StatusCode)
	}
	s2 := startServe(t, nil, httpserver.Defaults())
	if s2.metrics != "" {
		t.Errorf("a metrics listener without TRACEGRAPH_METRICS_ADDR: %s", s2.metrics)
	}
}

// wsUpgrade asks for a graphql-transport-ws websocket on a raw connection.
func wsUpgrade(addr, extraHeaders string) (net.Conn, *bufio.Reader, int, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, nil, 0, err
	}
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_, err = fmt.Fprintf(c, "GET /graphql HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n%s\r\n", addr, extraHeaders)
	if err != nil {
		c.Close()
		return nil, nil, 0, err
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		c.Close()
		return nil, nil, 0, err
	}
	_ = c.SetDeadline(time.Time{})
	return c, br, resp.StatusCode, nil
}

// wsSend writes one masked text frame (clients must mask).
func wsSend(c net.Conn, msg string) error {
	b := []byte{0x81}
	switch n := len(msg); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	default:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	}
	mask := [4]byte{7, 1, 9, 3}
	b = append(b, mask[:]...)
	for i := range len(msg) {
		b = append(b, msg[i]^mask[i%4])
	}
	_, err := c.Write(b)
	return err
}

// wsRead reads one frame from the server (unmasked): its opcode and payload.
func wsRead(br *bufio.Reader) (byte, []byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		return 0, nil, err
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return 0, nil, err
		}
		n = uint64(binary.BigEndian.Uint16(l[:]))
	case 127:
		var l [8]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return 0, nil, err
		}
		n = binary.BigEndian.Uint64(l[:])
	}
	p := make([]byte, n)
	_, err := io.ReadFull(br, p)
	return h[0] & 0x0f, p, err
}

// wsNext reads frames until a text message, answering nothing.
func wsNext(t *testing.T, c net.Conn, br *bufio.Reader, within time.Duration) string {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(within))
	defer c.SetReadDeadline(time.Time{})
	for {
		op, p, err := wsRead(br)
		if err != nil {
			t.Fatalf("websocket read: %v", err)
		}
		switch op {
		case 1:
			return string(p)
		case 8:
			t.Fatalf("websocket closed by the server: %q", p)
		}
	}
}

// TestWebsocketAuthentication: a token at the upgrade is checked there (a bad one gets
// 401); without one, connection_init must bring it within the init time-out; the socket
// then outlives ReadTimeout and WriteTimeout; an authenticated socket frees its pending slot.
func TestWebsocketAuthentication(t *testing.T) {
	graphtest.MustOpen(t)
	limits := shortLimits()
	limits.MaxPendingWebsockets = 1
	s := startServe(t, nil, limits)

	if c, _, code, err := wsUpgrade(s.addr, "Authorization: Bearer not-a-token\r\n"); err != nil || code != 401 {
		t.Fatalf("upgrade with a bad token: %d %v, want 401", code, err)
	} else {
		c.Close()
	}
	c, br, code, err := wsUpgrade(s.addr, "Authorization: Bearer "+s.token+"\r\n")
	if err != nil || code != 101 {
		t.Fatalf("upgrade with a token: %d %v", code, err)
	}
	defer c.Close()
	wsSend(c, `{"type":"connection_init"}`)
	if m := wsNext(t, c, br, 5*time.Second); !strings.Contains(m, "connection_ack") {
		t.Fatalf("after connection_init: %s", m)
	}

	// Without a header: the one pending slot; a second waits for it and is refused.
	c2, br2, code, err := wsUpgrade(s.addr, "")
	if err != nil || code != 101 {
		t.Fatalf("upgrade without a token: %d %v", code, err)
	}
	defer c2.Close()
	if c3, _, code, err := wsUpgrade(s.addr, ""); err != nil || code != 503 {
		t.Fatalf("a second pending upgrade beyond the bound of 1: %d %v, want 503", code, err)
	} else {
		c3.Close()
	}
	wsSend(c2, `{"type":"connection_init","payload":{"Authorization":"Bearer `+s.token+`"}}`)
	if m := wsNext(t, c2, br2, 5*time.Second); !strings.Contains(m, "connection_ack") {
		t.Fatalf("after connection_init with a token: %s", m)
	}
	// Authenticated: the slot is free again.
	c4, br4, code, err := wsUpgrade(s.addr, "")
	if err != nil || code != 101 {
		t.Fatalf("upgrade after the pending one authenticated: %d %v, want 101", code, err)
	}
	defer c4.Close()
	start := time.Now()
	_ = c4.SetReadDeadline(start.Add(limits.WebsocketInitTimeout + 2*time.Second))
	for {
		op, p, err := wsRead(br4)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("a websocket that sends no connection_init is still open after %s", time.Since(start))
		}
		if err != nil || op == 8 {
			t.Logf("a websocket without connection_init closed after %s (init time-out %s): %q", time.Since(start).Round(time.Millisecond), limits.WebsocketInitTimeout, p)
			break
		}
	}

	// Both authenticated sockets live past ReadTimeout and WriteTimeout (1 s): a ping
	// after 2.5 s gets its pong, and a query its answer.
	time.Sleep(2500 * time.Millisecond)
	for i, cc := range []struct {
		c  net.Conn
		br *bufio.Reader
	}{{c, br}, {c2, br2}} {
		wsSend(cc.c, `{"type":"ping"}`)
		if m := wsNext(t, cc.c, cc.br, 5*time.Second); !strings.Contains(m, "pong") {
			t.Fatalf("socket %d after 2.5 s: %s", i, m)
		}
		wsSend(cc.c, `{"id":"1","type":"subscribe","payload":{"query":"{ policy { name } }"}}`)
		if m := wsNext(t, cc.c, cc.br, 5*time.Second); !strings.Contains(m, `"default"`) {
			t.Fatalf("socket %d query after 2.5 s: %s", i, m)
		}
	}
}

func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd to count file descriptors")
	}
	return len(ents)
}

// TestSocketsWithoutConnectionInit: the attack of issue 11 item 2, scaled to the
// machine: many websockets that never send connection_init. Beyond the pending bound
// the upgrade is refused at once; the rest are closed within the init time-out; the
// file descriptors come back; a person query meanwhile stays fast.
// TRACEGRAPH_TEST_SOCKETS sets the number (2,000 by default; the process holds both
// ends, so twice that in descriptors).
func TestSocketsWithoutConnectionInit(t *testing.T) {
	db := graphtest.MustOpen(t)
	if _, err := loader.Load(context.Background(), db, "../../testdata/conformance/case01/bundle", loader.Options{}); err != nil {
		t.Fatal(err)
	}
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("TRACEGRAPH_TEST_SOCKETS")); err == nil && v > 0 {
		n = v
	}
	limits := shortLimits()
	limits.MaxPendingWebsockets = 500
	s := startServe(t, nil, limits)
	before := openFDs(t)

	var upgraded, refused, failed atomic.Int64
	var slowest atomic.Int64 // ns from upgrade to the server's close
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	start := time.Now()
	for range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			c, br, code, err := wsUpgrade(s.addr, "")
			<-sem
			if err != nil {
				failed.Add(1)
				return
			}
			defer c.Close()
			switch code {
			case 101:
				upgraded.Add(1)
			case 503:
				refused.Add(1)
				return
			default:
				failed.Add(1)
				return
			}
			t0 := time.Now()
			_ = c.SetReadDeadline(t0.Add(limits.WebsocketInitTimeout + 5*time.Second))
			for {
				op, _, err := wsRead(br)
				if err != nil || op == 8 {
					if ne, ok := err.(net.Error); ok && ne.Timeout() {
						failed.Add(1)
						return
					}
					break
				}
			}
			d := time.Since(t0).Nanoseconds()
			for {
				cur := slowest.Load()
				if d <= cur || slowest.CompareAndSwap(cur, d) {
					break
				}
			}
		}()
	}
	// Meanwhile, a person query (through access control, to Neo4j).
	var worst time.Duration
	for i := range 5 {
		t0 := time.Now()
		resp, body := s.post(t, `{"query":"{ person(id: \"R001\") { id name } }"}`)
		d := time.Since(t0)
		worst = max(worst, d)
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"R001"`) {
			t.Fatalf("query %d during the attack: %d %s", i, resp.StatusCode, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	wg.Wait()
	t.Logf("%d sockets without connection_init in %s: %d upgraded and closed by the server within %s (init time-out %s), %d refused with 503 (bound %d), %d failed; a query meanwhile took at most %s",
		n, time.Since(start).Round(time.Millisecond), upgraded.Load(), time.Duration(slowest.Load()).Round(time.Millisecond),
		limits.WebsocketInitTimeout, refused.Load(), limits.MaxPendingWebsockets, failed.Load(), worst.Round(time.Millisecond))
	if failed.Load() > 0 {
		t.Errorf("%d sockets were not closed by the server within the init time-out + 5 s (or failed to connect)", failed.Load())
	}
	if upgraded.Load() == 0 || upgraded.Load()+refused.Load() != int64(n) {
		t.Errorf("upgraded %d + refused %d != %d", upgraded.Load(), refused.Load(), n)
	}
	if time.Duration(slowest.Load()) > limits.WebsocketInitTimeout+time.Second {
		t.Errorf("the slowest socket was closed after %s, want within the init time-out %s (+1 s)", time.Duration(slowest.Load()), limits.WebsocketInitTimeout)
	}
	if worst > 2*time.Second {
		t.Errorf("a query during the attack took %s", worst)
	}
	// The descriptors come back (both ends were in this process).
	deadline := time.Now().Add(10 * time.Second)
	for {
		after := openFDs(t)
		if after <= before+16 {
			t.Logf("file descriptors: %d before, %d after", before, after)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("file descriptors: %d before, %d 10 s after the attack", before, after)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
