package web

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/web/webtest"
)

// The pages must load nothing from outside the service: a command centre's network may
// have no internet (issue 19). This walks every asset that `/` and `/app/` reference,
// through the HTML (src, href), the CSS (url(), @import) and the scripts (static and
// dynamic imports, Vite's preload lists, workers), and checks that each reference is
// same-origin and served 200. The browser tests (web/tests/browser.test.mjs) then load
// both pages in chromium with every request off the machine refused.

func pagesMux() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", IDE())
	page := Handler("/app", Config{TimeZone: "Asia/Shanghai"})
	mux.Handle("GET /app", page)
	mux.Handle("GET /app/", page)
	return mux
}

func TestEveryAssetOfBothPagesIsSameOriginAndServed(t *testing.T) {
	// make test sets TRACEGRAPH_WANT_FULL_PAGE: there a fallback build is a failure, not
	// something to test instead.
	if os.Getenv("TRACEGRAPH_WANT_FULL_PAGE") != "" && !Built() {
		t.Fatal("web/dist/page is not built: run `make web` before go test")
	}
	srv := httptest.NewServer(pagesMux())
	defer srv.Close()

	seen := webtest.WalkAssets(t, nil, srv.URL+"/", srv.URL+"/app/")
	if Built() && len(seen) < 10 {
		t.Errorf("walked only %d URLs of the built pages (%v): the walk misses references", len(seen), seen)
	}
	t.Logf("walked %d URLs", len(seen))
}

func TestTheIDEIsGraphiQLFromTheBuild(t *testing.T) {
	body := get(t, pagesMux(), "/").Body.String()
	if !Built() {
		if !strings.Contains(body, "make web") {
			t.Fatalf("fallback / = %.300q, want the page that says how to build the full one", body)
		}
		return
	}
	if !strings.Contains(body, `<div id="ide">`) || !strings.Contains(body, "/app/assets/ide-") {
		t.Fatalf("/ = %.400q, want ide.html with its bundled script", body)
	}
}
