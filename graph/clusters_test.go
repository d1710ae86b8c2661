package graph_test

import (
	"fmt"
	"strings"
	"testing"
)

// SPEC §4 likely-source links and clusters, against Neo4j.
func TestClusters(t *testing.T) {
	f := newFixture(t)
	f.people("A", "B", "D", "E", "Z")
	f.caseOf("A", "confirmed", "2020-01-10", "2020-01-12 10:00", "") // W from 8 Jan
	f.caseOf("B", "confirmed", "2020-01-15", "2020-01-17 10:00", "") // reference 15 Jan 00:00
	f.caseOf("D", "recovered", "2020-01-20", "2020-01-21 10:00", "") // reference 20 Jan 00:00
	f.caseOf("E", "confirmed", "", "2020-01-25 10:00", "")           // reference confirmedAt
	f.caseOf("Z", "confirmed", "2020-01-18", "2020-01-27 10:00", "") // confirmed after asOf: not a case yet
	f.contact("A", "B", "2020-01-14 23:59", 0, "meal", false)        // in [B − 14 d, B): A → B
	f.contact("B", "D", "2020-01-19 10:00", 30, "work", false)       // B → D
	f.contact("D", "E", "2020-01-25 10:00", 30, "work", false)       // at E's reference: not before it, no link
	f.contact("A", "Z", "2020-01-12 10:00", 30, "work", false)
	asOf := f.at("2020-01-26 12:00")
	all, err := f.svc.Clusters(t0(), asOf, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range all {
		var ms []string
		for _, m := range c.Cases {
			ms = append(ms, fmt.Sprintf("%s@%d", m.PersonID, m.Generation))
		}
		var si []string
		for _, s := range c.SerialIntervals {
			si = append(si, fmt.Sprintf("%s>%s:%d", s.SourceID, s.TargetID, s.Days))
		}
		got = append(got, fmt.Sprintf("%s[%s] si[%s] active=%v", c.IndexCaseID, strings.Join(ms, " "), strings.Join(si, " "), c.Active))
	}
	want := []string{
		"A[A@0 B@1 D@2] si[A>B:5 B>D:5] active=true",
		"E[E@0] si[] active=false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("clusters:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	big, err := f.svc.Clusters(t0(), asOf, 2)
	if err != nil || len(big) != 1 || big[0].Size() != 3 || big[0].FirstOnset.String() != "2020-01-10" || big[0].LastOnset.String() != "2020-01-20" {
		t.Fatalf("minSize 2: %+v %v", big, err)
	}
	c, err := f.svc.Cluster(t0(), "D", asOf)
	if err != nil || c == nil || c.IndexCaseID != "A" {
		t.Fatalf("cluster of D: %+v %v", c, err)
	}
	if c, err := f.svc.Cluster(t0(), "Z", asOf); err != nil || c != nil {
		t.Fatalf("cluster of a case confirmed after asOf: %+v %v, want none", c, err)
	}
	// Once Z counts it links to A (a CLOSE exposure 6 days before its onset); the index
	// case stays A, the earliest reference.
	c, err = f.svc.Cluster(t0(), "Z", f.at("2020-01-27 10:00"))
	if err != nil || c == nil || c.IndexCaseID != "A" || c.Size() != 4 {
		t.Fatalf("cluster of Z once confirmed: %+v %v", c, err)
	}
	// Active: a link within the last 14 days (B → D on 19 Jan above; here A → B on 14 Jan).
	c, err = f.svc.Cluster(t0(), "A", f.at("2020-01-20 12:00"))
	if err != nil || c == nil || !c.Active {
		t.Fatalf("cluster as of 20 Jan should be active: %+v %v", c, err)
	}
	c, err = f.svc.Cluster(t0(), "A", f.at("2020-02-10 12:00"))
	if err != nil || c == nil || c.Active {
		t.Fatalf("cluster as of 10 Feb (last link 19 Jan) should not be active: %+v %v", c, err)
	}
}
