package loader

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeBigBundle writes a synthetic bundle of n people (households of three in
// villages of a county), two contacts a person, a trip for every tenth person and a
// case for every hundredth: enough rows to interrupt a load midway.
func writeBigBundle(t testing.TB, dir string, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	files := map[string]*bufio.Writer{}
	var closers []*os.File
	w := func(name string, format string, args ...any) {
		b, ok := files[name]
		if !ok {
			f, err := os.Create(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			closers = append(closers, f)
			b = bufio.NewWriterSize(f, 1<<16)
			files[name] = b
		}
		fmt.Fprintf(b, format, args...)
	}
	w("areas.csv", "code,name,level,parent_code\nC0,县,county,\n")
	villages := max(n/1000, 1)
	for v := 0; v < villages; v++ {
		w("areas.csv", "V%03d,村%d,village,C0\n", v, v)
	}
	w("households.csv", "id,address,area_code\n")
	w("people.csv", "id,name,id_number,phone,sex,birth_date,household_id\n")
	w("contacts.csv", "person_a,person_b,at,duration_min,setting,protected\n")
	w("trips.csv", "id,person_id,mode,number,seat,from_area,to_area,depart_at,arrive_at\n")
	w("cases.csv", "person_id,status,onset_date,confirmed_at,isolated_at\n")
	start := time.Date(2020, 1, 10, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for h := 0; h < (n+2)/3; h++ {
		w("households.csv", "H%06d,%d号,V%03d\n", h, h, h%villages)
	}
	for i := 0; i < n; i++ {
		birth := time.Date(1940+i%60, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		first17 := fmt.Sprintf("411599%s%03d", birth.Format("20060102"), i%1000)
		w("people.csv", "P%06d,人%d,%s,139%08d,%s,%s,H%06d\n", i, i, idNumber(first17), i, "MF"[i%2:i%2+1], birth.Format("2006-01-02"), i/3)
		for k := 0; k < 2; k++ {
			j := rng.IntN(n)
			if j == i {
				continue
			}
			at := start.Add(time.Duration(rng.IntN(20*24*60)) * time.Minute)
			w("contacts.csv", "P%06d,P%06d,%s,%d,%s,%v\n", i, j, at.Format(time.RFC3339), rng.IntN(120), []string{"meal", "work", "other", ""}[rng.IntN(4)], rng.IntN(5) == 0)
		}
		if i%10 == 0 {
			dep := start.Add(time.Duration(rng.IntN(10*24)) * time.Hour)
			w("trips.csv", "T%06d,P%06d,train,G%d,%02d-%02dA,V%03d,,%s,%s\n", i, i, rng.IntN(50), 1+rng.IntN(16), 1+rng.IntN(20), rng.IntN(villages),
				dep.Format("2006-01-02 15:04"), dep.Add(3*time.Hour).Format("2006-01-02 15:04"))
		}
		if i%100 == 0 {
			w("cases.csv", "P%06d,confirmed,2020-01-2%d,2020-01-25 10:00,\n", i, rng.IntN(4))
		}
	}
	for _, b := range files {
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range closers {
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestWriteBigBundle is a tool: TRACEGRAPH_BIG_BUNDLE=DIR:N writes a bundle of N people
// to DIR (for timing `tracegraph load` by hand).
func TestWriteBigBundle(t *testing.T) {
	spec := os.Getenv("TRACEGRAPH_BIG_BUNDLE")
	if spec == "" {
		t.Skip("set TRACEGRAPH_BIG_BUNDLE=DIR:N to write a bundle")
	}
	var dir string
	var n int
	if _, err := fmt.Sscanf(spec, "%s", &dir); err != nil {
		t.Fatal(err)
	}
	for i := len(spec) - 1; i >= 0; i-- {
		if spec[i] == ':' {
			dir = spec[:i]
			fmt.Sscanf(spec[i+1:], "%d", &n)
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeBigBundle(t, dir, n)
}
