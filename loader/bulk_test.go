package loader

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
)

// bulkChildEnv makes the test binary a bulk loader of that folder (TestMain), so that
// TestBulkSameGraph can SIGKILL a real bulk load while the importer writes the store.
const bulkChildEnv = "TRACEGRAPH_LOADER_BULK_CHILD"

var neo4jSh = filepath.Join("..", "deploy", "neo4j", "neo4j.sh")

func bulkOptions(t testing.TB, home string) BulkOptions {
	return BulkOptions{Options: Options{Loc: shanghai(t)}, Home: home, Importer: []string{neo4jSh, "import"},
		ImporterArgs: []string{"--max-off-heap-memory=256m"}}
}

func childBulk(dir, home string) int {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	_, err := Bulk(context.Background(), dir, BulkOptions{Options: Options{Loc: loc}, Home: home,
		Importer: []string{neo4jSh, "import"}, ImporterArgs: []string{"--max-off-heap-memory=256m"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestBulkRejectsAsLoad: the bulk path reports exactly the transactional path's rejects
// (one line per bad row, every reason of SPEC §3, refused and unknown files), and with
// --strict writes nothing: no importer run, no store.
func TestBulkRejectsAsLoad(t *testing.T) {
	db := graphtest.MustOpen(t) // empty: the transactional path's look-ups find nothing
	files, want := rejectBundle()
	dir := writeBundle(t, files)
	tx := mustLoad(t, db, dir, Options{Strict: true})
	checkRejects(t, tx.Rejects, want)

	home := t.TempDir()
	opts := bulkOptions(t, home)
	opts.Strict = true
	opts.Importer = []string{"false"} // it must not run
	rep, err := Bulk(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(rep.Rejects), fmt.Sprint(tx.Rejects); got != want {
		t.Errorf("bulk rejects differ from the transactional load's:\n bulk %s\n tx   %s", got, want)
	}
	if fmt.Sprint(rep.Files) == "" || len(rep.Files) != len(tx.Files) {
		t.Errorf("files: bulk %v, tx %v", rep.Files, tx.Files)
	}
	for i := range rep.Files {
		b, x := rep.Files[i], tx.Files[i]
		if b.File != x.File || b.Read != x.Read || b.Written != x.Written || b.Rejected != x.Rejected {
			t.Errorf("file %d: bulk %+v, tx %+v", i, b, x)
		}
	}
	if rep.Written {
		t.Error("a strict bulk load with rejects says it wrote")
	}
	if _, err := os.Stat(filepath.Join(home, "data")); err == nil {
		t.Error("a strict bulk load with rejects made a store")
	}
}

// TestBulkTargetRefusesAStore: the bulk path only makes a new database.
func TestBulkTargetRefusesAStore(t *testing.T) {
	home := t.TempDir()
	if err := BulkTarget(home); err != nil {
		t.Fatalf("an empty folder: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(home, "data", "databases", "neo4j"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := BulkTarget(home)
	if err == nil || !strings.Contains(err.Error(), "already holds a database") {
		t.Fatalf("a store with a database: %v", err)
	}
	// A store that a killed bulk load left may be overwritten by the same load.
	if err := os.WriteFile(filepath.Join(home, BulkMarker), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := BulkTarget(home); err != nil {
		t.Fatalf("a store left by a killed bulk load: %v", err)
	}
}

// TestBulkSameGraph loads the demo county through the transactional path and through
// the bulk path (after SIGKILLing a first bulk load while the importer writes, then
// running it again), starts a Neo4j on the imported store, migrates it, and compares
// the digests of the two graphs: every label, property (typed) and relationship.
func TestBulkSameGraph(t *testing.T) {
	bundle := filepath.Join("..", "examples", "county")
	began := time.Now()
	phase := func(what string) { t.Logf("%s after %s", what, time.Since(began).Round(time.Millisecond)) }
	db := graphtest.MustOpen(t)
	tx := mustLoad(t, db, bundle, Options{})
	if !tx.Clean() {
		t.Fatalf("transactional rejects: %v", tx.Rejects)
	}
	want, err := GraphDigest(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}

	phase("transactional load and digest")
	home := filepath.Join(t.TempDir(), "store")
	// A first bulk load, killed once the importer is writing the store.
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), bulkChildEnv+"="+bundle, bulkChildEnv+"_HOME="+home)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	deadline := time.After(3 * time.Minute)
	killed := false
	for !killed {
		_, marked := os.Stat(filepath.Join(home, BulkMarker))
		_, store := os.Stat(filepath.Join(home, "data", "databases", "neo4j"))
		select {
		case err := <-exited:
			t.Fatalf("the bulk load ended (%v) before the importer wrote the store", err)
		case <-deadline:
			_ = child.Process.Kill()
			t.Fatal("the importer did not start writing the store in 3 minutes")
		case <-time.After(20 * time.Millisecond):
		}
		if marked == nil && store == nil {
			if err := child.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-exited
			killed = true
		}
	}
	if _, err := os.Stat(filepath.Join(home, BulkMarker)); err != nil {
		t.Fatalf("a killed bulk load left no marker: %v", err)
	}
	time.Sleep(500 * time.Millisecond) // the importer dies with it (Pdeathsig); let it go
	phase("first bulk load killed")

	// The same command again.
	rep, err := Bulk(context.Background(), bundle, bulkOptions(t, home))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Clean() || !rep.Written || fmt.Sprint(rep.Files) == "" {
		t.Fatalf("bulk report: %+v", rep)
	}
	if _, err := os.Stat(filepath.Join(home, BulkMarker)); err == nil {
		t.Fatal("the marker is still there after a bulk load")
	}
	if err := BulkTarget(home); err == nil {
		t.Fatal("a second bulk load onto the new store would be allowed")
	}

	phase("bulk load run again")
	bulkDB := startStore(t, home)
	phase("neo4j started on the imported store")
	ctx := context.Background()
	if err := bulkDB.Migrate(ctx); err != nil {
		t.Fatalf("migrations on the imported store: %v", err)
	}
	if err := bulkDB.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	phase("migrated")
	got, err := GraphDigest(ctx, bulkDB)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Fatalf("the bulk load's graph differs from the transactional load's:\n bulk %v\n tx   %v", got, want)
	}
	if want.Nodes["Person"] == 0 || want.Rels["SAW"] == 0 || want.Rels["PASSED"] == 0 {
		t.Fatalf("the county loaded oddly: %v", want)
	}
	if head, err := bulkDB.FeedHead(ctx); err != nil || head != 1 {
		t.Fatalf("feed head %d (%v), want 1 (the bulk load's reset)", head, err)
	}
	cs, err := bulkDB.FeedSince(ctx, 0, 10)
	if err != nil || len(cs) != 1 || len(cs[0].Keys[graph.ChangeReset]) != 1 {
		t.Fatalf("feed %+v (%v), want one reset change", cs, err)
	}
	// The imported store takes writes like any other: the next change is seq 2.
	if err := bulkDB.WriteAreas(ctx, []graph.Area{{Code: "X1", Name: "x", Level: "province"}}); err != nil {
		t.Fatal(err)
	}
	if head, _ := bulkDB.FeedHead(ctx); head != 2 {
		t.Fatalf("feed head after a write %d, want 2", head)
	}
}

// startStore starts a Neo4j (deploy/neo4j) on home on a free port, stops it when the
// test ends, and connects.
func startStore(t *testing.T, home string) *graph.DB {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	env := append(os.Environ(), "NEO4J_HOME="+home, fmt.Sprintf("NEO4J_PORT=%d", port),
		"NEO4J_HEAP=512m", "NEO4J_PAGECACHE=64m")
	start := exec.Command(neo4jSh, "start")
	start.Env = env
	if out, err := start.CombinedOutput(); err != nil {
		t.Fatalf("neo4j start on %s: %v\n%s", home, err, out)
	}
	t.Cleanup(func() {
		stop := exec.Command(neo4jSh, "stop")
		stop.Env = env
		_ = stop.Run()
	})
	cfg := graph.Config{URI: fmt.Sprintf("bolt://127.0.0.1:%d", port), Database: "neo4j", QueryTimeout: 2 * time.Minute}
	db, err := graph.Open(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	return db
}
