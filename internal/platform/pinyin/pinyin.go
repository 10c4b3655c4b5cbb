// Package pinyin spells Chinese text in toneless pinyin, so that a name is
// found by its spelling or the initials of its syllables: a person's
// (internal/member, which adds the readings of surnames) and an
// organisation's in the pickers (internal/org: 「sjj」 finds 市局机关…).
package pinyin

import (
	"strings"
	"sync"

	gopinyin "github.com/mozillazg/go-pinyin"
)

var args = func() gopinyin.Args {
	a := gopinyin.NewArgs()
	a.Style = gopinyin.Normal // no tones; ü is written v
	return a
}()

// readings caches the toneless reading of each character: go-pinyin strips
// the tone marks with regular expressions on every call, which was the
// largest cost of checking a roster row (an import reads 100,000 names).
var readings sync.Map // rune → string ("" for characters without one)

// reading is the most common toneless reading of r, "" when it has none.
func reading(r rune) string {
	if s, ok := readings.Load(r); ok {
		return s.(string)
	}
	s := ""
	if py := gopinyin.SinglePinyin(r, args); len(py) > 0 {
		s = py[0]
	}
	readings.Store(r, s)
	return s
}

// Syllables appends the syllables of s to syl: each Chinese character its
// most common toneless reading, each run of Latin letters and digits one
// lowercase word; other characters are dropped.
func Syllables(syl []string, s string) []string {
	var latin strings.Builder // a run of Latin letters and digits is one word
	flush := func() {
		if latin.Len() > 0 {
			syl = append(syl, latin.String())
			latin.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			latin.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			latin.WriteRune(r + 'a' - 'A')
		default:
			flush()
			if py := reading(r); py != "" {
				syl = append(syl, py)
			}
		}
	}
	flush()
	return syl
}

// Join is the spelling of syllables without spaces and their initials
// (["zhang", "san"] → "zhangsan", "zs").
func Join(syl []string) (full, initials string) {
	var f, in strings.Builder
	for _, s := range syl {
		f.WriteString(s)
		in.WriteByte(s[0])
	}
	return f.String(), in.String()
}

// Of is the spelling and initials of s ("市局机关" → "shijujiguan", "sjjg").
func Of(s string) (full, initials string) { return Join(Syllables(nil, s)) }
