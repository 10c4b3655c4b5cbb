package demo

// The demo bureau is 西安市公安局: real district names, invented people.

// district is one 分局 with its 派出所 and the pinyin used for usernames.
type district struct {
	name, slug, area string // area: the 行政区划代码 used in ID numbers
	stations         []station
}

type station struct{ name, slug string }

var districts = []district{
	{"新城", "xincheng", "610102", []station{{"西一路", "xiyilu"}, {"解放门", "jiefangmen"}, {"长乐中路", "changlezhonglu"}, {"韩森寨", "hansenzhai"}, {"太华路", "taihualu"}}},
	{"碑林", "beilin", "610103", []station{{"南院门", "nanyuanmen"}, {"文艺路", "wenyilu"}, {"张家村", "zhangjiacun"}, {"太乙路", "taiyilu"}, {"柏树林", "baishulin"}}},
	{"莲湖", "lianhu", "610104", []station{{"青年路", "qingnianlu"}, {"北院门", "beiyuanmen"}, {"红庙坡", "hongmiaopo"}, {"土门", "tumen"}, {"枣园", "zaoyuan"}}},
	{"雁塔", "yanta", "610113", []station{{"小寨路", "xiaozhailu"}, {"电子城", "dianzicheng"}, {"大雁塔", "dayanta"}, {"曲江", "qujiang"}, {"丈八沟", "zhangbagou"}, {"城关", "chengguan"}}},
	{"未央", "weiyang", "610112", []station{{"张家堡", "zhangjiabao"}, {"大明宫", "daminggong"}, {"六村堡", "liucunbao"}, {"汉城", "hancheng"}, {"未央宫", "weiyanggong"}}},
	{"灞桥", "baqiao", "610111", []station{{"纺织城", "fangzhicheng"}, {"十里铺", "shilipu"}, {"席王", "xiwang"}, {"新筑", "xinzhu"}, {"洪庆", "hongqing"}}},
	{"长安", "changan", "610116", []station{{"韦曲", "weiqu"}, {"郭杜", "guodu"}, {"引镇", "yinzhen"}, {"子午", "ziwu"}, {"王曲", "wangqu"}}},
	{"临潼", "lintong", "610115", []station{{"骊山", "lishan"}, {"秦陵", "qinling"}, {"新丰", "xinfeng"}, {"相桥", "xiangqiao"}}},
	{"阎良", "yanliang", "610114", []station{{"凤凰路", "fenghuanglu"}, {"新华路", "xinhualu"}, {"关山", "guanshan"}, {"武屯", "wutun"}}},
	{"高陵", "gaoling", "610117", []station{{"鹿苑", "luyuan"}, {"泾渭", "jingwei"}, {"崇皇", "chonghuang"}, {"通远", "tongyuan"}}},
}

// otherAreas are codes of the city's other counties, for people born there.
var otherAreas = []string{"610118", "610122", "610124"}

// Surnames weighted by their approximate frequency in 陕西.
var surnames = []struct {
	s string
	w int
}{
	{"王", 90}, {"李", 80}, {"张", 75}, {"刘", 60}, {"杨", 45}, {"陈", 35}, {"赵", 32}, {"马", 25}, {"郭", 22}, {"高", 22},
	{"黄", 18}, {"周", 17}, {"吴", 16}, {"徐", 14}, {"孙", 14}, {"朱", 12}, {"胡", 12}, {"何", 10}, {"罗", 9}, {"梁", 9},
	{"宋", 9}, {"郑", 8}, {"谢", 8}, {"韩", 9}, {"唐", 7}, {"冯", 7}, {"于", 6}, {"董", 8}, {"程", 7}, {"曹", 7},
	{"袁", 6}, {"邓", 5}, {"许", 6}, {"傅", 4}, {"沈", 4}, {"曾", 4}, {"彭", 5}, {"吕", 5}, {"苏", 5}, {"卢", 5},
	{"蒋", 4}, {"蔡", 4}, {"贾", 6}, {"丁", 5}, {"魏", 6}, {"薛", 6}, {"叶", 4}, {"阎", 5}, {"余", 3}, {"潘", 3},
	{"杜", 6}, {"戴", 3}, {"夏", 3}, {"钟", 3}, {"汪", 3}, {"田", 6}, {"任", 6}, {"姜", 4}, {"范", 4}, {"方", 3},
	{"石", 4}, {"姚", 4}, {"谭", 2}, {"廖", 2}, {"邹", 2}, {"熊", 2}, {"金", 3}, {"陆", 2}, {"郝", 5}, {"孔", 2},
	{"白", 6}, {"崔", 4}, {"康", 4}, {"毛", 3}, {"邱", 2}, {"秦", 5}, {"江", 2}, {"史", 5}, {"顾", 2}, {"侯", 5},
	{"邵", 3}, {"孟", 4}, {"龙", 2}, {"万", 2}, {"段", 4}, {"雷", 5}, {"钱", 2}, {"汤", 2}, {"尹", 3}, {"黎", 1},
	{"易", 1}, {"常", 4}, {"武", 4}, {"乔", 3}, {"贺", 4}, {"赖", 1}, {"龚", 1}, {"文", 2}, {"党", 3}, {"惠", 2},
	{"屈", 2}, {"拓", 1}, {"司马", 1}, {"欧阳", 1}, {"上官", 1},
}

// Characters of given names; most names take two of them.
var (
	maleChars   = []rune("伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘")
	femaleChars = []rune("秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟")
)

// Ethnicities of the city's people, weighted.
var ethnicities = []struct {
	s string
	w int
}{{"汉族", 960}, {"回族", 25}, {"满族", 6}, {"蒙古族", 3}, {"土家族", 2}, {"壮族", 1}, {"苗族", 1}, {"朝鲜族", 1}, {"藏族", 1}}

// Police posts and ranks (职务/警衔).
var (
	fieldPosts    = []string{"社区民警", "社区民警", "社区民警", "办案民警", "办案民警", "治安民警", "巡逻民警", "户籍民警", "副所长", "所长", "教导员"}
	brigadePosts  = []string{"侦查员", "侦查员", "技术员", "中队长", "副中队长", "副大队长", "大队长", "教导员", "民警", "民警"}
	officePosts   = []string{"科员", "科员", "科员", "副科长", "科长", "副主任", "主任", "副调研员"}
	ranks         = []string{"二级警员", "一级警员", "三级警司", "二级警司", "一级警司", "一级警司", "三级警督", "三级警督", "二级警督", "一级警督"}
	auxPosts      = []string{"辅警", "巡逻辅警", "窗口辅警", "交通辅警", "社区辅警"}
	staffPosts    = []string{"会计", "出纳", "驾驶员", "档案管理员", "文印员", "后勤管理员"}
	retiredPosts  = []string{"退休（原一级警督）", "退休（原科长）", "退休（原副所长）", "退休（原所长）", "退休（原二级警督）", "退休（原副调研员）"}
	mobilePlaces  = []string{"随子女居住于北京市海淀区", "随子女居住于广东省深圳市南山区", "在上海市浦东新区务工", "在江苏省苏州市工业园区务工", "在成都市双流区务工"}
	phonePrefixes = []string{"133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "158", "159", "173", "177", "180", "181", "182", "186", "187", "189", "191", "199"}
)
