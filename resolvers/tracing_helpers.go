package resolvers

import (
	"context"
	"strings"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/schema"
)

// Small conversions for the tracing resolvers: graph keeps the spec's lower-case values
// and "" for absent; GraphQL wants enums and nulls.

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func dateStr(d *graph.Date) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

func caseStatus(s string) schema.CaseStatus { return schema.CaseStatus(strings.ToUpper(s)) }

func optCaseStatus(s string) *schema.CaseStatus {
	if s == "" {
		return nil
	}
	c := caseStatus(s)
	return &c
}

// The people an answer names, to load in one round trip.

func riskPeople(r *graph.Risk) []string {
	ids := []string{r.PersonID}
	for _, x := range r.Reasons {
		if x.CaseID != "" {
			ids = append(ids, x.CaseID)
		}
		ids = append(ids, x.Path...)
		ids = append(ids, x.Via...)
	}
	return ids
}

func clusterPeople(c *graph.Cluster) []string {
	ids := []string{c.IndexCaseID}
	for _, m := range c.Cases {
		ids = append(ids, m.PersonID)
	}
	return ids
}

// visiblePairs tells, for pairs of person ids (the second may be ""), which the caller
// may see whole: always, except for a tracer, who sees a pair only when both people are
// in their scope (SPEC §8). A list of pairs is cut to those before it is answered, so
// that the field rules (pairOwnerOf) do not refuse, and so empty, the whole list.
func (r *Resolver) visiblePairs(ctx context.Context, pairs [][2]string) ([]bool, error) {
	ok := make([]bool, len(pairs))
	areas := tracerAreas(ctx)
	if areas == nil {
		for i := range ok {
			ok[i] = true
		}
		return ok, nil
	}
	var ids []string
	for _, p := range pairs {
		ids = append(ids, p[0])
		if p[1] != "" {
			ids = append(ids, p[1])
		}
	}
	scope, err := r.Svc.PeopleInScope(ctx, areas, ids)
	if err != nil {
		return nil, err
	}
	for i, p := range pairs {
		ok[i] = scope[p[0]] != graph.OutOfScope && (p[1] == "" || scope[p[1]] != graph.OutOfScope)
	}
	return ok, nil
}

// unlinkedVisible keeps the pairs whose two people the caller may see.
func (r *queryResolver) unlinkedVisible(ctx context.Context, us []graph.UnlinkedExposure) ([]*graph.UnlinkedExposure, error) {
	pairs := make([][2]string, len(us))
	for i, u := range us {
		pairs[i] = [2]string{u.AID, u.BID}
	}
	ok, err := r.visiblePairs(ctx, pairs)
	if err != nil {
		return nil, err
	}
	out := make([]*graph.UnlinkedExposure, 0, len(us))
	var ids []string
	for i := range us {
		if ok[i] {
			out = append(out, &us[i])
			ids = append(ids, us[i].AID, us[i].BID)
		}
	}
	return out, r.prime(ctx, ids)
}
