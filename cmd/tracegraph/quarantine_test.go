package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestQuarantineCommandRefusesBadArguments(t *testing.T) {
	getenv := func(string) string { return "" }
	for _, args := range [][]string{
		{"tracegraph", "quarantine", "--as-of", "2020-01-26"}, // a bare date is not a moment
		{"tracegraph", "quarantine", "--as-of", "yesterday"},
		{"tracegraph", "quarantine", "extra"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, getenv, &out, &errOut)
		var ec exitCoder
		if err == nil || !errors.As(err, &ec) || ec.ExitCode() != 2 {
			t.Fatalf("%v: err = %v, want exit 2", args, err)
		}
		if strings.Contains(args[len(args)-1], "2020") && !strings.Contains(err.Error(), "--as-of") {
			t.Fatalf("%v: error %q does not name --as-of", args, err)
		}
	}
}
