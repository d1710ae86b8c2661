package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

const auditFixture = `
	CREATE (a:Area {code: 'V1', name: 'v', level: 'village'})
	CREATE (h:Household {id: 'H1', address: '1 Well Lane', areaCode: 'V1'})-[:IN]->(a)
	CREATE (:Person {id: 'P1', name: '钟艳', idNumber: '411599196106044145', phone: '13918442154', householdId: 'H1'})-[:MEMBER_OF]->(h)`

func storedAuditRecords(t *testing.T, db *graph.DB, actor string) int {
	t.Helper()
	n, err := graph.Read(context.Background(), db, "count audit", func(ctx context.Context, tx graph.Tx) (int64, error) {
		res, err := tx.Run(ctx, `MATCH (a:AuditRecord {actor: $actor}) WHERE 'P1' IN a.personIds RETURN count(a)`, map[string]any{"actor": actor})
		if err != nil {
			return 0, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return 0, err
		}
		return rec.Values[0].(int64), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func tokenFor(t *testing.T, env func(string) string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"tracegraph", "token"}, args...), env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out.String())
}

func postAs(t *testing.T, url, token, query string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/graphql", strings.NewReader(fmt.Sprintf(`{"query": %q}`, query)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// Issue 11: a graceful shutdown writes the audit records still queued. The flush
// interval is an hour here, so only the shutdown can have written them.
func TestServeShutdownFlushesAudit(t *testing.T) {
	db := graphtest.MustOpen(t)
	graphtest.Run(t, db, auditFixture, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_JWT_SECRET": testSecret,
		"TRACEGRAPH_ADDR": addr, "TRACEGRAPH_AUDIT_FLUSH_INTERVAL": "1h", "TRACEGRAPH_LOG_LEVEL": "error"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- run(ctx, []string{"tracegraph", "serve"}, env, io.Discard, io.Discard) }()
	url := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready within 60 s: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	tok := tokenFor(t, env, "--role", "tracer", "--sub", "shutdown-reader", "--areas", "V1")
	for i := range 3 {
		if body := postAs(t, url, tok, `{ person(id: "P1") { name idNumber } }`); !strings.Contains(body, "钟艳") {
			t.Fatalf("read %d: %s", i, body)
		}
	}
	if n := storedAuditRecords(t, db, "shutdown-reader"); n != 0 {
		t.Fatalf("%d records written before shutdown with an hour's interval: the reads were not queued", n)
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s")
	}
	if n := storedAuditRecords(t, db, "shutdown-reader"); n != 3 {
		t.Fatalf("%d audit records after a graceful shutdown, want the 3 queued", n)
	}
}

// A backlog of audit records turns /readyz unready and shows in /metrics.
func TestReadyzAndMetricsShowTheAuditBacklog(t *testing.T) {
	db := graphtest.MustOpen(t)
	graphtest.Run(t, db, auditFixture, nil)
	env := getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_JWT_SECRET": testSecret,
		"TRACEGRAPH_AUDIT_QUEUE": "4", "TRACEGRAPH_AUDIT_FLUSH_INTERVAL": "1h"})
	a, err := newApp(context.Background(), env, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	waitStatus(t, a.handler, "/readyz", 200, 60*time.Second)
	tok := tokenFor(t, env, "--role", "epidemiologist", "--sub", "backlog-reader")
	for i := range 3 { // 3 queued > half of 4
		if body := postAs(t, srv.URL, tok, `{ person(id: "P1") { name } }`); !strings.Contains(body, "钟艳") {
			t.Fatalf("read %d: %s", i, body)
		}
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "audit records queued") {
		t.Fatalf("/readyz with 3 of 4 audit records queued = %d %s", rec.Code, rec.Body.String())
	}
	mreq, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	mreq.Header.Set("Authorization", "Bearer "+tok)
	mresp, err := http.DefaultClient.Do(mreq)
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	for _, want := range []string{"tracegraph_audit_queued 3", "tracegraph_audit_flush_failures_total 0", "tracegraph_audit_last_flush_age_seconds"} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// An epidemiologist reading the audit log writes the queue first: ready again.
	if body := postAs(t, srv.URL, tok, `{ auditLog(personId: "P1") { actor } }`); strings.Count(body, "backlog-reader") != 3 {
		t.Fatalf("auditLog: %s", body)
	}
	waitStatus(t, a.handler, "/readyz", 200, 10*time.Second)
}

// The command-line export is audited like the GraphQL one, before it prints.
func TestExportCommandIsAudited(t *testing.T) {
	db := graphtest.MustOpen(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2020, 1, 26, 12, 0, 0, 0, sh)
	graphtest.Run(t, db, auditFixture+`
		WITH 1 AS one MATCH (p:Person {id: 'P1'})
		CREATE (p)-[:ASSIGNED]->(:Quarantine {id: 'Q0001', seq: 1, personId: 'P1', kind: 'home', status: 'active', start: $at, end: $end})`,
		map[string]any{"at": at, "end": at.Add(14 * 24 * time.Hour)})
	env := getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_LOG_LEVEL": "error", "TRACEGRAPH_ACTOR": "cli:auditor"})
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"tracegraph", "export", "quarantines", "--as-of", "2020-01-27 09:00", "--unmasked"}, env, &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "411599196106044145") {
		t.Fatalf("export: %s", out.String())
	}
	if n := storedAuditRecords(t, db, "cli:auditor"); n != 1 {
		t.Fatalf("%d audit records of the command-line export, want 1", n)
	}
}
