package main

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/web/webtest"
)

// What the real server sends for `/` and `/app/`, every asset included, is served by
// the binary itself (issue 19: a command centre without internet got a blank IDE page,
// which loaded React and GraphiQL from a CDN). newApp does not wait for Neo4j, so this
// needs none.
func TestServerPagesLoadNothingFromOutside(t *testing.T) {
	a, err := newApp(context.Background(), getenvFrom(map[string]string{
		"TRACEGRAPH_DEV": "1", "NEO4J_URI": "bolt://127.0.0.1:1",
	}), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	seen := webtest.WalkAssets(t, nil, srv.URL+"/", srv.URL+"/app/")
	t.Logf("walked %d URLs", len(seen))
}
