package resolvers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/loader"
)

// The conformance vectors (testdata/conformance, copied from the shared folder)
// replayed end to end through the GraphQL API, as a client would: load the bundle,
// ask the `before` questions, run assignQuarantines for each run, check the lists and
// testsDue, then ask the `after` questions with the runs' assignments in place.
// graph/ has finer-grained replays of the same vectors; this one checks the service.

type vecTime = string // compared as instants

type vecExposure struct {
	Kind, Class, Source string
	From, To            vecTime
}

type vecSection struct {
	AsOf   vecTime
	Chains map[string]struct {
		MaxDepth int
		Error    string
		Traced   *bool
		Contacts []struct {
			Person, Class  string
			Degree         int
			LastExposureAt vecTime
			Exposures      []vecExposure
		}
	}
	Risk map[string]struct {
		Tier      string
		ExpiresAt *vecTime
		Reasons   []struct {
			Rule             string
			Since, ExpiresAt *vecTime
		}
	}
	Clusters struct {
		Clusters []struct {
			IndexCase     string
			Introductions []string
			Cases         []struct {
				Person        string
				Generation    int
				ReferenceKind string
			}
			Links           []struct{ Source, Target string }
			SerialIntervals []struct {
				Source, Target string
				Days           int
			}
		}
	}
}

type vecQuarantine struct {
	Person, Kind, Status string
	Start, End           vecTime
	PlacedAt             *vecTime
	Facility             *string
	Officers             []string
}

type vector struct {
	Before, After vecSection
	Quarantine    struct {
		Runs []struct {
			AsOf                                                                 vecTime
			Created, Extended, Superseded, Completed, Escalated, Placed, Pending []vecQuarantine
			Referrals                                                            []struct{ Person string }
		}
		TestsDue map[string][]struct {
			Person, Date string
			Day          int
			Facility     *string
		}
	}
}

// instant normalises an RFC 3339 time so that equal instants compare equal.
func instant(t *testing.T, s string) string {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v.UTC().Format(time.RFC3339)
}

func optInstant(t *testing.T, s *string) string {
	if s == nil {
		return "null"
	}
	return instant(t, *s)
}

func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

func TestConformanceThroughGraphQL(t *testing.T) {
	dirs, _ := filepath.Glob("../testdata/conformance/case*")
	if len(dirs) == 0 {
		t.Fatal("no vectors in testdata/conformance")
	}
	svc := graphtest.MustService(t)
	c := newClient(t, svc)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ctx := context.Background()
			if err := svc.DB.DeleteAllData(ctx); err != nil {
				t.Fatal(err)
			}
			var v vector
			data, err := os.ReadFile(filepath.Join(dir, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &v); err != nil {
				t.Fatal(err)
			}
			rep, err := loader.Load(ctx, svc.DB, filepath.Join(dir, "bundle"), loader.Options{Strict: true, Loc: svc.Loc})
			if err != nil || !rep.Clean() {
				t.Fatalf("load: %v %v", err, rep)
			}
			replaySection(t, c, "before", v.Before)
			replayRuns(t, c, v)
			replaySection(t, c, "after", v.After)
		})
	}
}

