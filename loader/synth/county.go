package synth

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// Config sizes a synthetic county.
type Config struct {
	People int    // residents, at least 1
	Seed   uint64 // the same seed gives byte-identical files
}

// Stats describes a generated bundle.
type Stats struct {
	Files                               []FileStat
	Towns, Villages, Households, People int
	Cases, Trips                        int
	Facilities, Officers, Checkpoints   int
}

// Generate writes a synthetic county of cfg.People residents into dir (created if
// needed; existing bundle files are overwritten).
//
// Memory stays flat in the county's size: the county is generated one town (about
// 30,000 people) at a time, each town from its own random stream, and every row goes
// straight to a buffered file. What outlives a town is small and bounded: the map of
// towns and villages, seat counters per scheduled train or flight, and the counters
// that keep ID-number sequences unique.
func Generate(dir string, cfg Config) (Stats, error) {
	if cfg.People < 1 {
		return Stats{}, fmt.Errorf("people: must be at least 1, got %d", cfg.People)
	}
	b, err := createBundle(dir)
	if err != nil {
		return Stats{}, err
	}
	g := &gen{
		b:     b,
		seed:  cfg.Seed,
		n:     cfg.People,
		seats: make([]int32, len(routes)*travelDays),
		coach: make([]int32, len(origins)*travelDays),
		idSeq: map[uint64]uint16{},
	}
	g.towns = layout(rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)), cfg.People)
	g.writeMap()
	for t := range g.towns {
		g.town(t)
	}
	g.writeCounty()
	files, err := b.close()
	st := Stats{Files: files, Towns: len(g.towns), People: g.n, Households: g.nextHH,
		Cases: g.cases, Facilities: g.nextFac, Officers: g.nextOff, Checkpoints: g.nextCP, Trips: g.nextTrip}
	for _, t := range g.towns {
		st.Villages += len(t.villages)
	}
	return st, err
}

type gen struct {
	b     *bundle
	seed  uint64
	n     int
	towns []town

	seats []int32           // passengers so far per (route, day)
	coach []int32           // coach passengers so far per (origin, day)
	idSeq map[uint64]uint16 // ID numbers issued per (address code, birth date, sex)

	nextHH, nextTrip, nextEvent, nextTest, nextCP, nextFac, nextOff int
	nextEmp                                                         int
	cases                                                           int
	firstConfirmed                                                  minute
}

const noTime = minute(-1 << 31)

var (
	dataStart = at(1, dataFirstDay, 0, 0)
	cutoff    = at(1, dataFirstDay+dataDays, 0, 0) // the bundle is as of February 15 00:00
)

func (g *gen) t(name string) *table { return g.b.t[name] }

// writeMap writes the areas, the fixed designations and the county's facilities.
func (g *gen) writeMap() {
	a := g.t("areas.csv")
	for _, f := range fixedAreas {
		a.str(f.code).str(f.name).str(f.level).str(f.parent).end()
	}
	for _, tw := range g.towns {
		a.str(tw.code).str(tw.name).str("town").str(countyCode).end()
		for _, v := range tw.villages {
			level := "village"
			if v.community {
				level = "community"
			}
			a.str(v.code).str(v.name).str(level).str(tw.code).end()
		}
	}
	d := g.t("risk_designations.csv")
	for _, f := range fixedDesignations {
		d.str(f[0]).str(f[1]).str(f[2]).end()
	}
	seat := g.towns[0].villages[0].code
	f := g.t("facilities.csv")
	g.nextFac++
	f.id("F", g.nextFac, 4).str("淮川宾馆").str(seat).int(max(20, g.n/4000)).end()
	g.nextFac++
	f.id("F", g.nextFac, 4).str("县职业中专隔离点").str(seat).int(max(20, g.n/5000)).end()
	o := g.t("officers.csv")
	r := rand.New(rand.NewPCG(g.seed, 0x5eed))
	for i := 0; i < 5; i++ {
		role := "cadre"
		if i >= 2 {
			role = "medical" // the county CDC's epidemiologists
		}
		g.officer(o, r, role, countyCode)
	}
}

