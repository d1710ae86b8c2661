package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

// A quarantine run through the real server records one span tree (issue 19): the HTTP
// request (carrying the request id) → the GraphQL operation → the resolver → the Neo4j
// transaction → each step of the run; and the request's log line carries the trace id.
func TestOneRequestIsOneSpanTree(t *testing.T) {
	db := graphtest.MustOpen(t)
	if _, err := loader.Load(context.Background(), db, "../../testdata/conformance/case01/bundle", loader.Options{}); err != nil {
		t.Fatal(err)
	}
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })

	var logs bytes.Buffer
	a, err := newApp(context.Background(), getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_DEV": "1"}),
		zerolog.New(&logs))
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	waitStatus(t, a.handler, "/readyz", 200, 60*time.Second)

	body := `{"operationName":"Run","query":"mutation Run { assignQuarantines(asOf: \"2020-01-26T12:00:00+08:00\", dryRun: true) { dryRun created { id } } }"}`
	req, _ := http.NewRequest("POST", srv.URL+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.devToken)
	req.Header.Set("X-Request-Id", "req-otel-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(out), `"dryRun":true`) {
		t.Fatalf("assignQuarantines = %d %s", resp.StatusCode, out)
	}

	spans := rec.Ended()
	byName := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		if _, seen := byName[s.Name()]; !seen {
			byName[s.Name()] = s
		}
	}
	must := func(name string) sdktrace.ReadOnlySpan {
		s, ok := byName[name]
		if !ok {
			var names []string
			for _, s := range spans {
				names = append(names, s.Name())
			}
			t.Fatalf("no span %q among %q", name, names)
		}
		return s
	}
	httpSpan := must("POST /graphql")
	reqID := ""
	for _, kv := range httpSpan.Attributes() {
		if kv.Key == "tracegraph.request_id" {
			reqID = kv.Value.AsString()
		}
	}
	if reqID != "req-otel-1" {
		t.Errorf("the request span's request id = %q, want req-otel-1", reqID)
	}
	// parent → child, each a direct child.
	chain := []string{"POST /graphql", "graphql mutation Run", "Mutation.assignQuarantines", "neo4j assignQuarantines"}
	for i := 1; i < len(chain); i++ {
		parent, child := must(chain[i-1]), must(chain[i])
		if child.Parent().SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("%q's parent is not %q", chain[i], chain[i-1])
		}
	}
	tx := must("neo4j assignQuarantines")
	for _, step := range []string{"lock", "needs", "load", "plan", "refer", "write"} {
		if s := must("quarantine " + step); s.Parent().SpanID() != tx.SpanContext().SpanID() {
			t.Errorf("quarantine step %q is not under the run's transaction", step)
		}
	}
	for _, s := range spans {
		if s.SpanContext().TraceID() != httpSpan.SpanContext().TraceID() && strings.HasPrefix(s.Name(), "quarantine ") {
			t.Errorf("span %q is in another trace", s.Name())
		}
	}
	trace := httpSpan.SpanContext().TraceID().String()
	if !strings.Contains(logs.String(), `"request_id":"req-otel-1"`) || !strings.Contains(logs.String(), `"trace_id":"`+trace+`"`) {
		t.Errorf("the request's log line lacks its request id or trace id %s:\n%s", trace, logs.String())
	}
}

// Tracing is off without OTEL_EXPORTER_OTLP_ENDPOINT; with it, spans are sent over
// OTLP/HTTP to that endpoint (here a local stand-in collector).
func TestTracingIsOffUnlessAnOTLPEndpointIsSet(t *testing.T) {
	prev := otel.GetTracerProvider()
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	stop, err := setupTracing(context.Background(), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if otel.GetTracerProvider() != prev {
		t.Fatal("a tracer provider was set up without an endpoint")
	}

	got := make(chan string, 10)
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Method + " " + r.URL.Path
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	stop, err = setupTracing(context.Background(), func(k string) string {
		if k == "OTEL_EXPORTER_OTLP_ENDPOINT" {
			return collector.URL
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	_, span := otel.Tracer("test").Start(context.Background(), "one")
	span.End()
	stop() // flushes
	select {
	case req := <-got:
		if req != "POST /v1/traces" {
			t.Errorf("collector got %q, want POST /v1/traces", req)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no span reached the OTLP endpoint")
	}
}
