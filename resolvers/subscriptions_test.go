package resolvers_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/resolvers"
)

// subscriptionServer is one handler (so one broker) acting as an epidemiologist, and
// the resolver, for publishing quarantine changes as the quarantine engine will.
func subscriptionServer(t *testing.T, svc *graph.Service) (http.Handler, *resolvers.Resolver) {
	res := &resolvers.Resolver{Svc: svc}
	h := resolvers.NewHandler(res, resolvers.Options{Logger: testLogger(t)})
	epi := &graph.Principal{Subject: "screen-epi", Role: graph.RoleEpidemiologist}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(graph.WithPrincipal(r.Context(), epi)))
	}), res
}

// sseStream opens a subscription over SSE on a real HTTP server and returns its
// events' data payloads.
func sseStream(t *testing.T, srv *httptest.Server, query string) <-chan json.RawMessage {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("SSE status %d", resp.StatusCode)
	}
	out := make(chan json.RawMessage, 16)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				out <- json.RawMessage(data)
			}
		}
	}()
	return out
}

// wsStream opens a subscription over a websocket (gqlgen's client dials a real
// httptest server) and returns its payloads.
func wsStream(t *testing.T, c *client.Client, query string) <-chan json.RawMessage {
	t.Helper()
	sub := c.Websocket(query)
	t.Cleanup(func() { _ = sub.Close() })
	out := make(chan json.RawMessage, 16)
	go func() {
		defer close(out)
		for {
			var v map[string]any
			if err := sub.Next(&v); err != nil {
				return
			}
			b, _ := json.Marshal(v)
			out <- b
		}
	}()
	return out
}

// until repeats act until an event arrives (a subscription registers asynchronously,
// so the first act may come before it listens) and returns the event.
func until(t *testing.T, events <-chan json.RawMessage, act func()) json.RawMessage {
	t.Helper()
	for i := 0; i < 20; i++ {
		act()
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("subscription ended")
			}
			return ev
		case <-time.After(250 * time.Millisecond):
		}
	}
	t.Fatal("no event")
	return nil
}