func (g *gen) officer(o *table, r *rand.Rand, role, area string) int {
	g.nextOff++
	male := r.IntN(2) == 0
	o.id("O", g.nextOff, 6).str(surname(r) + given(r, male)).str(role).str(area).raw(phone(r)).end()
	return g.nextOff
}

// writeCounty writes what depends on every town: the county's own designation.
func (g *gen) writeCounty() {
	if g.firstConfirmed != 0 {
		g.t("risk_designations.csv").str(countyCode).str("medium").date(g.firstConfirmed.dayStart() + mDay).end()
	}
}

func phone(r *rand.Rand) []byte {
	b := []byte{'1', "35879"[r.IntN(5)]}
	return appendID(b, "", r.IntN(1_000_000_000), 9)
}

// Town-local records: indices are into the town's slices; idx is the global number.
type person struct {
	idx      int32
	hh       int32
	vil      int16
	age      int16
	male     bool
	trip     int32 // -1: no trip
	infected bool
	symp     bool
	src      int32 // who infected them (town-local), -1 for a returnee infected away
	infAt    minute
	onset    minute // noTime when asymptomatic
	iso      minute // noTime when never isolated (not found)
	conf     minute
	status   string // set for people who are cases in the bundle
}

type household struct {
	id    int32
	vil   int16
	first int32
	size  int8
	addr  string
}

type trip struct {
	origin         int8
	mode           int8
	depart, arrive minute
}

type event struct {
	start, end   minute
	indoor       bool
	attLo, attHi int32
}

type attendance struct {
	person   int32
	from, to minute
	close    bool
}

type contact struct {
	a, b      int32
	at        minute
	dur       int16 // -1: not recorded
	setting   int8
	protected bool
}

var settings = []string{"household", "meal", "vehicle", "medical", "work", "other"}

const (
	setHousehold = iota
	setMeal
	setVehicle
	setMedical
	setWork
	setOther
)

// tw is one town being generated.
type tw struct {
	r        *rand.Rand
	t        *town
	people   []person
	hh       []household
	trips    []trip
	events   []event
	atts     []attendance
	contacts []contact
	cadre    []int // village officers, by village
	medic    []int
}

func (g *gen) town(ti int) {
	w := &tw{r: rand.New(rand.NewPCG(g.seed, uint64(ti)+1)), t: &g.towns[ti]}
	g.genPeople(w)
	g.genTrips(w)
	g.genEvents(w)
	g.genContacts(w)
	g.spread(w)
	g.genCases(w)
	g.genStaff(w)
	g.genTests(w)
	g.genCheckpoints(w)
	g.genReports(w)
	g.genPractices(w, ti)
}

func (g *gen) pid(tb *table, w *tw, p int32) *table {
	return tb.id("P", int(w.people[p].idx)+1, 7)
}

// householdSize draws 1–6, weighted as rural China around 2020 (mean about 3.1).
func householdSize(r *rand.Rand) int {
	switch u := r.IntN(100); {
	case u < 15:
		return 1
	case u < 40:
		return 2
	case u < 64:
		return 3
	case u < 82:
		return 4
	case u < 93:
		return 5
	default:
		return 6
	}
}

type member struct {
	age    int
	male   bool
	spouse bool
}

// compose makes a plausible household: a couple, their children, perhaps a parent.
func compose(r *rand.Rand, size int) []member {
	if size == 1 {
		if r.IntN(10) < 4 {
			return []member{{age: 20 + r.IntN(16), male: r.IntN(3) > 0}}
		}
		return []member{{age: 60 + r.IntN(28), male: r.IntN(2) == 0}}
	}
	head := 26 + r.IntN(50)
	m := []member{{age: head, male: true}, {age: max(20, head-3+r.IntN(7)), spouse: true}}
	for len(m) < size {
		if len(m) == 2 && head <= 58 && r.IntN(2) == 0 {
			m = append(m, member{age: min(98, head+24+r.IntN(9)), male: r.IntN(2) == 0})
			continue
		}
		age := head - 22 - r.IntN(14)
		if age < 0 {
			age = r.IntN(3)
		}
		m = append(m, member{age: age, male: r.IntN(2) == 0})
	}
	return m
}

