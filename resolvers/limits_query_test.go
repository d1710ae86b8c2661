package resolvers_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/resolvers"
)

// cpuTime is the CPU this process has used (user + system), to show that a refusal
// costs little: wall time alone would hide work done on other cores.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// postBounded posts q and fails the test if the answer takes longer than wall (the
// request is left running: this is what a client that gives up leaves behind).
func postBounded(t *testing.T, c *client.Client, q string, wall time.Duration) (*client.Response, time.Duration) {
	t.Helper()
	type answer struct {
		resp *client.Response
		err  error
	}
	done := make(chan answer, 1)
	cpu0 := cpuTime(t)
	go func() {
		resp, err := c.RawPost(q)
		done <- answer{resp, err}
	}()
	select {
	case a := <-done:
		if a.err != nil {
			t.Fatal(a.err)
		}
		return a.resp, cpuTime(t) - cpu0
	case <-time.After(wall):
		t.Fatalf("a %d-byte query still ran after %v (%v of CPU so far)", len(q), wall, cpuTime(t)-cpu0)
		return nil, 0
	}
}

// Issue 11 item 3: validation compares every two fields of the same response name,
// so 8,000 repeated `policy { name }` took 19 s of CPU and 60,000 (960 KB) over 100 s,
// for anyone with a token. Bodies over the token, field or repeat bounds are refused
// before validation, naming the bound, in well under a second of CPU.
func TestOversizedQueriesAreRefusedBeforeValidation(t *testing.T) {
	svc := graphtest.MustService(t)
	c := newClientAs(t, svc, &graph.Principal{Subject: "dash", Role: graph.RoleDashboard})
	aliased := func(n int) string {
		var b strings.Builder
		b.WriteString("{ ")
		for i := range n {
			fmt.Fprintf(&b, "p%d: policy { name } ", i)
		}
		return b.String() + "}"
	}
	// fragment F0 spreads F1 ten times, F1 spreads F2 ten times, …: 10^6 fields from
	// a few hundred bytes.
	bomb := "{ ...F0 }\n"
	for i := range 6 {
		bomb += fmt.Sprintf("fragment F%d on Query { %s}\n", i, strings.Repeat(fmt.Sprintf("...F%d ", i+1), 10))
	}
	bomb += "fragment F6 on Query { policy { name } }\n"
	for _, tc := range []struct {
		name, query, want string
	}{
		{"8,000 repeated policy { name }", "{ " + strings.Repeat("policy { name } ", 8000) + "}", "tokens"},
		{"60,000 repeated policy { name }", "{ " + strings.Repeat("policy { name } ", 60000) + "}", "tokens"},
		{"8,000 aliases of policy { name }", aliased(8000), "tokens"},
		{"2,000 repeated policy { name } (under the token bound)", "{ " + strings.Repeat("policy { name } ", 2000) + "}", "`policy` 2000 times"},
		{"a fragment bomb of 10^6 fields", bomb, "fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, cpu := postBounded(t, c, tc.query, 10*time.Second)
			t.Logf("%d bytes: refused in %v of CPU: %s", len(tc.query), cpu, resp.Errors)
			if !strings.Contains(string(resp.Errors), `"INVALID"`) || !strings.Contains(string(resp.Errors), tc.want) ||
				!strings.Contains(string(resp.Errors), "at most") {
				t.Fatalf("want INVALID naming %q and the bound, got %s", tc.want, resp.Errors)
			}
			if cpu > 500*time.Millisecond {
				t.Fatalf("refusing it took %v of CPU", cpu)
			}
		})
	}
	// What the bounds leave through still validates and runs: the IDE's introspection
	// (testdata/graphiql5-introspection.graphql) is covered by TestDepthLimit…, and a
	// few hundred aliases are a query, not an attack.
	var ok map[string]any
	if err := c.Post(aliased(300), &ok); err != nil {
		t.Fatalf("300 aliases refused: %v", err)
	}
}

func TestLimitsFromEnv(t *testing.T) {
	env := map[string]string{"TRACEGRAPH_MAX_TOKENS": "2000", "TRACEGRAPH_MAX_COMPLEXITY": " 9000 "}
	l, err := resolvers.LimitsFromEnv(func(k string) string { return env[k] })
	if err != nil || l.MaxTokens != 2000 || l.MaxComplexity != 9000 || l.MaxFields != 0 {
		t.Fatalf("got %+v, %v", l, err)
	}
	env["TRACEGRAPH_MAX_FIELDS"] = "-3"
	if _, err := resolvers.LimitsFromEnv(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "TRACEGRAPH_MAX_FIELDS") {
		t.Fatalf("a negative bound: %v", err)
	}
}
