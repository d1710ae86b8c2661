package synth_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph/loader/synth"
)

const examplesCounty = "../../examples/county"

// The committed demo bundle is what WriteDemo writes: edit demo.go, then run
// `go run ./cmd/tracegraph gen --demo --out examples/county`.
func TestDemoIsFresh(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.WriteDemo(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range synth.FileNames {
		want, _ := os.ReadFile(filepath.Join(dir, name))
		got, err := os.ReadFile(filepath.Join(examplesCounty, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("examples/county/%s is stale (%v): regenerate with `go run ./cmd/tracegraph gen --demo --out examples/county`", name, err)
		}
	}
}

// The demo tells the seed's story: check that every part of it is in the data.
func TestDemoTellsTheStory(t *testing.T) {
	b := checkBundle(t, examplesCounty)
	people := len(b["people.csv"].recs)
	if people < 200 || people > 600 {
		t.Errorf("%d people, want a few hundred", people)
	}
	names := map[string]string{}
	for _, r := range b["people.csv"].recs {
		names[r[0]] = r[1]
	}
	// Seats on the flight: rows within ±3 and at ±4 of the case's 14C.
	rows := map[string]bool{}
	trains := 0
	for _, r := range b["trips.csv"].recs {
		if r[2] == "flight" && strings.ReplaceAll(r[3], " ", "") == "CZ3861" {
			rows[strings.TrimRight(strings.TrimSpace(r[4]), "ABCDEFabcdef")] = true
		}
		if r[2] == "train" && r[5] == "420100" {
			trains++
		}
	}
	for _, row := range []string{"14", "17", "11", "18", "10"} {
		if !rows[row] {
			t.Errorf("no seat in row %s of CZ3861: %v", row, rows)
		}
	}
	if trains < 3 {
		t.Errorf("%d train passengers from Wuhan", trains)
	}
	kinds := map[string]int{}
	for _, r := range b["events.csv"].recs {
		kinds[r[1]]++
	}
	if kinds["meal"] == 0 || kinds["market"] == 0 {
		t.Errorf("events %v: want a family dinner and a market morning", kinds)
	}
	fevers, turned := 0, 0
	for _, r := range b["passages.csv"].recs {
		if r[4] >= "37.3" && len(r[4]) == 4 {
			fevers++
		}
		if r[5] == "true" && r[2] == "" && r[3] != "" {
			turned++
		}
	}
	if fevers != 1 || turned != 1 {
		t.Errorf("checkpoints: %d fever readings and %d turned-back cars, want one each", fevers, turned)
	}
	if n := len(b["facilities.csv"].recs); n != 2 {
		t.Errorf("%d quarantine hotels, want 2", n)
	}
	status := map[string]int{}
	for _, r := range b["cases.csv"].recs {
		status[r[1]]++
		if !strings.HasPrefix(r[3], "2020-01") && !strings.HasPrefix(r[3], "2020-02") && r[3] != "" {
			t.Errorf("case %s confirmed at %s", r[0], r[3])
		}
	}
	if status["confirmed"] < 3 || status["asymptomatic"] < 1 {
		t.Errorf("cases %v: want a handful of confirmed and asymptomatic", status)
	}
	// A cadre and a doctor for every village and community.
	roles := map[string]map[string]bool{}
	for _, r := range b["officers.csv"].recs {
		if roles[r[3]] == nil {
			roles[r[3]] = map[string]bool{}
		}
		roles[r[3]][r[2]] = true
	}
	for _, r := range b["areas.csv"].recs {
		if (r[2] == "village" || r[2] == "community") && !(roles[r[0]]["cadre"] && roles[r[0]]["medical"]) {
			t.Errorf("%s %s has no cadre or no doctor", r[0], r[1])
		}
	}
	// Every time carries +08:00 or is local.
	for _, name := range []string{"trips.csv", "cases.csv", "passages.csv"} {
		for _, r := range b[name].recs {
			for _, f := range r {
				if strings.HasPrefix(f, "2020-") && len(f) > 10 && strings.Contains(f, "T") && !strings.HasSuffix(f, "+08:00") {
					t.Errorf("%s: time %s not in +08:00", name, f)
				}
			}
		}
	}
	if names["P0001"] != "李建国" {
		t.Errorf("P0001 is %q, the README tells of 李建国", names["P0001"])
	}
}
