package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ec exitCoder
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return 1
}

// TestLoadCommand runs `tracegraph load` end to end: exit 0 on a clean bundle, 2 with
// rejects (on stderr and, with --rejects, as CSV), 1 on failure; --strict writes
// nothing when a row is bad.
func TestLoadCommand(t *testing.T) {
	db := graphtest.MustOpen(t) // an empty, migrated graph
	getenv := getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_LOG_LEVEL": "error"})
	good := map[string]string{
		"areas.csv":  "code,name,level,parent_code\nA1,县,county,\n",
		"people.csv": "id,name,id_number\nP1,张三,11010519491231002x\n",
	}
	bad := map[string]string{
		"areas.csv":  good["areas.csv"],
		"people.csv": "id,name,id_number\nP2,李四,110105194912310021\nP3,王五,\n",
		"cases.csv":  "person_id,status\nP2,confirmed\n",
	}
	load := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		err := run(context.Background(), append([]string{"tracegraph", "load"}, args...), getenv, &out, &errb)
		return exitCode(err), out.String(), errb.String()
	}

	code, out, _ := load(writeFiles(t, good))
	if code != 0 || !strings.Contains(out, "people.csv") || !strings.Contains(out, "total") {
		t.Fatalf("clean load: exit %d, summary %q", code, out)
	}

	badDir := writeFiles(t, bad)
	rejects := filepath.Join(t.TempDir(), "rejects.csv")
	code, _, stderr := load("--strict", "--rejects", rejects, badDir)
	wantLines := []string{
		"people.csv:2: id_number: invalid ID number",
		`cases.csv:2: person_id: unknown reference: person "P2" was rejected in this bundle`,
	}
	if code != 2 {
		t.Fatalf("strict load with rejects: exit %d, want 2", code)
	}
	for _, w := range wantLines {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	f, err := os.Open(rejects)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || strings.Join(recs[0], ",") != "file,line,column,reason,raw" ||
		strings.Join(recs[1][:3], ",") != "people.csv,2,id_number" || recs[1][4] != "P2,李四,110105194912310021" {
		t.Errorf("rejects CSV: %q", recs)
	}
	if n := countPeople(t, db); n != 1 {
		t.Errorf("--strict with rejects: %d people, want the 1 of the first load", n)
	}

	// Flags after the folder work too; without --strict the good rows load.
	code, _, _ = load(badDir, "--rejects", rejects)
	if code != 2 || countPeople(t, db) != 2 {
		t.Errorf("default load with rejects: exit %d, %d people; want 2 and 2", code, countPeople(t, db))
	}

	if code, _, _ := load(filepath.Join(badDir, "nope")); code != 1 {
		t.Errorf("missing folder: exit %d, want 1", code)
	}
	if code, _, _ := load(); code != 1 {
		t.Errorf("no folder: exit %d, want 1", code)
	}
	down := getenvFrom(map[string]string{"NEO4J_URI": "bolt://127.0.0.1:1", "TRACEGRAPH_LOG_LEVEL": "error"})
	var out2, err2 bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second) // the driver would retry for 15 s
	defer cancel()
	if err := run(ctx, []string{"tracegraph", "load", badDir}, down, &out2, &err2); exitCode(err) != 1 {
		t.Errorf("neo4j down: %v (exit %d), want exit 1", err, exitCode(err))
	}
}

