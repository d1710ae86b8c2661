package synth

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// The demo county (examples/county): the seed situation told as data, small enough to
// read. The story is written out below, person by person; only the neighbours who fill
// the villages, shop at the market and pass the checkpoints are drawn from a fixed
// random stream. The README of examples/county tells the same story with these ids.

// Demo areas: 淮川县 with three towns.
const (
	aChengguan = "411530100" // 城关镇, the county seat
	aDongjie   = "411530100001"
	aXijie     = "411530100002"
	aLiulin    = "411530101" // 柳林镇
	aLiulinSq  = "411530101001"
	aLilou     = "411530101200"
	aWangwan   = "411530101201"
	aChengang  = "411530101202"
	aBaita     = "411530102" // 白塔乡
	aZhangzh   = "411530102200"
	aZhouying  = "411530102201"
)

type demo struct {
	b       *bundle
	r       *rand.Rand
	nPerson int
	nHH     int
	nTrip   int
	nTest   int
	hhArea  map[string]string
	byArea  map[string][]string // residents by area, in id order
	members map[string][]string // residents by household, in id order
	hhOf    map[string][]string // households by area, in id order
	ages    map[string]int
}

func (d *demo) row(file string, fields ...string) {
	t := d.b.t[file]
	for _, f := range fields {
		t.str(f)
	}
	t.end()
}

// rfc turns "2006-01-02 15:04" (local) into RFC 3339 with the offset.
func rfc(local string) string {
	t, err := time.ParseInLocation("2006-01-02 15:04", local, Zone)
	if err != nil {
		panic("synth demo: " + err.Error())
	}
	return t.Format(time.RFC3339)
}

func (d *demo) household(area, addr string) string {
	d.nHH++
	id := fmt.Sprintf("H%03d", d.nHH)
	d.row("households.csv", id, addr, area)
	d.hhArea[id] = area
	d.hhOf[area] = append(d.hhOf[area], id)
	return id
}

// person writes a resident with a valid ID number issued in 淮川县 (411530).
func (d *demo) person(hh, name, sex, birth string, phone bool) string {
	d.nPerson++
	id := fmt.Sprintf("P%04d", d.nPerson)
	seq := 2 * d.nPerson
	if sex == "M" {
		seq = 2*d.nPerson + 1
	}
	bd, err := time.Parse("2006-01-02", birth)
	if err != nil {
		panic("synth demo: " + err.Error())
	}
	ph := ""
	if phone {
		ph = string(appendID([]byte("13"), "", 700000000+d.nPerson*7919%100000000, 9))
	}
	d.row("people.csv", id, name, idNumber(countyCode, bd.Format("20060102"), seq%1000), ph, sex, birth, hh)
	area := d.hhArea[hh]
	d.byArea[area] = append(d.byArea[area], id)
	d.members[hh] = append(d.members[hh], id)
	d.ages[id] = 2020 - bd.Year()
	return id
}

func (d *demo) trip(person, mode, number, seat, from, to, depart, arrive string) {
	d.nTrip++
	d.row("trips.csv", fmt.Sprintf("TR%03d", d.nTrip), person, mode, number, seat, from, to, depart, arrive)
}

func (d *demo) test(person, kind, sampled, result string) {
	d.nTest++
	d.row("tests.csv", fmt.Sprintf("TS%03d", d.nTest), person, kind, sampled, result)
}

// fill adds n neighbours in households drawn from the fixed stream.
func (d *demo) fill(area, village string, households int) {
	for i := 0; i < households; i++ {
		size := householdSize(d.r)
		hh := d.household(area, village+strconv.Itoa(1+d.r.IntN(4))+"组"+strconv.Itoa(20+i)+"号")
		family := surname(d.r)
		for _, m := range compose(d.r, size) {
			name := family
			if m.spouse {
				name = surname(d.r)
			}
			sex := "F"
			if m.male {
				sex = "M"
			}
			birth := time.Date(2020-m.age, time.January, 20-d.r.IntN(365), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1).Format("2006-01-02")
			d.person(hh, name+given(d.r, m.male), sex, birth, m.age >= 16 && m.age <= 80)
		}
	}
}