func replaySection(t *testing.T, c *client.Client, name string, s vecSection) {
	for caseID, want := range s.Chains {
		var resp struct {
			ContactChain struct {
				Contacts []struct {
					Person         struct{ ID string }
					Degree         int
					Class          string
					LastExposureAt string
					Exposures      []struct {
						Kind, Class string
						Source      struct{ ID string }
						From, To    string
					}
				}
			}
		}
		err := c.Post(`query($id: ID!, $d: Int, $asOf: DateTime) { contactChain(caseId: $id, maxDepth: $d, asOf: $asOf) {
			contacts { person { id } degree class lastExposureAt exposures { kind class source { id } from to } } } }`,
			&resp, client.Var("id", caseID), client.Var("d", max(want.MaxDepth, 1)), client.Var("asOf", s.AsOf))
		if want.Error != "" || (want.Traced != nil && !*want.Traced) {
			if err == nil || !strings.Contains(err.Error(), "INVALID") {
				t.Errorf("%s chain %s: want an INVALID error, got %v", name, caseID, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s chain %s: %v", name, caseID, err)
			continue
		}
		var got, exp []string
		for _, ct := range resp.ContactChain.Contacts {
			row := fmt.Sprintf("%s d%d %s last %s", ct.Person.ID, ct.Degree, ct.Class, instant(t, ct.LastExposureAt))
			var es []string
			for _, e := range ct.Exposures {
				es = append(es, fmt.Sprintf("%s/%s/%s %s–%s", e.Kind, e.Class, e.Source.ID, instant(t, e.From), instant(t, e.To)))
			}
			slices.Sort(es)
			got = append(got, row+" ["+strings.Join(es, "; ")+"]")
		}
		for _, ct := range want.Contacts {
			row := fmt.Sprintf("%s d%d %s last %s", ct.Person, ct.Degree, ct.Class, instant(t, ct.LastExposureAt))
			var es []string
			for _, e := range ct.Exposures {
				es = append(es, fmt.Sprintf("%s/%s/%s %s–%s", e.Kind, e.Class, e.Source, instant(t, e.From), instant(t, e.To)))
			}
			slices.Sort(es)
			exp = append(exp, row+" ["+strings.Join(es, "; ")+"]")
		}
		sameSet(t, name+" chain "+caseID, got, exp)
	}
	for personID, want := range s.Risk {
		var resp struct {
			Risk struct {
				Tier      string
				ExpiresAt *string
				Reasons   []struct {
					Rule             string
					Since, ExpiresAt *string
				}
			}
		}
		if err := c.Post(`query($id: ID!, $asOf: DateTime) { risk(personId: $id, asOf: $asOf) { tier expiresAt reasons { rule since expiresAt } } }`,
			&resp, client.Var("id", personID), client.Var("asOf", s.AsOf)); err != nil {
			t.Errorf("%s risk %s: %v", name, personID, err)
			continue
		}
		got := []string{fmt.Sprintf("tier %s expires %s", resp.Risk.Tier, optInstant(t, resp.Risk.ExpiresAt))}
		exp := []string{fmt.Sprintf("tier %s expires %s", want.Tier, optInstant(t, want.ExpiresAt))}
		for _, r := range resp.Risk.Reasons {
			got = append(got, fmt.Sprintf("%s %s %s", r.Rule, optInstant(t, r.Since), optInstant(t, r.ExpiresAt)))
		}
		for _, r := range want.Reasons {
			exp = append(exp, fmt.Sprintf("%s %s %s", r.Rule, optInstant(t, r.Since), optInstant(t, r.ExpiresAt)))
		}
		sameSet(t, name+" risk "+personID, got, exp)
	}
	// Clusters (SPEC §4 rev 5): index case, introductions, each case's generation and
	// reference kind, and the transmission links with their serial intervals, asked of
	// every member.
	for _, cl := range s.Clusters.Clusters {
		exp := []string{"index " + cl.IndexCase}
		for _, id := range cl.Introductions {
			exp = append(exp, "introduction "+id)
		}
		for _, m := range cl.Cases {
			exp = append(exp, fmt.Sprintf("case %s g%d %s", m.Person, m.Generation, m.ReferenceKind))
		}
		si := map[string]int{}
		for _, x := range cl.SerialIntervals {
			si[x.Source+">"+x.Target] = x.Days
		}
		for _, l := range cl.Links {
			k := l.Source + ">" + l.Target
			if d, ok := si[k]; ok {
				exp = append(exp, fmt.Sprintf("link %s si %d", k, d))
			} else {
				exp = append(exp, "link "+k+" si -")
			}
		}
		for _, m := range cl.Cases {
			var resp struct {
				Cluster *struct {
					IndexCase     struct{ ID string }
					Introductions []struct{ ID string }
					Cases         []struct {
						Person        struct{ ID string }
						Generation    int
						ReferenceKind string
						Introduction  bool
					}
					Links []struct {
						Source, Target     struct{ ID string }
						SerialIntervalDays *int
					}
				}
			}
			if err := c.Post(`query($id: ID!, $asOf: DateTime) { cluster(caseId: $id, asOf: $asOf) {
				indexCase { id } introductions { id }
				cases { person { id } generation referenceKind introduction }
				links { source { id } target { id } serialIntervalDays } } }`,
				&resp, client.Var("id", m.Person), client.Var("asOf", s.AsOf)); err != nil || resp.Cluster == nil {
				t.Errorf("%s cluster of %s: %v (nil: %v)", name, m.Person, err, resp.Cluster == nil)
				continue
			}
			got := []string{"index " + resp.Cluster.IndexCase.ID}
			intro := map[string]bool{}
			for _, p := range resp.Cluster.Introductions {
				got = append(got, "introduction "+p.ID)
				intro[p.ID] = true
			}
			for _, g := range resp.Cluster.Cases {
				got = append(got, fmt.Sprintf("case %s g%d %s", g.Person.ID, g.Generation, g.ReferenceKind))
				if g.Introduction != intro[g.Person.ID] {
					t.Errorf("%s cluster of %s: %s introduction=%v, but introductions are %v", name, m.Person, g.Person.ID, g.Introduction, resp.Cluster.Introductions)
				}
			}
			for _, l := range resp.Cluster.Links {
				k := l.Source.ID + ">" + l.Target.ID
				if l.SerialIntervalDays != nil {
					got = append(got, fmt.Sprintf("link %s si %d", k, *l.SerialIntervalDays))
				} else {
					got = append(got, "link "+k+" si -")
				}
			}
			sameSet(t, name+" cluster of "+m.Person, got, slices.Clone(exp))
		}
	}
}

type gqlQuarantine struct {
	Person     struct{ ID string }
	Kind       string
	Status     string
	Start, End string
	PlacedAt   *string
	Facility   *struct{ ID string }
	Officers   []struct{ ID string }
}

const quarantineFields = `person { id } kind status start end placedAt facility { id } officers { id }`

func replayRuns(t *testing.T, c *client.Client, v vector) {
	row := func(person, kind, status, start, end, placedAt, facility string, officers []string) string {
		slices.Sort(officers)
		return fmt.Sprintf("%s %s %s %s–%s placed %s at %s officers %v", person, kind, status, start, end, placedAt, facility, officers)
	}
	for i, want := range v.Quarantine.Runs {
		var resp struct {
			AssignQuarantines map[string]any
		}
		q := `mutation($asOf: DateTime) { assignQuarantines(asOf: $asOf) {
			created { ` + quarantineFields + ` } extended { ` + quarantineFields + ` }
			superseded { ` + quarantineFields + ` } completed { ` + quarantineFields + ` }
			escalated { ` + quarantineFields + ` } placed { ` + quarantineFields + ` }
			pending { ` + quarantineFields + ` } referrals { id } } }`
		if err := c.Post(q, &resp, client.Var("asOf", want.AsOf)); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		lists := map[string][]vecQuarantine{"created": want.Created, "extended": want.Extended, "superseded": want.Superseded,
			"completed": want.Completed, "escalated": want.Escalated, "placed": want.Placed, "pending": want.Pending}
		for list, exp := range lists {
			var got []gqlQuarantine
			if err := remarshal(resp.AssignQuarantines[list], &got); err != nil {
				t.Fatal(err)
			}
			var g, w []string
			for _, q := range got {
				fac := "-"
				if q.Facility != nil {
					fac = q.Facility.ID
				}
				var offs []string
				for _, o := range q.Officers {
					offs = append(offs, o.ID)
				}
				g = append(g, row(q.Person.ID, q.Kind, q.Status, instant(t, q.Start), instant(t, q.End), optInstant(t, q.PlacedAt), fac, offs))
			}
			for _, q := range exp {
				fac := "-"
				if q.Facility != nil {
					fac = *q.Facility
				}
				w = append(w, row(q.Person, q.Kind, q.Status, instant(t, q.Start), instant(t, q.End), optInstant(t, q.PlacedAt), fac, slices.Clone(q.Officers)))
			}
			sameSet(t, fmt.Sprintf("run %d %s", i+1, list), g, w)
		}
		var refs []struct{ ID string }
		if err := remarshal(resp.AssignQuarantines["referrals"], &refs); err != nil {
			t.Fatal(err)
		}
		var g, w []string
		for _, r := range refs {
			g = append(g, r.ID)
		}
		for _, r := range want.Referrals {
			w = append(w, r.Person)
		}
		sameSet(t, fmt.Sprintf("run %d referrals", i+1), g, w)
	}
	for date, want := range v.Quarantine.TestsDue {
		var resp struct {
			TestsDue []struct {
				Person   struct{ ID string }
				Day      int
				Date     string
				Facility *struct{ ID string }
			}
		}
		c.MustPost(`query($d: String!) { testsDue(date: $d) { person { id } day date facility { id } } }`, &resp, client.Var("d", date))
		var g, w []string
		for _, td := range resp.TestsDue {
			fac := "-"
			if td.Facility != nil {
				fac = td.Facility.ID
			}
			g = append(g, fmt.Sprintf("%s d%d %s %s", td.Person.ID, td.Day, td.Date, fac))
		}
		for _, td := range want {
			fac := "-"
			if td.Facility != nil {
				fac = *td.Facility
			}
			w = append(w, fmt.Sprintf("%s d%d %s %s", td.Person, td.Day, td.Date, fac))
		}
		sameSet(t, "testsDue "+date, g, w)
	}
}

// remarshal converts a decoded JSON value into a typed one.
func remarshal(v, into any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, into)
}
