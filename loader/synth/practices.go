package synth

import (
	"math/rand/v2"
)

// genPractices writes SPEC §10–12 for a town: its enterprises and the jobs of working-age
// residents (most returnees among them, who come back to their jobs), and one door-to-door
// sweep of every village (January 27–29) that misses a few households and people. It
// draws from its own stream, so the other files do not change with it.
func (g *gen) genPractices(w *tw, ti int) {
	r := rand.New(rand.NewPCG(g.seed, uint64(ti)+0x5157_0000))
	et, jt, vt := g.t("employers.csv"), g.t("employment.csv"), g.t("visits.csv")
	kinds := []string{"服装厂", "电子厂", "砖厂", "食品厂", "建筑公司"}
	first := g.nextEmp + 1
	n := 2 + len(w.t.villages)/8
	for i := 0; i < n; i++ {
		g.nextEmp++
		v := w.t.villages[r.IntN(len(w.t.villages))]
		et.id("EM", g.nextEmp, 5).str(w.t.name + kinds[i%len(kinds)]).str(v.code).end()
	}
	for p := range w.people {
		pp := &w.people[p]
		if pp.age < 18 || pp.age > 60 {
			continue
		}
		if (pp.trip >= 0 && r.IntN(10) < 7) || r.IntN(20) == 0 {
			g.pid(jt, w, int32(p)).id("EM", first+r.IntN(n), 5)
			if r.IntN(3) > 0 {
				jt.date(at(1, 1, 0, 0) - minute(r.IntN(3000))*mDay)
			} else {
				jt.empty()
			}
			jt.end()
		}
	}
	// The sweep: a cadre of the village knocks on every door, two minutes apart.
	villageFirst := map[int16]int32{} // the first resident of each village's first household
	for hi := range w.hh {
		if _, ok := villageFirst[w.hh[hi].vil]; !ok {
			villageFirst[w.hh[hi].vil] = w.hh[hi].first
		}
	}
	for hi := range w.hh {
		h := &w.hh[hi]
		day := at(1, 27+int(h.vil)%3, 8, 0)
		t := day + minute(2*int(h.first-villageFirst[h.vil]))%(14*60)
		cadre := w.cadre[h.vil]
		switch u := r.IntN(100); {
		case u < 2: // nobody home: not visited in this sweep
			vt.id("H", int(h.id), 7).at(t).empty().str("no_answer").id("O", cadre, 6).empty().end()
			continue
		case u < 3: // forgotten: no row at all
			continue
		case u < 5: // nobody home in the morning, visited in the evening
			vt.id("H", int(h.id), 7).at(t).empty().str("no_answer").id("O", cadre, 6).empty().end()
			t += 9 * 60
		}
		vt.id("H", int(h.id), 7).at(t).empty().str("visited").id("O", cadre, 6).empty().end()
		for m := int32(0); m < int32(h.size); m++ {
			p := h.first + m
			pp := &w.people[p]
			switch {
			case pp.iso != noTime && pp.iso <= t, pp.trip >= 0 && w.trips[pp.trip].arrive > t:
				vt.id("H", int(h.id), 7).at(t)
				g.pid(vt, w, p).str("away").id("O", cadre, 6).empty().end()
			case r.IntN(100) == 0: // the household forgot to mention them
			default:
				temp := 36.0 + r.Float64()*1.1
				if pp.symp && pp.onset != noTime && pp.onset <= t {
					temp = 37.4 + r.Float64()*1.2
				}
				vt.id("H", int(h.id), 7).at(t)
				g.pid(vt, w, p).str("present").id("O", cadre, 6).float1(temp).end()
			}
		}
	}
}
