package resolvers_test

import (
	"net/http"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/resolvers"
)

// newClient is an in-process GraphQL client acting as an epidemiologist.
func newClient(t *testing.T, svc *graph.Service) *client.Client {
	t.Helper()
	return newClientAs(t, svc, &graph.Principal{Subject: "test-epi", Role: graph.RoleEpidemiologist})
}

// newClientAs acts as the given principal (nil: anonymous).
func newClientAs(t *testing.T, svc *graph.Service, p *graph.Principal) *client.Client {
	t.Helper()
	h := resolvers.NewHandler(&resolvers.Resolver{Svc: svc}, resolvers.Options{Introspection: true, Logger: testLogger(t)})
	return clientFor(h, p)
}

// clientFor posts to handler h as p (nil: anonymous).
func clientFor(h http.Handler, p *graph.Principal) *client.Client {
	return client.New(h, func(r *client.Request) {
		if p != nil {
			r.HTTP = r.HTTP.WithContext(graph.WithPrincipal(r.HTTP.Context(), p))
		}
	})
}

// testLogger sends the handler's log lines to the test log.
func testLogger(t *testing.T) zerolog.Logger {
	return zerolog.New(zerolog.TestWriter{T: t}).Level(zerolog.WarnLevel)
}
