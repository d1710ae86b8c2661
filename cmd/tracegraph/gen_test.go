package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenWritesABundle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "county")
	var out bytes.Buffer
	err := run(context.Background(), []string{"tracegraph", "gen", "--people", "800", "--seed", "3", "--out", dir}, getenvFrom(nil), &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "800 people") {
		t.Errorf("summary %q does not say 800 people", out.String())
	}
	people, err := os.ReadFile(filepath.Join(dir, "people.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(people, []byte("\n")); n != 801 {
		t.Errorf("people.csv has %d lines, want a header and 800 rows", n)
	}
}

func TestGenDemo(t *testing.T) {
	dir := t.TempDir()
	if err := run(context.Background(), []string{"tracegraph", "gen", "--demo", "--out", dir}, getenvFrom(nil), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "passages.csv")); err != nil {
		t.Fatal(err)
	}
}

func TestGenBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"gen", "--people", "10"},                        // no --out
		{"gen", "--people", "0", "--out", t.TempDir()},   // nobody
		{"gen", "--people", "ten", "--out", t.TempDir()}, // not a number
		{"gen", "--out", t.TempDir(), "extra"},           // stray argument
	} {
		err := run(context.Background(), append([]string{"tracegraph"}, args...), getenvFrom(nil), io.Discard, io.Discard)
		var ec exitCoder
		if !errors.As(err, &ec) || ec.ExitCode() != 2 {
			t.Errorf("%v: err = %v, want a usage error (exit 2)", args, err)
		}
	}
}
