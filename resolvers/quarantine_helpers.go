package resolvers

import (
	"context"

	"github.com/tracegraph/tracegraph/graph"
)

// Small lookups shared by the quarantine resolvers.

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (r *Resolver) quarantine(ctx context.Context, id string) (*graph.Quarantine, error) {
	m, err := r.Svc.QuarantinesByID(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	q, ok := m[id]
	if !ok {
		return nil, &graph.Error{Kind: graph.NotFound, Op: "quarantine", Field: "id", Msg: "no assignment " + id}
	}
	return q, nil
}

func (r *Resolver) facility(ctx context.Context, id string) (*graph.Facility, error) {
	if id == "" {
		return nil, nil
	}
	m, err := r.Svc.FacilitiesByID(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	f, ok := m[id]
	if !ok {
		return nil, nil
	}
	return &f.Facility, nil
}

func (r *Resolver) officers(ctx context.Context, ids []string) ([]*graph.Officer, error) {
	if len(ids) == 0 {
		return []*graph.Officer{}, nil
	}
	l, err := r.Svc.Officers(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[string]graph.Officer{}
	for _, o := range l {
		byID[o.ID] = o
	}
	out := []*graph.Officer{}
	for _, id := range ids { // keep the assignment's order: cadre, then medical
		if o, ok := byID[id]; ok {
			out = append(out, &o)
		}
	}
	return out, nil
}

func (r *Resolver) people(ctx context.Context, ids []string) ([]*graph.Person, error) {
	m, err := r.Svc.People(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []*graph.Person{}
	for _, id := range ids {
		if p, ok := m[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

func officerPtrs(l []graph.Officer) []*graph.Officer {
	out := make([]*graph.Officer, len(l))
	for i := range l {
		out[i] = &l[i]
	}
	return out
}
