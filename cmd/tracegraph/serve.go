package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/index"
	"github.com/tracegraph/tracegraph/httpserver"
	"github.com/tracegraph/tracegraph/resolvers"
	"github.com/tracegraph/tracegraph/web"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, log zerolog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", envOr(getenv, "TRACEGRAPH_ADDR", ":8080"), "listen address (TRACEGRAPH_ADDR)")
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2, err: err}
	}
	app, err := newApp(ctx, getenv, log)
	if err != nil {
		return err
	}
	defer app.close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	srv := httpserver.New(app.handler, httpLimits)
	cert, key := getenv("TRACEGRAPH_TLS_CERT"), getenv("TRACEGRAPH_TLS_KEY")
	if (cert == "") != (key == "") {
		return graph.InvalidArg("serve", "TRACEGRAPH_TLS_CERT", "TLS needs both TRACEGRAPH_TLS_CERT and TRACEGRAPH_TLS_KEY")
	}
	scheme := "http"
	errc := make(chan error, 2) // the main and the management listener
	if cert != "" {
		scheme = "https"
		go func() { errc <- srv.ServeTLS(ln, cert, key) }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	fmt.Fprintf(stdout, "tracegraph serving on %s://%s/ (GraphQL at /graphql)\n", scheme, displayAddr(ln.Addr()))
	if app.devToken != "" {
		fmt.Fprintf(stdout, "development mode: a token for an epidemiologist (valid 24h, pre-filled in the IDE page):\n%s\n", app.devToken)
	}
	log.Info().Str("addr", ln.Addr().String()).Msg("serving")

	// The management listener (issue 19): /metrics without a token, for a scraper on a
	// port that only the operators reach; pprof too with TRACEGRAPH_PPROF=1.
	var msrv *http.Server
	if maddr := getenv("TRACEGRAPH_METRICS_ADDR"); maddr != "" {
		mln, err := net.Listen("tcp", maddr)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("listen TRACEGRAPH_METRICS_ADDR %s: %w", maddr, err)
		}
		msrv = httpserver.New(app.management, httpserver.Defaults())
		go func() { errc <- msrv.Serve(mln) }()
		fmt.Fprintf(stdout, "metrics on http://%s/metrics (no token: keep this port private)\n", displayAddr(mln.Addr()))
		log.Info().Str("addr", mln.Addr().String()).Msg("serving metrics")
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info().Msg("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if msrv != nil {
		_ = msrv.Shutdown(shutCtx)
	}
	err = srv.Shutdown(shutCtx)
	// Every answered read has queued its audit record by now: write them before exit.
	if aerr := app.audit.Close(shutCtx); aerr != nil {
		log.Error().Err(aerr).Msg("audit records lost at shutdown")
		err = errors.Join(err, aerr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// app is the served service: its handler and what must be closed after it.
type app struct {
	handler    http.Handler
	management http.Handler // /metrics without a token (and pprof), for TRACEGRAPH_METRICS_ADDR
	devToken   string       // set in development mode only
	db         *graph.DB
	audit      *graph.Auditor
	stop       context.CancelFunc
}

func (a *app) close() {
	a.stop()
	_ = a.audit.Close(context.Background()) // a no-op after serve's shutdown closed it
	_ = a.db.Close(context.Background())
}

// newApp wires configuration, Neo4j, metrics and the HTTP routes. It does not wait for
// Neo4j: migrations are retried in the background and /readyz says when they are done,
// so the process can start before its database and survive its restarts.
func newApp(ctx context.Context, getenv func(string) string, log zerolog.Logger) (*app, error) {
	policy, err := graph.LoadPolicy(getenv("TRACEGRAPH_POLICY"))
	if err != nil {
		return nil, err
	}
	loc, err := loadZone(getenv)
	if err != nil {
		return nil, err
	}
	limits, err := resolvers.LimitsFromEnv(getenv) // TRACEGRAPH_MAX_* (README)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(reg)

	auth, devToken, err := newAuthenticator(getenv, log)
	if err != nil {
		return nil, err
	}
	cfg := graph.ConfigFromEnv(getenv)
	db, err := graph.Open(cfg, m.observeNeo4j)
	if err != nil {
		return nil, err
	}
	svc := graph.NewService(db, policy, loc)
	if svc.Audit, err = newAuditor(db, getenv); err != nil {
		_ = db.Close(ctx)
		return nil, err
	}
	svc.Audit.Start()
	m.watchAudit(reg, svc.Audit)
	bg, stop := context.WithCancel(context.Background())
	go migrateInBackground(bg, db, log)
	// The tracing index (issue 13, graph/index): the rules' facts in memory, following
	// the change feed; off unless TRACEGRAPH_INDEX=on (docs/architecture.md).
	var ix *index.Follower
	switch v := getenv("TRACEGRAPH_INDEX"); v {
	case "on":
		ix = index.New(db, time.Second).WithFacts(loc)
		svc.Index = ix
		go ix.Run(bg, func(err error) { log.Warn().Err(err).Msg("index") })
		m.watchIndex(reg, ix)
	case "", "off":
	default:
		stop()
		return nil, fmt.Errorf("TRACEGRAPH_INDEX: %q is neither on nor off", v)
	}
	// Subscriptions and read-your-writes follow the change feed (issue 18): every replica
	// reads the same changes, so a write through any reaches the screens on all.
	feed := graph.NewFeedHub(svc, 100*time.Millisecond, func(err error) { log.Warn().Err(err).Msg("feed") })
	go feed.Run(bg)
	gql := resolvers.NewHandler(&resolvers.Resolver{Svc: svc, Index: ix, Feed: feed}, resolvers.Options{
		Limits:        limits,
		Introspection: getenv("TRACEGRAPH_INTROSPECTION") != "false",
		Logger:        log,
		Observe:       m.observeOperation,
		Authenticate:  auth.Verify,
		// A websocket without a token in its headers must send connection_init within
		// this; httpserver.PendingWebsockets bounds how many may wait at once.
		WebsocketInitTimeout: httpLimits.WebsocketInitTimeout,
		StreamKeepAlive:      httpLimits.StreamKeepAlive,
	})
	mux := http.NewServeMux()
	// Request bodies over 1 MiB are refused (413) before they are parsed.
	mux.Handle("/graphql", http.MaxBytesHandler(httpserver.PendingWebsockets(httpLimits.MaxPendingWebsockets, auth.Middleware(gql)), 1<<20))
	// The GraphQL IDE (GraphiQL, bundled from npm into web/dist and served from the
	// binary: nothing is loaded from outside). In development mode it takes the
	// development token from /app/config.json below.
	mux.Handle("GET /{$}", web.IDE())
	// The command centre's page: static files that call /graphql with a bearer token like
	// any client. In development mode its config.json hands it the development token
	// (already printed, and pre-filled in the IDE page above); otherwise the page asks.
	page := web.Handler("/app", web.Config{TimeZone: loc.String(), DevToken: devToken})
	mux.Handle("GET /app", page)
	mux.Handle("GET /app/", page)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain")
		err := db.Ready(ctx)
		if err == nil && ix != nil {
			err = ix.Ready() // built and caught up with the feed
		}
		if err == nil {
			err = svc.Audit.Ready() // audit records are being written (graph/audit.go)
		}
		if err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready:", err)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	// SPEC §8: no anonymous access but health checks and the IDE page, so a scraper
	// needs a token too (Prometheus sends one with `authorization: credentials_file`).
	metricsHandler := promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	mux.Handle("GET /metrics", auth.Middleware(metricsHandler))
	var h http.Handler = mux
	h = withCORS(h, splitList(getenv("TRACEGRAPH_CORS_ORIGINS")))
	h = withSecurityHeaders(h, getenv("TRACEGRAPH_TLS_CERT") != "")
	// Guard first: time-outs per request, an early error answer closes the connection.
	return &app{handler: httpserver.Guard(withRequestLog(h, log, m)), management: managementMux(metricsHandler, getenv("TRACEGRAPH_PPROF") == "1"),
		db: db, audit: svc.Audit, stop: stop, devToken: devToken}, nil
}

// managementMux is what TRACEGRAPH_METRICS_ADDR serves: /metrics, and with pprof the
// profiles under /debug/pprof/ (heap and goroutine dumps show request data: keep the
// port private).
func managementMux(metrics http.Handler, withPprof bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	if withPprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

func migrateInBackground(ctx context.Context, db *graph.DB, log zerolog.Logger) {
	wait := 500 * time.Millisecond
	for {
		err := db.Migrate(ctx)
		if err == nil {
			log.Info().Int("version", graph.LatestMigration()).Msg("migrated")
			return
		}
		log.Warn().Err(err).Dur("retry_in", wait).Msg("migration failed; neo4j not ready?")
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*time.Second)
	}
}

func loadZone(getenv func(string) string) (*time.Location, error) {
	tz := envOr(getenv, "TRACEGRAPH_TZ", "Asia/Shanghai")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, graph.InvalidArg("config", "TRACEGRAPH_TZ", "unknown time zone %q: %v", tz, err)
	}
	return loc, nil
}

func envOr(getenv func(string) string, name, fallback string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return fallback
}

func displayAddr(a net.Addr) string {
	s := a.String()
	if strings.HasPrefix(s, "[::]:") {
		return "localhost:" + strings.TrimPrefix(s, "[::]:")
	}
	if strings.HasPrefix(s, "0.0.0.0:") {
		return "localhost:" + strings.TrimPrefix(s, "0.0.0.0:")
	}
	return s
}

// metrics are the Prometheus series the service exports.
type metrics struct {
	operations *prometheus.HistogramVec
	failures   *prometheus.CounterVec
	neo4j      *prometheus.HistogramVec
	http       *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		operations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tracegraph_graphql_operation_seconds", Help: "GraphQL operations by operation name.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}, []string{"operation"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tracegraph_graphql_operation_errors_total", Help: "GraphQL operations that returned errors.",
		}, []string{"operation"}),
		neo4j: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tracegraph_neo4j_transaction_seconds", Help: "Neo4j transactions by operation and outcome.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"op", "outcome"}),
		http: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tracegraph_http_requests_total", Help: "HTTP requests by route and status class.",
		}, []string{"path", "code"}),
	}
	reg.MustRegister(m.operations, m.failures, m.neo4j, m.http)
	return m
}

