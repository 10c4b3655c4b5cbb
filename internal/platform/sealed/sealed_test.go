package sealed_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/sealed"
)

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		`..\..\etc\passwd`: "passwd.jpg",
		"a\"b\x00c.jpeg":   "abc.jpeg",
		"":                 "走访照片.jpg",
		"/":                "走访照片.jpg",
		"scan.png.exe":     "scan.png.exe.jpg",
		// a right-to-left override would show "scanexe.jpg" reversed as a harmless name;
		// zero-width and line breaks hide text in a page, a header or the audit log
		"scan\u202egpj.exe\u200b\n.jpg": "scangpj.exe.jpg",
	} {
		if got := sealed.CleanName(in, ".jpg", "走访照片"); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := sealed.CleanName("申请书.PDF", ".pdf", "x"); got != "申请书.PDF" {
		t.Errorf("a PDF keeps its name: %q", got)
	}
}

func TestStore(t *testing.T) {
	keys, err := crypto.NewKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	s := sealed.Store{Dir: filepath.Join(t.TempDir(), "photos"), Keys: keys}
	content := []byte("\x89PNG\r\n\x1a\n pixels")
	name, err := s.Put(content)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(s.Dir, name))
	if bytes.Contains(raw, []byte("pixels")) {
		t.Error("stored in the clear")
	}
	if st, _ := os.Stat(s.Dir); st.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %o", st.Mode().Perm())
	}
	if got, err := s.Get("../" + name); err != nil || !bytes.Equal(got, content) {
		t.Errorf("Get: %q %v", got, err)
	}
	if ty, ok := sealed.Sniff(content, sealed.JPEG, sealed.PNG); !ok || ty.MIME != "image/png" {
		t.Errorf("sniff %v %v", ty, ok)
	}
	if _, ok := sealed.Sniff([]byte("#!/bin/sh"), sealed.JPEG, sealed.PNG); ok {
		t.Error("a script sniffed as a photo")
	}
	s.Remove(name)
	if _, err := s.Get(name); err == nil {
		t.Error("removed file still read")
	}
}
