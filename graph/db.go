package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Config names the Neo4j to use. The service keeps no state of its own beyond it, so
// the same binary can point at a local server, a cluster or Aura (neo4j:// routing).
type Config struct {
	URI      string // NEO4J_URI, default bolt://127.0.0.1:7687
	User     string // NEO4J_USER
	Password string // NEO4J_PASSWORD; empty means no auth
	Database string // NEO4J_DATABASE, default neo4j; named on every call
	// QueryTimeout bounds every transaction; zero means 30 s.
	QueryTimeout time.Duration
	// RetryTime bounds the driver's retries of transient failures; zero means 15 s.
	RetryTime time.Duration
	// ConnectTimeout bounds how long a transaction waits for a working connection
	// (connect, handshake, a free place in the pool, the driver's reconnect retries)
	// before it fails Unavailable; zero means 3 s (NEO4J_CONNECT_TIMEOUT). A transaction
	// that has its connection is bounded by QueryTimeout instead.
	ConnectTimeout time.Duration
}

// DefaultConnectTimeout is ConnectTimeout's default: with Neo4j down, a request fails
// within it (issue 11: ≤ 5 s).
const DefaultConnectTimeout = 3 * time.Second

// ConfigFromEnv reads the NEO4J_* variables through getenv.
func ConfigFromEnv(getenv func(string) string) Config {
	c := Config{
		URI:      getenv("NEO4J_URI"),
		User:     getenv("NEO4J_USER"),
		Password: getenv("NEO4J_PASSWORD"),
		Database: getenv("NEO4J_DATABASE"),
	}
	if c.URI == "" {
		c.URI = "bolt://127.0.0.1:7687"
	}
	if c.Database == "" {
		c.Database = "neo4j"
	}
	if c.User == "" && c.Password != "" {
		c.User = "neo4j"
	}
	if v := getenv("NEO4J_CONNECT_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			d = -1 // Open refuses it, naming the variable
		}
		c.ConnectTimeout = d
	}
	return c
}

// Observer is told about every transaction: its operation name, duration and error.
// The server feeds it into Prometheus; graph/ itself knows nothing of metrics.
type Observer func(op string, d time.Duration, err error)

// DB is the connection to Neo4j. It is safe for concurrent use.
type DB struct {
	driver   neo4j.DriverWithContext
	database string
	timeout  time.Duration
	connect  time.Duration // ConnectTimeout
	observe  Observer
	lastSeq  atomic.Int64 // the highest change-feed seq this process committed (feed.go)
	circuit  circuit
}

// Open connects to Neo4j. It does not wait for the server: Ping and Ready say whether
// it answers, so a service can start before its database does.
func Open(cfg Config, observe Observer) (*DB, error) {
	connect := cfg.ConnectTimeout
	if connect < 0 {
		return nil, InvalidArg("open neo4j", "NEO4J_CONNECT_TIMEOUT", "want a duration such as 3s")
	}
	if connect == 0 {
		connect = DefaultConnectTimeout
	}
	auth := neo4j.NoAuth()
	if cfg.Password != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.MaxConnectionPoolSize = 64
		// Both within connect: runTimeout gives up on a connection after it anyway,
		// and a blackholed address should fail a connect attempt well before that.
		c.ConnectionAcquisitionTimeout = connect
		c.SocketConnectTimeout = min(connect, 2*time.Second)
		c.MaxTransactionRetryTime = 15 * time.Second
		if cfg.RetryTime > 0 {
			c.MaxTransactionRetryTime = cfg.RetryTime
		}
	})
	if err != nil {
		return nil, &Error{Kind: Invalid, Op: "open neo4j", Field: "NEO4J_URI", Err: err}
	}
	if observe == nil {
		observe = func(string, time.Duration, error) {}
	}
	timeout := cfg.QueryTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	return &DB{driver: driver, database: cfg.Database, timeout: timeout, connect: connect, observe: observe}, nil
}

// Close releases the driver's connections.
func (db *DB) Close(ctx context.Context) error { return db.driver.Close(ctx) }

// Ping checks that Neo4j answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.driver.VerifyConnectivity(ctx); err != nil {
		return &Error{Kind: Unavailable, Op: "ping neo4j", Err: err}
	}
	return nil
}

const tracerName = "github.com/tracegraph/tracegraph/graph"

