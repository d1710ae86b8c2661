package synth

import (
	"math/rand/v2"
	"time"
)

// count draws a whole number with mean lambda (its floor, plus one with the chance of
// its fraction): cheap, deterministic and good enough for counts of things per day.
func count(r *rand.Rand, lambda float64) int {
	n := int(lambda)
	if r.Float64() < lambda-float64(n) {
		n++
	}
	return n
}

// January day d (February 1 is 32) as a weekday.
func weekday(d int) time.Weekday { return at(1, d, 12, 0).time().Weekday() }

const (
	proxDefault = iota // written blank: the loader's default, venue
	proxClose
	proxVenue
)

// eventWriter keeps the town's events and attendances (for the spread) while writing them.
type eventWriter struct {
	g    *gen
	w    *tw
	mark []int32 // the last event each person was added to, +1: one row per person and event
}

func (e *eventWriter) event(kind, place, area string, start, end minute, indoor bool) {
	g, w := e.g, e.w
	g.nextEvent++
	et := g.t("events.csv")
	et.id("E", g.nextEvent, 7).str(kind).str(place).str(area).at(start).at(end)
	switch {
	case !indoor:
		et.str([]string{"false", "否", "no"}[g.nextEvent%3])
	case g.nextEvent%4 == 0:
		et.empty() // indoor is the default
	default:
		et.str("true")
	}
	et.end()
	w.events = append(w.events, event{start: start, end: end, indoor: indoor, attLo: int32(len(w.atts)), attHi: int32(len(w.atts))})
}

// attend adds person p to the current event, unless they are on it already.
func (e *eventWriter) attend(p int32, from, to minute, prox int) bool {
	g, w := e.g, e.w
	ev := int32(len(w.events))
	if e.mark[p] == ev {
		return false
	}
	e.mark[p] = ev
	at := g.t("attendance.csv")
	g.pid(at, w, p).id("E", g.nextEvent, 7).at(from).at(to)
	switch prox {
	case proxClose:
		at.str("close")
	case proxVenue:
		at.str("venue")
	default:
		at.empty()
	}
	at.end()
	w.atts = append(w.atts, attendance{person: p, from: from, to: to, close: prox == proxClose})
	w.events[ev-1].attHi++
	return true
}

var factoryNames = []string{"服装厂", "食品厂", "砖瓦厂", "茶叶加工厂", "电子厂", "家具厂", "物流园", "建材公司", "养殖场", "纺织厂"}

