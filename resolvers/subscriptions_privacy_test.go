package resolvers_test

import (
	"encoding/json"
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

// principalServer serves h as p over a real HTTP server (SSE) and a client (websocket).
func principalServer(t *testing.T, h http.Handler, p *graph.Principal) (*httptest.Server, *client.Client) {
	t.Helper()
	as := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(graph.WithPrincipal(r.Context(), p)))
	})
	srv := httptest.NewServer(as)
	t.Cleanup(srv.Close)
	return srv, client.New(as)
}

// wsStreamErrors is wsStream that also hands on the error that ends the stream.
func wsStreamErrors(t *testing.T, c *client.Client, query string) <-chan json.RawMessage {
	t.Helper()
	sub := c.Websocket(query)
	t.Cleanup(func() { _ = sub.Close() })
	out := make(chan json.RawMessage, 16)
	go func() {
		defer close(out)
		for {
			var v map[string]any
			err := sub.Next(&v)
			if err != nil {
				b, _ := json.Marshal(map[string]any{"streamError": err.Error()})
				out <- b
				return
			}
			b, _ := json.Marshal(v)
			out <- b
		}
	}()
	return out
}

// drain collects what arrives on events within d.
func drain(events <-chan json.RawMessage, d time.Duration) []string {
	var got []string
	deadline := time.After(d)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return got
			}
			got = append(got, string(ev))
		case <-deadline:
			return got
		}
	}
}

// Issue 11 item 12: a tracer's subscriptions deliver only people SPEC §8 lets them see.
// Writes in T2 (another town, no link to T1's cases) must not reach a T1 tracer at all:
// not as ids, not as people, not as a case or a quarantine; writes in T1 do.
func TestTracerSubscriptionsCarryOnlyTheirScope(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	h := resolvers.NewHandler(&resolvers.Resolver{Svc: svc}, resolvers.Options{Logger: testLogger(t)})
	_, epi := principalServer(t, h, &graph.Principal{Subject: "epi", Role: graph.RoleEpidemiologist})
	srv, tc := principalServer(t, h, &graph.Principal{Subject: "t1", Role: graph.RoleTracer, Areas: []string{"T1"}})
	post := func(q string) { epi.MustPost(q, &map[string]any{}) }

	for name, open := range map[string]func(string) <-chan json.RawMessage{
		"websocket": func(q string) <-chan json.RawMessage { return wsStreamErrors(t, tc, q) },
		"sse":       func(q string) <-chan json.RawMessage { return sseStream(t, srv, q) },
	} {
		t.Run(name, func(t *testing.T) {
			graphtest.Run(t, svc.DB, `MATCH (n) WHERE n:Case OR n:Quarantine OR n:QuarantineRun DETACH DELETE n`, nil)
			risk := open(`subscription { riskChanged { personIds people { id name } } }`)
			cases := open(`subscription { caseConfirmed { person { id name } } }`)
			quars := open(`subscription { quarantineChanged { personIds } }`)
			// Listening (a T1 write the tracer may see), then give the others time.
			until(t, risk, func() {
				post(`mutation { recordContact(input: {personA: "P01", personB: "P02", at: "2020-01-19 10:00"}) { at } }`)
			})
			time.Sleep(300 * time.Millisecond)
			drain(risk, 300*time.Millisecond)

			// T2: a case, its household's risk, its quarantine.
			post(`mutation { recordContact(input: {personA: "P05", personB: "P06", at: "2020-01-20 10:00"}) { at } }`)
			post(`mutation { setCaseStatus(input: {personId: "P05", status: "confirmed", onsetDate: "2020-01-20", confirmedAt: "2020-01-21 10:00"}) { status } }`)
			post(`mutation { assignQuarantines(asOf: "2020-01-22T12:00:00+08:00") { created { person { id } } } }`)
			// T1: the markers the tracer must hear.
			post(`mutation { setCaseStatus(input: {personId: "P01", status: "confirmed", onsetDate: "2020-01-20", confirmedAt: "2020-01-21 10:00"}) { status } }`)
			post(`mutation { assignQuarantines(asOf: "2020-01-22T13:00:00+08:00") { created { person { id } } } }`)

			all := map[string][]string{
				"riskChanged":       drain(risk, 2*time.Second),
				"caseConfirmed":     drain(cases, time.Second),
				"quarantineChanged": drain(quars, time.Second),
			}
			for sub, evs := range all {
				for _, ev := range evs {
					for _, leak := range []string{"P05", "P06", "张七", "赵八"} {
						if strings.Contains(ev, leak) {
							t.Errorf("%s carried %s to the T1 tracer: %s", sub, leak, ev)
						}
					}
				}
			}
			if len(all["caseConfirmed"]) == 0 || !strings.Contains(all["caseConfirmed"][0], `"P01"`) {
				t.Errorf("caseConfirmed = %v, want P01's confirmation first", all["caseConfirmed"])
			}
			if len(all["quarantineChanged"]) == 0 || !strings.Contains(all["quarantineChanged"][0], `"P02"`) {
				t.Errorf("quarantineChanged = %v, want P02's quarantine first", all["quarantineChanged"])
			}
			if len(all["riskChanged"]) == 0 || !strings.Contains(all["riskChanged"][0], `"P01"`) {
				t.Errorf("riskChanged = %v, want P01's household first", all["riskChanged"])
			}
		})
	}
}

