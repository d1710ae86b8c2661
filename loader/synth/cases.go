package synth

import (
	"math/rand/v2"
	"slices"
)

// genCases writes the people isolated by the cut-off as cases, and the risk
// designations that their confirmations bring to villages and the town.
func (g *gen) genCases(w *tw) {
	r := w.r
	ct := g.t("cases.csv")
	vilConf := make([][]minute, len(w.t.villages))
	for p := range w.people {
		pp := &w.people[p]
		if !pp.infected || pp.iso == noTime || pp.iso >= cutoff {
			continue
		}
		known := pp.symp && pp.onset < cutoff // onset known by the cut-off
		switch {
		case pp.conf >= cutoff && known:
			pp.status = "suspected"
		case pp.conf >= cutoff:
			continue // tested, result not back: not in the line list yet
		case !known:
			pp.status = "asymptomatic"
		default:
			pp.status = "confirmed"
		}
		if pp.status != "suspected" {
			switch {
			case known && pp.age >= 70 && r.IntN(100) < 12:
				pp.status = "deceased"
			case pp.conf < at(2, 1, 0, 0) && r.IntN(10) < 4:
				pp.status = "recovered"
			}
			vilConf[pp.vil] = append(vilConf[pp.vil], pp.conf)
			if g.firstConfirmed == 0 || pp.conf < g.firstConfirmed {
				g.firstConfirmed = pp.conf
			}
		}
		g.cases++
		g.pid(ct, w, int32(p)).str(pp.status)
		if known {
			ct.date(pp.onset)
		} else {
			ct.empty()
		}
		if pp.conf < cutoff {
			ct.at(pp.conf)
		} else {
			ct.empty()
		}
		ct.at(pp.iso).end()
	}
	// A village goes medium with its first confirmed case and high with its third; two
	// weeks after its last it is low again (when that is before the cut-off). The town is
	// medium from the day after its first, low two weeks after its last.
	dt := g.t("risk_designations.csv")
	var townConf []minute
	for vi, cs := range vilConf {
		if len(cs) == 0 {
			continue
		}
		slices.Sort(cs)
		townConf = append(townConf, cs...)
		code := w.t.villages[vi].code
		dt.str(code).str("medium").at(cs[0]).end()
		if len(cs) >= 3 && cs[2] != cs[0] {
			dt.str(code).str("high").at(cs[2]).end()
		}
		if low := cs[len(cs)-1].dayStart() + 15*mDay; low < cutoff {
			dt.str(code).str("low").date(low).end()
		}
	}
	if len(townConf) > 0 {
		slices.Sort(townConf)
		dt.str(w.t.code).str("medium").date(townConf[0].dayStart() + mDay).end()
		if low := townConf[len(townConf)-1].dayStart() + 15*mDay; low < cutoff {
			dt.str(w.t.code).str("low").date(low).end()
		}
	}
}

// genStaff writes the town's quarantine point, its officers (two cadres and two
// medical workers for the town, a cadre — two in a large village — and a village doctor
// per village) and the "1+1" pairs for Wuhan returnees and the households of cases.
func (g *gen) genStaff(w *tw) {
	r := w.r
	seat := w.t.villages[0]
	g.nextFac++
	g.t("facilities.csv").id("F", g.nextFac, 4).str(w.t.name + "隔离观察点").str(seat.code).int(max(10, len(w.people)/500)).end()
	o := g.t("officers.csv")
	for i := 0; i < 4; i++ {
		g.officer(o, r, []string{"cadre", "medical"}[i%2], w.t.code)
	}
	for vi, v := range w.t.villages {
		w.cadre[vi] = g.officer(o, r, "cadre", v.code)
		if v.hi-v.lo > 1500 {
			g.officer(o, r, "cadre", v.code)
		}
		w.medic[vi] = g.officer(o, r, "medical", v.code)
	}
	hhCase := householdCases(w)
	rt := g.t("responsibilities.csv")
	for p := range w.people {
		pp := &w.people[p]
		if pp.status != "" {
			continue
		}
		if (pp.trip >= 0 && w.trips[pp.trip].origin == 0) || hhCase[pp.hh] != noTime {
			rt.id("O", w.cadre[pp.vil], 6)
			g.pid(rt, w, int32(p)).end()
			rt.id("O", w.medic[pp.vil], 6)
			g.pid(rt, w, int32(p)).end()
		}
	}
}

// householdCases is, per household, the earliest confirmation of a case in it.
func householdCases(w *tw) []minute {
	hc := make([]minute, len(w.hh))
	for i := range hc {
		hc[i] = noTime
	}
	for _, pp := range w.people {
		if pp.status != "" && pp.status != "suspected" && (hc[pp.hh] == noTime || pp.conf < hc[pp.hh]) {
			hc[pp.hh] = pp.conf
		}
	}
	return hc
}

