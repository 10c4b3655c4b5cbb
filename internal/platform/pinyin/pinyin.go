// Package pinyin spells Chinese text in toneless pinyin, so that a name is
// found by its spelling or the initials of its syllables: a person's
// (internal/member, which adds the readings of surnames) and an
// organisation's in the pickers (internal/org: 「sjj」 finds 市局机关…).
package pinyin

import (
	"strings"
	"sync"
	"unicode"

	gopinyin "github.com/mozillazg/go-pinyin"
)

var args = func() gopinyin.Args {
	a := gopinyin.NewArgs()
	a.Style = gopinyin.Normal // no tones; ü is written v
	return a
}()

// readings caches the toneless reading of each character: go-pinyin strips
// the tone marks with regular expressions on every call, which was the
// largest cost of checking a roster row (an import reads 100,000 names)
// and of spelling every organisation for the pickers.
var readings = struct {
	sync.RWMutex
	m map[rune]string // "" for characters without one
}{m: map[rune]string{}}

// reading is the most common toneless reading of r, "" when it has none.
func reading(r rune) string {
	readings.RLock()
	s, ok := readings.m[r]
	readings.RUnlock()
	if ok {
		return s
	}
	if py := gopinyin.SinglePinyin(r, args); len(py) > 0 {
		s = py[0]
	}
	readings.Lock()
	readings.m[r] = s
	readings.Unlock()
	return s
}

// each calls fn with each syllable of s: each Chinese character its most
// common toneless reading, each run of Latin letters and digits one
// lowercase word; other characters are dropped.
func each(s string, fn func(string)) {
	var latin []byte // the current run of Latin letters and digits
	flush := func() {
		if len(latin) > 0 {
			fn(string(latin))
			latin = latin[:0]
		}
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z':
			latin = append(latin, byte(unicode.ToLower(r)))
		default:
			flush()
			if py := reading(r); py != "" {
				fn(py)
			}
		}
	}
	flush()
}

// Syllables appends the syllables of s to syl (see each).
func Syllables(syl []string, s string) []string {
	each(s, func(y string) { syl = append(syl, y) })
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
func Of(s string) (full, initials string) {
	var f, in strings.Builder
	f.Grow(2 * len(s)) // a character of three bytes reads as two to six letters
	each(s, func(y string) {
		f.WriteString(y)
		in.WriteByte(y[0])
	})
	return f.String(), in.String()
}
