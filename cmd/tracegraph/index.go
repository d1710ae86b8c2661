package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/tracegraph/tracegraph/graph/index"
)

// indexCommand is `tracegraph index verify`: it builds the tracing index as serve does,
// follows the change feed for --for (as a running process would), then compares the
// index with Neo4j and lists every difference. A difference is a write that reached
// Neo4j without tracegraph (raw Cypher, a restore): it recorded nothing in the feed, so
// every running index misses it until it rebuilds. Exit status 1 when there is one.
func indexCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, log zerolog.Logger) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: tracegraph index verify [--for DURATION]")
		return exitError{code: 2, err: fmt.Errorf("index: the only subcommand is verify")}
	}
	fs := flag.NewFlagSet("index verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	follow := fs.Duration("for", 0, "follow the feed this long before comparing (0: compare at once)")
	if err := fs.Parse(args[1:]); err != nil {
		return exitError{code: 2, err: err}
	}
	if fs.NArg() != 0 {
		return exitError{code: 2, err: fmt.Errorf("index verify: unexpected arguments %v", fs.Args())}
	}
	env, err := openEnv(ctx, getenv, log, nil)
	if err != nil {
		return err
	}
	defer env.close()
	ix := index.New(env.db, time.Second).WithFacts(env.svc.Loc)
	if err := ix.Build(ctx); err != nil {
		return err
	}
	st := ix.Status()
	fmt.Fprintf(stdout, "index built at version %d: %d people in %s\n", st.Version, st.People, st.BuildTime.Round(time.Millisecond))
	if *follow > 0 {
		fctx, cancel := context.WithTimeout(ctx, *follow)
		ix.Run(fctx, func(err error) { log.Warn().Err(err).Msg("index") })
		cancel()
	}
	diffs, err := ix.Verify(ctx)
	if err != nil {
		return err
	}
	for _, d := range diffs {
		fmt.Fprintln(stdout, d)
	}
	if len(diffs) > 0 {
		return exitError{code: 1, err: fmt.Errorf("index verify: %d differences at version %d: a write reached Neo4j without the feed; rebuild the indexes (restart serve)", len(diffs), ix.Status().Version)}
	}
	fmt.Fprintf(stdout, "index verify: no differences at version %d\n", ix.Status().Version)
	return nil
}
