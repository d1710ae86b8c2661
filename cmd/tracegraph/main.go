// Command tracegraph is the contact-tracing graph service: one binary with the
// subcommands of SPEC §9. It only wires packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/term"

	"github.com/tracegraph/tracegraph/graph"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracegraph:", err)
		var ec exitCoder
		if errors.As(err, &ec) {
			os.Exit(ec.ExitCode())
		}
		os.Exit(1)
	}
}

const usage = `usage: tracegraph <command> [flags]

commands:
  serve     serve GraphQL, the IDE page, health checks and metrics
  load      import a bundle: load [--strict] [--rejects FILE] DIR|BOOK.xlsx (--to-xlsx OUT DIR: convert)
  export    export quarantines [--as-of T] [--area CODE] [--format csv|json|xlsx] [--out FILE] [--unmasked]
  quarantine  run the quarantine engine: quarantine [--as-of T] [--dry-run] [--json]
  token     print a signed bearer token: --role R --sub NAME [--areas A,B] [--ttl 8h]
  index     index verify [--for D]: build the tracing index, follow the feed for D, list its differences with Neo4j
  migrate   create the graph's constraints and indexes, then exit
  gen       write a synthetic county bundle: gen --people N --seed S --out DIR (--demo: the demo county)
  version   print the version
`

// run is the whole program, testable: arguments, environment and output are passed in.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return exitError{code: 2, err: fmt.Errorf("no command given")}
	}
	log := newLogger(stderr, getenv)
	stopTracing, err := setupTracing(ctx, getenv)
	if err != nil {
		return err
	}
	defer stopTracing()
	cmd, rest := args[1], args[2:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout, log)
	case "load":
		return load(ctx, rest, getenv, stdout, stderr, log)
	case "migrate":
		env, err := openEnv(ctx, getenv, log, nil)
		if err != nil {
			return err
		}
		defer env.close()
		fmt.Fprintf(stdout, "migrated to version %d\n", graph.LatestMigration())
		return nil
	case "gen":
		return gen(rest, stdout)
	case "export":
		return export(ctx, rest, getenv, stdout, stderr, log)
	case "quarantine":
		return quarantine(ctx, rest, getenv, stdout, stderr, log)
	case "token":
		return token(rest, getenv, stdout, stderr)
	case "index":
		return indexCommand(ctx, rest, getenv, stdout, stderr, log)
	case "version":
		fmt.Fprintln(stdout, "tracegraph", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return exitError{code: 2, err: fmt.Errorf("unknown command %q", cmd)}
}

var version = "dev"

// newLogger writes JSON, or a readable console format when stderr is a terminal.
func newLogger(w io.Writer, getenv func(string) string) zerolog.Logger {
	out := w
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		out = zerolog.ConsoleWriter{Out: w, TimeFormat: time.Kitchen}
	}
	level := zerolog.InfoLevel
	if l, err := zerolog.ParseLevel(getenv("TRACEGRAPH_LOG_LEVEL")); err == nil && l != zerolog.NoLevel {
		level = l
	}
	return zerolog.New(out).Level(level).With().Timestamp().Logger()
}

// env is what most subcommands need: the configured service over an open database.
type env struct {
	db  *graph.DB
	svc *graph.Service
}

// close writes the audit records still queued (a graceful end), then disconnects.
func (e *env) close() {
	_ = e.svc.Audit.Close(context.Background())
	_ = e.db.Close(context.Background())
}

// openEnv reads configuration, connects and migrates. observe may be nil.
func openEnv(ctx context.Context, getenv func(string) string, log zerolog.Logger, observe graph.Observer) (*env, error) {
	policy, err := graph.LoadPolicy(getenv("TRACEGRAPH_POLICY"))
	if err != nil {
		return nil, err
	}
	loc, err := loadZone(getenv)
	if err != nil {
		return nil, err
	}
	cfg := graph.ConfigFromEnv(getenv)
	db, err := graph.Open(cfg, observe)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close(ctx)
		return nil, fmt.Errorf("migrating %s: %w", cfg.URI, err)
	}
	log.Info().Str("neo4j", cfg.URI).Str("database", cfg.Database).Str("policy", policy.Name).Str("tz", loc.String()).Msg("connected")
	svc := graph.NewService(db, policy, loc)
	if svc.Audit, err = newAuditor(db, getenv); err != nil {
		db.Close(ctx)
		return nil, err
	}
	return &env{db: db, svc: svc}, nil
}

type exitCoder interface{ ExitCode() int }

type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }
func (e exitError) ExitCode() int { return e.code }
