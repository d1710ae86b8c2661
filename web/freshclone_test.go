package web

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A Go user's first commands on a fresh clone, `go build ./...` and `go install
// …/cmd/tracegraph`, work without Node and without web/dist/page (issue 19), and the
// binary they make serves the committed fallback page, which says how to build the
// full one. The clone is the repository's files as git knows them (tracked, plus new
// files not ignored), copied to a temporary folder: build output and node_modules are
// ignored, so they are not there.
func TestAFreshCloneBuildsAndInstallsWithoutNode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole module in a copy: not with -short")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	ls := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	ls.Dir = root
	out, err := ls.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	clone := t.TempDir()
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, name)
		info, err := os.Lstat(src)
		if err != nil || !info.Mode().IsRegular() { // deleted in the work tree, or a link
			continue
		}
		if err := copyFile(src, filepath.Join(clone, name), info.Mode()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(clone, "web/dist/page")); !os.IsNotExist(err) {
		t.Fatalf("the copy has web/dist/page (err %v): it must not carry the npm build", err)
	}
	gobin := t.TempDir()
	// GOPROXY=off: the modules come from the cache that building this test filled, so
	// the copy proves that nothing but Go is needed, not that the network answers.
	env := append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=", "GOPROXY=off", "PATH="+withoutNode(os.Getenv("PATH")))
	for _, args := range [][]string{{"build", "./..."}, {"install", "./cmd/tracegraph"}} {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = clone, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in a fresh copy: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	// The installed binary starts (it does not wait for Neo4j) and serves the fallback.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := exec.CommandContext(ctx, filepath.Join(gobin, "tracegraph"), "serve", "--addr", "127.0.0.1:0")
	srv.Env = append(os.Environ(), "TRACEGRAPH_DEV=1", "TRACEGRAPH_JWT_SECRET=", "TRACEGRAPH_JWKS_FILE=",
		"NEO4J_URI=bolt://127.0.0.1:1", "TRACEGRAPH_LOG_LEVEL=error")
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v", err)
	}
	addr := regexp.MustCompile(`https?://[^/ ]+/`).FindString(line)
	if addr == "" {
		t.Fatalf("no URL in %q", line)
	}
	for _, path := range []string{"", "app/"} {
		res, err := http.Get(addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), "make web") {
			t.Errorf("GET /%s from the go-installed binary = %d %.200q, want the fallback page naming `make web`", path, res.StatusCode, body)
		}
	}
}

func copyFile(src, dst string, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode.Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// withoutNode drops the folders that hold node or npm from a PATH.
func withoutNode(path string) string {
	var keep []string
	for _, dir := range filepath.SplitList(path) {
		if _, err := os.Stat(filepath.Join(dir, "node")); err == nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "npm")); err == nil {
			continue
		}
		keep = append(keep, dir)
	}
	return strings.Join(keep, string(filepath.ListSeparator))
}
