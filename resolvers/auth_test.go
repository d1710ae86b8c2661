package resolvers

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tracegraph/tracegraph/graph"
)

var secret = []byte("test-secret-of-32-bytes-or-more!!")

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func TestBearerTokens(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwks := map[string]any{"keys": []map[string]string{
		{"kty": "RSA", "kid": "r1", "n": b64(rsaKey.N.Bytes()), "e": b64(big.NewInt(int64(rsaKey.E)).Bytes())},
		{"kty": "EC", "kid": "e1", "crv": "P-256", "x": b64(ecKey.X.FillBytes(make([]byte, 32))), "y": b64(ecKey.Y.FillBytes(make([]byte, 32)))},
	}}
	file := filepath.Join(t.TempDir(), "jwks.json")
	data, _ := json.Marshal(jwks)
	os.WriteFile(file, data, 0o600)
	auth, err := NewAuthenticator(secret, file)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	good, err := SignToken(secret, graph.RoleTracer, "li.tracer", []string{"411599100"}, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	expired, _ := SignToken(secret, graph.RoleEpidemiologist, "wang", nil, time.Minute, now.Add(-2*time.Hour))
	wrongKey, _ := SignToken([]byte("another-secret-another-secret-!!"), graph.RoleEpidemiologist, "wang", nil, time.Hour, now)
	claims := func(role string) Claims {
		return Claims{Role: role, RegisteredClaims: jwt.RegisteredClaims{Subject: "idp-user", ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
	}
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims(graph.RoleEpidemiologist)).SignedString(jwt.UnsafeAllowNoneSignatureType)
	rsTok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims(graph.RoleDashboard))
	rsTok.Header["kid"] = "r1"
	rs, _ := rsTok.SignedString(rsaKey)
	esTok := jwt.NewWithClaims(jwt.SigningMethodES256, claims(graph.RoleEpidemiologist))
	esTok.Header["kid"] = "e1"
	es, _ := esTok.SignedString(ecKey)
	noExp, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, Claims{Role: graph.RoleDashboard, RegisteredClaims: jwt.RegisteredClaims{Subject: "x"}}).SignedString(secret)
	badRole, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims("admin")).SignedString(secret)

	var seen *graph.Principal
	h := auth.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = graph.PrincipalFrom(r.Context())
	}))
	cases := []struct {
		name   string
		header string
		status int
		role   string
	}{
		{"valid HS256 tracer", "Bearer " + good, 200, graph.RoleTracer},
		{"RS256 from the JWKS", "Bearer " + rs, 200, graph.RoleDashboard},
		{"ES256 from the JWKS", "bearer " + es, 200, graph.RoleEpidemiologist},
		{"missing", "", 401, ""},
		{"not bearer", "Basic abc", 401, ""},
		{"expired", "Bearer " + expired, 401, ""},
		{"wrongly signed", "Bearer " + wrongKey, 401, ""},
		{"alg none", "Bearer " + none, 401, ""},
		{"no exp", "Bearer " + noExp, 401, ""},
		{"unknown role", "Bearer " + badRole, 401, ""},
		{"garbage", "Bearer abc.def.ghi", 401, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			seen = nil
			req := httptest.NewRequest("POST", "/graphql", nil)
			if c.header != "" {
				req.Header.Set("Authorization", c.header)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d (%s)", rec.Code, c.status, rec.Body)
			}
			if c.status == 200 && (seen == nil || seen.Role != c.role) {
				t.Fatalf("principal %+v, want role %s", seen, c.role)
			}
		})
	}
	if seen := mustVerify(t, auth, good); len(seen.Areas) != 1 || seen.Areas[0] != "411599100" || seen.Subject != "li.tracer" {
		t.Fatalf("tracer claims: %+v", seen)
	}
}

func mustVerify(t *testing.T, a *Authenticator, tok string) *graph.Principal {
	t.Helper()
	p, err := a.Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSignTokenValidatesArguments(t *testing.T) {
	now := time.Now()
	for name, f := range map[string]func() error{
		"no secret":          func() error { _, err := SignToken(nil, "dashboard", "a", nil, time.Hour, now); return err },
		"bad role":           func() error { _, err := SignToken(secret, "admin", "a", nil, time.Hour, now); return err },
		"no sub":             func() error { _, err := SignToken(secret, "dashboard", "", nil, time.Hour, now); return err },
		"tracer needs areas": func() error { _, err := SignToken(secret, "tracer", "a", nil, time.Hour, now); return err },
		"ttl":                func() error { _, err := SignToken(secret, "dashboard", "a", nil, 0, now); return err },
	} {
		if err := f(); graph.KindOf(err) != graph.Invalid {
			t.Errorf("%s: err = %v, want Invalid", name, err)
		}
	}
}
