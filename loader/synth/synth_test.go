package synth_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/loader/synth"
)

func TestIDCheckChar(t *testing.T) {
	for _, tc := range []struct{ first17, want string }{
		{"11010519491231002", "X"}, // the standard's own example
		{"44052418800101001", "4"},
		{"41153019900307123", "9"},
		{"41153019850101002", "0"},
	} {
		c, err := synth.IDCheckChar(tc.first17)
		if err != nil || string(c) != tc.want || !validID(tc.first17+string(c)) {
			t.Errorf("IDCheckChar(%s) = %q, %v; want %s", tc.first17, c, err, tc.want)
		}
	}
	for _, bad := range []string{"1101051949123100", "110105194912310021", "1101051949123100A"} {
		if _, err := synth.IDCheckChar(bad); err == nil {
			t.Errorf("IDCheckChar(%q) accepted", bad)
		}
	}
}

func generate(t *testing.T, people int, seed uint64) (string, synth.Stats) {
	t.Helper()
	dir := t.TempDir()
	st, err := synth.Generate(dir, synth.Config{People: people, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return dir, st
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, _ := generate(t, 3000, 7)
	b, _ := generate(t, 3000, 7)
	c, _ := generate(t, 3000, 8)
	for _, name := range synth.FileNames {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with seed 7", name)
		}
	}
	x, _ := os.ReadFile(filepath.Join(a, "people.csv"))
	z, _ := os.ReadFile(filepath.Join(c, "people.csv"))
	if bytes.Equal(x, z) {
		t.Error("seeds 7 and 8 gave the same people")
	}
}

func TestGenerateRejectsNoPeople(t *testing.T) {
	if _, err := synth.Generate(t.TempDir(), synth.Config{People: 0}); err == nil || !strings.Contains(err.Error(), "people") {
		t.Fatalf("Generate with 0 people: err = %v, want an error naming people", err)
	}
}

// A mid-sized county is valid throughout and has the structure the spec's seed
// situation needs.
func TestGenerateIsValidAndRealistic(t *testing.T) {
	dir, st := generate(t, 20000, 3)
	b := checkBundle(t, dir)
	n := func(name string) int { return len(b[name].recs) }
	if n("people.csv") != 20000 || st.People != 20000 {
		t.Errorf("people: %d rows, stats %d; want 20000", n("people.csv"), st.People)
	}
	for _, f := range st.Files {
		if f.Rows != n(f.Name) {
			t.Errorf("%s: stats say %d rows, file has %d", f.Name, f.Rows, n(f.Name))
		}
		if f.Rows == 0 {
			t.Errorf("%s is empty", f.Name)
		}
	}
	// Areas: one chain down to the county, towns in it, villages and communities in
	// towns, and Wuhan under Hubei.
	areas := map[string][2]string{} // code → level, parent
	for _, r := range b["areas.csv"].recs {
		areas[r[0]] = [2]string{r[2], r[3]}
	}
	if areas["420100"] != [2]string{"city", "420000"} || areas["420000"][0] != "province" {
		t.Errorf("Wuhan: %v, Hubei: %v", areas["420100"], areas["420000"])
	}
	levels := map[string]int{}
	for code, a := range areas {
		levels[a[0]]++
		want := map[string]string{"town": "county", "village": "town", "community": "town"}[a[0]]
		if want != "" && areas[a[1]][0] != want {
			t.Errorf("area %s (%s) is inside %s (%s)", code, a[0], a[1], areas[a[1]][0])
		}
	}
	if levels["county"] != 1 || levels["town"] < 1 || levels["village"] < 5 || levels["community"] < 1 {
		t.Errorf("area levels %v", levels)
	}
	// Households of 1–6 in villages or communities.
	size := map[string]int{}
	for _, r := range b["people.csv"].recs {
		size[r[6]]++
	}
	for _, r := range b["households.csv"].recs {
		if s := size[r[0]]; s < 1 || s > 6 {
			t.Errorf("household %s has %d members", r[0], s)
		}
		if l := areas[r[2]][0]; l != "village" && l != "community" {
			t.Errorf("household %s is in a %s", r[0], l)
		}
	}
	// Returnees on shared trains and flights.
	type conv struct{ mode, number, depart string }
	shared := map[conv]int{}
	modes := map[string]int{}
	for _, r := range b["trips.csv"].recs {
		modes[r[2]]++
		if r[3] != "" {
			shared[conv{r[2], r[3], r[7]}]++
		}
	}
	sharedFlights, sharedTrains := 0, 0
	for c, k := range shared {
		if k > 1 && c.mode == "flight" {
			sharedFlights++
		}
		if k > 1 && c.mode == "train" {
			sharedTrains++
		}
	}
	if sharedFlights == 0 || sharedTrains == 0 || modes["car"] == 0 || modes["bus"] == 0 {
		t.Errorf("trips: modes %v, shared flights %d, shared trains %d", modes, sharedFlights, sharedTrains)
	}
	// Events of each kind, cases of several statuses, designations that change.
	kinds := map[string]int{}
	for _, r := range b["events.csv"].recs {
		kinds[r[1]]++
	}
	for _, k := range []string{"meal", "market", "work", "gathering", "clinic"} {
		if kinds[k] == 0 {
			t.Errorf("no %s events: %v", k, kinds)
		}
	}
	status := map[string]int{}
	for _, r := range b["cases.csv"].recs {
		status[r[1]]++
	}
	if n("cases.csv") < 5 || status["confirmed"]+status["recovered"]+status["deceased"] == 0 {
		t.Errorf("cases: %v", status)
	}
	wuhan := 0
	for _, r := range b["risk_designations.csv"].recs {
		if r[0] == "420100" {
			wuhan++
		}
	}
	if wuhan < 2 {
		t.Errorf("Wuhan has %d designations, want a change", wuhan)
	}
	// A fever reading and a turned-back car at the checkpoints.
	fever, turned := 0, 0
	for _, r := range b["passages.csv"].recs {
		if r[4] >= "37.3" && len(r[4]) == 4 {
			fever++
		}
		if r[5] == "true" && r[2] == "" && r[3] != "" {
			turned++
		}
	}
	if fever == 0 || turned == 0 {
		t.Errorf("passages: %d fevers, %d turned-back cars", fever, turned)
	}
	// Officers of both roles in every village.
	roles := map[string]map[string]bool{}
	for _, r := range b["officers.csv"].recs {
		if roles[r[3]] == nil {
			roles[r[3]] = map[string]bool{}
		}
		roles[r[3]][r[2]] = true
	}
	for code, a := range areas {
		if (a[0] == "village" || a[0] == "community") && !(roles[code]["cadre"] && roles[code]["medical"]) {
			t.Errorf("village %s lacks a cadre or a doctor: %v", code, roles[code])
		}
	}
}

// Row counts grow linearly with the county: four times the people, about four times
// the rows of every bulk file.
func TestGenerateScales(t *testing.T) {
	_, small := generate(t, 10000, 5)
	_, large := generate(t, 40000, 5)
	for i, f := range small.Files {
		switch f.Name {
		case "households.csv", "people.csv", "trips.csv", "events.csv", "attendance.csv",
			"contacts.csv", "passages.csv", "health_reports.csv", "checkpoints.csv":
			ratio := float64(large.Files[i].Rows) / float64(f.Rows)
			if ratio < 3.3 || ratio > 4.7 {
				t.Errorf("%s: %d rows for 10,000 people, %d for 40,000 (×%.2f), want about ×4", f.Name, f.Rows, large.Files[i].Rows, ratio)
			}
		}
	}
}
