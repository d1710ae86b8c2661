package resolvers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/tracegraph/tracegraph/graph"
)

// Limits bound what one operation may ask and how many expensive ones a principal
// may run at once. A zero field takes its default; LimitsFromEnv reads them from
// TRACEGRAPH_ variables.
type Limits struct {
	// MaxComplexity bounds an operation's cost (gqlgen's complexity, costs in
	// resolvers/complexity.go); zero means 10000.
	MaxComplexity int
	// MaxDepth bounds the nesting of selections; zero means 12.
	MaxDepth int
	// Bounds checked before validation: tokens of the query, fields as executed,
	// fields sharing a response name at one place. Zero means 15000, 5000, 100.
	MaxTokens, MaxFields, MaxRepeats int
	// ExpensiveCost: an operation costing at least this is expensive; zero means 1000
	// (one county-wide computation, or a chain with its contacts, or two area scans).
	ExpensiveCost int
	// MaxExpensive: expensive operations one principal (a token's sub) may have in
	// flight at once; the others are refused at once with TOO_MANY_REQUESTS and a
	// retry hint. Zero means 4.
	MaxExpensive int

	// gateHeld, when set (tests only, export_test.go), runs while an expensive
	// operation holds its slot, before it executes.
	gateHeld func(context.Context)
}

// limitVars names the variable of each limit, for LimitsFromEnv and the messages.
var limitVars = []struct {
	name string
	ptr  func(*Limits) *int
}{
	{"TRACEGRAPH_MAX_COMPLEXITY", func(l *Limits) *int { return &l.MaxComplexity }},
	{"TRACEGRAPH_MAX_DEPTH", func(l *Limits) *int { return &l.MaxDepth }},
	{"TRACEGRAPH_MAX_TOKENS", func(l *Limits) *int { return &l.MaxTokens }},
	{"TRACEGRAPH_MAX_FIELDS", func(l *Limits) *int { return &l.MaxFields }},
	{"TRACEGRAPH_MAX_REPEATS", func(l *Limits) *int { return &l.MaxRepeats }},
	{"TRACEGRAPH_EXPENSIVE_COST", func(l *Limits) *int { return &l.ExpensiveCost }},
	{"TRACEGRAPH_MAX_EXPENSIVE", func(l *Limits) *int { return &l.MaxExpensive }},
}

// LimitsFromEnv reads the limits from their variables (unset: the default). A value
// that is not a positive whole number is an error naming the variable.
func LimitsFromEnv(getenv func(string) string) (Limits, error) {
	var l Limits
	for _, v := range limitVars {
		s := strings.TrimSpace(getenv(v.name))
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return Limits{}, fmt.Errorf("%s: %q is not a positive whole number", v.name, s)
		}
		*v.ptr(&l) = n
	}
	return l, nil
}

// Defaults of the bounds checked before validation (Options.MaxTokens, MaxFields,
// MaxRepeats). The largest query the page sends has about 200 tokens and 120 fields,
// GraphiQL's introspection about 400 tokens.
const (
	defaultMaxComplexity = 10000
	defaultMaxTokens     = 15000
	defaultMaxFields     = 5000
	defaultMaxRepeats    = 100
	defaultExpensive     = 1000
	defaultMaxInFlight   = 4
	// retryAfter is the hint a refused expensive operation gets: a county
	// computation takes well under it on the demo county, a few seconds on a large one.
	retryAfter = 2 * time.Second
)

// queryBounds refuses a query document that is too large to validate cheaply, before
// gqlgen validates it. Validation is not linear: the rule that fields of the same
// response name can be merged compares every two of them, so 8,000 repeated
// `policy { name }` cost 19 s of CPU (issue 11 item 3), and fragments that spread
// fragments multiply fields without making the body longer. So, in one pass over at
// most maxTokens tokens: the token count (the parser stops at the bound), the fields
// as executed (fragments expanded, memoised, so a fragment bomb is counted in linear
// time) and the number of fields sharing one response name at one place.
type queryBounds struct {
	maxTokens, maxFields, maxRepeats int
	// cache is the handler's query cache: a document in it was checked and validated
	// already, and is not parsed again.
	cache graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = queryBounds{}

func newQueryBounds(opt Options, cache graphql.Cache[*ast.QueryDocument]) queryBounds {
	or := func(v, d int) int {
		if v > 0 {
			return v
		}
		return d
	}
	return queryBounds{
		maxTokens:  or(opt.MaxTokens, defaultMaxTokens),
		maxFields:  or(opt.MaxFields, defaultMaxFields),
		maxRepeats: or(opt.MaxRepeats, defaultMaxRepeats),
		cache:      cache,
	}
}

func (b queryBounds) ExtensionName() string                   { return "QueryBounds" }
func (b queryBounds) Validate(graphql.ExecutableSchema) error { return nil }

func (b queryBounds) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if params.Query == "" {
		return nil // gqlgen answers "no operation provided" (or APQ its own error)
	}
	if b.cache != nil {
		if _, ok := b.cache.Get(ctx, params.Query); ok {
			return nil
		}
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, b.maxTokens)
	if err != nil {
		var ge *gqlerror.Error
		if errors.As(err, &ge) && strings.HasPrefix(ge.Message, "exceeded token limit") {
			return tooLarge("the query has more than %d tokens; at most %d are allowed (TRACEGRAPH_MAX_TOKENS)", b.maxTokens, b.maxTokens)
		}
		return nil // a syntax error: gqlgen's parser reports it with its position
	}
	w := &fieldWalk{doc: doc, max: b.maxFields, memo: map[string]int{}, active: map[string]bool{}}
	fields := 0
	for _, op := range doc.Operations {
		fields += w.count(op.SelectionSet)
		if fields > b.maxFields {
			break
		}
	}
	if fields > b.maxFields {
		return tooLarge("the query selects more than %d fields (fragments expanded); at most %d are allowed (TRACEGRAPH_MAX_FIELDS)", b.maxFields, b.maxFields)
	}
	// Fields are at most maxFields now, so walking them expanded is cheap.
	for _, op := range doc.Operations {
		if name, n := w.repeats(op.SelectionSet); n > b.maxRepeats {
			return tooLarge("the query selects `%s` %d times in one place; at most %d fields may share a response name there (TRACEGRAPH_MAX_REPEATS)", name, n, b.maxRepeats)
		}
	}
	return nil
}

