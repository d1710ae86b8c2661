package resolvers

import (
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
