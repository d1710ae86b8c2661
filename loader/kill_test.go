package loader

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// childEnv makes the test binary a loader process: TestMain loads that folder and
// exits, so that a test can SIGKILL a real load midway.
const childEnv = "TRACEGRAPH_LOADER_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		os.Exit(childLoad(dir))
	}
	if dir := os.Getenv(bulkChildEnv); dir != "" {
		os.Exit(childBulk(dir, os.Getenv(bulkChildEnv+"_HOME")))
	}
	os.Exit(m.Run())
}

func childLoad(dir string) int {
	ctx := context.Background()
	db, err := graph.Open(graphtest.Config(), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	batch, _ := strconv.Atoi(os.Getenv(childEnv + "_BATCH"))
	if _, err := Load(ctx, db, dir, Options{BatchSize: batch}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func count(t *testing.T, db *graph.DB, cypher string) int64 {
	t.Helper()
	n, err := graph.Read(context.Background(), db, "test count", func(ctx context.Context, tx graph.Tx) (int64, error) {
		res, err := tx.Run(ctx, cypher, nil)
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

// TestInterruptedLoad SIGKILLs a loader process in the middle of a bundle (people
// loaded, a third of the contacts written), loads again, and compares counts and the property
// checksum with an uninterrupted load. TRACEGRAPH_KILL_PEOPLE sets the size (default
// 6,000 people, about 21,000 rows; the test kills in contacts.csv, with 500 rows a
// transaction).
func TestInterruptedLoad(t *testing.T) {
	people := 6000
	if s := os.Getenv("TRACEGRAPH_KILL_PEOPLE"); s != "" {
		people, _ = strconv.Atoi(s)
	}
	db := graphtest.MustOpen(t)
	dir := t.TempDir()
	writeBigBundle(t, dir, people)

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+dir, childEnv+"_BATCH=500")
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	// Kill a third of the way into contacts.csv, the last and largest file.
	total := int64(len(csvRows(t, dir, "contacts.csv")))
	deadline := time.After(5 * time.Minute)
	for count(t, db, "MATCH ()-[r:CONTACTED]->() RETURN count(r)") < total/3 {
		select {
		case err := <-exited:
			t.Fatalf("the loader ended (%v) before it could be killed", err)
		case <-deadline:
			_ = child.Process.Kill()
			t.Fatal("the loader did not get a third into contacts.csv in 5 minutes")
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	contactsAtKill := count(t, db, "MATCH ()-[r:CONTACTED]->() RETURN count(r)")
	if contactsAtKill >= total {
		t.Fatalf("killed too late: %d of %d contacts written", contactsAtKill, total)
	}
	t.Logf("killed with %d of %d contacts written", contactsAtKill, total)

	rep := mustLoad(t, db, dir, Options{})
	if !rep.Clean() {
		t.Fatalf("rejects: %v", rep.Rejects[:min(5, len(rep.Rejects))])
	}
	resumed := readState(t, db)

	if err := db.DeleteAllData(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustLoad(t, db, dir, Options{})
	clean := readState(t, db)
	if resumed.String() != clean.String() {
		t.Fatalf("an interrupted load run again differs from an uninterrupted one:\n resumed %v\n clean   %v", resumed, clean)
	}
	if clean.Rels["CONTACTED"] == 0 || clean.Nodes["[Person]"] != people {
		t.Fatalf("unexpected graph %v", clean)
	}
}