// Tx is what a unit of work gets: the driver's managed transaction.
type Tx = neo4j.ManagedTransaction

// Read runs work in a read transaction (routed to a reader in a cluster).
func Read[T any](ctx context.Context, db *DB, op string, work func(ctx context.Context, tx Tx) (T, error)) (T, error) {
	return run(ctx, db, op, neo4j.AccessModeRead, work)
}

// Write runs work in a write transaction (routed to the leader in a cluster). The
// driver retries it on transient failures, so work must be safe to run again.
func Write[T any](ctx context.Context, db *DB, op string, work func(ctx context.Context, tx Tx) (T, error)) (T, error) {
	return run(ctx, db, op, neo4j.AccessModeWrite, work)
}

// WriteLong is Write for a batch job whose one transaction may run longer than the
// usual query timeout (a county-wide quarantine run): it gets timeout instead.
func WriteLong[T any](ctx context.Context, db *DB, op string, timeout time.Duration, work func(ctx context.Context, tx Tx) (T, error)) (T, error) {
	return runTimeout(ctx, db, op, neo4j.AccessModeWrite, timeout, work)
}

func run[T any](ctx context.Context, db *DB, op string, mode neo4j.AccessMode, work func(ctx context.Context, tx Tx) (T, error)) (T, error) {
	return runTimeout(ctx, db, op, mode, db.timeout, work)
}

func runTimeout[T any](ctx context.Context, db *DB, op string, mode neo4j.AccessMode, timeout time.Duration, work func(ctx context.Context, tx Tx) (T, error)) (T, error) {
	start := time.Now()
	var zero T
	// A span per transaction (issue 19), under the resolver's or the command's span;
	// a no-op unless a tracer provider is set up (OTEL_EXPORTER_OTLP_ENDPOINT).
	modeName := "write"
	if mode == neo4j.AccessModeRead {
		modeName = "read"
	}
	ctx, span := otel.Tracer(tracerName).Start(ctx, "neo4j "+op, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system", "neo4j"), attribute.String("db.namespace", db.database),
			attribute.String("db.operation.name", op), attribute.String("tracegraph.tx.mode", modeName)))
	defer span.End()
	// Neo4j unreachable for the last few transactions: fail now rather than wait for a
	// connection that will not come (the circuit lets a transaction try again soon).
	if err := db.circuit.check(op); err != nil {
		db.observe(op, time.Since(start), err)
		span.SetStatus(codes.Error, err.Error())
		return zero, err
	}
	// The driver retries a failed connect with back-off for up to RetryTime (15 s): a
	// request in an outage would wait that long. Until an attempt has its connection,
	// the wait is cut at ConnectTimeout; once work runs, only QueryTimeout bounds it.
	wait := newConnectWait(ctx, db.connect)
	defer wait.stop()
	session := db.driver.NewSession(wait.ctx, neo4j.SessionConfig{DatabaseName: db.database, AccessMode: mode})
	defer session.Close(context.WithoutCancel(ctx))
	// A write records what it touched in the change feed as its last statement (feed.go);
	// each attempt (the driver may retry) starts with an empty record.
	var seq int64
	fn := func(tx neo4j.ManagedTransaction) (res any, err error) {
		if !wait.connected() {
			return nil, wait.ctx.Err()
		}
		defer func() { wait.attemptEnded(err) }()
		if mode == neo4j.AccessModeRead {
			return work(wait.ctx, tx)
		}
		t := &touched{keys: map[string]map[string]bool{}}
		res, err = work(context.WithValue(wait.ctx, touchedKey{}, t), tx)
		if err != nil {
			return nil, err
		}
		// The write's audit record commits with it, or not at all (SPEC §8, issue 11).
		if err := auditWrite(wait.ctx, tx, op, t); err != nil {
			return nil, err
		}
		if seq, err = recordChange(wait.ctx, tx, op, t); err != nil {
			return nil, err
		}
		return res, nil
	}
	var (
		res any
		err error
	)
	cfg := neo4j.WithTxTimeout(timeout)
	if mode == neo4j.AccessModeRead {
		res, err = session.ExecuteRead(wait.ctx, fn, cfg)
	} else {
		res, err = session.ExecuteWrite(wait.ctx, fn, cfg)
	}
	switch {
	case errors.Is(err, errDryRun):
		db.circuit.reached()
		err = classify(op, err)
	case err != nil:
		err = db.classifyRun(ctx, op, timeout, time.Since(start), wait, err)
	default:
		db.circuit.reached()
	}
	db.observe(op, time.Since(start), err)
	if err == nil && seq > 0 {
		db.noteSeq(seq)
	}
	if err != nil && !errors.Is(err, errDryRun) {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	if err != nil {
		return zero, err
	}
	if res == nil {
		return zero, nil
	}
	return res.(T), nil
}

