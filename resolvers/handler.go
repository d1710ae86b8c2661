package resolvers

import (
	"context"
	"errors"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/schema"
)

// Options tune the GraphQL handler.
type Options struct {
	Introspection bool          // allow schema introspection (the IDE page needs it)
	QueryTimeout  time.Duration // every operation is cut off after this; zero means 30 s
	Logger        zerolog.Logger
	// Observe, when set, is told each operation's name, duration and whether it failed.
	Observe func(operation string, d time.Duration, failed bool)
}

// NewHandler is the GraphQL endpoint: transports, caches, limits and the one place
// where graph error kinds become extensions.code.
func NewHandler(r *Resolver, opt Options) *handler.Server {
	srv := handler.New(schema.NewExecutableSchema(schema.Config{Resolvers: r}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(transport.MultipartForm{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if opt.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(peopleLoader{}) // one round trip for the people of an answer (tracing)
	timeout := opt.QueryTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		op := graphql.GetOperationContext(ctx)
		if op.Operation != nil && op.Operation.Operation == ast.Subscription {
			return next(ctx) // a subscription lives as long as its client
		}
		h := next(ctx)
		name := op.OperationName
		if name == "" {
			name = "anonymous"
		}
		return func(ctx context.Context) *graphql.Response {
			start := time.Now()
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			resp := h(ctx)
			if opt.Observe != nil {
				opt.Observe(name, time.Since(start), resp != nil && len(resp.Errors) > 0)
			}
			return resp
		}
	})
	log := opt.Logger
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, err, log)
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		log.Error().Interface("panic", p).Msg("resolver panicked")
		return &graph.Error{Kind: graph.Internal, Msg: "internal error"}
	})
	return srv
}

// presentError maps the graph error vocabulary onto extensions.code. Internal errors
// are logged in full and shown without detail, so no stack or Cypher leaks out.
func presentError(ctx context.Context, err error, log zerolog.Logger) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	var ge *graph.Error
	if !errors.As(err, &ge) {
		var already *gqlerror.Error
		if errors.As(err, &already) && already.Extensions != nil && already.Extensions["code"] != nil {
			return gqlErr
		}
		if errors.Is(err, context.DeadlineExceeded) {
			ge = &graph.Error{Kind: graph.Unavailable, Msg: "timed out"}
		} else {
			log.Error().Err(err).Msg("unclassified error")
			ge = &graph.Error{Kind: graph.Internal}
		}
	}
	if gqlErr.Extensions == nil {
		gqlErr.Extensions = map[string]any{}
	}
	gqlErr.Extensions["code"] = ge.Kind.String()
	switch ge.Kind {
	case graph.Internal:
		log.Error().Err(err).Msg("internal error")
		gqlErr.Message = "internal error"
	case graph.Unavailable:
		log.Warn().Err(err).Msg("unavailable")
		gqlErr.Message = "the database is unavailable, try again: " + ge.Msg
	default:
		gqlErr.Message = ge.Error()
		if ge.Field != "" {
			gqlErr.Extensions["field"] = ge.Field
		}
	}
	return gqlErr
}
