// Package web holds the service's two pages, the command centre's page (/app/) and the
// GraphQL IDE (/), both built from this folder by Vite (`make web`: npm ci && npm run
// build) into dist/page/ and embedded in the binary, so `tracegraph serve` needs
// nothing else at run time and loads nothing from outside (a command centre's network
// may have no internet).
//
// dist/fallback/ is committed: a plain `go build` or `go install` on a fresh clone,
// without Node, still compiles, and the binary then serves that one small page, which
// says how to build the full ones. The Makefile's build, run and test targets build
// dist/page/ first, so they always embed the full pages.
package web

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"
)

// The pattern always matches: dist/fallback/ is in the repository.
//
//go:embed all:dist
var dist embed.FS

// Built reports whether the binary carries the npm build (dist/page/) rather than the
// fallback page.
func Built() bool {
	_, err := fs.Stat(dist, "dist/page/index.html")
	return err == nil
}

// Dist is what the binary serves: the built pages (index.html, ide.html, assets/), or
// the fallback page (index.html) when the binary was built without npm.
func Dist() fs.FS {
	dir := "dist/fallback"
	if Built() {
		dir = "dist/page"
	}
	sub, err := fs.Sub(dist, dir)
	if err != nil {
		panic(err) // cannot happen: both are valid paths under the embedded dist
	}
	return sub
}

// Config is what the pages read at start from <prefix>/config.json.
type Config struct {
	// TimeZone is the service's zone (TRACEGRAPH_TZ): the page shows dates in it.
	TimeZone string `json:"timeZone"`
	// DevToken is set in development mode only (TRACEGRAPH_DEV=1): the same
	// epidemiologist token that serve prints; the IDE puts it in its headers. Without
	// it both pages ask for a token.
	DevToken string `json:"devToken,omitempty"`
}

// Handler serves the app under prefix (for example "/app"): prefix redirects to
// prefix/, prefix/config.json answers cfg, and every other path is a file of the build
// (index.html for the folder). The page's own routes live in the URL's fragment, so
// no fallback to index.html is needed.
func Handler(prefix string, cfg Config) http.Handler {
	files := http.StripPrefix(prefix, http.FileServerFS(Dist()))
	body, err := json.Marshal(cfg)
	if err != nil {
		panic(err) // a struct of strings always marshals
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == prefix:
			http.Redirect(w, r, prefix+"/", http.StatusMovedPermanently)
		case r.URL.Path == prefix+"/config.json":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		case strings.HasPrefix(r.URL.Path, prefix+"/"):
			files.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}

// IDE serves the GraphQL IDE page (GraphiQL, built into ide.html; its assets are the
// app's, under /app/assets/, and it reads /app/config.json for the development token).
// A binary without the build serves the fallback page here too.
func IDE() http.Handler {
	name := "index.html"
	if Built() {
		name = "ide.html"
	}
	page, err := fs.ReadFile(Dist(), name)
	if err != nil {
		panic(err) // cannot happen: both builds carry their page
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
}
