// Package httpserver is the HTTP side of the service that knows nothing of GraphQL:
// the server's time-outs, the guard that keeps a request from holding a connection
// longer than it should, the bound on websockets that have not authenticated yet, and
// the writer that records a response's status without hiding Flush or Hijack from the
// handlers behind it (issue 11, items 2 and 11). cmd/tracegraph wires it.
package httpserver

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Config holds the connection limits of a listener.
type Config struct {
	// ReadHeaderTimeout bounds the request line and headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds the whole request, headers and body. Once the body has been
	// read (or when there is none) Guard lifts it, so an operation may run past it.
	ReadTimeout time.Duration
	// WriteTimeout bounds the answer of an ordinary request, counted from the end of
	// its headers. An operation extends it to its own time-out (ExtendWriteDeadline);
	// a stream (SSE subscription, websocket) lifts it (LiftDeadlines).
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection that sends no next request.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds the request line and headers (431 beyond).
	MaxHeaderBytes int
	// WebsocketInitTimeout: a websocket that authenticated by no header must send
	// connection_init (with its token) within this, or it is closed.
	WebsocketInitTimeout time.Duration
	// MaxPendingWebsockets bounds the websockets that have not authenticated yet;
	// upgrades beyond it are refused with 503.
	MaxPendingWebsockets int
	// StreamKeepAlive is the interval of SSE comment pings, which tell a proxy and the
	// client that a quiet stream is alive.
	StreamKeepAlive time.Duration
}

// Defaults are the limits `serve` uses.
func Defaults() Config {
	return Config{
		ReadHeaderTimeout: 5 * time.Second,
		// 1 MiB (the body limit) in 30 s is 35 KB/s: slower than any county's link.
		ReadTimeout: 30 * time.Second,
		// A query is cut off after 30 s (resolvers.Options.QueryTimeout) and extends the
		// deadline itself; this bounds everything else, e.g. a client that never reads.
		WriteTimeout:   60 * time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10, // a JWT from an identity provider is a few KB
		// A browser sends connection_init within milliseconds of the upgrade.
		WebsocketInitTimeout: 5 * time.Second,
		// Screens of a command centre are tens; the bound only meets an attack.
		MaxPendingWebsockets: 256,
		StreamKeepAlive:      15 * time.Second,
	}
}

// New is an http.Server with c's limits.
func New(h http.Handler, c Config) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: c.ReadHeaderTimeout,
		ReadTimeout:       c.ReadTimeout,
		WriteTimeout:      c.WriteTimeout,
		IdleTimeout:       c.IdleTimeout,
		MaxHeaderBytes:    c.MaxHeaderBytes,
	}
}

// deadlines lets the layers behind Guard move the connection's deadlines for this
// request. Once a request became a stream (LiftDeadlines) it ignores ExtendWriteDeadline:
// a websocket runs operations on the hijacked connection, and a deadline set for one of
// them would cut the whole socket later.
type deadlines struct {
	rc     *http.ResponseController
	mu     sync.Mutex
	stream bool
}

type deadlinesKey struct{}

// LiftDeadlines removes the read and write deadlines of the connection that carries
// ctx's request: for answers that live as long as their client (an SSE subscription, a
// websocket). Without Guard in the chain it does nothing.
func LiftDeadlines(ctx context.Context) {
	d, _ := ctx.Value(deadlinesKey{}).(*deadlines)
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stream = true
	_ = d.rc.SetReadDeadline(time.Time{})
	_ = d.rc.SetWriteDeadline(time.Time{})
}

// ExtendWriteDeadline gives the answer of ctx's request until now+within to be written:
// an operation whose own time-out is longer than the server's WriteTimeout (a mutation)
// says so before it runs.
func ExtendWriteDeadline(ctx context.Context, within time.Duration) {
	d, _ := ctx.Value(deadlinesKey{}).(*deadlines)
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.stream {
		_ = d.rc.SetWriteDeadline(time.Now().Add(within))
	}
}

