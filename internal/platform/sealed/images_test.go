package sealed

import (
	"errors"
	"os"
	"testing"

	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/fail"
)

func TestSealImage(t *testing.T) {
	keys, err := crypto.NewKeys(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	st := Store{Dir: t.TempDir(), Keys: keys}
	png := append([]byte(PNG.Magic), "rest of the image"...)
	im, err := SealImage(st, "photo", `C:\相册\岗位.PNG`, png, "照片")
	if err != nil {
		t.Fatal(err)
	}
	if im.FileName != "岗位.PNG" || im.ContentType != "image/png" || im.Size != int64(len(png)) || len(im.SHA256) != 64 {
		t.Fatalf("%+v", im)
	}
	raw, err := os.ReadFile(st.Dir + "/" + im.Stored)
	if err != nil || string(raw) == string(png) {
		t.Fatalf("stored in the clear or missing: %v", err)
	}
	if back, err := st.Get(im.Stored); err != nil || string(back) != string(png) {
		t.Fatalf("opened %q %v", back, err)
	}
	for _, bad := range [][]byte{nil, []byte("<script>alert(1)</script>"), []byte("%PDF-1.4")} {
		var fe *fail.Error
		if _, err := SealImage(st, "photo", "x.jpg", bad, "照片"); !errors.As(err, &fe) || fe.Field != "photo" {
			t.Fatalf("%q accepted: %v", bad, err)
		}
	}
	if _, err := SealImage(st, "photo", "big.jpg", append([]byte(JPEG.Magic), make([]byte, MaxImage)...), "照片"); err == nil {
		t.Fatal("an oversize photo accepted")
	}
}