func (g *gen) genPeople(w *tw) {
	r := w.r
	ht, pt := g.t("households.csv"), g.t("people.csv")
	w.cadre = make([]int, len(w.t.villages))
	w.medic = make([]int, len(w.t.villages))
	for vi, v := range w.t.villages {
		next, inVillage := v.lo, 0
		for next < v.hi {
			size := min(householdSize(r), v.hi-next)
			g.nextHH++
			h := household{id: int32(g.nextHH), vil: int16(vi), first: int32(len(w.people)), size: int8(size)}
			h.addr = v.name + strconv.Itoa(inVillage/40+1) + "组" + strconv.Itoa(inVillage%40+1) + "号"
			inVillage++
			w.hh = append(w.hh, h)
			ht.id("H", int(h.id), 7).str(h.addr).str(v.code).end()
			family := surname(r)
			for _, m := range compose(r, size) {
				p := person{idx: int32(next), hh: int32(len(w.hh) - 1), vil: int16(vi), age: int16(m.age), male: m.male, trip: -1, src: -1}
				name := family
				if m.spouse {
					name = surname(r)
				}
				name += given(r, m.male)
				birth := at(1, 20-r.IntN(365), 0, 0).time().AddDate(-m.age, 0, 0)
				bs := birth.Format("20060102")
				sex := "F"
				if m.male {
					sex = "M"
				}
				pt.id("P", next+1, 7).str(name).str(g.idNumber(r, bs, m.male))
				if m.age >= 14 && m.age <= 85 && r.IntN(20) > 0 {
					pt.raw(phone(r))
				} else {
					pt.empty()
				}
				pt.str(sex).str(birth.Format("2006-01-02")).id("H", int(h.id), 7).end()
				w.people = append(w.people, p)
				next++
			}
		}
	}
}

// idNumber issues a valid ID number that no one else in the bundle has: sequences are
// counted per address code, birth date and sex, moving to another address code when a
// day's 500 sequences run out.
func (g *gen) idNumber(r *rand.Rand, birth string, male bool) string {
	addr := -1
	if r.IntN(100) >= 85 {
		addr = r.IntN(len(otherAddrCodes))
	}
	bd, _ := strconv.Atoi(birth)
	for tries := 0; ; tries++ {
		code := countyCode
		if addr >= 0 {
			code = otherAddrCodes[addr]
		}
		key := uint64(addr+1)<<40 | uint64(bd)<<1
		if male {
			key |= 1
		}
		c := int(g.idSeq[key])
		if c < 499 {
			g.idSeq[key] = uint16(c + 1)
			seq := 2*c + 2
			if male {
				seq = 2*c + 1
			}
			return idNumber(code, birth, seq)
		}
		addr = (addr + 1) % len(otherAddrCodes)
		if tries > len(otherAddrCodes)+1 {
			panic("synth: ID number sequences exhausted")
		}
	}
}

