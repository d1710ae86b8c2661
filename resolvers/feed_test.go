package resolvers_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// A mutation's answer carries the feed version it produced; a read that asks for a
// version this replica has not seen waits briefly, then is refused UNAVAILABLE with a
// retry hint; a version it has seen answers at once (issue 18, read-your-writes).
func TestFeedVersionAndMinVersion(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	c := newClientAs(t, svc, &graph.Principal{Subject: "epi", Role: graph.RoleEpidemiologist})
	before := feedVersionOf(t, c)
	resp, err := c.RawPost(`mutation { recordContact(input: {personA: "P01", personB: "P05", at: "2020-01-20 10:00"}) { at } }`)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := resp.Extensions["feedVersion"].(float64)
	if int64(v) <= before {
		t.Fatalf("the mutation's feedVersion %v is not past the version before it (%d)", resp.Extensions["feedVersion"], before)
	}
	withMin := func(n int64) client.Option {
		return func(r *client.Request) { r.HTTP.Header.Set("X-Tracegraph-Min-Version", fmt.Sprint(n)) }
	}
	if got := feedVersionOf(t, c, withMin(int64(v))); got < int64(v) {
		t.Fatalf("a read at min version %v answered at %d", v, got)
	}
	start := time.Now()
	resp, err = c.RawPost(`{ policy { name } }`, withMin(int64(v)+1000))
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	var errs []gqlError
	_ = json.Unmarshal(resp.Errors, &errs)
	if len(errs) == 0 || errs[0].Extensions.Code != "UNAVAILABLE" || !strings.Contains(errs[0].Message, "retry") ||
		!strings.Contains(string(resp.Errors), "retryAfterSeconds") {
		t.Fatalf("a version not yet seen: %s, want UNAVAILABLE with a retry hint", resp.Errors)
	}
	if took < time.Second || took > 5*time.Second {
		t.Fatalf("refused after %s, want a brief wait (2 s)", took)
	}
	if errs := mustFail(t, c, `{ policy { name } }`, func(r *client.Request) { r.HTTP.Header.Set("X-Tracegraph-Min-Version", "soon") }); !strings.Contains(errs[0].Message, "X-Tracegraph-Min-Version") {
		t.Fatalf("a bad header: %+v", errs)
	}
}

// A subscriber that asks to resume further back than the feed replays is told to
// refetch, naming the argument.
func TestSubscriptionAfterTooFarBack(t *testing.T) {
	svc := graphtest.MustService(t)
	writeCounty(t, svc)
	graphtest.Run(t, svc.DB, `MATCH (f:Feed {id: 'feed'}) SET f.seq = f.seq + 5000`, nil)
	h, _ := subscriptionServer(t, svc)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	got := drain(sseStream(t, srv, `subscription { riskChanged(after: 1) { seq } }`), 2*time.Second)
	if len(got) == 0 || !strings.Contains(got[0], "after") || !strings.Contains(got[0], "refetch") || !strings.Contains(got[0], `"INVALID"`) {
		t.Fatalf("after: 1 with the head 5000 further: %v", got)
	}
}