// WriteDemo writes the demo county to dir.
func WriteDemo(dir string) ([]FileStat, error) {
	b, err := createBundle(dir)
	if err != nil {
		return nil, err
	}
	d := &demo{b: b, r: rand.New(rand.NewPCG(2020, 124)), hhArea: map[string]string{}, byArea: map[string][]string{}, ages: map[string]int{},
		members: map[string][]string{}, hhOf: map[string][]string{}}
	d.story()
	return b.close()
}

func (d *demo) story() {
	// The map.
	for _, a := range [][4]string{
		{"410000", "河南省", "province", ""},
		{"411500", "信阳市", "city", "410000"},
		{countyCode, countyName, "county", "411500"},
		{aChengguan, "城关镇", "town", countyCode},
		{aDongjie, "东街社区", "community", aChengguan},
		{aXijie, "西街社区", "community", aChengguan},
		{aLiulin, "柳林镇", "town", countyCode},
		{aLiulinSq, "柳林社区", "community", aLiulin},
		{aLilou, "李楼村", "village", aLiulin},
		{aWangwan, "王湾村", "village", aLiulin},
		{aChengang, "陈岗村", "village", aLiulin},
		{aBaita, "白塔乡", "town", countyCode},
		{aZhangzh, "张庄村", "village", aBaita},
		{aZhouying, "周营村", "village", aBaita},
		{"420000", "湖北省", "province", ""},
		{"420100", "武汉市", "city", "420000"},
		{"440000", "广东省", "province", ""},
		{"440300", "深圳市", "city", "440000"},
	} {
		d.row("areas.csv", a[:]...)
	}
	for _, r := range [][3]string{
		{"420100", "medium", "2020-01-10"},
		{"420100", "high", rfc("2020-01-20 20:00")},
		{"420000", "high", "2020-01-24"},
		{"440300", "medium", rfc("2020-01-25 12:00")},
		{aLilou, "high", rfc("2020-01-29 18:00")}, // the family cluster
		{aLilou, "medium", "2020-02-12"},
		{aLiulin, "medium", "2020-01-26"},
	} {
		d.row("risk_designations.csv", r[:]...)
	}

	// The Li family of 李楼村 and their relatives.
	h1 := d.household(aLilou, "李楼村3组8号")
	jianguo := d.person(h1, "李建国", "M", "1974-03-15", true) // works on a building site in Wuhan
	xiulan := d.person(h1, "刘秀兰", "F", "1976-08-02", true)
	hao := d.person(h1, "李浩", "M", "2001-11-20", true)
	ting := d.person(h1, "李婷", "F", "1998-05-09", true)
	guiying := d.person(h1, "张桂英", "F", "1948-01-26", false)
	h2 := d.household(aLilou, "李楼村3组9号")
	jianjun := d.person(h2, "李建军", "M", "1978-07-30", true)
	wangli := d.person(h2, "王丽", "F", "1980-02-14", true)
	xiaoyu := d.person(h2, "李小雨", "M", "2011-09-03", false)
	h3 := d.household(aWangwan, "王湾村2组5号")
	jianhua := d.person(h3, "李建华", "F", "1971-11-11", true)
	wangqiang := d.person(h3, "王强", "M", "1969-06-06", true)
	xinyi := d.person(h3, "王欣怡", "F", "2004-04-18", true)
	h4 := d.household(aLilou, "李楼村2组4号")
	deming := d.person(h4, "赵德明", "M", "1965-10-10", true)
	d.person(h4, "钱桂芝", "F", "1967-04-22", true)
	h5 := d.household(aLilou, "李楼村1组12号")
	maqiang := d.person(h5, "马强", "M", "1980-12-01", true)
	d.person(h5, "孙红", "F", "1982-03-08", true)
	h6 := d.household(aLilou, "李楼村1组15号")
	sunjian := d.person(h6, "孙建", "M", "1983-06-18", true)
	h7 := d.household(aLilou, "李楼村1组16号")
	guomin := d.person(h7, "郭敏", "F", "1990-09-09", true)

	// The other Wuhan returnees and their households.
	h8 := d.household(aWangwan, "王湾村1组3号")
	wangfang := d.person(h8, "王芳", "F", "1992-02-20", true) // a nurse's aide in Wuhan
	d.person(h8, "王德发", "M", "1963-05-05", true)
	h9 := d.household(aChengang, "陈岗村4组7号")
	chenwei := d.person(h9, "陈伟", "M", "1988-08-08", true)
	d.person(h9, "刘桂兰", "F", "1960-01-30", false)
	h10 := d.household(aDongjie, "东街社区9栋302")
	zhaolei := d.person(h10, "赵磊", "M", "1995-12-12", true)
	h11 := d.household(aZhouying, "周营村3组1号")
	zhoumin := d.person(h11, "周敏", "F", "1996-07-07", true)
	d.person(h11, "周国庆", "M", "1966-10-01", true)
	h12 := d.household(aZhangzh, "张庄村2组6号")
	liuyang := d.person(h12, "刘洋", "M", "1991-03-03", true)
	h13 := d.household(aXijie, "西街社区4栋101")
	sunli := d.person(h13, "孙丽", "F", "1993-11-30", true)
	h14 := d.household(aChengang, "陈岗村2组9号")
	wuqiang := d.person(h14, "吴强", "M", "1985-04-14", true)
	d.person(h14, "杨丽娟", "F", "1987-05-15", true)
	h15 := d.household(aLiulinSq, "柳林社区幸福街18号")
	zhengjun := d.person(h15, "郑军", "M", "1979-09-19", true)
	h16 := d.household(aWangwan, "王湾村3组2号")
	huangtao := d.person(h16, "黄涛", "M", "1990-01-01", true)
	h17 := d.household(aZhangzh, "张庄村1组1号")
	zhangwei := d.person(h17, "张伟", "M", "1989-02-02", true) // drives home from Shenzhen
	zhangwife := d.person(h17, "何静", "F", "1990-06-16", true)

	// The market people of 柳林集.
	h18 := d.household(aLiulinSq, "柳林社区菜市街3号")
	dahai := d.person(h18, "陈大海", "M", "1968-12-24", true) // vegetable stall
	xiuzhen := d.person(h18, "林秀珍", "F", "1970-03-21", true)
	h19 := d.household(aLiulinSq, "柳林社区菜市街5号")
	xiuying := d.person(h19, "钟秀英", "F", "1972-07-12", true) // the stall next to his
	h20 := d.household(aLiulinSq, "柳林社区菜市街9号")
	wangjian := d.person(h20, "王建", "M", "1958-02-28", true)
	h21 := d.household(aLiulinSq, "柳林镇卫生院宿舍1号")
	drkong := d.person(h21, "孔令华", "M", "1975-05-20", true) // the night doctor at the health centre
	_ = wangjian

	// Neighbours.
	for _, f := range []struct {
		area, name string
		n          int
	}{
		{aDongjie, "东街社区", 9}, {aXijie, "西街社区", 9}, {aLiulinSq, "柳林社区幸福街", 10},
		{aLilou, "李楼村", 12}, {aWangwan, "王湾村", 10}, {aChengang, "陈岗村", 10},
		{aZhangzh, "张庄村", 9}, {aZhouying, "周营村", 9},
	} {
		d.fill(f.area, f.name, f.n)
	}

	// Trips. The train G1722 from Wuhan on the 19th: 李建国 in 05-12A, 王芳 one row
	// behind and 陈伟 three rows behind in the same carriage, 赵磊 in carriage 08.
	const g1722dep, g1722arr = "2020-01-19 08:12", "2020-01-19 09:17"
	d.trip(jianguo, "train", "G1722", "05-12A", "420100", "411500", rfc(g1722dep), rfc(g1722arr))
	d.trip(wangfang, "train", "G 1722", "05-13c", "420100", "411500", rfc(g1722dep), rfc(g1722arr))
	d.trip(chenwei, "train", "g1722", "05-15B", "420100", "411500", rfc(g1722dep), rfc(g1722arr))
	d.trip(zhaolei, "train", "G1722", "08-02D", "420100", "411500", g1722dep, g1722arr)
	// The flight CZ3861 from Wuhan to 明港 on the 21st: 周敏 in 14C; 刘洋 (17A) and
	// 吴强 (11F) within three rows, 孙丽 (18D) and 郑军 (10B) four rows away.
	const czdep, czarr = "2020-01-21 09:30", "2020-01-21 10:25"
	d.trip(zhoumin, "flight", "CZ3861", "14C", "420100", "411500", rfc(czdep), rfc(czarr))
	d.trip(liuyang, "flight", "CZ3861", "17A", "420100", "411500", rfc(czdep), rfc(czarr))
	d.trip(wuqiang, "flight", "CZ3861", " 11f ", "420100", "411500", rfc(czdep), rfc(czarr))
	d.trip(sunli, "flight", "CZ3861", "18D", "420100", "411500", rfc(czdep), rfc(czarr))
	d.trip(zhengjun, "flight", "CZ 3861", "10B", "420100", "411500", rfc(czdep), rfc(czarr))
	// A coach from Wuhan on the 22nd, and a couple driving home from Shenzhen.
	d.trip(huangtao, "bus", "鄂A2215K", "23", "420100", aWangwan, rfc("2020-01-22 07:00"), rfc("2020-01-22 10:40"))
	d.trip(zhangwei, "car", "粤B7K2M1", "", "440300", aZhangzh, rfc("2020-01-18 05:30"), rfc("2020-01-18 18:10"))
	d.trip(zhangwife, "car", "粤B7K2M1", "", "440300", aZhangzh, rfc("2020-01-18 05:30"), rfc("2020-01-18 18:10"))

	// Events. The market morning of the 22nd at 柳林集, in the open: 李建国 spends an
	// hour at 陈大海's stall; 钟秀英 sells next to it; 王建 passes by for ten minutes.
	d.row("events.csv", "E01", "market", "柳林集", aLiulinSq, rfc("2020-01-22 06:00"), rfc("2020-01-22 11:00"), "否")
	att := func(ev, p, from, to, prox string) { d.row("attendance.csv", p, ev, from, to, prox) }
	att("E01", jianguo, rfc("2020-01-22 07:00"), rfc("2020-01-22 08:10"), "close")
	att("E01", dahai, rfc("2020-01-22 06:00"), rfc("2020-01-22 11:00"), "close")
	att("E01", xiuying, rfc("2020-01-22 06:00"), rfc("2020-01-22 11:00"), "close")
	att("E01", wangjian, rfc("2020-01-22 07:30"), rfc("2020-01-22 07:40"), "venue")
	shoppers := append(append(append([]string{}, d.byArea[aLiulinSq][5:]...), d.byArea[aWangwan][6:]...), d.byArea[aChengang][5:]...)
	for i, p := range shoppers {
		if i%3 != 0 {
			continue
		}
		from := at(1, 22, 6, 15) + minute(d.r.IntN(200))
		prox := []string{"", "venue"}[d.r.IntN(2)]
		att("E01", p, from.time().Format(time.RFC3339), (from + 15 + minute(d.r.IntN(60))).time().Format(time.RFC3339), prox)
	}
	// New Year's Eve dinner at 李建国's home: the three families around one table.
	d.row("events.csv", "E02", "meal", "李楼村3组8号", aLilou, rfc("2020-01-24 17:30"), rfc("2020-01-24 21:30"), "true")
	for _, p := range []string{jianguo, xiulan, hao, ting, guiying, jianjun, wangli, xiaoyu, jianhua, wangqiang, xinyi} {
		att("E02", p, rfc("2020-01-24 17:30"), rfc("2020-01-24 21:30"), "close")
	}
	// Nobody of the dinner goes out after: a village clinic morning for the record.
	d.row("events.csv", "E03", "clinic", "白塔乡卫生院", aZhangzh, rfc("2020-01-23 08:00"), rfc("2020-01-23 12:00"), "")
	for i, p := range d.byArea[aZhangzh][:6] {
		from := at(1, 23, 8, 10) + minute(30*i)
		att("E03", p, from.time().Format(time.RFC3339), (from + 20).time().Format(time.RFC3339), "")
	}

	// Direct contacts of 李建国 before he was isolated.
	for _, c := range [][6]string{
		{jianguo, sunjian, rfc("2020-01-22 12:00"), "15", "other", "false"}, // exactly 15 minutes: close
		{jianguo, guomin, rfc("2020-01-22 12:30"), "14", "other", ""},       // 14 minutes: general
		{jianguo, jianjun, rfc("2020-01-23 15:00"), "40", "vehicle", "否"},   // his brother drives him to town
		{jianguo, deming, rfc("2020-01-23 10:00"), "5", "other", "false"},   // a word over the wall
		{maqiang, jianguo, "2020-01-23 19:00", "", "other", ""},             // cards, how long nobody wrote down
		{jianguo, drkong, rfc("2020-01-24 22:10"), "20", "medical", "是"},    // seen with mask and gown
		{wangfang, d.byArea[aWangwan][4], rfc("2020-01-25 14:00"), "30", "meal", "false"},
		{dahai, xiuzhen, rfc("2020-01-26 07:00"), "", "household", ""},
	} {
		d.row("contacts.csv", c[:]...)
	}

	// The cases, over three weeks.
	for _, c := range [][5]string{
		{jianguo, "confirmed", "2020-01-21", rfc("2020-01-25 14:00"), rfc("2020-01-24 23:30")},
		{zhoumin, "recovered", "2020-01-23", rfc("2020-01-27 12:00"), rfc("2020-01-26 18:00")},
		{wangfang, "confirmed", "2020-01-26", rfc("2020-01-28 09:00"), rfc("2020-01-26 20:00")},
		{guiying, "confirmed", "2020-01-27", rfc("2020-01-28 16:00"), rfc("2020-01-25 16:00")},
		{dahai, "confirmed", "2020-01-25", "2020-01-28 18:00", "2020-01-27 15:00"},
		{jianjun, "confirmed", "2020-01-28", rfc("2020-01-29 11:00"), rfc("2020-01-25 16:30")},
		{wuqiang, "confirmed", "2020-01-24", rfc("2020-01-29 15:00"), rfc("2020-01-27 20:00")},
		{xiaoyu, "asymptomatic", "", rfc("2020-01-30 20:00"), rfc("2020-01-25 16:30")},
		{xiuzhen, "confirmed", "2020-01-29", rfc("2020-01-31 10:00"), rfc("2020-01-28 19:00")},
		{liuyang, "suspected", "2020-01-30", "", rfc("2020-01-31 09:00")},
		{xinyi, "confirmed", "2020-02-01", rfc("2020-02-02 17:00"), rfc("2020-01-26 10:00")},
	} {
		d.row("cases.csv", c[:]...)
	}
	for _, t := range [][4]string{
		{jianguo, "pcr", rfc("2020-01-25 02:00"), "positive"},
		{zhoumin, "pcr", rfc("2020-01-26 16:00"), "positive"},
		{zhoumin, "pcr", rfc("2020-02-07 09:00"), "negative"},
		{zhoumin, "pcr", rfc("2020-02-08 09:00"), "negative"},
		{wangfang, "pcr", rfc("2020-01-27 08:00"), "positive"},
		{guiying, "pcr", rfc("2020-01-28 08:00"), "positive"},
		{dahai, "pcr", rfc("2020-01-28 07:00"), "positive"},
		{jianjun, "pcr", rfc("2020-01-29 08:00"), "positive"},
		{wuqiang, "antigen", rfc("2020-01-29 09:00"), "positive"},
		{xiaoyu, "pcr", rfc("2020-01-30 10:00"), "positive"},
		{xiuzhen, "pcr", rfc("2020-01-31 08:00"), "positive"},
		{liuyang, "pcr", rfc("2020-01-26 10:00"), "negative"},
		{liuyang, "pcr", rfc("2020-01-31 10:00"), "pending"},
		{xinyi, "pcr", rfc("2020-01-27 09:00"), "negative"},
		{xinyi, "pcr", rfc("2020-02-02 09:00"), "positive"},
		{xiulan, "pcr", rfc("2020-01-26 09:00"), "negative"},
		{hao, "pcr", rfc("2020-01-26 09:00"), "negative"},
		{ting, "pcr", rfc("2020-01-26 09:00"), "negative"},
		{wangli, "pcr", rfc("2020-01-26 09:00"), "negative"},
		{jianhua, "pcr", rfc("2020-01-27 09:00"), "negative"},
		{wangqiang, "pcr", rfc("2020-01-27 09:00"), "negative"},
		{chenwei, "pcr", rfc("2020-01-26 10:00"), "negative"},
		{zhaolei, "pcr", rfc("2020-01-26 10:30"), "negative"},
		{sunli, "antibody", rfc("2020-01-26 11:00"), "negative"},
		{zhengjun, "pcr", rfc("2020-01-26 11:00"), "negative"},
		{huangtao, "antigen", rfc("2020-01-26 11:30"), "negative"},
		{xiuying, "pcr", rfc("2020-01-29 09:00"), "negative"},
	} {
		d.test(t[0], t[1], t[2], t[3])
	}

	// Checkpoints at the village entrances from the 25th.
	cps := []struct{ id, name, area string }{
		{"CP01", "李楼村东口", aLilou}, {"CP02", "王湾村路口", aWangwan}, {"CP03", "陈岗村村口", aChengang},
		{"CP04", "张庄村南口", aZhangzh}, {"CP05", "周营村村口", aZhouying}, {"CP06", "柳林社区东门", aLiulinSq},
		{"CP07", "东街社区北门", aDongjie}, {"CP08", "西街社区门岗", aXijie},
	}
	isolatedFrom := map[string]string{jianguo: "2020-01-24", guiying: "2020-01-25", jianjun: "2020-01-25", xiaoyu: "2020-01-25",
		zhoumin: "2020-01-26", wangfang: "2020-01-26", xinyi: "2020-01-26", dahai: "2020-01-27", wuqiang: "2020-01-27",
		xiuzhen: "2020-01-28", liuyang: "2020-01-31"}
	for _, cp := range cps {
		d.row("checkpoints.csv", cp.id, cp.name, cp.area)
	}
	for day := 25; day <= 40; day++ {
		date := at(1, day, 0, 0).time().Format("2006-01-02")
		for _, cp := range cps {
			people := d.byArea[cp.area]
			t := at(1, day, 7, 30)
			for k := d.r.IntN(3); k > 0; k-- {
				t += 20 + minute(d.r.IntN(180))
				p := people[d.r.IntN(len(people))]
				if iso, ok := isolatedFrom[p]; ok && iso <= date {
					continue
				}
				d.row("passages.csv", cp.id, t.time().Format(time.RFC3339), p, "", fmt.Sprintf("%.1f", 36.1+float64(d.r.IntN(10))/10), "false")
			}
		}
	}
	// The one fever reading: 陈伟, who sat three rows behind 李建国, at his village
	// entrance; and a car from Wuhan turned back at 张庄村, registered by plate only.
	d.row("passages.csv", "CP03", "2020-01-28 08:40", chenwei, "", "37.8", "false")
	d.row("passages.csv", "CP04", rfc("2020-01-27 14:20"), "", "鄂AD2738", "", "true")
	d.row("passages.csv", "CP04", rfc("2020-01-27 16:05"), zhangwei, "粤B7K2M1", "36.4", "")

	// Two quarantine hotels.
	d.row("facilities.csv", "F01", "淮川宾馆", aDongjie, "20")
	d.row("facilities.csv", "F02", "白塔宾馆", aZhangzh, "8")

	// Officers: the county command centre (高志远) and CDC (罗慧), a cadre and a doctor for each town, village and community.
	d.row("officers.csv", "OF01", "高志远", "cadre", countyCode, "13700001001")
	d.row("officers.csv", "OF02", "罗慧", "medical", countyCode, "13700001002")
	n := 2
	areaOfficers := map[string][2]string{}
	for _, a := range []struct{ code, name string }{
		{aChengguan, "城关镇"}, {aDongjie, "东街社区"}, {aXijie, "西街社区"}, {aLiulin, "柳林镇"}, {aLiulinSq, "柳林社区"},
		{aLilou, "李楼村"}, {aWangwan, "王湾村"}, {aChengang, "陈岗村"}, {aBaita, "白塔乡"}, {aZhangzh, "张庄村"}, {aZhouying, "周营村"},
	} {
		var ids [2]string
		for i, role := range []string{"cadre", "medical"} {
			n++
			ids[i] = fmt.Sprintf("OF%02d", n)
			male := d.r.IntN(2) == 0
			d.row("officers.csv", ids[i], surname(d.r)+given(d.r, male), role, a.code, fmt.Sprintf("137%08d", 1000+n))
		}
		areaOfficers[a.code] = ids
	}
	// "1+1": the village cadre and doctor answer for each returnee from Wuhan and each
	// member of the Li households still at home.
	for _, p := range []struct{ person, area string }{
		{chenwei, aChengang}, {zhaolei, aDongjie}, {sunli, aXijie}, {zhengjun, aLiulinSq}, {huangtao, aWangwan},
		{xiulan, aLilou}, {hao, aLilou}, {ting, aLilou}, {wangli, aLilou}, {jianhua, aWangwan}, {wangqiang, aWangwan},
	} {
		ids := areaOfficers[p.area]
		d.row("responsibilities.csv", ids[0], p.person)
		d.row("responsibilities.csv", ids[1], p.person)
	}

	// The returnee ledger: a daily report for 14 days after arrival, from the 21st,
	// until isolation. 王芳's temperature rises on the 26th; 陈伟 has a fever on the 28th.
	for _, rt := range []struct {
		person  string
		arrived int
	}{{jianguo, 19}, {wangfang, 19}, {chenwei, 19}, {zhaolei, 19}, {zhoumin, 21}, {liuyang, 21},
		{wuqiang, 21}, {sunli, 21}, {zhengjun, 21}, {huangtao, 22}} {
		for day := max(rt.arrived+1, ledgerFirstDay); day <= rt.arrived+14; day++ {
			date := at(1, day, 0, 0).time().Format("2006-01-02")
			if iso, ok := isolatedFrom[rt.person]; ok && iso <= date {
				break
			}
			temp, sym := fmt.Sprintf("%.1f", 36.2+float64(d.r.IntN(8))/10), ""
			switch {
			case rt.person == wangfang && day >= 25:
				temp, sym = "37.6", "发热、乏力"
			case rt.person == chenwei && day == 28:
				temp, sym = "37.7", "发热"
			case rt.person == jianguo && day >= 21:
				temp, sym = "37.5", "咳嗽"
			case rt.person == zhoumin && day >= 23:
				temp, sym = "37.4", "咳嗽"
			case rt.person == liuyang && day >= 30:
				temp, sym = "38.1", "发热、咳嗽"
			case d.r.IntN(4) == 0:
				sym = "无"
			}
			d.row("health_reports.csv", rt.person, date, temp, sym)
		}
	}
	d.practices(areaOfficers, zhoumin, zhangwei, zhangwife, huangtao, wangjian)
}

