package plaintext

import (
	"strings"
	"testing"
)

func TestRefusesInvisibleAndControlCharacters(t *testing.T) {
	bad := []string{
		"\u202e", "\u202a", "\u202b", "\u202c", "\u202d", // embeddings and overrides
		"\u2066", "\u2067", "\u2068", "\u2069", // isolates
		"\u200b", "\u200c", "\u200d", "\u200e", "\u200f", // zero-width, marks
		"\ufeff", "\u061c", "\u2060", "\u2028", "\u2029", "\U000E0041",
		"\x00", "\x01", "\x1b", "\x7f", "\u0080", "\u0085", "\u009b", // C0, DEL, C1
		"\xff", "\xe4\xb8", // invalid UTF-8
	}
	for _, c := range bad {
		for _, s := range []string{c + "张三", "张" + c + "三", "张三" + c} {
			for _, multi := range []bool{false, true} {
				if _, ok := Bad(s, multi); !ok {
					t.Errorf("%q (multiline %v) accepted", s, multi)
				}
			}
			m := Line("姓名", s)
			if !strings.HasPrefix(m, "姓名") || !strings.Contains(m, "请") {
				t.Errorf("%q: message %q does not name the field", s, m)
			}
		}
	}
	// Newlines and tabs: only in multi-line text.
	for _, s := range []string{"第一行\n第二行", "a\tb", "a\r\nb"} {
		if _, ok := Bad(s, false); !ok {
			t.Errorf("%q accepted as one line", s)
		}
		if r, ok := Bad(s, true); ok {
			t.Errorf("%q refused as multi-line text (%U)", s, r)
		}
	}
	if m := Line("组织名称", "一支部\n"); !strings.Contains(m, "一行") {
		t.Errorf("newline message: %q", m)
	}
	if m := Line("姓名", "张\u202e三"); !strings.Contains(m, "U+202E") || !strings.Contains(m, "方向") {
		t.Errorf("override message: %q", m)
	}
}

func TestAcceptsOrdinaryText(t *testing.T) {
	for _, s := range []string{"", "张三", "欧阳 娜娜", "Zhang San", "阿依古丽·买买提", "李\u3000四", "𠮷野家", "葛\U000E0100", // IVS
		"第三支部（刑侦）", "“引号”、《书名》——破折号…", "emoji 👍", "①②③", "x² ≥ 0", "Ⅳ级"} {
		if r, ok := Bad(s, false); ok {
			t.Errorf("%q refused (%U)", s, r)
		}
		if Line("姓名", s) != "" {
			t.Errorf("%q has a message", s)
		}
	}
}

func TestCheckNamesTheField(t *testing.T) {
	for _, c := range []struct {
		value    string
		required bool
		want     string
	}{{"", true, "请填写名称"}, {"", false, ""}, {"一二三四", true, "名称不超过 3 字"}, {"一\u202e二", true, "名称含有不可见的"}, {"一二", true, ""}} {
		e := Check("title", "名称", c.value, c.required, 3, false)
		if c.want == "" && e != nil || c.want != "" && (e == nil || e.Field != "title" || !strings.HasPrefix(e.Message, c.want)) {
			t.Errorf("%q: %+v, want %q", c.value, e, c.want)
		}
	}
}