// watchIndex exports the index's version, lag, size and rebuilds, read at each scrape.
func (m *metrics) watchIndex(reg prometheus.Registerer, ix *index.Follower) {
	gauge := func(name, help string, v func(index.Status) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return v(ix.Status()) })
	}
	reg.MustRegister(
		gauge("tracegraph_index_version", "The change-feed seq the index has applied.", func(s index.Status) float64 { return float64(s.Version) }),
		gauge("tracegraph_index_lag", "Changes committed but not yet applied, at the last poll.", func(s index.Status) float64 { return float64(s.Lag) }),
		gauge("tracegraph_index_answers", "Cached answers the index holds.", func(s index.Status) float64 { return float64(s.Answers) }),
		gauge("tracegraph_index_rebuilds", "Rebuilds after a feed gap or reset.", func(s index.Status) float64 { return float64(s.Rebuilds) }),
		gauge("tracegraph_index_poll_age_seconds", "Time since the last successful poll.", func(s index.Status) float64 { return s.Age.Seconds() }),
		gauge("tracegraph_index_people", "People the tracing index holds.", func(s index.Status) float64 { return float64(s.People) }),
		gauge("tracegraph_index_build_seconds", "How long the last build of the tracing index took.", func(s index.Status) float64 { return s.BuildTime.Seconds() }),
	)
}

