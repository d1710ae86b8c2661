package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tracegraph/tracegraph/resolvers"
)

// token prints a bearer token signed with TRACEGRAPH_JWT_SECRET (SPEC §9).
func token(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "", "epidemiologist, tracer or dashboard")
	sub := fs.String("sub", "", "who the token is for")
	areas := fs.String("areas", "", "comma-separated area codes a tracer serves")
	ttl := fs.Duration("ttl", 8*time.Hour, "how long the token is valid")
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2, err: err}
	}
	tok, err := resolvers.SignToken([]byte(getenv("TRACEGRAPH_JWT_SECRET")), *role, *sub, splitList(*areas), *ttl, time.Now())
	if err != nil {
		return exitError{code: 2, err: err}
	}
	fmt.Fprintln(stdout, tok)
	return nil
}
