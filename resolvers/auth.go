package resolvers

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tracegraph/tracegraph/graph"
)

// Claims are the token's claims: the registered ones plus role and areas (SPEC §8).
type Claims struct {
	Role  string   `json:"role"`
	Areas []string `json:"areas,omitempty"`
	jwt.RegisteredClaims
}

// Authenticator verifies bearer tokens: HS256 with a shared secret, or RS256/ES256
// against the public keys of a JWKS file from an identity provider. alg "none" and
// every other algorithm are refused, and exp is required.
type Authenticator struct {
	secret []byte
	keys   map[string]any // kid → *rsa.PublicKey or *ecdsa.PublicKey
	parser *jwt.Parser
}

// NewAuthenticator needs a secret, a JWKS file, or both.
func NewAuthenticator(secret []byte, jwksFile string) (*Authenticator, error) {
	a := &Authenticator{secret: secret, keys: map[string]any{}}
	methods := []string{}
	if len(secret) > 0 {
		methods = append(methods, "HS256")
	}
	if jwksFile != "" {
		keys, err := readJWKS(jwksFile)
		if err != nil {
			return nil, graph.InvalidArg("auth", "TRACEGRAPH_JWKS_FILE", "%s: %v", jwksFile, err)
		}
		a.keys = keys
		methods = append(methods, "RS256", "ES256")
	}
	if len(methods) == 0 {
		return nil, graph.InvalidArg("auth", "TRACEGRAPH_JWT_SECRET", "no secret and no JWKS file: tokens cannot be verified")
	}
	a.parser = jwt.NewParser(jwt.WithValidMethods(methods), jwt.WithExpirationRequired(), jwt.WithLeeway(30*time.Second))
	return a, nil
}

// Verify checks a token and returns its principal.
func (a *Authenticator) Verify(token string) (*graph.Principal, error) {
	var c Claims
	_, err := a.parser.ParseWithClaims(token, &c, a.keyFor)
	if err != nil {
		return nil, err
	}
	if !graph.ValidRole(c.Role) {
		return nil, fmt.Errorf("role %q is not one of %v", c.Role, graph.Roles)
	}
	if c.Subject == "" {
		return nil, errors.New("token has no sub")
	}
	if c.Role == graph.RoleTracer && len(c.Areas) == 0 {
		return nil, errors.New("a tracer's token must name the areas they serve")
	}
	p := &graph.Principal{Subject: c.Subject, Role: c.Role, Areas: c.Areas}
	if c.ExpiresAt != nil {
		p.Expires = c.ExpiresAt.Time
	}
	return p, nil
}

func (a *Authenticator) keyFor(t *jwt.Token) (any, error) {
	switch t.Method.(type) {
	case *jwt.SigningMethodHMAC:
		return a.secret, nil
	case *jwt.SigningMethodRSA, *jwt.SigningMethodECDSA:
		kid, _ := t.Header["kid"].(string)
		if k, ok := a.keys[kid]; ok {
			return k, nil
		}
		if kid == "" && len(a.keys) == 1 {
			for _, k := range a.keys {
				return k, nil
			}
		}
		return nil, fmt.Errorf("no key with kid %q", kid)
	}
	return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
}

// Middleware puts the caller's principal in the request context; a request without
// a valid bearer token gets 401.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := bearer(r)
		if token == "" && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			// Browsers cannot set headers on a websocket: the token comes in the
			// connection_init payload and the websocket transport checks it.
			next.ServeHTTP(w, r)
			return
		}
		if token == "" {
			unauthorized(w, "missing bearer token")
			return
		}
		p, err := a.Verify(token)
		if err != nil {
			unauthorized(w, "invalid token: "+err.Error())
			return
		}
		next.ServeHTTP(w, r.WithContext(graph.WithPrincipal(r.Context(), p)))
	})
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="tracegraph"`)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": "UNAUTHENTICATED"}}},
	})
}

// SignToken makes an HS256 token for the `token` command and for development.
func SignToken(secret []byte, role, sub string, areas []string, ttl time.Duration, now time.Time) (string, error) {
	if len(secret) == 0 {
		return "", graph.InvalidArg("token", "TRACEGRAPH_JWT_SECRET", "is not set")
	}
	if !graph.ValidRole(role) {
		return "", graph.InvalidArg("token", "--role", "%q is not one of %v", role, graph.Roles)
	}
	if sub == "" {
		return "", graph.InvalidArg("token", "--sub", "is required")
	}
	if role == graph.RoleTracer && len(areas) == 0 {
		return "", graph.InvalidArg("token", "--areas", "a tracer needs the area codes they serve")
	}
	if ttl <= 0 {
		return "", graph.InvalidArg("token", "--ttl", "must be positive")
	}
	c := Claims{Role: role, Areas: areas, RegisteredClaims: jwt.RegisteredClaims{
		Subject: sub, Issuer: "tracegraph", IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
}

// readJWKS reads the RSA and P-256 EC public keys of a JWKS file.
func readJWKS(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var set struct {
		Keys []struct {
			Kty, Kid, Crv, N, E, X, Y string
		} `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for i, k := range set.Keys {
		switch k.Kty {
		case "RSA":
			n, err1 := b64int(k.N)
			e, err2 := b64int(k.E)
			if err := errors.Join(err1, err2); err != nil {
				return nil, fmt.Errorf("key %d: %w", i, err)
			}
			out[k.Kid] = &rsa.PublicKey{N: n, E: int(e.Int64())}
		case "EC":
			if k.Crv != "P-256" {
				return nil, fmt.Errorf("key %d: curve %q not supported (P-256 is)", i, k.Crv)
			}
			x, err1 := b64int(k.X)
			y, err2 := b64int(k.Y)
			if err := errors.Join(err1, err2); err != nil {
				return nil, fmt.Errorf("key %d: %w", i, err)
			}
			out[k.Kid] = &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}
		default:
			return nil, fmt.Errorf("key %d: kty %q not supported", i, k.Kty)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no keys")
	}
	return out, nil
}

func b64int(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	return new(big.Int).SetBytes(b), nil
}