func (m *metrics) observeOperation(op string, d time.Duration, failed bool) {
	m.operations.WithLabelValues(op).Observe(d.Seconds())
	if failed {
		m.failures.WithLabelValues(op).Inc()
	}
}

func (m *metrics) observeNeo4j(op string, d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = strings.ToLower(graph.KindOf(err).String())
		var ge *graph.Error
		if !errors.As(err, &ge) {
			outcome = "error"
		}
	}
	m.neo4j.WithLabelValues(op, outcome).Observe(d.Seconds())
}

// routeOf names a path for metrics and span names: the service's own routes, else
// "other" (so that paths sent by clients do not make new series).
func routeOf(path string) string {
	switch path {
	case "/graphql", "/healthz", "/readyz", "/metrics", "/":
		return path
	}
	return "other"
}

// withRequestLog gives every request an id (X-Request-Id, or a new one), a logger in
// its context carrying that id, and a log line when it ends.
func withRequestLog(next http.Handler, log zerolog.Logger, m *metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		// A span per request, continuing the caller's trace (traceparent) if it sent one;
		// the request id is on the span and the trace id in the log lines, so one finds
		// the other (issue 19). Without a tracer provider both are no-ops.
		ctx := otel.GetTextMapPropagator().Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := otel.Tracer("github.com/tracegraph/tracegraph/cmd/tracegraph").Start(ctx, r.Method+" "+routeOf(r.URL.Path),
			trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
				attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path),
				attribute.String("tracegraph.request_id", id)))
		defer span.End()
		lc := log.With().Str("request_id", id)
		if sc := span.SpanContext(); sc.HasTraceID() {
			lc = lc.Str("trace_id", sc.TraceID().String())
		}
		l := lc.Logger()
		r = r.WithContext(l.WithContext(ctx))
		// StatusWriter passes Flush (SSE) and Hijack (websockets, through Unwrap) on.
		sw := &httpserver.StatusWriter{ResponseWriter: w, Code: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(sw, r)
		span.SetAttributes(attribute.Int("http.response.status_code", sw.Code))
		path := routeOf(r.URL.Path)
		m.http.WithLabelValues(path, fmt.Sprintf("%dxx", sw.Code/100)).Inc()
		if path != "/healthz" && path != "/metrics" {
			l.Info().Str("method", r.Method).Str("path", r.URL.Path).Int("status", sw.Code).
				Dur("took", time.Since(start)).Msg("request")
		}
	})
}

