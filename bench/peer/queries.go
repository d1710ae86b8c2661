package main

import (
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strings"
)

// pools are the parameter values drawn from the loaded county (pickPools).
type pools struct {
	people     []string // people with a household
	villages   []string // areas that hold households directly
	towns      []string // areas whose children hold households
	households []string
	areas      []string
	namesAt    [][2]string // (village, a surname-sized name prefix found there)
	attending  []string    // people with at least one attendance
}

// query is one question asked of both APIs: the same parameters, and a canonical form
// of each answer (peerForm maps the peer's shapes — lists for to-one relationships,
// connection edges for relationship properties — onto tracegraph's), which must be equal.
type query struct {
	name     string
	params   func(p *pools, rng *mrand.Rand) map[string]any
	tg, peer string
	tgForm   func(data map[string]any) any
	peerForm func(data map[string]any) any
}

func pick(s []string, rng *mrand.Rand) string { return s[rng.IntN(len(s))] }

func idParam(sel func(*pools) []string) func(*pools, *mrand.Rand) map[string]any {
	return func(p *pools, rng *mrand.Rand) map[string]any { return map[string]any{"id": pick(sel(p), rng)} }
}

// first is the single element of a list (a to-one relationship of the peer), or nil.
func first(v any) any {
	l, _ := v.([]any)
	if len(l) == 0 {
		return nil
	}
	return l[0]
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func list(v any) []any         { l, _ := v.([]any); return l }

// unlist replaces, at every depth, the values of the named keys (the peer's to-one
// relationships) by their single element.
func unlist(v any, keys ...string) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range t {
			x = unlist(x, keys...)
			if slices.Contains(keys, k) {
				x = first(x)
			}
			out[k] = x
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = unlist(x, keys...)
		}
		return out
	}
	return v
}

// edges maps a peer connection {edges: [{properties, node}]} to tracegraph's records:
// the properties beside the node under nodeKey.
func edges(conn any, nodeKey string) []any {
	out := []any{}
	for _, e := range list(obj(conn)["edges"]) {
		m := map[string]any{}
		for k, v := range obj(obj(e)["properties"]) {
			m[k] = v
		}
		m[nodeKey] = obj(e)["node"]
		out = append(out, m)
	}
	return out
}

func count(conn any) float64 {
	n, _ := obj(obj(obj(conn)["aggregate"])["count"])["nodes"].(float64)
	return n
}

