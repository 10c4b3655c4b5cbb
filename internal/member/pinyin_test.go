package member

import "testing"

func TestPinyinOf(t *testing.T) {
	for _, c := range []struct{ name, full, initials string }{
		{"张三", "zhangsan", "zs"},
		{"单雄信", "shanxiongxin", "sxx"},
		{"曾国藩", "zengguofan", "zgf"},
		{"解缙", "xiejin", "xj"},
		{"区志明", "ouzhiming", "ozm"},
		{"仇英", "qiuying", "qy"},
		{"朴正熙", "piaozhengxi", "pzx"},
		{"查良镛", "zhaliangyong", "zly"},
		{"盖聂", "genie", "gn"},
		{"尉迟恭", "yuchigong", "ycg"},
		{"吕布", "lvbu", "lb"},
		{"阿依古丽·买买提", "ayigulimaimaiti", "ayglmmt"},
		{"Anna 李", "annali", "al"},
		{" 王五 ", "wangwu", "ww"},
	} {
		full, in := PinyinOf(c.name)
		if full != c.full || in != c.initials {
			t.Errorf("PinyinOf(%q) = %q, %q; want %q, %q", c.name, full, in, c.full, c.initials)
		}
	}
}