func countPeople(t *testing.T, db *graph.DB) int64 {
	t.Helper()
	n, err := graph.Read(context.Background(), db, "test", func(ctx context.Context, tx graph.Tx) (int64, error) {
		res, err := tx.Run(ctx, "MATCH (p:Person) RETURN count(p)", nil)
		if err != nil {
			return 0, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return 0, err
		}
		return rec.Values[0].(int64), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoadRejectsOverlongValues: a 9 KB name (which Neo4j's index would refuse in the
// middle of a load) is one reject line of the rows' validation, exit 2; with --strict
// nothing of the bundle is written, and the rejects report is written either way.
func TestLoadRejectsOverlongValues(t *testing.T) {
	db := graphtest.MustOpen(t)
	getenv := getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_LOG_LEVEL": "error"})
	dir := writeFiles(t, map[string]string{
		"areas.csv":  "code,name,level,parent_code\nA1,县,county,\n",
		"people.csv": "id,name,phone\nP1,张三,139 0000 0000\nP2," + strings.Repeat("名", 3*1024) + ",\nP3,王五,\n",
		"cases.csv":  "person_id,status\nP1,confirmed\n",
	})
	load := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		err := run(context.Background(), append([]string{"tracegraph", "load"}, args...), getenv, &out, &errb)
		return exitCode(err), errb.String()
	}
	rejectLines := func(stderr string) []string {
		var lines []string
		for _, l := range strings.Split(stderr, "\n") {
			if strings.HasPrefix(l, "people.csv:") || strings.HasPrefix(l, "areas.csv:") || strings.HasPrefix(l, "cases.csv:") {
				lines = append(lines, l)
			}
		}
		return lines
	}
	rejects := filepath.Join(t.TempDir(), "rejects.csv")
	for _, strict := range []bool{true, false} {
		args := []string{"--rejects", rejects, dir}
		if strict {
			args = append([]string{"--strict"}, args...)
		}
		code, stderr := load(args...)
		lines := rejectLines(stderr)
		if code != 2 || len(lines) != 1 || !strings.HasPrefix(lines[0], "people.csv:3: name: too long") {
			t.Fatalf("strict=%v: exit %d, reject lines %q; want 2 and one people.csv:3: name: too long", strict, code, lines)
		}
		f, err := os.Open(rejects)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(recs) != 2 || strings.Join(recs[1][:3], ",") != "people.csv,3,name" || !strings.HasPrefix(recs[1][3], "too long") {
			t.Fatalf("strict=%v: rejects report of %d lines (%v)", strict, len(recs), err)
		}
		want := int64(2) // without --strict the good rows load
		if strict {
			want = 0
		}
		if n := countPeople(t, db); n != want {
			t.Fatalf("strict=%v: %d people written, want %d", strict, n, want)
		}
		if strict && countAreas(t, db) != 0 {
			t.Fatal("--strict with a reject wrote the areas")
		}
	}
}

func countAreas(t *testing.T, db *graph.DB) int64 {
	t.Helper()
	n, err := graph.Read(context.Background(), db, "test", func(ctx context.Context, tx graph.Tx) (int64, error) {
		res, err := tx.Run(ctx, "MATCH (a:Area) RETURN count(a)", nil)
		if err != nil {
			return 0, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return 0, err
		}
		return rec.Values[0].(int64), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// `tracegraph load --to-xlsx OUT DIR` writes a workbook that `tracegraph load OUT`
// loads, reporting bad rows as sheet!row.
func TestLoadCommandReadsAWorkbook(t *testing.T) {
	db := graphtest.MustOpen(t)
	getenv := getenvFrom(map[string]string{"NEO4J_URI": graphtest.Config().URI, "TRACEGRAPH_LOG_LEVEL": "error"})
	dir := writeFiles(t, map[string]string{
		"areas.csv":  "code,name,level,parent_code\nA1,县,county,\n",
		"people.csv": "id,name,id_number\nP1,张三,11010519491231002x\nP2,李四,110105194912310021\n",
	})
	book := filepath.Join(t.TempDir(), "county.xlsx")
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"tracegraph", "load", "--to-xlsx", book, dir}, getenv, &out, &errb); err != nil {
		t.Fatalf("--to-xlsx: %v %s", err, errb.String())
	}
	out.Reset()
	errb.Reset()
	err := run(context.Background(), []string{"tracegraph", "load", book}, getenv, &out, &errb)
	if exitCode(err) != 2 || !strings.Contains(errb.String(), "people!3: id_number: invalid ID number") {
		t.Fatalf("load of the workbook: exit %d, stderr %s", exitCode(err), errb.String())
	}
	if n := countPeople(t, db); n != 1 {
		t.Errorf("%d people loaded from the workbook, want 1", n)
	}
}
