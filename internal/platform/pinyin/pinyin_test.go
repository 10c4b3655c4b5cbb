package pinyin

import "testing"

func TestOf(t *testing.T) {
	for _, c := range []struct{ s, full, initials string }{
		{"市局机关", "shijujiguan", "sjjg"},
		{"雁塔分局第2警务区党支部", "yantafenjudi2jingwuqudangzhibu", "ytfjd2jwqdzb"},
		{"110指挥中心（党支部）", "110zhihuizhongxindangzhibu", "1zhzxdzb"},
		{"XA Police", "xapolice", "xp"},
		{"", "", ""},
	} {
		if full, in := Of(c.s); full != c.full || in != c.initials {
			t.Errorf("Of(%q) = %q, %q; want %q, %q", c.s, full, in, c.full, c.initials)
		}
	}
}