// genTests writes the samples: a positive one behind every confirmation, negatives on
// discharge, household members of cases tested the day after, Wuhan returnees screened
// after the 24th.
func (g *gen) genTests(w *tw) {
	r := w.r
	tt := g.t("tests.csv")
	write := func(p int, kind string, at minute, result string) {
		if at >= cutoff {
			return
		}
		g.nextTest++
		tt.id("TS", g.nextTest, 7)
		g.pid(tt, w, int32(p)).str(kind).at(at).str(result).end()
	}
	hhCase := householdCases(w)
	for p := range w.people {
		pp := &w.people[p]
		switch pp.status {
		case "":
		case "suspected":
			write(p, "pcr", pp.iso+mHour, "pending")
			continue
		default:
			write(p, "pcr", pp.conf-4*mHour-minute(r.IntN(16*60)), "positive")
			if pp.status == "recovered" {
				write(p, "pcr", pp.conf+10*mDay, "negative")
				write(p, "pcr", pp.conf+11*mDay, "negative")
			}
			continue
		}
		if c := hhCase[pp.hh]; c != noTime {
			write(p, "pcr", c+6*mHour+minute(r.IntN(24*60)), "negative")
		}
		if pp.trip >= 0 && w.trips[pp.trip].origin == 0 {
			kind := "pcr"
			if r.IntN(5) == 0 {
				kind = "antigen"
			}
			t := max(w.trips[pp.trip].arrive, at(1, 24, 8, 0)) + mDay + minute(r.IntN(2*24*60))
			write(p, kind, t, "negative")
			if r.IntN(30) == 0 {
				write(p, "antibody", t+mHour, "negative")
			}
		}
	}
}

// genCheckpoints sets up the village entrances from January 25 and logs who passes:
// residents on foot or driving with their temperature, delivery trucks, and cars from
// outside that are turned back.
func (g *gen) genCheckpoints(w *tw) {
	r := w.r
	ct, pt := g.t("checkpoints.csv"), g.t("passages.csv")
	base := int32(w.t.villages[0].lo)
	for _, v := range w.t.villages {
		pop := v.hi - v.lo
		n := 1
		if pop > 1200 {
			n = 2
		}
		for i := 0; i < n; i++ {
			g.nextCP++
			name := v.name + []string{"东口", "西口"}[i]
			if v.community {
				name = v.name + []string{"小区门岗", "北门岗"}[i]
			}
			ct.id("C", g.nextCP, 6).str(name).str(v.code).end()
			perDay := float64(pop) * 0.01 / float64(n)
			for day := checkpointDay; day < dataFirstDay+dataDays; day++ {
				ds := at(1, day, 0, 0)
				k := count(r, perDay)
				if k == 0 {
					continue
				}
				gap := max(2, 14*60/k)
				t := ds + 7*mHour
				for ; k > 0; k-- {
					t += 1 + minute(r.IntN(gap))
					pt.id("C", g.nextCP, 6).at(t)
					switch u := r.IntN(100); {
					case u < 93:
						p := int32(v.lo) - base + int32(r.IntN(pop))
						pp := &w.people[p]
						g.pid(pt, w, p)
						if u >= 75 {
							pt.str(carPlate(w.hh[pp.hh].id))
						} else {
							pt.empty()
						}
						temp := 36.0 + r.Float64()*1.1
						if pp.symp && t >= pp.onset-12*mHour && (pp.iso == noTime || t < pp.iso) {
							temp = 37.4 + r.Float64()*1.4
						} else if r.IntN(1000) == 0 {
							temp = 37.3 + r.Float64()*0.2
						}
						pt.float1(temp)
						if r.IntN(2) == 0 {
							pt.str("false")
						} else {
							pt.empty()
						}
					case u < 98:
						pt.empty().str(plate(r, "豫S")).empty().str("false")
					default:
						pt.empty().str(plate(r, origins[r.IntN(len(origins))].plate))
						if r.IntN(2) == 0 {
							pt.float1(36.2 + r.Float64()*0.8)
						} else {
							pt.empty()
						}
						pt.str("true")
					}
					pt.end()
				}
			}
		}
	}
}

func plate(r *rand.Rand, prefix string) string {
	b := append([]byte(prefix), "ABCDEFGHJKLMNPQRSTUVWXYZ"[r.IntN(24)])
	return string(appendID(b, "", r.IntN(100000), 5))
}

// genReports writes the returnee ledger: a daily health report for 14 days after
// arrival, kept from January 21, until the person is isolated.
func (g *gen) genReports(w *tw) {
	r := w.r
	ht := g.t("health_reports.csv")
	for p := range w.people {
		pp := &w.people[p]
		if pp.trip < 0 {
			continue
		}
		arr := w.trips[pp.trip].arrive.dayStart()
		for day := max(arr+mDay, at(1, ledgerFirstDay, 0, 0)); day <= arr+14*mDay && day < cutoff; day += mDay {
			if pp.infected && pp.iso != noTime && day >= pp.iso.dayStart() {
				break
			}
			g.pid(ht, w, int32(p)).date(day)
			fever := pp.symp && day >= pp.onset.dayStart()
			switch {
			case fever:
				ht.float1(37.5 + r.Float64()*1.5).str([]string{"发热", "发热、咳嗽", "发热、乏力"}[r.IntN(3)])
			case r.IntN(30) == 0:
				ht.empty().empty()
			default:
				ht.float1(36.0 + r.Float64()*1.1)
				if r.IntN(10) < 3 {
					ht.str("无")
				} else {
					ht.empty()
				}
			}
			ht.end()
		}
	}
}
