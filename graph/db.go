package graph

import (
	"context"
	"errors"
	"fmt"
	"net"
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
}

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
	observe  Observer
	lastSeq  atomic.Int64 // the highest change-feed seq this process committed (feed.go)
}

// Open connects to Neo4j. It does not wait for the server: Ping and Ready say whether
// it answers, so a service can start before its database does.
func Open(cfg Config, observe Observer) (*DB, error) {
	auth := neo4j.NoAuth()
	if cfg.Password != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.MaxConnectionPoolSize = 64
		c.ConnectionAcquisitionTimeout = 10 * time.Second
		c.SocketConnectTimeout = 5 * time.Second
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
	return &DB{driver: driver, database: cfg.Database, timeout: timeout, observe: observe}, nil
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
	session := db.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: db.database, AccessMode: mode})
	defer session.Close(ctx)
	// A write records what it touched in the change feed as its last statement (feed.go);
	// each attempt (the driver may retry) starts with an empty record.
	var seq int64
	fn := func(tx neo4j.ManagedTransaction) (any, error) {
		if mode == neo4j.AccessModeRead {
			return work(ctx, tx)
		}
		t := &touched{keys: map[string]map[string]bool{}}
		res, err := work(context.WithValue(ctx, touchedKey{}, t), tx)
		if err != nil {
			return nil, err
		}
		if seq, err = recordChange(ctx, tx, op, t); err != nil {
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
		res, err = session.ExecuteRead(ctx, fn, cfg)
	} else {
		res, err = session.ExecuteWrite(ctx, fn, cfg)
	}
	db.observe(op, time.Since(start), err)
	if err == nil && seq > 0 {
		db.noteSeq(seq)
	}
	var zero T
	if err != nil && !errors.Is(err, errDryRun) {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	if err != nil {
		return zero, classify(op, err)
	}
	if res == nil {
		return zero, nil
	}
	return res.(T), nil
}

// classify keeps errors that already carry a kind and marks connection trouble and
// time-outs as Unavailable, so callers see a stable vocabulary.
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
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &Error{Kind: Unavailable, Op: op, Msg: "timed out or cancelled", Err: err}
	case errors.As(err, &connErr), errors.As(err, &netErr), errors.As(err, &retriesOut), neo4j.IsRetryable(err):
		// The driver gives up retrying transient failures with TransactionExecutionLimit.
		return &Error{Kind: Unavailable, Op: op, Msg: "neo4j unavailable", Err: err}
	case errors.As(err, &usageErr):
		return &Error{Kind: Internal, Op: op, Err: err}
	}
	var n4j *neo4j.Neo4jError
	if errors.As(err, &n4j) {
		switch n4j.Code {
		case "Neo.ClientError.Transaction.TransactionTimedOut",
			"Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration":
			return &Error{Kind: Unavailable, Op: op, Msg: "query timed out", Err: err}
		case "Neo.ClientError.Schema.ConstraintValidationFailed":
			return &Error{Kind: Invalid, Op: op, Msg: "constraint violated", Err: err}
		}
	}
	return &Error{Kind: Internal, Op: op, Err: fmt.Errorf("neo4j: %w", err)}
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
