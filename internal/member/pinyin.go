package member

import (
	"strings"
	"unicode/utf8"

	"hongdun/internal/platform/pinyin"
)

// compoundSurnames are two-character surnames with their reading.
var compoundSurnames = map[string][]string{
	"尉迟": {"yu", "chi"}, "万俟": {"mo", "qi"}, "长孙": {"zhang", "sun"}, "澹台": {"tan", "tai"},
	"单于": {"chan", "yu"}, "令狐": {"ling", "hu"}, "欧阳": {"ou", "yang"}, "上官": {"shang", "guan"},
	"司马": {"si", "ma"}, "诸葛": {"zhu", "ge"}, "皇甫": {"huang", "fu"}, "宇文": {"yu", "wen"},
	"东方": {"dong", "fang"}, "公孙": {"gong", "sun"}, "夏侯": {"xia", "hou"}, "慕容": {"mu", "rong"},
}

// surnames are single-character surnames whose surname reading differs from
// the most common reading of the character (多音字).
var surnames = map[rune]string{
	'单': "shan", '曾': "zeng", '解': "xie", '区': "ou", '仇': "qiu", '朴': "piao", '查': "zha",
	'盖': "ge", '乐': "yue", '缪': "miao", '覃': "qin", '翟': "zhai", '种': "chong", '秘': "bi",
	'召': "shao", '员': "yun", '繁': "po", '句': "gou", '黑': "he", '隗': "wei", '尉': "yu",
	'瞿': "qu", '祭': "zhai", '冼': "xian", '逄': "pang", '柏': "bai", '重': "chong", '薄': "bo",
	'莘': "shen", '能': "nai", '藏': "zang", '宓': "mi", '那': "na", '谌': "chen", '沈': "shen",
	'任': "ren", '华': "hua", '纪': "ji", '过': "guo", '宁': "ning", '贾': "jia", '长': "chang",
	'都': "du", '卜': "bu", '阚': "kan", '叶': "ye", '石': "shi", '折': "she", '虞': "yu",
}

// PinyinOf returns the full pinyin of a name (lowercase, no spaces, for
// sorting) and the initials of its syllables ("张三" → "zhangsan", "zs").
// Surnames that are 多音字 take their surname reading (单 → shan). Letters
// and digits in the name are kept; other characters are dropped.
func PinyinOf(name string) (full, initials string) {
	var syl []string
	rest := strings.TrimSpace(name)
	if len(rest) >= 6 {
		if r, ok := compoundSurnames[firstRunes(rest, 2)]; ok {
			syl = append(syl, r...)
			rest = rest[len(firstRunes(rest, 2)):]
		}
	}
	if len(syl) == 0 && rest != "" {
		r, size := utf8.DecodeRuneInString(rest)
		if s, ok := surnames[r]; ok {
			syl = append(syl, s)
			rest = rest[size:]
		}
	}
	return pinyin.Join(pinyin.Syllables(syl, rest))
}

func firstRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
