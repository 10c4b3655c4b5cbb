package member

import (
	"sync"

	"github.com/mozillazg/go-pinyin"
)

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
	if py := pinyin.SinglePinyin(r, pinyinArgs); len(py) > 0 {
		s = py[0]
	}
	readings.Store(r, s)
	return s
}
