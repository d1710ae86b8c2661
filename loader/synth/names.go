package synth

import "math/rand/v2"

// Name parts. Surnames are roughly weighted by how common they are in Henan: the first
// ones are drawn far more often.
var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
	"林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
	"程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
	"丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜",
	"范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康",
	"毛", "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤",
}

var maleGiven = []string{
	"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华",
	"飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "阳",
	"建国", "建军", "国强", "志强", "文博", "子轩", "浩然", "宇航", "德华", "金山", "海涛", "振华",
	"永刚", "红军", "立新", "卫东", "保国", "明亮", "家豪", "俊杰", "天宇", "博文", "晨阳", "国庆",
}

var femaleGiven = []string{
	"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "燕", "萍", "红", "莉", "婷",
	"雪", "琳", "洁", "颖", "倩", "慧", "梅", "兰", "凤", "云", "欣", "悦", "琪", "佳", "雨",
	"桂英", "秀英", "玉兰", "秀兰", "桂兰", "凤英", "淑珍", "丽娟", "晓燕", "春梅", "海燕", "雪梅",
	"欣怡", "梓涵", "诗涵", "雨萱", "子涵", "佳怡", "思雨", "慧敏", "美玲", "丽华", "金凤", "翠花",
}

// Parts of place names: a village is named after a family or a landmark plus a suffix.
var placeHeads = []string{
	"柳", "杨", "槐", "桃", "枣", "石", "河", "塘", "湾", "岗", "冲", "坡", "桥", "庙", "井",
	"东", "西", "南", "北", "前", "后", "大", "小", "新", "老", "黄", "白", "青", "红", "马",
}

var villageTails = []string{"庄", "楼", "营", "湾", "岗", "店", "集", "寨", "圩", "冲", "畈", "洼", "铺", "湖", "桥"}

var townTails = []string{"镇", "镇", "镇", "乡"}

// surname draws a surname, favouring the common ones (the square of a uniform number).
func surname(r *rand.Rand) string {
	u := r.Float64()
	return surnames[int(u*u*float64(len(surnames)))]
}

func given(r *rand.Rand, male bool) string {
	if male {
		return maleGiven[r.IntN(len(maleGiven))]
	}
	return femaleGiven[r.IntN(len(femaleGiven))]
}

// placeName makes a two-character place stem such as 柳湾 or 石桥.
func placeName(r *rand.Rand) string {
	return placeHeads[r.IntN(len(placeHeads))] + villageTails[r.IntN(len(villageTails))]
}