// Guard is the first handler of a request:
//   - once the body has been read to its end, or at once when there is none, it lifts
//     the read deadline (ReadTimeout bounds the arrival of the request, not how long the
//     answer takes: net/http cancels a request's context when the read deadline passes);
//   - an error answer (4xx, 5xx) given before the body was read to its end closes the
//     connection instead of waiting for the rest of the body, so a 401, 413 or 400
//     comes back at once to a client that sends its body slowly;
//   - it gives LiftDeadlines and ExtendWriteDeadline their hold on the connection.
func Guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		g := &guardWriter{ResponseWriter: w}
		if r.Body == nil || r.Body == http.NoBody {
			g.bodyDone = true
			_ = rc.SetReadDeadline(time.Time{})
		} else {
			r.Body = &eofBody{ReadCloser: r.Body, g: g, rc: rc}
		}
		ctx := context.WithValue(r.Context(), deadlinesKey{}, &deadlines{rc: rc})
		next.ServeHTTP(g, r.WithContext(ctx))
		g.mu.Lock()
		cut := g.cutBody
		g.mu.Unlock()
		if cut {
			// Even with Connection: close, net/http discards up to 256 KB of the unread
			// body after the handler returns, as slowly as the client sends it, before it
			// closes: a read deadline of now makes that discard end at once.
			_ = rc.SetReadDeadline(time.Now())
		}
	})
}

type guardWriter struct {
	http.ResponseWriter
	mu       sync.Mutex
	bodyDone bool
	wrote    bool
	cutBody  bool // an error answer was given before the body's end
}

func (g *guardWriter) WriteHeader(code int) {
	g.mu.Lock()
	if !g.wrote {
		g.wrote = true
		if code >= 400 && !g.bodyDone {
			// net/http would otherwise read up to 256 KB of the unread body before
			// sending the answer, as slowly as the client sends it.
			g.Header().Set("Connection", "close")
			g.cutBody = true
		}
	}
	g.mu.Unlock()
	g.ResponseWriter.WriteHeader(code)
}

func (g *guardWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	g.wrote = true
	g.mu.Unlock()
	return g.ResponseWriter.Write(p)
}

func (g *guardWriter) Flush()                      { _ = http.NewResponseController(g.ResponseWriter).Flush() }
func (g *guardWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

type eofBody struct {
	io.ReadCloser
	g  *guardWriter
	rc *http.ResponseController
}

func (b *eofBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.g.mu.Lock()
		if !b.g.bodyDone {
			b.g.bodyDone = true
			_ = b.rc.SetReadDeadline(time.Time{})
		}
		b.g.mu.Unlock()
	}
	return n, err
}

// StatusWriter records the status of a response for the request log. It passes Flush
// through (SSE needs an http.Flusher) and unwraps to the writer below, so
// http.ResponseController and websocket upgrades (Hijack) reach net/http's own.
type StatusWriter struct {
	http.ResponseWriter
	Code int
}

func (w *StatusWriter) WriteHeader(code int) {
	w.Code = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *StatusWriter) Flush()                      { _ = http.NewResponseController(w.ResponseWriter).Flush() }
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type pendingKey struct{}

// Authenticated tells PendingWebsockets that the websocket of ctx has authenticated
// (its connection_init carried a valid token): it no longer counts as pending.
func Authenticated(ctx context.Context) {
	if release, ok := ctx.Value(pendingKey{}).(func()); ok {
		release()
	}
}

// IsWebsocket says whether r asks for a websocket upgrade.
func IsWebsocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// PendingWebsockets bounds the websocket upgrades that carry no Authorization header
// and so authenticate later, in connection_init (browsers cannot set headers on a
// websocket): at most max of them at once until Authenticated is called or they end;
// beyond that the upgrade gets 503. Every websocket upgrade has its connection's
// deadlines lifted here: from now on the init time-out and the websocket's own pings
// govern it, not ReadTimeout and WriteTimeout.
func PendingWebsockets(max int, next http.Handler) http.Handler {
	slots := make(chan struct{}, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !IsWebsocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		if r.Header.Get("Authorization") == "" {
			select {
			case slots <- struct{}{}:
			default:
				w.Header().Set("Retry-After", "5")
				w.Header().Set("Connection", "close")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = io.WriteString(w, `{"errors":[{"message":"too many websockets waiting for connection_init; try again","extensions":{"code":"UNAVAILABLE"}}]}`+"\n")
				return
			}
			var once sync.Once
			release := func() { once.Do(func() { <-slots }) }
			defer release()
			ctx = context.WithValue(ctx, pendingKey{}, release)
		}
		LiftDeadlines(ctx)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