// A tracer's riskChanged(areaCode) must lie within their areas; the refusal names the
// argument and no one.
func TestTracerRiskChangedAreaMustBeTheirs(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	srv, _ := principalServer(t, resolvers.NewHandler(&resolvers.Resolver{Svc: svc}, resolvers.Options{Logger: testLogger(t)}),
		&graph.Principal{Subject: "t1", Role: graph.RoleTracer, Areas: []string{"T1"}})
	for _, code := range []string{"T2", "C", "NOPE"} {
		got := drain(sseStream(t, srv, `subscription { riskChanged(areaCode: "`+code+`") { personIds } }`), 2*time.Second)
		if len(got) == 0 || !strings.Contains(got[0], `"FORBIDDEN"`) || !strings.Contains(got[0], "areaCode") {
			t.Fatalf("areaCode %s: %v, want FORBIDDEN naming areaCode", code, got)
		}
		for _, leak := range []string{"P05", "P06", "张七", "赵八"} {
			if strings.Contains(got[0], leak) {
				t.Fatalf("the refusal names %s: %s", leak, got[0])
			}
		}
	}
	// Under their areas is fine: the subscription opens (no error before any event).
	ev := drain(sseStream(t, srv, `subscription { riskChanged(areaCode: "V1") { personIds } }`), 500*time.Millisecond)
	if len(ev) != 0 {
		t.Fatalf("riskChanged(V1) for a T1 tracer = %v, want it open and quiet", ev)
	}
}

// Issue 11 item 13: a subscription ends when its token expires, with a message that
// says so, on both transports.
func TestSubscriptionEndsWhenTokenExpires(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	h := resolvers.NewHandler(&resolvers.Resolver{Svc: svc}, resolvers.Options{Logger: testLogger(t)})
	for name, open := range map[string]func(*graph.Principal, string) <-chan json.RawMessage{
		"websocket": func(p *graph.Principal, q string) <-chan json.RawMessage {
			_, c := principalServer(t, h, p)
			return wsStreamErrors(t, c, q)
		},
		"sse": func(p *graph.Principal, q string) <-chan json.RawMessage {
			srv, _ := principalServer(t, h, p)
			return sseStream(t, srv, q)
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := &graph.Principal{Subject: "epi", Role: graph.RoleEpidemiologist, Expires: time.Now().Add(1500 * time.Millisecond)}
			events := open(p, `subscription { riskChanged { personIds } }`)
			start := time.Now()
			got := drain(events, 4*time.Second)
			closed := false
			select {
			case _, ok := <-events:
				closed = !ok
			default:
			}
			if len(got) > 0 && strings.Contains(got[len(got)-1], "streamError") {
				closed = true
			}
			joined := strings.Join(got, "\n")
			if !strings.Contains(joined, "token expired") {
				t.Fatalf("after %s: events %v, want a message that the token expired", time.Since(start).Round(time.Millisecond), got)
			}
			if !closed {
				t.Fatalf("the subscription stayed open after its token expired: %v", got)
			}
		})
	}
}
