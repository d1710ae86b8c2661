package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// selectsField tells whether the field being resolved selects a field of this name at
// any depth below it (through fragments too), so a resolver can leave out work whose
// answer nobody asked for.
func selectsField(ctx context.Context, name string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return true // not under GraphQL: compute everything
	}
	var doc *ast.QueryDocument
	if oc := graphql.GetOperationContext(ctx); oc != nil {
		doc = oc.Doc
	}
	return selects(fc.Field.Selections, name, doc, 0)
}

func selects(set ast.SelectionSet, name string, doc *ast.QueryDocument, depth int) bool {
	if depth > 32 { // validation bounds depth; this only guards against fragment cycles
		return true
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == name || selects(s.SelectionSet, name, doc, depth+1) {
				return true
			}
		case *ast.InlineFragment:
			if selects(s.SelectionSet, name, doc, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			set := ast.SelectionSet(nil)
			if s.Definition != nil {
				set = s.Definition.SelectionSet
			} else if doc != nil {
				if f := doc.Fragments.ForName(s.Name); f != nil {
					set = f.SelectionSet
				}
			}
			if selects(set, name, doc, depth+1) {
				return true
			}
		}
	}
	return false
}
