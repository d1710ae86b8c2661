// Package webtest checks, for the tests of web/ and of the server, that pages load
// nothing from outside the service.
package webtest

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var (
	htmlRef = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*["']([^"']+)["']`)
	cssRef  = regexp.MustCompile(`url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']`)
	// A quoted path of a file the build emits: ./x.js, /app/assets/x.js or assets/x.js.
	jsRef = regexp.MustCompile("[\"'`]((?:\\./|/app/|assets/)[^\"'`\\s]+\\.(?:js|mjs|css|ttf|woff2?|svg|png|wasm))[\"'`]")
	// A script that loads code or styles from elsewhere.
	jsRemote = regexp.MustCompile("(?:\\bfrom|\\bimport\\s*\\(?|new\\s+(?:Shared)?Worker\\s*\\(|importScripts\\s*\\()\\s*[\"'`](?:https?:)?//")
)

// WalkAssets fetches each start URL and, transitively, every asset it references
// through the HTML (src, href), the CSS (url(), @import) and the scripts (static and
// dynamic imports, Vite's preload lists, workers). It fails t for a reference that is
// not same-origin, a script that imports from elsewhere, or an asset not served 200,
// and returns the URLs it fetched. header is sent with every request (nil for none).
func WalkAssets(t *testing.T, header http.Header, starts ...string) map[string]bool {
	t.Helper()
	origin, err := url.Parse(starts[0])
	if err != nil {
		t.Fatal(err)
	}
	queue := append([]string(nil), starts...)
	seen := map[string]bool{}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if seen[u] {
			continue
		}
		seen[u] = true
		req, _ := http.NewRequest("GET", u, nil)
		for k, v := range header {
			req.Header[k] = v
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("GET %s = %d, want 200", u, res.StatusCode)
			continue
		}
		base, _ := url.Parse(u)
		var refs []string
		text := string(body)
		switch ct := res.Header.Get("Content-Type"); {
		case strings.HasPrefix(ct, "text/html"):
			for _, m := range htmlRef.FindAllStringSubmatch(text, -1) {
				refs = append(refs, m[1])
			}
		case strings.HasPrefix(ct, "text/css"):
			for _, m := range cssRef.FindAllStringSubmatch(text, -1) {
				refs = append(refs, m[1]+m[2])
			}
		case strings.Contains(ct, "javascript"):
			if m := jsRemote.FindString(text); m != "" {
				t.Errorf("%s loads code from elsewhere: %q", u, m)
			}
			for _, m := range jsRef.FindAllStringSubmatch(text, -1) {
				ref := m[1]
				if strings.HasPrefix(ref, "assets/") {
					ref = "/app/" + ref // Vite's preload lists are relative to the base, /app/
				}
				refs = append(refs, ref)
			}
		}
		for _, ref := range refs {
			if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "#") {
				continue
			}
			r, err := base.Parse(ref)
			if err != nil {
				t.Errorf("%s: bad reference %q: %v", u, ref, err)
				continue
			}
			if r.Scheme != origin.Scheme || r.Host != origin.Host {
				t.Errorf("%s references %q, which is not served by the binary", u, ref)
				continue
			}
			r.Fragment = ""
			queue = append(queue, r.String())
		}
	}
	return seen
}
