package synth

import "math/rand/v2"

// The fixed part of the map: the county's own chain and the cities that returnees come
// from. Codes are GB/T 2260 style (6 digits down to a county, 9 for a town, 12 for a
// village or community). 淮川县 is fictional; the cities are real.
const (
	provinceCode = "410000"
	cityCode     = "411500"
	countyCode   = "411530"
	countyName   = "淮川县"
	wuhanCode    = "420100"
)

type fixedArea struct{ code, name, level, parent string }

var fixedAreas = []fixedArea{
	{"410000", "河南省", "province", ""},
	{"411500", "信阳市", "city", "410000"},
	{countyCode, countyName, "county", "411500"},
	{"420000", "湖北省", "province", ""},
	{"420100", "武汉市", "city", "420000"},
	{"310000", "上海市", "province", ""},
	{"310100", "上海市市辖区", "city", "310000"},
	{"440000", "广东省", "province", ""},
	{"440100", "广州市", "city", "440000"},
	{"440300", "深圳市", "city", "440000"},
	{"110000", "北京市", "province", ""},
	{"110100", "北京市市辖区", "city", "110000"},
	{"330000", "浙江省", "province", ""},
	{"330100", "杭州市", "city", "330000"},
	{"320000", "江苏省", "province", ""},
	{"320500", "苏州市", "city", "320000"},
}

// Designations outside the county, as the news of January 2020 had them. A bare date is
// 00:00 local (SPEC §3 allows it for `since`).
var fixedDesignations = [][3]string{
	{"420100", "medium", "2020-01-10"},
	{"420100", "high", "2020-01-20T20:00:00+08:00"},
	{"420000", "medium", "2020-01-21"},
	{"420000", "high", "2020-01-24"},
	{"440300", "medium", "2020-01-25T12:00:00+08:00"},
	{"440100", "medium", "2020-01-26"},
	{"330100", "medium", "2020-01-27"},
	{"310000", "medium", "2020-01-28"},
	{"310000", "low", "2020-02-12"},
	{"110000", "low", "2020-01-10"},
}

// Address codes of other Henan counties, for residents registered elsewhere.
var otherAddrCodes = []string{"411502", "411503", "411521", "411522", "411523", "411524", "411525", "411526", "411527", "411528", "411330", "410102"}

// Where returnees come from, and how.
type origin struct {
	code     string
	weight   int
	carHours int
	plate    string // plate prefix of cars and coaches from there
}

var origins = []origin{
	{wuhanCode, 35, 3, "鄂A"},
	{"310100", 14, 9, "沪B"},
	{"440100", 10, 11, "粤A"},
	{"440300", 15, 12, "粤B"},
	{"110100", 10, 10, "京N"},
	{"330100", 8, 8, "浙A"},
	{"320500", 8, 7, "苏E"},
}

const (
	modeTrain = iota
	modeFlight
	modeBus
	modeCar
	modeOther
)

var modeNames = []string{"train", "flight", "bus", "car", "other"}

// A scheduled train or flight to 信阳 (the station and 明港 airport), daily.
type route struct {
	origin  int
	mode    int
	number  string
	depart  minute // time of day
	dur     minute
	letters bool // train seats have letters (G and D trains); K and Z trains number seats only
}

var routes = []route{
	{0, modeTrain, "G1722", 8*60 + 12, 65, true},
	{0, modeTrain, "G508", 12*60 + 36, 70, true},
	{0, modeTrain, "D3022", 16*60 + 5, 85, true},
	{0, modeTrain, "K1156", 19*60 + 30, 150, false},
	{0, modeFlight, "CZ3861", 9*60 + 30, 55, false},
	{0, modeFlight, "MU2506", 18*60 + 40, 50, false},
	{1, modeTrain, "G1828", 7*60 + 50, 300, true},
	{1, modeTrain, "D2206", 13*60 + 10, 380, true},
	{1, modeFlight, "MU2595", 14*60 + 25, 115, false},
	{2, modeTrain, "G80", 8*60 + 0, 360, true},
	{2, modeTrain, "K1104", 17*60 + 40, 760, false},
	{2, modeFlight, "CZ3281", 10*60 + 10, 125, false},
	{3, modeTrain, "G1008", 9*60 + 15, 410, true},
	{3, modeTrain, "Z202", 18*60 + 20, 720, false},
	{3, modeFlight, "ZH9807", 16*60 + 30, 145, false},
	{4, modeTrain, "G519", 7*60 + 40, 280, true},
	{4, modeTrain, "K179", 21*60 + 10, 640, false},
	{4, modeFlight, "CA1747", 12*60 + 15, 120, false},
	{5, modeTrain, "G1886", 10*60 + 20, 340, true},
	{5, modeFlight, "GJ8755", 20*60 + 5, 110, false},
	{6, modeTrain, "D3071", 11*60 + 5, 390, true},
}