func tooLarge(format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": graph.Invalid.String(), "field": "query"}
	return err
}

type fieldWalk struct {
	doc    *ast.QueryDocument
	max    int
	memo   map[string]int  // fields of each fragment, expanded
	active map[string]bool // fragments being counted (a cycle is left to validation)
}

// count is the number of fields the selection set executes, saturating just above max.
func (w *fieldWalk) count(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n += 1 + w.count(s.SelectionSet)
		case *ast.InlineFragment:
			n += w.count(s.SelectionSet)
		case *ast.FragmentSpread:
			n += w.fragment(s.Name)
		}
		if n > w.max {
			return w.max + 1
		}
	}
	return n
}

func (w *fieldWalk) fragment(name string) int {
	if n, ok := w.memo[name]; ok {
		return n
	}
	f := w.doc.Fragments.ForName(name)
	if f == nil || w.active[name] {
		return 0
	}
	w.active[name] = true
	n := w.count(f.SelectionSet)
	delete(w.active, name)
	w.memo[name] = n
	return n
}

// repeats finds the response name selected most often at one place: the fields that
// validation merges and compares pairwise (under fragments and repeated parents too,
// whose selections merge into one).
func (w *fieldWalk) repeats(root ast.SelectionSet) (string, int) {
	counts := map[string]int{}
	var walk func(path string, set ast.SelectionSet, depth int)
	walk = func(path string, set ast.SelectionSet, depth int) {
		if depth > 64 {
			return // deeper than any depth limit; validation or the depth limit refuses it
		}
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				key := path + "." + s.Alias
				counts[key]++
				walk(key, s.SelectionSet, depth+1)
			case *ast.InlineFragment:
				walk(path, s.SelectionSet, depth+1)
			case *ast.FragmentSpread:
				if f := w.doc.Fragments.ForName(s.Name); f != nil && !w.active[s.Name] {
					w.active[s.Name] = true
					walk(path, f.SelectionSet, depth+1)
					delete(w.active, s.Name)
				}
			}
		}
	}
	walk("", root, 0)
	name, most := "", 0
	for k, n := range counts {
		if n > most || (n == most && k < name) {
			name, most = k, n
		}
	}
	return strings.TrimPrefix(name, "."), most
}

// expensiveGate bounds the expensive operations each principal has in flight, so one
// user (or one stolen token) cannot take the Neo4j pool from everyone else: without
// it, two alias requests took other users' person queries to 10–22 s (issue 11). The
// cost is the one the complexity limit computed; cheap operations are not counted.
// A refusal is immediate rather than queued: a queue would hold the client's
// connection and time-out budget for work that the client can retry.
type expensiveGate struct {
	cost, perPrincipal int
	held               func(context.Context)

	mu       sync.Mutex
	inFlight map[string]int // by token subject; an entry is removed at zero
}

func newExpensiveGate(l Limits) *expensiveGate {
	g := &expensiveGate{cost: l.ExpensiveCost, perPrincipal: l.MaxExpensive, held: l.gateHeld, inFlight: map[string]int{}}
	if g.cost <= 0 {
		g.cost = defaultExpensive
	}
	if g.perPrincipal <= 0 {
		g.perPrincipal = defaultMaxInFlight
	}
	return g
}

func (g *expensiveGate) acquire(who string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.inFlight[who] >= g.perPrincipal {
		return false
	}
	g.inFlight[who]++
	return true
}

func (g *expensiveGate) release(who string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.inFlight[who]--; g.inFlight[who] <= 0 {
		delete(g.inFlight, who)
	}
}

func (g *expensiveGate) aroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || op.Operation.Operation == ast.Subscription {
		return next(ctx) // a subscription's events are bounded by the broker, not here
	}
	stats := extension.GetComplexityStats(ctx)
	if stats == nil || stats.Complexity < g.cost {
		return next(ctx)
	}
	who := ""
	if p := graph.PrincipalFrom(ctx); p != nil {
		who = p.Subject
	}
	if !g.acquire(who) {
		err := gqlerror.Errorf("too many expensive operations at once: at most %d per user (TRACEGRAPH_MAX_EXPENSIVE) may run together, "+
			"and this one costs %d (expensive from %d, TRACEGRAPH_EXPENSIVE_COST); retry in %d s",
			g.perPrincipal, stats.Complexity, g.cost, int(retryAfter.Seconds()))
		err.Extensions = map[string]any{"code": "TOO_MANY_REQUESTS", "retryAfterSeconds": int(retryAfter.Seconds())}
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
	}
	var once sync.Once
	done := func() { once.Do(func() { g.release(who) }) }
	h := func() graphql.ResponseHandler {
		defer func() {
			if p := recover(); p != nil {
				done()
				panic(p)
			}
		}()
		return next(ctx)
	}()
	return func(ctx context.Context) *graphql.Response {
		// A query or mutation answers once: the slot is free when it has.
		defer done()
		if g.held != nil {
			g.held(ctx)
		}
		return h(ctx)
	}
}
