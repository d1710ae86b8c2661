package resolvers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
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
	"github.com/tracegraph/tracegraph/httpserver"
	"github.com/tracegraph/tracegraph/schema"
)

// Options tune the GraphQL handler.
type Options struct {
	Introspection bool          // allow schema introspection (the IDE page needs it)
	QueryTimeout  time.Duration // every operation is cut off after this; zero means 30 s
	Logger        zerolog.Logger
	// Observe, when set, is told each operation's name, duration and whether it failed.
	Observe func(operation string, d time.Duration, failed bool)
	// Authenticate verifies the token a websocket client sends in connection_init
	// (browsers cannot set headers on websockets). Nil refuses websocket clients.
	Authenticate func(token string) (*graph.Principal, error)
	// Limits bound what one operation may ask (resolvers/limits.go); zero values take
	// the defaults.
	Limits
	// WebsocketInitTimeout closes a websocket that sends no connection_init within it;
	// zero means 5 s (issue 11 item 2).
	WebsocketInitTimeout time.Duration
	// StreamKeepAlive is the interval of SSE keep-alive pings; zero means 15 s.
	StreamKeepAlive time.Duration
}

// NewHandler is the GraphQL endpoint: transports, caches, limits and the one place
// where graph error kinds become extensions.code.
func NewHandler(r *Resolver, opt Options) *handler.Server {
	if r.Feed == nil {
		r.Feed = graph.NewFeedHub(r.Svc, 100*time.Millisecond, func(err error) { opt.Logger.Warn().Err(err).Msg("feed") })
	}
	srv := handler.New(schema.NewExecutableSchema(schema.Config{Resolvers: r, Complexity: complexity()}))
	initTimeout := cmp.Or(opt.WebsocketInitTimeout, 5*time.Second)
	srv.AddTransport(transport.Options{})
	// SSE before GET and POST: it claims POSTs that accept text/event-stream.
	srv.AddTransport(guardedSSE{transport.SSE{KeepAlivePingInterval: cmp.Or(opt.StreamKeepAlive, 15*time.Second)}})
	srv.AddTransport(graphQLHTTP{}) // GET and POST as the GraphQL-over-HTTP spec has them (http_transport.go)
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           initTimeout,
		InitFunc: func(ctx context.Context, init transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			if graph.PrincipalFrom(ctx) != nil {
				return ctx, nil, nil // authenticated by header already
			}
			tok := strings.TrimSpace(init.Authorization())
			if len(tok) > 7 && strings.EqualFold(tok[:7], "bearer ") {
				tok = strings.TrimSpace(tok[7:])
			}
			if opt.Authenticate == nil || tok == "" {
				return nil, nil, errors.New("unauthenticated: send {\"Authorization\": \"Bearer …\"} in connection_init")
			}
			p, err := opt.Authenticate(tok)
			if err != nil {
				return nil, nil, fmt.Errorf("unauthenticated: %w", err)
			}
			httpserver.Authenticated(ctx) // no longer counts against the pending bound
			return graph.WithPrincipal(ctx, p), nil, nil
		},
	})
	queries := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(queries)
	if opt.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(newQueryBounds(opt, queries)) // after APQ, which fills in the query
	srv.SetParserTokenLimit(newQueryBounds(opt, nil).maxTokens)
	srv.Use(otelTracing{})      // spans per operation and per resolver (a no-op without a provider)
	srv.Use(peopleLoader{})     // one round trip for the people of an answer (tracing)
	srv.Use(quarantineLoader{}) // facilities and officers read once per answer (quarantine)
	maxComplexity := opt.MaxComplexity
	if maxComplexity == 0 {
		maxComplexity = defaultMaxComplexity
	}
	srv.Use(extension.FixedComplexityLimit(maxComplexity))
	maxDepth := opt.MaxDepth
	if maxDepth == 0 {
		maxDepth = 12
	}
	srv.Use(depthLimit(maxDepth))
	// Outermost of the operation middleware: a refused operation runs nothing else.
	srv.AroundOperations(newExpensiveGate(opt.Limits).aroundOperations)
	timeout := opt.QueryTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	srv.AroundOperations(connectionDeadlines(timeout, max(timeout, 5*time.Minute)))
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		op := graphql.GetOperationContext(ctx)
		if op.Operation != nil && op.Operation.Operation == ast.Subscription {
			return next(ctx) // a subscription lives as long as its client
		}
		h := next(ctx)
		limit := timeout
		if op.Operation != nil && op.Operation.Operation == ast.Mutation {
			// A quarantine run over a county takes longer than a read; graph bounds
			// its own transaction (graph.RunTimeout).
			limit = max(timeout, 5*time.Minute)
		}
		name := op.OperationName
		if name == "" {
			name = "anonymous"
		}
		return func(ctx context.Context) *graphql.Response {
			start := time.Now()
			ctx, cancel := graph.WithTimeLimit(ctx, limit)
			defer cancel()
			resp := h(ctx)
			if opt.Observe != nil {
				opt.Observe(name, time.Since(start), resp != nil && len(resp.Errors) > 0)
			}
			return resp
		}
	})
	// Batching loaders, fresh for each response (resolvers/loaders.go): once per query
	// or mutation, once per event of a subscription, so nothing is cached across them.
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		return next(context.WithValue(ctx, loadersKey{}, newLoaders(r.Svc)))
	})
	srv.AroundOperations(r.aroundFeedOperations) // feedVersion, X-Tracegraph-Min-Version (feed.go)
	srv.AroundRootFields(func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		// The change a mutation writes names it (subscription events' cause).
		if op := graphql.GetOperationContext(ctx); op.Operation != nil && op.Operation.Operation == ast.Mutation {
			if fc := graphql.GetRootFieldContext(ctx); fc != nil {
				ctx = graph.WithCause(ctx, fc.Field.Name)
			}
		}
		return next(ctx)
	})
	log := opt.Logger
	ac := &accessControl{svc: r.Svc, rules: accessRules, log: log}
	srv.AroundOperations(ac.aroundOperations)
	srv.AroundFields(ac.aroundFields)
	srv.AroundFields(prefetch) // a list of people hands its items' keys to the loaders at once
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
			errors.As(graph.TimeoutError(ctx, ""), &ge)
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
	case graph.Timeout:
		// Not "unavailable": the database answered, the work took too long.
		log.Warn().Err(err).Msg("timed out")
		gqlErr.Message = ge.Msg
	default:
		gqlErr.Message = ge.Error()
		if ge.Field != "" {
			gqlErr.Extensions["field"] = ge.Field
		}
	}
	return gqlErr
}

// depthLimit refuses operations whose selections nest deeper than max: a contact graph
// invites person → contacts → person → contacts … queries that multiply work.
type depthLimit int

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit(0)

func (d depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (d depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	if depth := selectionDepth(op.Operation.SelectionSet, op, 0); depth > int(d) {
		err := gqlerror.Errorf("operation nests %d levels deep; at most %d are allowed", depth, int(d))
		err.Extensions = map[string]any{"code": graph.Invalid.String()}
		return err
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, op *graphql.OperationContext, depth int) int {
	deepest := depth
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			// Introspection (__schema, __type) walks the schema, whose depth is fixed and
			// small, not the contact graph: GraphiQL's own query nests 15 levels. It can
			// be turned off as a whole (TRACEGRAPH_INTROSPECTION=false).
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			if len(s.SelectionSet) == 0 {
				d = depth + 1
			} else {
				d = selectionDepth(s.SelectionSet, op, depth+1)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, op, depth)
		case *ast.FragmentSpread:
			if f := op.Doc.Fragments.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, op, depth)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}
