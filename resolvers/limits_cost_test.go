package resolvers_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
	"github.com/tracegraph/tracegraph/resolvers"
)

// demoCounty loads examples/county into the test Neo4j and returns a service over a
// second connection whose every Neo4j call is counted, to show what did not run.
func demoCounty(t *testing.T) (*graph.Service, *atomic.Int64) {
	t.Helper()
	svc := graphtest.MustService(t)
	rep, err := loader.Load(context.Background(), svc.DB, "../examples/county", loader.Options{Loc: svc.Loc})
	if err != nil || len(rep.Rejects) > 0 {
		t.Fatalf("load: %v %v", err, rep.Rejects)
	}
	var calls atomic.Int64
	db, err := graph.Open(graphtest.Config(), func(string, time.Duration, error) { calls.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	return graph.NewService(db, graph.DefaultPolicy(), svc.Loc), &calls
}

func aliases(n int, field string) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	return b.String() + "}"
}

// Issue 11 item 4: contactChain, summary and the other county-wide fields cost 1, so
// 1,000 aliases of contactChain or 2,400 of summary passed the complexity limit and
// held the Neo4j pool. Now each costs what it reads, and such requests are refused
// before any resolver runs (no Neo4j call), naming their cost and the limit.
func TestAliasAttacksAreRefusedBeforeTheyRun(t *testing.T) {
	svc, calls := demoCounty(t)
	c := newClientAs(t, svc, &graph.Principal{Subject: "dash", Role: graph.RoleDashboard})
	epi := newClient(t, svc)
	for _, tc := range []struct {
		name, query string
		as          string
	}{
		{"1,000 aliases of contactChain", aliases(1000, `contactChain(caseId: "P0001") { total }`), "epi"},
		{"2,400 aliases of summary", aliases(2400, `summary { people }`), "dash"},
		{"200 aliases of clusters", aliases(200, `clusters { size }`), "dash"},
		{"100 aliases of chainStatistics", aliases(100, `chainStatistics { cases }`), "epi"},
		{"100 aliases of kpis", aliases(100, `kpis { newCases }`), "dash"},
		{"100 aliases of zoning", aliases(100, `zoning { assessed }`), "dash"},
		{"200 aliases of risk", aliases(200, `risk(personId: "P0002") { tier }`), "epi"},
		{"households' members of 200 people", `{ people(first: 200) { nodes { household { members { id name phone idNumber birthDate } } } } }`, "epi"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := c
			if tc.as == "epi" {
				cl = epi
			}
			before := calls.Load()
			start := time.Now()
			resp, err := cl.RawPost(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			cost, err := resolvers.QueryCost(tc.query, nil)
			if err != nil {
				t.Fatal(err)
			}
			errs := string(resp.Errors)
			t.Logf("cost %d, refused in %v: %.160s", cost, took, errs)
			want := fmt.Sprintf("operation has complexity %d, which exceeds the limit of %d", cost, resolvers.DefaultMaxComplexity)
			if !strings.Contains(errs, want) || !strings.Contains(errs, "COMPLEXITY_LIMIT_EXCEEDED") {
				t.Fatalf("want %q, got %.300s", want, errs)
			}
			if n := calls.Load() - before; n != 0 {
				t.Fatalf("%d Neo4j calls ran before the refusal", n)
			}
		})
	}
}

// pageQueries are the queries the web page sends (web/src/*.ts): every `const X = ` …“
// template, with ${FIGURES}-style parts filled in, and the inline gql('…') strings.
func pageQueries(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("../web/src/*.ts")
	if err != nil || len(files) == 0 {
		t.Fatalf("web/src: %v", err)
	}
	consts := map[string]string{}
	var inline []string
	constRe := regexp.MustCompile("(?s)const ([A-Z_]+) = `(.*?)`")
	inlineRe := regexp.MustCompile(`gql(?:<[^(]*?>)?\(\s*'([^']+)'`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range constRe.FindAllStringSubmatch(string(src), -1) {
			consts[m[1]] = m[2]
		}
		for _, m := range inlineRe.FindAllStringSubmatch(string(src), -1) {
			inline = append(inline, m[1])
		}
	}
	fill := regexp.MustCompile(`\$\{([A-Z_]+)\}`)
	out := map[string]string{}
	for name, q := range consts {
		q = fill.ReplaceAllStringFunc(q, func(s string) string { return consts[s[2:len(s)-1]] })
		if strings.Contains(q, "{") && (strings.Contains(q, "query") || strings.HasPrefix(strings.TrimSpace(q), "{") || strings.HasPrefix(strings.TrimSpace(q), "#")) {
			out[name] = q
		}
	}
	delete(out, "FIGURES") // a part of DASHBOARD_QUERY, not a query
	for i, q := range inline {
		out[fmt.Sprintf("inline %d", i)] = q
	}
	return out
}

// pageVars gives each variable a query declares a value from the demo county.
func pageVars(q string) map[string]any {
	vars := map[string]any{}
	for _, m := range regexp.MustCompile(`\$(\w+): (\w+!?)`).FindAllStringSubmatch(q, -1) {
		name, typ := m[1], strings.TrimSuffix(m[2], "!")
		switch {
		case name == "id":
			vars[name] = "P0001"
		case name == "depth":
			vars[name] = 3 // the deepest the page offers
		case name == "area" && strings.HasSuffix(m[2], "!"):
			vars[name] = "411530"
		case name == "by":
			vars[name] = "ONSET"
		case name == "p":
			vars[name] = "张"
		case typ == "DateTime" && name == "from":
			vars[name] = "2020-01-15T00:00:00+08:00"
		case typ == "DateTime":
			vars[name] = "2020-01-28T12:00:00+08:00"
		case name == "from":
			vars[name] = "2020-01-01"
		case name == "to" || name == "date":
			vars[name] = "2020-01-28"
		}
	}
	return vars
}

// Every query the page (web/src) and the README send runs under the default limits on
// the demo county, deepest chain the page offers included; docs/api.md's are run by
// TestDocsAPIQueriesRun through the same default handler. The costs are logged for
// docs/security.md.
func TestPageQueriesFitTheLimits(t *testing.T) {
	svc, _ := demoCounty(t)
	c := newClient(t, svc)
	qs := pageQueries(t)
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1) {
		for i, line := range strings.Split(strings.TrimSpace(b[1]), "\n") {
			qs[fmt.Sprintf("README %d", i)] = line
		}
	}
	if len(qs) < 12 {
		t.Fatalf("found %d queries in web/src and README, want the page's dozen: %v", len(qs), qs)
	}
	for name, q := range qs {
		vars := pageVars(q)
		cost, err := resolvers.QueryCost(q, vars)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, q)
		}
		resp, err := c.RawPost(q, func(r *client.Request) { r.Variables = vars })
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-16s cost %5d of %d", name, cost, resolvers.DefaultMaxComplexity)
		if len(resp.Errors) > 0 {
			t.Errorf("%s (cost %d) fails: %s\n%s", name, cost, resp.Errors, q)
		}
	}
}
