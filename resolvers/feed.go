package resolvers

import (
	"context"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tracegraph/tracegraph/graph"
)

// Subscriptions are fed from the change feed in Neo4j (graph.FeedHub, issue 18), not
// from this process's own writes: every replica's hub reads the same changes in seq
// order. A mutation wakes the hub so its own events go out at once; others' arrive at
// the next poll (100 ms).

// subState is one subscription operation's link between its stream and its answers:
// the seq of the event being answered (each answer's extensions.feedVersion) and the
// error that ended the stream (a token expired, the subscriber fell behind), which
// every field of the stream's last, blank event resolves to.
type subState struct {
	seqs chan int64
	mu   sync.Mutex
	end  error
}

type subStateKey struct{}

func subStateFrom(ctx context.Context) *subState {
	s, _ := ctx.Value(subStateKey{}).(*subState)
	return s
}

func (s *subState) ended() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.end
}

func (s *subState) endWith(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.end = err
}

// feedRelay streams, for one subscription, the events pick makes of each change (pick
// also decides what the subscriber may see: it may return none). It ends when the
// subscription does, when the caller's token expires, or when the subscriber falls
// MaxReplay changes behind; the last two with one blank event whose fields carry the
// reason.
func feedRelay[E any](ctx context.Context, r *Resolver, after *int, pick func(context.Context, *graph.FeedEvents) []*E) (<-chan *E, error) {
	var from *int64
	if after != nil {
		a := int64(*after)
		from = &a
	}
	ctx, cancel := context.WithCancel(ctx)
	in, err := r.Feed.Subscribe(ctx, from)
	if err != nil {
		cancel()
		return nil, err
	}
	st := subStateFrom(ctx)
	var expired <-chan time.Time
	p := graph.PrincipalFrom(ctx)
	if p != nil && !p.Expires.IsZero() {
		t := time.NewTimer(time.Until(p.Expires))
		expired = t.C
		go func() { <-ctx.Done(); t.Stop() }()
	}
	out := make(chan *E)
	go func() {
		defer close(out)
		defer cancel()
		deliver := func(v *E, seq int64) bool {
			select {
			case out <- v:
			case <-ctx.Done():
				return false
			}
			if st != nil {
				// The answer of v is being made now; it reads its seq from here.
				select {
				case st.seqs <- seq:
				case <-ctx.Done():
					return false
				}
			}
			return true
		}
		end := func(err error, seq int64) {
			if st != nil {
				st.endWith(err)
			}
			deliver(new(E), seq)
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-expired:
				end(tokenExpired(p, time.Now().Add(time.Second)), 0)
				return
			case ev, ok := <-in:
				if !ok {
					return
				}
				if ev.Behind {
					end(&graph.Error{Kind: graph.Unavailable, Op: "subscription",
						Msg: "fell more than 1000 changes behind the feed: refetch, then subscribe again with after"}, ev.Seq)
					return
				}
				for _, v := range pick(ctx, ev) {
					if !deliver(v, ev.Seq) {
						return
					}
				}
			}
		}
	}()
	return out, nil
}

// feedExtensions: every answer says the feed version it reflects (extensions.feedVersion).
// A mutation's is the latest seq this process wrote (at least its own write's); a
// query's is the version this replica had read when it started (its data are at least
// that fresh); a subscription event's is its change's seq. A request that carries
// X-Tracegraph-Min-Version: N first waits (up to minVersionWait) until this replica has
// read N, else it is refused UNAVAILABLE with a retry hint: read-your-writes across
// replicas behind a load balancer.
const minVersionWait = 2 * time.Second

func (r *Resolver) aroundFeedOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx)
	kind := ast.Query
	if op.Operation != nil {
		kind = op.Operation.Operation
	}
	if h := op.Headers.Get("X-Tracegraph-Min-Version"); h != "" {
		n, err := parseVersion(h)
		if err != nil {
			return graphql.OneShot(graphql.ErrorResponse(ctx, "header X-Tracegraph-Min-Version: %v", err))
		}
		if v, err := r.Feed.WaitFor(ctx, n, minVersionWait); err != nil {
			resp := graphql.ErrorResponse(ctx, "this replica has seen feed version %d, not yet %d: retry in a second (or on another replica)", v, n)
			resp.Errors[0].Extensions = map[string]any{"code": graph.Unavailable.String(), "retryAfterSeconds": 1, "feedVersion": v}
			return graphql.OneShot(resp)
		}
	}
	start, err := r.Feed.VersionAt(ctx)
	if err != nil {
		start = 0 // Neo4j away: the operation will say so itself
	}
	if kind == ast.Subscription {
		st := &subState{seqs: make(chan int64, 1)}
		ctx = context.WithValue(ctx, subStateKey{}, st)
		h := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			if resp != nil && len(resp.Data) > 0 && string(resp.Data) != "null" {
				select {
				case seq := <-st.seqs:
					if seq > 0 {
						setExtension(resp, "feedVersion", seq)
					}
				case <-time.After(time.Second):
				}
			}
			return resp
		}
	}
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if resp == nil {
			return nil
		}
		v := max(start, r.Svc.DB.LastWrittenSeq())
		if kind == ast.Mutation {
			v = r.Svc.DB.LastWrittenSeq()
			r.Feed.Wake() // this process's subscribers hear of it now, not at the next poll
		}
		if v > 0 {
			setExtension(resp, "feedVersion", v)
		}
		return resp
	}
}

func setExtension(resp *graphql.Response, key string, v any) {
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions[key] = v
}