// newAuthenticator reads TRACEGRAPH_JWT_SECRET and TRACEGRAPH_JWKS_FILE. With neither,
// the service refuses to start unless TRACEGRAPH_DEV=1, which makes a random secret for
// this process and returns a development token signed with it.
func newAuthenticator(getenv func(string) string, log zerolog.Logger) (*resolvers.Authenticator, string, error) {
	secret := []byte(getenv("TRACEGRAPH_JWT_SECRET"))
	jwks := getenv("TRACEGRAPH_JWKS_FILE")
	devToken := ""
	if len(secret) == 0 && jwks == "" {
		if getenv("TRACEGRAPH_DEV") != "1" {
			return nil, "", graph.InvalidArg("serve", "TRACEGRAPH_JWT_SECRET",
				"is not set (nor TRACEGRAPH_JWKS_FILE): set one, or TRACEGRAPH_DEV=1 for local development")
		}
		secret = make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, "", err
		}
		tok, err := resolvers.SignToken(secret, graph.RoleEpidemiologist, "developer", nil, 24*time.Hour, time.Now())
		if err != nil {
			return nil, "", err
		}
		devToken = tok
		log.Warn().Msg("development mode: random JWT secret, tokens die with the process")
	} else if len(secret) > 0 && len(secret) < 32 {
		return nil, "", graph.InvalidArg("serve", "TRACEGRAPH_JWT_SECRET", "must be at least 32 bytes")
	}
	auth, err := resolvers.NewAuthenticator(secret, jwks)
	return auth, devToken, err
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// withCORS allows the configured origins only; none by default.
func withCORS(next http.Handler, origins []string) http.Handler {
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[o] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && (allowed[origin] || allowed["*"]) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Vary", "Origin")
			w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func withSecurityHeaders(next http.Handler, tls bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		if tls {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// httpLimits are the connection limits of `serve` (tests shorten them).
var httpLimits = httpserver.Defaults()