// Seat maps. A flight has rows 1–30 of A–F; a G or D train 16 carriages of 18 rows of
// A B C D F; a K or Z train 16 carriages of 118 numbered seats.
const (
	flightSeats      = 30 * 6
	trainSeats       = 16 * 18 * 5
	slowTrainSeats   = 16 * 118
	coachSeats       = 45
	seatStride       = 97 // coprime with every seat count: seats are handed out scattered
	travelFirstDay   = 8  // January 8: the first departure day
	travelDays       = 29 // to February 5
	wuhanLastDepDay  = 22 // Wuhan closed its stations and airport on the 23rd at 10:00
	lockdownDay      = 24 // January 24 (New Year's Eve): controls begin the day after
	dataFirstDay     = 10 // events and contacts from January 10
	dataDays         = 36 // to February 14 inclusive
	ledgerFirstDay   = 21 // returnee ledgers (health reports) from January 21
	checkpointDay    = 25 // checkpoints at village entrances from January 25
	factoryCloseDay  = 19 // factories close for the Spring Festival after January 19
	factoryReopenDay = 41 // and reopen (partly) on February 10 (January 41)
)

func seatCount(rt route) int {
	switch {
	case rt.mode == modeFlight:
		return flightSeats
	case rt.letters:
		return trainSeats
	default:
		return slowTrainSeats
	}
}

// seat formats seat number k of a route's conveyance: "12C" on a flight, "05-12A" on
// a G or D train, "05-87" on a K or Z train.
func seat(rt route, k int) []byte {
	var b []byte
	switch {
	case rt.mode == modeFlight:
		b = appendID(b, "", k/6+1, 0)
		return append(b, "ABCDEF"[k%6])
	case rt.letters:
		b = appendID(b, "", k/90+1, 2)
		b = append(b, '-')
		b = appendID(b, "", (k%90)/5+1, 2)
		return append(b, "ABCDF"[k%5])
	default:
		b = appendID(b, "", k/118+1, 2)
		b = append(b, '-')
		return appendID(b, "", k%118+1, 0)
	}
}

type village struct {
	code, name string
	community  bool
	lo, hi     int // people [lo, hi) by global number
}

type town struct {
	code, name string
	villages   []village
}

// layout divides n people into villages of about 1,500 and towns of about 20 villages;
// the first place of a town with several is its seat, a community.
func layout(r *rand.Rand, n int) []town {
	nv := max(1, (n+750)/1500)
	nt := max(1, (nv+19)/20)
	towns := make([]town, nt)
	usedTown := map[string]bool{}
	for t := range towns {
		tw := &towns[t]
		tw.code = countyCode + pad3(100+t)
		if t == 0 {
			tw.name = "城关镇"
		} else {
			for {
				tw.name = placeName(r) + townTails[r.IntN(len(townTails))]
				if !usedTown[tw.name] || len(usedTown) > 400 {
					break
				}
			}
		}
		usedTown[tw.name] = true
		lo, hi := t*nv/nt, (t+1)*nv/nt
		used := map[string]bool{}
		for v := lo; v < hi; v++ {
			vg := village{lo: v * n / nv, hi: (v + 1) * n / nv}
			if v == lo && hi-lo > 1 {
				vg.community = true
				vg.code = tw.code + "001"
				vg.name = townStem(tw.name) + "社区"
			} else {
				vg.code = tw.code + pad3(200+v-lo)
				for {
					vg.name = placeName(r) + "村"
					if !used[vg.name] || len(used) > 300 {
						break
					}
				}
			}
			used[vg.name] = true
			tw.villages = append(tw.villages, vg)
		}
	}
	return towns
}

// townStem is the stem of a town name (its name without 镇 or 乡).
func townStem(s string) string {
	r := []rune(s)
	return string(r[:len(r)-1])
}

func pad3(n int) string { return string(appendID(nil, "", n, 3)) }
