package synth

import (
	"container/heap"
	"math/rand/v2"
)

// Direct contacts: about three recorded per resident over the five weeks, most with
// neighbours, fewer after the controls of January 25.
func (g *gen) genContacts(w *tw) {
	r := w.r
	ct := g.t("contacts.csv")
	base := int32(w.t.villages[0].lo)
	seen := map[[3]int32]bool{} // (smaller, larger, at): the key of SPEC §3
	// Day weights: before, during and after the festival.
	var cum [dataDays]int
	total := 0
	for day := range cum {
		d := dataFirstDay + day
		wt := 10
		switch {
		case d == lockdownDay || d == lockdownDay+1:
			wt = 15
		case d > lockdownDay+1:
			wt = 4
		}
		total += wt
		cum[day] = total
	}
	for p := int32(0); p < int32(len(w.people)); p++ {
		pp := &w.people[p]
		v := w.t.villages[pp.vil]
		vlo, vn := int32(v.lo)-base, v.hi-v.lo
		hh := w.hh[pp.hh]
		for k := r.IntN(7); k > 0; k-- {
			var q int32
			setting := setOther
			switch u := r.IntN(100); {
			case u < 5 && hh.size > 1:
				q = hh.first + int32(r.IntN(int(hh.size)))
				setting = setHousehold
			case u < 75:
				q = vlo + int32(r.IntN(vn))
			default:
				q = int32(r.IntN(len(w.people)))
			}
			if q == p {
				continue
			}
			if setting != setHousehold {
				switch u := r.IntN(100); {
				case u < 20:
					setting = setMeal
				case u < 35:
					setting = setWork
				case u < 45:
					setting = setVehicle
				case u < 48:
					setting = setMedical
				case u < 55:
					setting = setHousehold // relatives visiting
				}
			}
			x := r.IntN(total)
			day := 0
			for cum[day] <= x {
				day++
			}
			c := contact{a: p, b: q, at: dataStart + minute(day)*mDay + 7*mHour + minute(r.IntN(14*60)), dur: -1, setting: int8(setting)}
			if r.IntN(10) > 0 {
				switch setting {
				case setMeal:
					c.dur = int16(30 + r.IntN(90))
				case setWork:
					c.dur = int16(15 + r.IntN(465))
				case setVehicle:
					c.dur = int16(10 + r.IntN(80))
				case setMedical:
					c.dur = int16(5 + r.IntN(25))
				case setHousehold:
					c.dur = int16(30 + r.IntN(270))
				default:
					c.dur = int16(1 + r.IntN(r.IntN(120)+1))
				}
			}
			c.protected = r.IntN(100) < 8 || (setting == setMedical && r.IntN(2) == 0)
			key := [3]int32{min(p, q), max(p, q), int32(c.at)}
			if seen[key] {
				continue
			}
			seen[key] = true
			w.contacts = append(w.contacts, c)
			g.pid(ct, w, c.a)
			g.pid(ct, w, c.b).at(c.at)
			if c.dur >= 0 {
				ct.int(int(c.dur))
			} else {
				ct.empty()
			}
			if r.IntN(20) == 0 {
				ct.empty() // setting not recorded
			} else {
				ct.str(settings[setting])
			}
			switch {
			case c.protected:
				ct.str([]string{"true", "是", "yes"}[r.IntN(3)])
			case r.IntN(3) == 0:
				ct.empty()
			default:
				ct.str("false")
			}
			ct.end()
		}
	}
}

// The epidemic: returnees from Wuhan bring the virus home; it spreads through
// households, the events above and recorded contacts, earliest infections first.
// Everything is decided from the town's records, so every case's exposures are in the
// bundle. Cases are those isolated by the bundle's cut-off (February 15 00:00).

type infection struct {
	at minute
	p  int32
}

type infQueue []infection

