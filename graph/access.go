package graph

import (
	"context"
	"slices"
	"strings"
)

// Roles of SPEC §8.
const (
	RoleEpidemiologist = "epidemiologist" // everything in the county
	RoleTracer         = "tracer"         // people in the areas they serve, and their contacts
	RoleDashboard      = "dashboard"      // aggregates only
)

// Roles lists the valid roles.
var Roles = []string{RoleEpidemiologist, RoleTracer, RoleDashboard}

// Principal is who is asking: the verified claims of their token.
type Principal struct {
	Subject string
	Role    string
	Areas   []string // area codes a tracer serves
}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool { return slices.Contains(Roles, role) }

// PersonLevel reports whether the role may read people at all.
func (p *Principal) PersonLevel() bool {
	return p != nil && (p.Role == RoleEpidemiologist || p.Role == RoleTracer)
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, or nil for an anonymous caller.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// MaskIDNumber keeps the first 6 and last 4 characters of a resident ID number
// (the region code and the check digits); the birth date and sequence are hidden.
func MaskIDNumber(s string) string { return mask(s, 6, 4) }

// MaskPhone keeps the first 3 and last 4 digits.
func MaskPhone(s string) string { return mask(s, 3, 4) }

func mask(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
