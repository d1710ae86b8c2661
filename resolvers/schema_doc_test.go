package resolvers

import (
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tracegraph/tracegraph/schema"
)

// describedFiles are the schema files held to it so far (the others still have gaps).
var describedFiles = map[string]bool{"api.graphqls": true, "writes.graphqls": true, "subscriptions.graphqls": true}

func described(pos *ast.Position) bool {
	return pos != nil && pos.Src != nil && describedFiles[pos.Src.Name]
}

// The schema is the API's documentation: every type, field, argument and enum value
// the schema files define carries a description.
func TestSchemaIsDescribed(t *testing.T) {
	s := schema.NewExecutableSchema(schema.Config{}).Schema()
	var missing []string
	for name, def := range s.Types {
		if strings.HasPrefix(name, "__") || def.BuiltIn {
			continue
		}
		if def.Description == "" && described(def.Position) {
			missing = append(missing, name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if !described(f.Position) {
				continue
			}
			if f.Description == "" {
				missing = append(missing, name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if a.Description == "" {
					missing = append(missing, name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		if def.Kind == ast.Enum {
			for _, v := range def.EnumValues {
				if v.Description == "" && described(v.Position) {
					missing = append(missing, name+"."+v.Name)
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("%d without a description:\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
}
