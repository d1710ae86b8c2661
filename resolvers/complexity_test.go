package resolvers

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tracegraph/tracegraph/schema"
)

// Every list of objects without a page size, and every root field that reads more
// than one record by its key, has its own cost in complexity(): a field left at
// gqlgen's default costs 1 whatever it reads (issue 11 item 4), and a new field must
// not be added that way unnoticed. The nodes of a page are multiplied by the page
// size of the field that returns the page.
func TestEveryListAndScanHasACost(t *testing.T) {
	s := schema.NewExecutableSchema(schema.Config{}).Schema()
	root := reflect.ValueOf(complexity())
	costed := func(typ, field string) bool {
		tv := root.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, typ) })
		if !tv.IsValid() {
			return false
		}
		fv := tv.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, field) })
		return fv.IsValid() && !fv.IsNil()
	}
	byKey := map[string]bool{"person": true, "household": true, "area": true, "quarantine": true, "policy": true, "event": true}
	for name, def := range s.Types {
		if def.Kind != ast.Object || def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		page := strings.HasSuffix(name, "Page") || strings.HasSuffix(name, "Connection")
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			elem := f.Type.Elem
			listOfObjects := elem != nil && s.Types[elem.Name()] != nil && s.Types[elem.Name()].Kind == ast.Object
			switch {
			case name == "Query" && !byKey[f.Name] && !costed(name, f.Name):
				t.Errorf("Query.%s reads more than one record but costs 1: give it a cost in resolvers/complexity.go", f.Name)
			case name == "Subscription":
			case listOfObjects && !(page && f.Name == "nodes") && !costed(name, f.Name):
				t.Errorf("%s.%s is a list without a page size but costs as one item: give it a stated bound in resolvers/complexity.go", name, f.Name)
			}
		}
	}
}