// classifyRun names a failed transaction's error and tells the circuit whether Neo4j
// was reached.
func (db *DB) classifyRun(ctx context.Context, op string, timeout, elapsed time.Duration, wait *connectWait, err error) error {
	reached := wait.everConnected()
	switch {
	case wait.gaveUp():
		db.circuit.failed()
		return &Error{Kind: Unavailable, Op: op, Msg: fmt.Sprintf("no working connection to Neo4j within %s", fmtSeconds(db.connect)), Err: err}
	case ctx.Err() == context.DeadlineExceeded:
		if reached {
			db.circuit.reached()
		}
		return &Error{Kind: Timeout, Op: op, Msg: timeLimitMsg(ctx), Err: err}
	case ctx.Err() == context.Canceled:
		return &Error{Kind: Unavailable, Op: op, Msg: "the request was cancelled", Err: err}
	}
	e := classify(op, err)
	var n4j *neo4j.Neo4jError
	if errors.As(err, &n4j) && (isTxTimeout(n4j.Code) || isTerminated(n4j.Code) && elapsed >= timeout) {
		// Terminated at about its time-out (waiting on a lock, say): that time-out.
		e = &Error{Kind: Timeout, Op: op, Msg: fmt.Sprintf("the operation ran past its %s time-out", fmtSeconds(timeout)), Err: err}
	}
	if reached || KindOf(e) != Unavailable {
		db.circuit.reached()
	} else {
		db.circuit.failed()
	}
	return e
}

// isTerminated: Neo4j stopped the transaction (its time-out while it waited on a lock,
// an operator, a shutdown).
func isTerminated(code string) bool {
	return strings.HasSuffix(code, ".Transaction.LockClientStopped") || strings.HasSuffix(code, ".Transaction.Terminated")
}

func isTxTimeout(code string) bool {
	return code == "Neo.ClientError.Transaction.TransactionTimedOut" ||
		code == "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"
}

// classify keeps errors that already carry a kind and marks connection trouble as
// Unavailable and time-outs as Timeout, so callers see a stable vocabulary.
func classify(op string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	var netErr net.Error
	var connErr *neo4j.ConnectivityError
	var retriesOut *neo4j.TransactionExecutionLimit
	var usageErr *neo4j.UsageError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Kind: Timeout, Op: op, Msg: "the operation ran past its time-out", Err: err}
	case errors.Is(err, context.Canceled):
		return &Error{Kind: Unavailable, Op: op, Msg: "the request was cancelled", Err: err}
	case errors.As(err, &connErr), errors.As(err, &netErr), errors.As(err, &retriesOut), neo4j.IsRetryable(err):
		// The driver gives up retrying transient failures with TransactionExecutionLimit.
		return &Error{Kind: Unavailable, Op: op, Msg: "neo4j unavailable", Err: err}
	case errors.As(err, &usageErr):
		return &Error{Kind: Internal, Op: op, Err: err}
	}
	var n4j *neo4j.Neo4jError
	if errors.As(err, &n4j) {
		switch {
		case isTxTimeout(n4j.Code):
			return &Error{Kind: Timeout, Op: op, Msg: "the operation ran past its time-out", Err: err}
		case n4j.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			return &Error{Kind: Invalid, Op: op, Msg: "constraint violated", Err: err}
		}
	}
	return &Error{Kind: Internal, Op: op, Err: fmt.Errorf("neo4j: %w", err)}
}

// connectWait cuts a transaction short while it has no connection: its ctx is
// cancelled when ConnectTimeout passes before the driver hands work a transaction, and
// again when, after an attempt lost its connection, the next one does not start in time.
type connectWait struct {
	ctx     context.Context
	cancel  context.CancelFunc
	limit   time.Duration
	mu      sync.Mutex
	timer   *time.Timer
	running bool // an attempt has its connection now
	ever    bool // an attempt ever had one
	expired bool // the wait was cut
}

