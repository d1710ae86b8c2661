package resolvers

import (
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tracegraph/tracegraph/schema"
)

// Every field of every object type in the schema must have an access rule: a field
// added without one fails here (and is refused at run time).
func TestEveryFieldHasAnAccessRule(t *testing.T) {
	s := schema.NewExecutableSchema(schema.Config{}).Schema()
	var missing []string
	for name, def := range s.Types {
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if _, ok := accessRules[name+"."+f.Name]; !ok {
				missing = append(missing, name+"."+f.Name)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("fields without an access rule in resolvers/access_rules.go:\n  %s", strings.Join(missing, "\n  "))
	}
	// And no rule for a field that does not exist (a renamed field would keep a stale rule).
	for key := range accessRules {
		typ, field, _ := strings.Cut(key, ".")
		def := s.Types[typ]
		if def == nil || def.Fields.ForName(field) == nil {
			t.Errorf("rule for %s, which is not in the schema", key)
		}
	}
}