// practices writes SPEC §10–12 into the story: 白塔乡 is designated medium once 周敏 is
// confirmed; its villages are swept house by house on January 27–28 and the sweep
// misses two households and one person; 张伟, back from Shenzhen, works at the 白塔
// brick works and keeps no health reports; 黄涛 is back at the 柳林 clothing factory.
func (d *demo) practices(officers map[string][2]string, zhoumin, zhangwei, zhangwife, huangtao, wangjian string) {
	d.row("risk_designations.csv", aBaita, "medium", rfc("2020-01-27 18:00"))
	d.row("employers.csv", "EM01", "柳林服装厂", aLiulin)
	d.row("employers.csv", "EM02", "白塔砖厂", aZhangzh)
	d.row("employment.csv", huangtao, "EM01", "2017-03-01")
	d.row("employment.csv", wangjian, "EM01", "")
	d.row("employment.csv", zhangwei, "EM02", "2016-09-01")
	d.row("employment.csv", zhangwife, "EM02", "2018-04-15")
	// The sweep: the village cadre knocks at every door, one an hour from 08:00.
	for _, v := range []struct {
		area string
		day  int
	}{{aZhangzh, 27}, {aZhouying, 28}} {
		cadre := officers[v.area][0]
		for i, hh := range d.hhOf[v.area] {
			t := at(1, v.day, 8, 0) + minute(20*i)
			when := t.time().Format(time.RFC3339)
			members := d.members[hh]
			switch {
			case i == 3: // nobody home, twice; never visited in the sweep
				d.row("visits.csv", hh, when, "", "no_answer", cadre, "")
				d.row("visits.csv", hh, (t + 240).time().Format(time.RFC3339), "", "no_answer", cadre, "")
				continue
			case i == 5: // skipped: no row at all
				continue
			case i == 1: // nobody home in the morning, seen in the afternoon
				d.row("visits.csv", hh, when, "", "no_answer", cadre, "")
				when = (t + 300).time().Format(time.RFC3339)
			}
			d.row("visits.csv", hh, when, "", "visited", cadre, "")
			for k, p := range members {
				switch {
				case p == zhoumin: // in hospital: reported absent by the household
					d.row("visits.csv", hh, when, p, "away", cadre, "")
				case i == 7 && k == len(members)-1 && len(members) > 1: // out in the fields: the household forgot them
				default:
					d.row("visits.csv", hh, when, p, "present", cadre, fmt.Sprintf("%.1f", 36.1+float64(d.r.IntN(9))/10))
				}
			}
		}
	}
}
