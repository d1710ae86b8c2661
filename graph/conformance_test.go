package graph_test

// The conformance replay: each vector of testdata/conformance (copied from the shared
// conformance set) is loaded into a clean graph with the loader and its `before`
// section is replayed through the service: chains, risk and clusters. The `after` section needs the
// quarantine engine and is replayed where that is wired.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/graphtest"
	"github.com/tracegraph/tracegraph/graph/index"
	"github.com/tracegraph/tracegraph/loader"
)

const conformanceDir = "../testdata/conformance"

type vecExposure struct {
	Kind, Class, Source string
	From, To            time.Time
}

type vecContact struct {
	Person         string
	Degree         int
	Class          string
	LastExposureAt time.Time
	Exposures      []vecExposure
}

type vecChain struct {
	MaxDepth int
	Error    string
	Traced   *bool
	Window   *struct {
		Start, End time.Time
		Empty      bool
	}
	Contacts []vecContact
}

type vecReason struct {
	Rule      string
	Since     *time.Time
	ExpiresAt *time.Time
}

type vecRisk struct {
	Tier      string
	ExpiresAt *time.Time
	Reasons   []vecReason
}

type vecCluster struct {
	IndexCase     string
	Introductions []string
	Cases         []struct {
		Person        string
		Generation    int
		ReferenceKind string
	}
	Links []struct {
		Source, Target string
	}
	SerialIntervals []struct {
		Source, Target string
		Days           int
	}
}

type vecSection struct {
	AsOf     time.Time
	Chains   map[string]vecChain
	Risk     map[string]vecRisk
	Clusters struct {
		Clusters []vecCluster
	}
}

type vecQuarantine struct {
	ID, Person, Kind, Status string
	Start, End               time.Time
	PlacedAt                 *time.Time
	Facility                 *string
}

type vector struct {
	TZ         string
	Before     vecSection
	After      vecSection
	Quarantine struct {
		State []vecQuarantine
	}
}

func readVector(t *testing.T, name string) vector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(conformanceDir, name, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s/expected.json: %v", name, err)
	}
	return v
}

func fmtT(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func fmtTP(t *time.Time) string {
	if t == nil {
		return "null"
	}
	return fmtT(*t)
}

func TestConformance(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(conformanceDir, "case*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no conformance vectors in %s: %v", conformanceDir, err)
	}
	for _, m := range factModes(t) {
		svc := m.svc
		t.Run(m.name, func(t *testing.T) {
			for _, dir := range dirs {
				name := filepath.Base(dir)
				t.Run(name, func(t *testing.T) {
					v := readVector(t, name)
					if err := svc.DB.DeleteAllData(context.Background()); err != nil {
						t.Fatal(err)
					}
					loadVector(t, svc, dir)
					replaySection(t, svc, v.Before)
				})
			}
		})
	}
}

type factMode struct {
	name string
	svc  *graph.Service
	ix   *index.Follower // nil for the Cypher reads
}

// factModes are the two implementations of graph.Facts the replays run through: the
// Cypher reads per request, and the in-memory tracing index following the feed (each
// replay's loader writes reach it through the feed: a read waits for this process's
// last write).
func factModes(t *testing.T) []factMode {
	svc := graphtest.MustService(t)
	svc.Index = nil // the Cypher reads, whatever TRACEGRAPH_TEST_INDEX says
	ix := index.New(svc.DB, 200*time.Millisecond).WithFacts(svc.Loc)
	if err := ix.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	withIndex := *svc
	withIndex.Index = ix
	return []factMode{{name: "cypher", svc: svc}, {name: "index", svc: &withIndex, ix: ix}}
}

// TestConformanceAfter replays the `after` sections with the vectors' final quarantine
// state written into the graph as the quarantine engine stores it (test support standing
// in for the engine: the assignments isolate people and so change windows and
// exposures, which is what this checks of the tracing rules).
func TestConformanceAfter(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(conformanceDir, "case*"))
	for _, mode := range factModes(t) {
		svc, ix := mode.svc, mode.ix
		t.Run(mode.name, func(t *testing.T) {
			for _, dir := range dirs {
				name := filepath.Base(dir)
				t.Run(name, func(t *testing.T) {
					v := readVector(t, name)
					if err := svc.DB.DeleteAllData(context.Background()); err != nil {
						t.Fatal(err)
					}
					loadVector(t, svc, dir)
					var rows []map[string]any
					for _, q := range v.Quarantine.State {
						m := map[string]any{"id": q.ID, "personId": q.Person, "kind": strings.ToLower(q.Kind),
							"status": strings.ToLower(q.Status), "start": q.Start.In(svc.Loc), "end": q.End.In(svc.Loc)}
						if q.PlacedAt != nil {
							m["placedAt"] = q.PlacedAt.In(svc.Loc)
						}
						if q.Facility != nil {
							m["facilityId"] = *q.Facility
						}
						rows = append(rows, m)
					}
					graphtest.Run(t, svc.DB, `UNWIND $rows AS r MATCH (p:Person {id: r.personId})
				CREATE (p)-[:ASSIGNED]->(q:Quarantine) SET q = r
				WITH q, r MATCH (f:Facility {id: r.facilityId}) CREATE (q)-[:AT]->(f)`, map[string]any{"rows": rows})
					if ix != nil {
						// The fixture writes behind the feed (raw Cypher): the index rebuilds,
						// as an operator would after such a write (index verify finds it).
						if err := ix.Build(context.Background()); err != nil {
							t.Fatal(err)
						}
					}
					replaySection(t, svc, v.After)
				})
			}
		})
	}
}