// Travel: about one working-age adult in eleven comes home for the Spring Festival.
func (g *gen) genTrips(w *tw) {
	r := w.r
	tt := g.t("trips.csv")
	for hi := range w.hh {
		h := &w.hh[hi]
		var travellers []int32
		for p := h.first; p < h.first+int32(h.size); p++ {
			if a := w.people[p].age; a >= 18 && a <= 55 && r.IntN(100) < 9 {
				travellers = append(travellers, p)
			}
		}
		if len(travellers) == 0 {
			continue
		}
		together := len(travellers) > 1 && r.IntN(10) < 6
		var o, mode, day, rt int
		for i, p := range travellers {
			if i == 0 || !together {
				o, mode, day = pickTrip(r)
				rt = -1
			}
			tr := trip{origin: int8(o), mode: int8(mode)}
			num, seatB := "", []byte(nil)
			dayStart := at(1, travelFirstDay+day, 0, 0)
			switch mode {
			case modeTrain, modeFlight:
				if rt < 0 || !together || int(g.seats[rt*travelDays+day]) >= seatCount(routes[rt]) {
					rt = g.pickRoute(r, o, mode, day)
				}
				if rt < 0 { // every train or flight that day is full: take a coach
					mode = modeBus
					tr.mode = modeBus
					break
				}
				route := routes[rt]
				mode = route.mode // no flight from there: the train
				tr.mode = int8(mode)
				k := &g.seats[rt*travelDays+day]
				seatB = seat(route, int((int64(*k)*seatStride+int64(rt)*7)%int64(seatCount(route))))
				*k++
				num = route.number
				tr.depart = dayStart + route.depart
				tr.arrive = tr.depart + route.dur
			}
			switch mode {
			case modeBus:
				k := &g.coach[o*travelDays+day]
				slot := int(*k) / coachSeats
				seatB = strconv.AppendInt(nil, int64(int(*k)%coachSeats+1), 10)
				*k++
				num = origins[o].plate + string(appendID(appendID(nil, "", day, 2), "", slot%1000, 3))
				tr.depart = dayStart + 6*mHour + minute(slot%12)*40
				tr.arrive = tr.depart + minute(origins[o].carHours)*mHour + 30
			case modeCar:
				if i == 0 || !together {
					num = carPlate(h.id)
					tr.depart = dayStart + 6*mHour + minute(r.IntN(8*60))
					tr.arrive = tr.depart + minute(origins[o].carHours)*mHour + minute(r.IntN(90))
				} else {
					num, tr.depart, tr.arrive = carPlate(h.id), w.trips[len(w.trips)-1].depart, w.trips[len(w.trips)-1].arrive
				}
			case modeOther:
				tr.depart = dayStart + 5*mHour + minute(r.IntN(10*60))
				tr.arrive = tr.depart + minute(origins[o].carHours+2)*mHour
			}
			g.nextTrip++
			w.people[p].trip = int32(len(w.trips))
			w.trips = append(w.trips, tr)
			tt.id("TR", g.nextTrip, 7)
			g.pid(tt, w, p).str(modeNames[mode]).str(num).raw(seatB).str(origins[o].code)
			switch mode {
			case modeTrain, modeFlight:
				tt.str(cityCode)
			case modeOther:
				tt.empty()
			default:
				tt.str(w.t.villages[h.vil].code)
			}
			tt.at(tr.depart).at(tr.arrive).end()
		}
	}
}

// pickTrip draws an origin, a mode and a departure day (index from January 8). Most
// come home in the week before the festival; nobody leaves Wuhan after the 22nd.
func pickTrip(r *rand.Rand) (o, mode, day int) {
	u := r.IntN(100)
	for o = 0; o < len(origins)-1 && u >= origins[o].weight; o++ {
		u -= origins[o].weight
	}
	switch m := r.IntN(100); {
	case m < 55:
		mode = modeTrain
	case m < 65:
		mode = modeFlight
	case m < 80:
		mode = modeBus
	case m < 95:
		mode = modeCar
	default:
		mode = modeOther
	}
	for {
		day = r.IntN(travelDays)
		d := travelFirstDay + day
		if o == 0 && d > wuhanLastDepDay {
			continue
		}
		weight := 2
		switch {
		case d >= 15 && d <= 23:
			weight = 6
		case d > lockdownDay:
			weight = 1
		}
		if r.IntN(6) < weight {
			return o, mode, day
		}
	}
}

// pickRoute chooses a scheduled route of the origin and mode with a free seat that
// day, starting from a random one; -1 when all are full or there is none.
func (g *gen) pickRoute(r *rand.Rand, o, mode, day int) int {
	var cands []int
	for i, rt := range routes {
		if rt.origin == o && rt.mode == mode {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 && mode == modeFlight {
		return g.pickRoute(r, o, modeTrain, day)
	}
	if len(cands) == 0 {
		return -1
	}
	start := r.IntN(len(cands))
	for i := range cands {
		rt := cands[(start+i)%len(cands)]
		if int(g.seats[rt*travelDays+day]) < seatCount(routes[rt]) {
			return rt
		}
	}
	return -1
}

// carPlate is the household's own car: 豫S (信阳) and five characters.
func carPlate(hh int32) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	x := uint32(hh)*2654435761 + 12345
	b := []byte("豫S")
	b = append(b, chars[10+x%24])
	for i := 0; i < 4; i++ {
		x = x*1103515245 + 12345
		b = append(b, chars[(x>>16)%10])
	}
	return string(b)
}
