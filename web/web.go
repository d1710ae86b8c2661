// Package web holds the command centre's page (the Vite + TypeScript app in this
// folder), built into dist/ by `npm ci && npm run build` and embedded in the binary so
// `tracegraph serve` needs nothing else at run time. The Makefile's build, test and run
// targets build dist/ first: `go build` fails without it, on purpose, rather than
// shipping a binary with no page.
package web

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Dist is the built app: index.html and assets/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // cannot happen: "dist" is a valid path embedded above
	}
	return sub
}

// Config is what the page reads at start from <prefix>/config.json.
type Config struct {
	// TimeZone is the service's zone (TRACEGRAPH_TZ): the page shows dates in it.
	TimeZone string `json:"timeZone"`
	// DevToken is set in development mode only (TRACEGRAPH_DEV=1): the same
	// epidemiologist token that serve prints and pre-fills in the IDE page. Without it
	// the page asks for a token.
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