func newConnectWait(parent context.Context, limit time.Duration) *connectWait {
	ctx, cancel := context.WithCancel(parent)
	w := &connectWait{ctx: ctx, cancel: cancel, limit: limit}
	w.arm()
	return w
}

func (w *connectWait) arm() {
	w.timer = time.AfterFunc(w.limit, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.running && !w.expired {
			w.expired = true
			w.cancel()
		}
	})
}

// connected is called as an attempt starts; false when the wait was already cut.
func (w *connectWait) connected() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.expired {
		return false
	}
	w.running, w.ever = true, true
	w.timer.Stop()
	return true
}

// attemptEnded re-arms the wait when the attempt lost its connection (the driver will
// reconnect and retry); other failures are the driver's to retry within RetryTime.
func (w *connectWait) attemptEnded(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.running = false
	if err != nil && isConnectionLoss(err) && !w.expired {
		w.arm()
	}
}

func (w *connectWait) stop() {
	w.mu.Lock()
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Unlock()
	w.cancel()
}

func (w *connectWait) gaveUp() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.expired
}

func (w *connectWait) everConnected() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ever
}

func isConnectionLoss(err error) bool {
	var connErr *neo4j.ConnectivityError
	var netErr net.Error
	return errors.As(err, &connErr) || errors.As(err, &netErr) || errors.Is(err, io.EOF)
}

// circuit fails transactions at once after several in a row got no connection to
// Neo4j, for a short while, so an outage costs requests nothing but the error; the
// first transaction after the pause tries again, and one that reaches Neo4j closes it.
type circuit struct {
	mu        sync.Mutex
	failures  int
	openUntil time.Time
}

const (
	// One failed connect opens the circuit: a request that needs several transactions
	// then fails on the first (≤ NEO4J_CONNECT_TIMEOUT), not once per transaction.
	circuitFailures = 1
	circuitPause    = time.Second
)

func (c *circuit) check(op string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failures >= circuitFailures && time.Now().Before(c.openUntil) {
		return &Error{Kind: Unavailable, Op: op, Msg: fmt.Sprintf("Neo4j did not answer the last %d transactions; trying again within %s", c.failures, fmtSeconds(circuitPause))}
	}
	return nil
}

func (c *circuit) failed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failures++
	if c.failures >= circuitFailures {
		c.openUntil = time.Now().Add(circuitPause)
	}
}

func (c *circuit) reached() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failures = 0
}

type timeLimitKey struct{}

// WithTimeLimit is context.WithTimeout that also remembers the limit, so a transaction
// cut by it says which time-out it ran past.
func WithTimeLimit(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, d)
	return context.WithValue(ctx, timeLimitKey{}, d), cancel
}

// TimeLimitMsg says which time-out the operation in ctx ran past.
func timeLimitMsg(ctx context.Context) string {
	if d, ok := ctx.Value(timeLimitKey{}).(time.Duration); ok {
		return fmt.Sprintf("the operation ran past its %s time-out", fmtSeconds(d))
	}
	return "the operation ran past its time-out"
}

// TimeoutError is the Timeout a caller reports for an operation ctx cut short.
func TimeoutError(ctx context.Context, op string) error {
	return &Error{Kind: Timeout, Op: op, Msg: timeLimitMsg(ctx), Err: context.DeadlineExceeded}
}

func fmtSeconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s"
}

// DeleteAllData removes every node and relationship except the migration records and the
// change feed's counter, in
// batches. It exists for tests and benchmarks that need an empty graph; nothing in the
// service calls it.
func (db *DB) DeleteAllData(ctx context.Context) error {
	session := db.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: db.database, AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	// CALL … IN TRANSACTIONS needs an auto-commit transaction, hence session.Run.
	res, err := session.Run(ctx, `MATCH (n) WHERE NOT n:Migration AND NOT n:Feed
		CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS`, nil)
	if err != nil {
		return classify("delete all data", err)
	}
	if _, err := res.Consume(ctx); err != nil {
		return classify("delete all data", err)
	}
	// The Feed counter survives, so seq stays monotonic; a reset change tells every index
	// to rebuild.
	_, err = Write(ctx, db, "delete all data", func(ctx context.Context, tx Tx) (any, error) {
		Touch(ctx, ChangeReset, "all")
		return nil, nil
	})
	return err
}
