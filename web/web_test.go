package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec
}

func TestHandlerServesTheBuiltPage(t *testing.T) {
	h := Handler("/app", Config{TimeZone: "Asia/Shanghai"})
	if rec := get(t, h, "/app"); rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/app/" {
		t.Fatalf("/app = %d %q, want a redirect to /app/", rec.Code, rec.Header().Get("Location"))
	}
	rec := get(t, h, "/app/")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `<div id="app"`) {
		t.Fatalf("/app/ = %d %.200q, want the built index.html", rec.Code, rec.Body.String())
	}
	if rec := get(t, h, "/app/no-such-file.js"); rec.Code != 404 {
		t.Fatalf("missing asset = %d, want 404", rec.Code)
	}
}

func TestConfigCarriesTheDevTokenOnlyWhenGiven(t *testing.T) {
	for _, tc := range []struct {
		token string
		want  bool
	}{{"", false}, {"tok", true}} {
		rec := get(t, Handler("/app", Config{TimeZone: "Asia/Shanghai", DevToken: tc.token}), "/app/config.json")
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("config.json: %v (%s)", err, rec.Body)
		}
		if m["timeZone"] != "Asia/Shanghai" {
			t.Errorf("timeZone = %v", m["timeZone"])
		}
		if _, has := m["devToken"]; has != tc.want {
			t.Errorf("devToken present = %v with token %q, want %v", has, tc.token, tc.want)
		}
	}
}
