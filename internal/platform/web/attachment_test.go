package web

import (
	"mime"
	"net/http/httptest"
	"testing"
	"unicode/utf8"
)

// A download's Chinese name survives the header: written in ASCII, with
// every character RFC 5987 does not allow bare (= : @ among them) encoded,
// and read back whole.
func TestAttachmentNamesInChinese(t *testing.T) {
	for _, name := range []string{"审计日志-20261208-031500.csv", "新城分局=第1:党支部@党员花名册.xlsx", "letter.pdf"} {
		w := httptest.NewRecorder()
		Attachment(w, name)
		cd := w.Header().Get("Content-Disposition")
		for i := 0; i < len(cd); i++ {
			if cd[i] >= utf8.RuneSelf {
				t.Fatalf("%q: the header is not ASCII: %q", name, cd)
			}
		}
		kind, params, err := mime.ParseMediaType(cd)
		if err != nil || kind != "attachment" || params["filename"] != name {
			t.Errorf("%q: %q reads back as %q %q (%v)", name, cd, kind, params["filename"], err)
		}
	}
}