func TestSubscriptionsOverWebsocketAndSSE(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	h, _ := subscriptionServer(t, svc)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := client.New(h)

	const caseQ = `subscription { caseConfirmed { person { id } status } }`
	const riskT1 = `subscription { riskChanged(areaCode: "T1") { personIds people { id } cause } }`
	const riskT2 = `subscription { riskChanged(areaCode: "T2") { personIds } }`
	const quarQ = `subscription { quarantineChanged { personIds cause } }`
	transports := map[string]func(string) <-chan json.RawMessage{
		"websocket": func(q string) <-chan json.RawMessage { return wsStream(t, c, q) },
		"sse":       func(q string) <-chan json.RawMessage { return sseStream(t, srv, q) },
	}
	for name, open := range transports {
		t.Run(name, func(t *testing.T) {
			graphtest.Run(t, svc.DB, `MATCH (c:Case) DETACH DELETE c`, nil)
			cases, r1, r2, qs := open(caseQ), open(riskT1), open(riskT2), open(quarQ)

			// A contact recorded between P01 (T1) and P05 (T2): both towns hear of it,
			// each only of its own people (P01's household members too).
			ev := until(t, r1, func() {
				c.MustPost(`mutation { recordContact(input: {personA: "P01", personB: "P05", at: "2020-01-20 10:00"}) { at } }`, &map[string]any{})
			})
			if !strings.Contains(string(ev), `"personIds":["P01","P02","P03"]`) || !strings.Contains(string(ev), `"cause":"recordContact"`) ||
				!strings.Contains(string(ev), `{"id":"P01"}`) {
				t.Fatalf("riskChanged(T1) = %s", ev)
			}
			select {
			case ev := <-r2:
				if !strings.Contains(string(ev), `"personIds":["P05","P06"]`) {
					t.Fatalf("riskChanged(T2) = %s", ev)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("T2 heard nothing")
			}

			// A suspected case is not announced; its confirmation is, once.
			c.MustPost(`mutation { setCaseStatus(input: {personId: "P04", status: "suspected"}) { status } }`, &map[string]any{})
			ev = until(t, cases, func() {
				c.MustPost(`mutation { setCaseStatus(input: {personId: "P04", status: "confirmed"}) { status } }`, &map[string]any{})
			})
			if !strings.Contains(string(ev), `"person":{"id":"P04"}`) || !strings.Contains(string(ev), `"status":"CONFIRMED"`) {
				t.Fatalf("caseConfirmed = %s", ev)
			}
			c.MustPost(`mutation { setCaseStatus(input: {personId: "P04", status: "recovered"}) { status } }`, &map[string]any{})
			select {
			case ev := <-cases:
				t.Fatalf("a recovery announced as a confirmation: %s", ev)
			case <-time.After(300 * time.Millisecond):
			}

			graphtest.Run(t, svc.DB, `MATCH (n) WHERE n:Quarantine OR n:QuarantineRun DETACH DELETE n`, nil)
			c.MustPost(`mutation { setCaseStatus(input: {personId: "P01", status: "confirmed", onsetDate: "2020-01-20", confirmedAt: "2020-01-21 10:00"}) { status } }`, &map[string]any{})
			c.MustPost(`mutation { assignQuarantines(asOf: "2020-01-22T12:00:00+08:00") { created { person { id } } } }`, &map[string]any{})
			select {
			case ev = <-qs:
			case <-time.After(5 * time.Second):
				t.Fatal("the run was not announced")
			}
			if !strings.Contains(string(ev), `"personIds":["P02","P03",`) || !strings.Contains(string(ev), `"cause":"assignQuarantines"`) {
				t.Fatalf("quarantineChanged = %s", ev)
			}
		})
	}
}

func TestDashboardsCannotSubscribeToPeople(t *testing.T) {
	svc := graph.NewService(nil, graph.DefaultPolicy(), time.UTC)
	c := newClientAs(t, svc, &graph.Principal{Subject: "d", Role: graph.RoleDashboard})
	if errs := mustFail(t, c, `subscription { riskChanged { personIds } }`); errs[0].Extensions.Code != "FORBIDDEN" {
		t.Fatalf("%+v", errs)
	}
}

// A real assignment run tells quarantineChanged subscribers whose assignments changed.
func TestAssignmentRunIsAnnounced(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	h, _ := subscriptionServer(t, svc)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := client.New(h)
	// Subscribing after the version of an answer hears every change since, however
	// late the subscription registers.
	v := feedVersionOf(t, c)
	events := sseStream(t, srv, fmt.Sprintf(`subscription { quarantineChanged(after: %d) { personIds cause } }`, v))
	c.MustPost(`mutation { setCaseStatus(input: {personId: "P01", status: "confirmed", onsetDate: "2020-01-20", confirmedAt: "2020-01-21 10:00"}) { status } }`, &map[string]any{})
	c.MustPost(`mutation { assignQuarantines(asOf: "2020-01-22T12:00:00+08:00") { created { person { id } } } }`, &map[string]any{})
	for {
		select {
		case ev := <-events:
			if !strings.Contains(string(ev), `"personIds":["P02","P03"]`) || !strings.Contains(string(ev), `"cause":"assignQuarantines"`) {
				t.Fatalf("quarantineChanged = %s", ev)
			}
			return
		case <-time.After(10 * time.Second):
			t.Fatal("the run was not announced")
		}
	}
}

// A tracer's subscriptions: subscriptions_privacy_test.go (an event about people outside
// their scope is not delivered at all, not even as a refusal).

// feedVersionOf is the feed version an answer of c reports (extensions.feedVersion).
func feedVersionOf(t *testing.T, c *client.Client, opts ...client.Option) int64 {
	t.Helper()
	resp, err := c.RawPost(`{ policy { name } }`, opts...)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := resp.Extensions["feedVersion"].(float64)
	return int64(v)
}