// loadVector imports a vector's bundle with the loader; the bundles are clean.
func loadVector(t *testing.T, svc *graph.Service, dir string) {
	t.Helper()
	loadBundle(t, svc, filepath.Join(dir, "bundle"))
}

// loadBundle loads a bundle folder strictly; any reject fails the test.
func loadBundle(t *testing.T, svc *graph.Service, dir string) {
	t.Helper()
	rep, err := loader.Load(context.Background(), svc.DB, dir, loader.Options{Strict: true, Loc: svc.Loc})
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	if !rep.Clean() {
		t.Fatalf("load %s: rejects %v", dir, rep.Rejects)
	}
}

func replaySection(t *testing.T, svc *graph.Service, sec vecSection) {
	ctx := context.Background()
	ids := make([]string, 0, len(sec.Chains))
	for id := range sec.Chains {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		want := sec.Chains[id]
		t.Run("chain/"+id, func(t *testing.T) {
			depth := want.MaxDepth
			if depth == 0 {
				depth = 2
			}
			got, err := svc.ContactChain(ctx, id, depth, sec.AsOf)
			if want.Error != "" || (want.Traced != nil && !*want.Traced) {
				if graph.KindOf(err) != graph.Invalid {
					t.Fatalf("want an INVALID error, got %v (chain %v)", err, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			compareChain(t, want, got)
		})
	}
	checkRisk(t, svc, sec)
	checkClusters(t, svc, sec)
}

func compareChain(t *testing.T, want vecChain, got *graph.Chain) {
	t.Helper()
	if want.Window != nil {
		if !want.Window.Start.Equal(got.Window.From) || !want.Window.End.Equal(got.Window.To) || want.Window.Empty != got.Empty {
			t.Errorf("window = [%s, %s] empty=%v, want [%s, %s] empty=%v", fmtT(got.Window.From), fmtT(got.Window.To), got.Empty,
				fmtT(want.Window.Start), fmtT(want.Window.End), want.Window.Empty)
		}
	}
	wantBy := map[string]vecContact{}
	for _, c := range want.Contacts {
		wantBy[c.Person] = c
	}
	gotBy := map[string]graph.ChainContact{}
	for _, c := range got.Contacts {
		gotBy[c.PersonID] = c
	}
	for id, w := range wantBy {
		g, ok := gotBy[id]
		if !ok {
			t.Errorf("missing contact %s (degree %d %s)", id, w.Degree, w.Class)
			continue
		}
		if g.Degree != w.Degree || g.Class != w.Class || !g.LastExposureAt.Equal(w.LastExposureAt) {
			t.Errorf("contact %s: degree %d %s last %s, want degree %d %s last %s", id, g.Degree, g.Class, fmtT(g.LastExposureAt),
				w.Degree, w.Class, fmtT(w.LastExposureAt))
		}
		var ws, gs []string
		for _, e := range w.Exposures {
			ws = append(ws, fmt.Sprintf("%s %s from %s [%s, %s]", e.Kind, e.Class, e.Source, fmtT(e.From), fmtT(e.To)))
		}
		for _, e := range g.Exposures {
			gs = append(gs, fmt.Sprintf("%s %s from %s [%s, %s]", e.Kind, e.Class, e.SourceID, fmtT(e.From), fmtT(e.To)))
		}
		slices.Sort(ws)
		slices.Sort(gs)
		if !slices.Equal(ws, gs) {
			t.Errorf("contact %s exposures:\n got  %s\n want %s", id, strings.Join(gs, "\n      "), strings.Join(ws, "\n      "))
		}
	}
	for id, g := range gotBy {
		if _, ok := wantBy[id]; !ok {
			t.Errorf("unexpected contact %s (degree %d %s via %v)", id, g.Degree, g.Class, g.Via)
		}
	}
}

func reasonKey(rule string, since, exp *time.Time) string {
	return fmt.Sprintf("%s since %s expires %s", rule, fmtTP(since), fmtTP(exp))
}

func checkRisk(t *testing.T, svc *graph.Service, sec vecSection) {
	ids := make([]string, 0, len(sec.Risk))
	for id := range sec.Risk {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	// The batch forms must agree with the one-person form: check them all.
	batch, err := svc.Risks(context.Background(), ids, sec.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	bulk, err := svc.RisksBulk(context.Background(), ids, sec.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		want := sec.Risk[id]
		t.Run("risk/"+id, func(t *testing.T) {
			got, err := svc.Risk(context.Background(), id, sec.AsOf)
			if err != nil {
				t.Fatal(err)
			}
			var ws, gs, bs, us []string
			for _, r := range want.Reasons {
				ws = append(ws, reasonKey(r.Rule, r.Since, r.ExpiresAt))
			}
			for _, r := range got.Reasons {
				gs = append(gs, reasonKey(r.Rule, r.Since, r.ExpiresAt))
			}
			if b := batch[id]; b != nil {
				for _, r := range b.Reasons {
					bs = append(bs, reasonKey(r.Rule, r.Since, r.ExpiresAt))
				}
			}
			if b := bulk[id]; b != nil {
				for _, r := range b.Reasons {
					us = append(us, reasonKey(r.Rule, r.Since, r.ExpiresAt))
				}
			}
			slices.Sort(ws)
			slices.Sort(gs)
			slices.Sort(bs)
			slices.Sort(us)
			if got.Tier != want.Tier || fmtTP(got.ExpiresAt) != fmtTP(want.ExpiresAt) || !slices.Equal(ws, gs) {
				t.Errorf("risk %s: %s expires %s\n got  %s\n want %s expires %s\n      %s", id, got.Tier, fmtTP(got.ExpiresAt),
					strings.Join(gs, "\n      "), want.Tier, fmtTP(want.ExpiresAt), strings.Join(ws, "\n      "))
			}
			if !slices.Equal(gs, bs) || !slices.Equal(gs, us) {
				t.Errorf("risk %s: batch reasons differ:\n %v\n %v\n %v", id, bs, us, gs)
			}
		})
	}
}

// checkClusters compares, for every member of every expected cluster, the cluster the
// service gives: the index case, the introductions, each case's generation and
// reference kind, the transmission links and their serial intervals (SPEC rev 5 §4).
func checkClusters(t *testing.T, svc *graph.Service, sec vecSection) {
	for _, want := range sec.Clusters.Clusters {
		ws := wantClusterRows(want)
		for _, c := range want.Cases {
			t.Run("cluster/"+c.Person, func(t *testing.T) {
				got, err := svc.Cluster(context.Background(), c.Person, sec.AsOf)
				if err != nil {
					t.Fatal(err)
				}
				if got == nil {
					t.Fatalf("no cluster for %s", c.Person)
				}
				if gs := gotClusterRows(got); !slices.Equal(gs, ws) {
					t.Errorf("cluster of %s:\n got  %s\n want %s", c.Person, strings.Join(gs, "\n      "), strings.Join(ws, "\n      "))
				}
			})
		}
	}
	all, err := svc.Clusters(context.Background(), sec.AsOf, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(sec.Clusters.Clusters) {
		t.Errorf("%d clusters, want %d", len(all), len(sec.Clusters.Clusters))
	}
}

// wantClusterRows and gotClusterRows spell a cluster as sorted lines, so that a
// difference shows which case, link or interval is wrong.
func wantClusterRows(c vecCluster) []string {
	rows := []string{"index " + c.IndexCase}
	for _, id := range c.Introductions {
		rows = append(rows, "introduction "+id)
	}
	for _, m := range c.Cases {
		rows = append(rows, fmt.Sprintf("case %s gen %d ref %s", m.Person, m.Generation, m.ReferenceKind))
	}
	si := map[string]int{}
	for _, s := range c.SerialIntervals {
		si[s.Source+"->"+s.Target] = s.Days
	}
	for _, l := range c.Links {
		k := l.Source + "->" + l.Target
		if d, ok := si[k]; ok {
			rows = append(rows, fmt.Sprintf("link %s si %d", k, d))
		} else {
			rows = append(rows, fmt.Sprintf("link %s si -", k))
		}
	}
	slices.Sort(rows)
	return rows
}

func gotClusterRows(c *graph.Cluster) []string {
	rows := []string{"index " + c.IndexCaseID}
	for _, id := range c.Introductions {
		rows = append(rows, "introduction "+id)
	}
	for _, m := range c.Cases {
		rows = append(rows, fmt.Sprintf("case %s gen %d ref %s", m.PersonID, m.Generation, m.ReferenceKind))
	}
	si := map[string]int{}
	for _, s := range c.SerialIntervals {
		si[s.SourceID+"->"+s.TargetID] = s.Days
	}
	for _, l := range c.Links {
		k := l.SourceID + "->" + l.TargetID
		if d, ok := si[k]; ok {
			rows = append(rows, fmt.Sprintf("link %s si %d", k, d))
		} else {
			rows = append(rows, fmt.Sprintf("link %s si -", k))
		}
	}
	slices.Sort(rows)
	return rows
}