func (g *gen) genEvents(w *tw) {
	r := w.r
	e := &eventWriter{g: g, w: w, mark: make([]int32, len(w.people))}
	base := int32(w.t.villages[0].lo)
	// Households by village: [vhh[v], vhh[v+1]).
	vhh := make([]int32, len(w.t.villages)+1)
	for i, h := range w.hh {
		vhh[h.vil+1] = int32(i) + 1
	}
	for v := 1; v < len(vhh); v++ {
		vhh[v] = max(vhh[v], vhh[v-1])
	}
	stem := townStem(w.t.name)
	seat := w.t.villages[0]
	townPop := len(w.people)
	randPerson := func() int32 { return int32(r.IntN(townPop)) }
	working := func() int32 {
		for {
			p := randPerson()
			if a := w.people[p].age; a >= 18 && a <= 60 {
				return p
			}
		}
	}
	// Workplaces: about one resident in sixteen works in one, 30–70 to a workplace.
	type workplace struct {
		name, area string
		workers    []int32
	}
	var works []workplace
	for i := 0; i < max(1, townPop/800); i++ {
		wp := workplace{name: stem + factoryNames[r.IntN(len(factoryNames))], area: w.t.villages[r.IntN(len(w.t.villages))].code}
		for n := 30 + r.IntN(41); n > 0; n-- {
			wp.workers = append(wp.workers, working())
		}
		works = append(works, wp)
	}
	vendors := make([]int32, 20)
	for i := range vendors {
		vendors[i] = working()
	}
	for day := 0; day < dataDays; day++ {
		d := dataFirstDay + day
		ds := dataStart + minute(day)*mDay
		mealMul, gatherMul := 1.0, 1.0
		switch {
		case d == lockdownDay || d == lockdownDay+1: // New Year's Eve and Day
			mealMul, gatherMul = 3, 2
		case d > lockdownDay+1:
			mealMul, gatherMul = 0.08, 0.1
		}
		for vi, v := range w.t.villages {
			pop := float64(v.hi - v.lo)
			lo, hi := int32(v.lo)-base, int32(v.hi)-base
			nhh := int(vhh[vi+1] - vhh[vi])
			// Family meals and, before the controls, weddings.
			for n := count(r, pop*0.0022*mealMul); n > 0; n-- {
				host := vhh[vi] + int32(r.IntN(nhh))
				kind, guests, indoor := "meal", 2+r.IntN(4), true
				if d < lockdownDay && r.IntN(25) == 0 {
					kind, guests, indoor = "wedding", 8+r.IntN(7), r.IntN(2) == 0
				}
				start := ds + 17*mHour + minute(r.IntN(60))
				if d != lockdownDay && r.IntN(10) < 4 {
					start = ds + 11*mHour + minute(r.IntN(60))
				}
				end := start + 120 + minute(r.IntN(90))
				e.event(kind, w.hh[host].addr, v.code, start, end, indoor)
				hosts := []int32{host}
				for i := 0; i < guests; i++ {
					if r.IntN(5) == 0 { // relatives from elsewhere in the town
						hosts = append(hosts, int32(r.IntN(len(w.hh))))
					} else {
						hosts = append(hosts, vhh[vi]+int32(r.IntN(nhh)))
					}
				}
				for _, h := range hosts {
					hh := w.hh[h]
					for p := hh.first; p < hh.first+int32(hh.size); p++ {
						if h != host && r.IntN(10) == 0 {
							continue
						}
						prox := proxClose
						switch u := r.IntN(10); {
						case kind == "wedding" && u < 7, u == 9:
							prox = proxVenue
						case u >= 7:
							prox = proxDefault
						}
						e.attend(p, start+minute(r.IntN(20)), end-minute(r.IntN(20)), prox)
					}
				}
			}
			// Card and mahjong games: four to eight neighbours for an afternoon.
			for n := count(r, pop*0.0008*gatherMul); n > 0; n-- {
				start := ds + 13*mHour + minute(r.IntN(5*60))
				end := start + 120 + minute(r.IntN(180))
				place := v.name + "棋牌室"
				if r.IntN(2) == 0 {
					place = w.hh[vhh[vi]+int32(r.IntN(nhh))].addr
				}
				e.event("gathering", place, v.code, start, end, true)
				for k := 4 + r.IntN(5); k > 0; k-- {
					p := lo + int32(r.IntN(int(hi-lo)))
					e.attend(p, start+minute(r.IntN(30)), end-minute(r.IntN(30)), proxClose)
				}
			}
			// The village clinic's day.
			start, end := ds+8*mHour, ds+17*mHour
			e.event("clinic", v.name+"卫生室", v.code, start, end, true)
			for k := 3 + r.IntN(10); k > 0; k-- {
				p := lo + int32(r.IntN(int(hi-lo)))
				from := start + minute(r.IntN(8*60))
				e.attend(p, from, from+10+minute(r.IntN(35)), []int{proxVenue, proxDefault, proxClose}[r.IntN(3)])
			}
		}
		// Workplaces run Monday to Saturday until the festival closure, then partly.
		if wd := weekday(d); wd != time.Sunday && (d <= factoryCloseDay || d >= factoryReopenDay) {
			share := 9
			if d >= factoryReopenDay {
				share = 3
			}
			for _, wp := range works {
				start, end := ds+8*mHour, ds+17*mHour+30
				e.event("work", wp.name, wp.area, start, end, r.IntN(10) > 0)
				for _, p := range wp.workers {
					if r.IntN(10) < share {
						prox := proxVenue
						if r.IntN(10) < 3 {
							prox = proxClose
						}
						e.attend(p, start+minute(r.IntN(30)), end-minute(r.IntN(30)), prox)
					}
				}
			}
		}
		// The town's periodic market, every third day until the controls.
		if d <= lockdownDay && (d+len(w.t.code))%3 == 0 {
			g.market(e, r, w, stem+"集", seat.code, ds+6*mHour, ds+11*mHour, false, vendors, float64(townPop)*0.05)
		}
		// The covered food market of the town seat opens every day.
		share := 0.008
		if d > lockdownDay {
			share = 0.004
		}
		g.market(e, r, w, stem+"农贸市场", seat.code, ds+6*mHour+30, ds+12*mHour, true, vendors[:8], float64(townPop)*share)
	}
}

func (g *gen) market(e *eventWriter, r *rand.Rand, w *tw, place, area string, start, end minute, indoor bool, vendors []int32, shoppers float64) {
	e.event("market", place, area, start, end, indoor)
	for _, p := range vendors {
		e.attend(p, start, end, proxClose)
	}
	for n := count(r, shoppers); n > 0; n-- {
		p := int32(r.IntN(len(w.people)))
		from := start + minute(r.IntN(int(end-start)-20))
		to := min(end, from+20+minute(r.IntN(70)))
		prox := proxVenue
		switch u := r.IntN(20); {
		case u == 0:
			prox = proxClose
		case u < 8:
			prox = proxDefault
		}
		e.attend(p, from, to, prox)
	}
}