func (q infQueue) Len() int { return len(q) }
func (q infQueue) Less(i, j int) bool {
	return q[i].at < q[j].at || q[i].at == q[j].at && q[i].p < q[j].p
}
func (q infQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *infQueue) Push(x any)   { *q = append(*q, x.(infection)) }
func (q *infQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// Spread parameters: chances per exposure.
const (
	pSeedWuhan     = 0.025
	pSeedElsewhere = 0.0005
	pHousehold     = 0.16
	pEventClose    = 0.05
	pEventIndoor   = 0.012
	pEventFar      = 0.0015
	pContactClose  = 0.035
	pContactShort  = 0.004
	pProtected     = 0.001
)

func (g *gen) spread(w *tw) {
	r := w.r
	ppl := w.people
	// Person → attendances and person → contacts, as offsets into flat lists.
	attOf := csr(len(ppl), len(w.atts), func(yield func(p, i int32)) {
		for i, a := range w.atts {
			yield(a.person, int32(i))
		}
	})
	evOf := make([]int32, len(w.atts))
	for ei, ev := range w.events {
		for i := ev.attLo; i < ev.attHi; i++ {
			evOf[i] = int32(ei)
		}
	}
	conOf := csr(len(ppl), 2*len(w.contacts), func(yield func(p, i int32)) {
		for i, c := range w.contacts {
			yield(c.a, int32(i))
			yield(c.b, int32(i))
		}
	})
	q := &infQueue{}
	infect := func(p int32, t minute, src int32) {
		if ppl[p].infected || t >= cutoff {
			return
		}
		g.infect(r, w, p, t, src)
		heap.Push(q, infection{t, p})
	}
	for p := range ppl {
		if ppl[p].trip < 0 {
			continue
		}
		tr := w.trips[ppl[p].trip]
		chance := pSeedElsewhere
		if tr.origin == 0 {
			chance = pSeedWuhan
		}
		if r.Float64() < chance {
			infect(int32(p), tr.depart-minute(r.IntN(5*24*60)), -1)
		}
	}
	for q.Len() > 0 {
		inf := heap.Pop(q).(infection)
		s := &ppl[inf.p]
		ws, we := infectiousFrom(s), cutoff
		if s.iso != noTime {
			we = min(we, s.iso)
		}
		if we <= ws {
			continue
		}
		h := w.hh[s.hh]
		for m := h.first; m < h.first+int32(h.size); m++ {
			if m != inf.p && r.Float64() < pHousehold {
				infect(m, ws+minute(r.Int64N(int64(we-ws))), inf.p)
			}
		}
		for _, ai := range attOf.of(inf.p) {
			a := w.atts[ai]
			from, to := max(a.from, ws), min(a.to, we)
			if to <= from {
				continue
			}
			ev := w.events[evOf[ai]]
			for bi := ev.attLo; bi < ev.attHi; bi++ {
				b := w.atts[bi]
				lo, hi := max(from, b.from), min(to, b.to)
				if bi == ai || hi <= lo {
					continue
				}
				chance := pEventFar
				switch {
				case hi-lo >= 15 && a.close && b.close:
					chance = pEventClose
				case hi-lo >= 15 && ev.indoor:
					chance = pEventIndoor
				}
				if r.Float64() < chance {
					infect(b.person, lo, inf.p)
				}
			}
		}
		for _, ci := range conOf.of(inf.p) {
			c := w.contacts[ci]
			if c.at < ws || c.at >= we {
				continue
			}
			other := c.a
			if other == inf.p {
				other = c.b
			}
			chance := pContactShort
			switch {
			case c.protected:
				chance = pProtected
			case c.dur < 0 || c.dur >= 15 || c.setting != setWork && c.setting != setOther:
				chance = pContactClose
			}
			if r.Float64() < chance {
				infect(other, c.at, inf.p)
			}
		}
	}
}

// infect decides the course of p's infection at t: onset, when they are isolated (by
// seeking care, or traced as a contact of a confirmed case), when confirmed.
func (g *gen) infect(r *rand.Rand, w *tw, p int32, t minute, src int32) {
	pp := &w.people[p]
	pp.infected, pp.infAt, pp.src = true, t, src
	pp.onset, pp.iso, pp.conf = noTime, noTime, noTime
	if r.IntN(100) < 80 {
		pp.symp = true
		pp.onset = t + minute(2+r.IntN(5)+r.IntN(5))*mDay + minute(r.IntN(24*60))
		delay := minute(r.IntN(3)) * mDay
		if pp.onset < at(1, 23, 0, 0) {
			delay = minute(2+r.IntN(5)) * mDay
		}
		pp.iso = pp.onset + delay + minute(r.IntN(12*60))
	} else if src < 0 {
		// An asymptomatic returnee is found by the returnee screening after the 24th.
		arrive := w.trips[pp.trip].arrive
		pp.iso = max(arrive, at(1, 24, 8, 0)) + minute(2+r.IntN(5))*mDay + minute(r.IntN(10*60))
	}
	if src >= 0 {
		// Traced as a contact of a case confirmed after the infection: quarantined and
		// tested within a day or so.
		if sc := w.people[src].conf; sc != noTime && sc > t {
			traced := sc + 12*mHour + minute(r.IntN(24*60))
			if pp.iso == noTime || traced < pp.iso {
				pp.iso = traced
			}
		}
	}
	if pp.iso != noTime {
		pp.conf = pp.iso + 6*mHour + minute(r.IntN(36*60))
	}
}

// infectiousFrom is when an infected person starts to spread: two days before onset,
// or three days after infection without symptoms.
func infectiousFrom(p *person) minute {
	if p.symp {
		return p.onset - 2*mDay
	}
	return p.infAt + 3*mDay
}

// adjacency lists in compressed form: the items of p are items[off[p]:off[p+1]].
type adjacency struct {
	off   []int32
	items []int32
}

func (a adjacency) of(p int32) []int32 { return a.items[a.off[p]:a.off[p+1]] }

func csr(n, m int, each func(yield func(p, i int32))) adjacency {
	a := adjacency{off: make([]int32, n+1), items: make([]int32, m)}
	each(func(p, _ int32) { a.off[p+1]++ })
	for i := 1; i <= n; i++ {
		a.off[i] += a.off[i-1]
	}
	fill := append([]int32(nil), a.off[:n]...)
	each(func(p, i int32) { a.items[fill[p]] = i; fill[p]++ })
	return a
}