var queries = []query{
	{
		name:   "a. person, household, members, area",
		params: idParam(func(p *pools) []string { return p.people }),
		tg:     `query A($id: ID!) { person(id: $id) { id name household { id address area { code name } members { id name } } } }`,
		peer: `query A($id: ID!) { people(where: {id: {eq: $id}}) { id name
			household { id address area { code name } members(sort: [{id: ASC}]) { id name } } } }`,
		tgForm:   func(d map[string]any) any { return d["person"] },
		peerForm: func(d map[string]any) any { return unlist(first(d["people"]), "household", "area") },
	},
	{
		name: "b. 100 people of a village, case, tests",
		params: func(p *pools, rng *mrand.Rand) map[string]any {
			return map[string]any{"v": pick(p.villages, rng)}
		},
		tg: `query B($v: ID!) { people(filter: {areaCode: $v}, first: 100) { nodes { id name case { status } tests { id result sampledAt } } } }`,
		peer: `query B($v: ID!) { people(where: {household: {some: {area: {some: {code: {eq: $v}}}}}}, sort: [{id: ASC}], limit: 100) {
			id name case { status } tests(sort: [{sampledAt: ASC}, {id: ASC}]) { id result sampledAt } } }`,
		tgForm:   func(d map[string]any) any { return obj(d["people"])["nodes"] },
		peerForm: func(d map[string]any) any { return unlist(d["people"], "case") },
	},
	{
		name:   "c. a person's contacts with the other",
		params: idParam(func(p *pools) []string { return p.people }),
		tg:     `query C($id: ID!) { person(id: $id) { contacts { other { id name } at durationMin setting protected } } }`,
		peer: `query C($id: ID!) { people(where: {id: {eq: $id}}) { contactsConnection(sort: [{edge: {at: ASC}}]) {
			edges { properties { at durationMin setting protected } node { id name } } } } }`,
		tgForm: func(d map[string]any) any { return sorted(obj(d["person"])["contacts"]) },
		peerForm: func(d map[string]any) any {
			return sorted(edges(obj(first(d["people"]))["contactsConnection"], "other"))
		},
	},
	{
		name:   "d. a person's event attendances",
		params: idParam(func(p *pools) []string { return p.people }),
		tg:     `query D($id: ID!) { person(id: $id) { attendances { event { id kind place start end indoor } from to proximity } } }`,
		peer: `query D($id: ID!) { people(where: {id: {eq: $id}}) { attendedConnection(sort: [{edge: {from: ASC}}]) {
			edges { properties { from to proximity } node { id kind place start end indoor } } } } }`,
		tgForm: func(d map[string]any) any { return sorted(obj(d["person"])["attendances"]) },
		peerForm: func(d map[string]any) any {
			return sorted(edges(obj(first(d["people"]))["attendedConnection"], "event"))
		},
	},
	{
		name:   "e. the county's cases by status",
		params: func(*pools, *mrand.Rand) map[string]any { return map[string]any{} },
		tg:     `query E { summary { confirmedTotal asymptomaticTotal activeCases recovered deceased suspected } }`,
		peer: `query E {
			confirmed: casesConnection(where: {status: {eq: "confirmed"}}) { aggregate { count { nodes } } }
			asymptomatic: casesConnection(where: {status: {eq: "asymptomatic"}}) { aggregate { count { nodes } } }
			recovered: casesConnection(where: {status: {eq: "recovered"}}) { aggregate { count { nodes } } }
			deceased: casesConnection(where: {status: {eq: "deceased"}}) { aggregate { count { nodes } } }
			suspected: casesConnection(where: {status: {eq: "suspected"}}) { aggregate { count { nodes } } } }`,
		tgForm: func(d map[string]any) any { return d["summary"] },
		peerForm: func(d map[string]any) any {
			c, a, r, x, s := count(d["confirmed"]), count(d["asymptomatic"]), count(d["recovered"]), count(d["deceased"]), count(d["suspected"])
			return map[string]any{"confirmedTotal": c + r + x, "asymptomaticTotal": a, "activeCases": c + a,
				"recovered": r, "deceased": x, "suspected": s}
		},
	},
	{
		name: "f. a town's 20 cases, person, household, members, tests",
		params: func(p *pools, rng *mrand.Rand) map[string]any {
			return map[string]any{"t": pick(p.towns, rng)}
		},
		tg: `query F($t: ID!) { cases(filter: {areaCode: $t}, sort: CONFIRMATION, first: 20) { nodes {
			person { id name household { id members { id name tests { id result } } } } } } }`,
		peer: `query F($t: ID!) { cases(where: {person: {some: {household: {some: {area: {some: {parent: {some: {code: {eq: $t}}}}}}}}}},
			sort: [{confirmedAt: ASC}, {personId: ASC}], limit: 20) {
			person { id name household { id members(sort: [{id: ASC}]) { id name tests(sort: [{sampledAt: ASC}, {id: ASC}]) { id result } } } } } }`,
		tgForm:   func(d map[string]any) any { return obj(d["cases"])["nodes"] },
		peerForm: func(d map[string]any) any { return unlist(d["cases"], "person", "household") },
	},
	{
		name: "1. find a person (name prefix, area)",
		params: func(p *pools, rng *mrand.Rand) map[string]any {
			na := p.namesAt[rng.IntN(len(p.namesAt))]
			return map[string]any{"v": na[0], "n": na[1]}
		},
		tg: `query FindPerson($v: ID!, $n: String!) { people(filter: {namePrefix: $n, areaCode: $v}, first: 20) {
			nodes { id name phone idNumber household { id address } } } }`,
		peer: `query FindPerson($v: ID!, $n: String!) { people(where: {name: {startsWith: $n}, household: {some: {area: {some: {code: {eq: $v}}}}}},
			sort: [{id: ASC}], limit: 20) { id name phone idNumber household { id address } } }`,
		tgForm:   func(d map[string]any) any { return obj(d["people"])["nodes"] },
		peerForm: func(d map[string]any) any { return unlist(d["people"], "household") },
	},
	{
		name:   "3. a person's record (less risk)",
		params: idParam(func(p *pools) []string { return p.people }),
		tg: `query PersonRecord($id: ID!) { person(id: $id) { id name phone
			case { status onsetDate confirmedAt isolatedAt }
			household { id address area { code name } members { id name } }
			trips { id mode number seat fromArea departAt arriveAt }
			attendances { event { id kind place start end indoor } from to proximity }
			contacts { other { id name } at durationMin setting protected }
			tests { id kind sampledAt result } } }`,
		peer: `query PersonRecord($id: ID!) { people(where: {id: {eq: $id}}) { id name phone
			case { status onsetDate confirmedAt isolatedAt }
			household { id address area { code name } members(sort: [{id: ASC}]) { id name } }
			trips(sort: [{departAt: ASC}, {id: ASC}]) { id mode number seat fromArea departAt arriveAt }
			attendedConnection { edges { properties { from to proximity } node { id kind place start end indoor } } }
			contactsConnection { edges { properties { at durationMin setting protected } node { id name } } }
			tests(sort: [{sampledAt: ASC}, {id: ASC}]) { id kind sampledAt result } } }`,
		tgForm: func(d map[string]any) any {
			p := obj(d["person"])
			p["attendances"], p["contacts"] = sorted(p["attendances"]), sorted(p["contacts"])
			return p
		},
		peerForm: func(d map[string]any) any {
			p := obj(unlist(first(d["people"]), "case", "household", "area"))
			p["attendances"] = sorted(edges(p["attendedConnection"], "event"))
			p["contacts"] = sorted(edges(p["contactsConnection"], "other"))
			delete(p, "attendedConnection")
			delete(p, "contactsConnection")
			return p
		},
	},
	{
		name:   "4. a household",
		params: idParam(func(p *pools) []string { return p.households }),
		tg:     `query Household($id: ID!) { household(id: $id) { id address area { code name parent { code name } } members { id name phone } } }`,
		peer: `query Household($id: ID!) { households(where: {id: {eq: $id}}) { id address area { code name parent { code name } }
			members(sort: [{id: ASC}]) { id name phone } } }`,
		tgForm:   func(d map[string]any) any { return d["household"] },
		peerForm: func(d map[string]any) any { return unlist(first(d["households"]), "area", "parent") },
	},
	{
		name: "5. a town's case list (50)",
		params: func(p *pools, rng *mrand.Rand) map[string]any {
			return map[string]any{"t": pick(p.towns, rng)}
		},
		tg: `query Cases($t: ID!) { cases(filter: {areaCode: $t}, sort: CONFIRMATION, first: 50) {
			nodes { person { id name household { address } } status onsetDate confirmedAt isolatedAt } } }`,
		peer: `query Cases($t: ID!) { cases(where: {person: {some: {household: {some: {area: {some: {parent: {some: {code: {eq: $t}}}}}}}}}},
			sort: [{confirmedAt: ASC}, {personId: ASC}], limit: 50) {
			person { id name household { address } } status onsetDate confirmedAt isolatedAt } }`,
		tgForm:   func(d map[string]any) any { return obj(d["cases"])["nodes"] },
		peerForm: func(d map[string]any) any { return unlist(d["cases"], "person", "household") },
	},
	{
		name:   "6. an area in the tree (less effectiveLevel)",
		params: idParam(func(p *pools) []string { return p.areas }),
		tg: `query AreaRisk($id: ID!) { area(code: $id) { code name level parent { code name parent { code name } }
			children { code name } designations { level since } } }`,
		peer: `query AreaRisk($id: ID!) { areas(where: {code: {eq: $id}}) { code name level parent { code name parent { code name } }
			children(sort: [{code: ASC}]) { code name } designations(sort: [{since: ASC}]) { level since } } }`,
		tgForm:   func(d map[string]any) any { return d["area"] },
		peerForm: func(d map[string]any) any { return unlist(first(d["areas"]), "parent") },
	},
	{
		name: "g. who else was at a person's events",
		params: func(p *pools, rng *mrand.Rand) map[string]any {
			return map[string]any{"id": pick(p.attending, rng)}
		},
		// Both reach the events through the person's attendances; a page of 500
		// attendees each, by arrival then id (a market can have over a thousand).
		tg: `query Attendees($id: ID!) { person(id: $id) { attendances { event { id attendees(first: 500) {
			nodes { person { id name } from to proximity } } } } } }`,
		peer: `query Attendees($id: ID!) { people(where: {id: {eq: $id}}) { attended(sort: [{start: ASC}]) { id
			attendeesConnection(first: 500, sort: [{edge: {from: ASC}}, {node: {id: ASC}}]) { edges { properties { from to proximity } node { id name } } } } } }`,
		tgForm: func(d map[string]any) any {
			var out []any
			for _, a := range list(obj(d["person"])["attendances"]) {
				e := obj(obj(a)["event"])
				out = append(out, map[string]any{"id": e["id"], "attendees": obj(e["attendees"])["nodes"]})
			}
			return sorted(out)
		},
		peerForm: func(d map[string]any) any {
			var out []any
			for _, e := range list(obj(first(d["people"]))["attended"]) {
				out = append(out, map[string]any{"id": obj(e)["id"], "attendees": edges(obj(e)["attendeesConnection"], "person")})
			}
			return sorted(out)
		},
	},
}

// sorted orders a list by each element's canonical JSON: for lists whose order among
// equal sort keys neither API defines.
func sorted(v any) []any {
	l := slices.Clone(list(v))
	if l == nil {
		l = []any{}
	}
	slices.SortFunc(l, func(a, b any) int { return strings.Compare(canonJSON(a), canonJSON(b)) })
	return l
}

func init() {
	for _, q := range queries {
		if q.params == nil || q.tgForm == nil || q.peerForm == nil {
			panic(fmt.Sprintf("query %s is incomplete", q.name))
		}
	}
}
