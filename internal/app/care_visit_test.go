package app_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/care"
)

// pngPhoto is a small valid PNG, 160×120.
func pngPhoto(t *testing.T, shade uint8) []byte {
	img := image.NewGray(image.Rect(0, 0, 160, 120))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// careUpload posts fields and a file as multipart/form-data (from the server's
// own origin, as a page would).
func careUpload(t *testing.T, e *apptest.Env, c *apptest.Client, path string, fields map[string]string, field, name string, content []byte, out any) int {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if content != nil {
		fw, err := mw.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", e.Srv.URL)
	return c.Send(req, out)
}

func TestVisits(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := careNewBureau(t, e)
		visit := func(extra map[string]any) map[string]any {
			in := map[string]any{"person_id": b.people["老张"], "visited_on": "2026-03-10", "form": "home", "visitors": "王书记、李委员", "amount": "500.5", "notes": "身体尚好"}
			for k, v := range extra {
				in[k] = v
			}
			return in
		}
		var v care.Visit
		b.admA.Expect(http.StatusCreated, "POST", "/api/v1/care/visits", visit(nil), &v)
		if v.AmountFen != 50050 || v.Amount != "500.50" || v.OrgID != b.ABranch || v.FormLabel != "上门走访" {
			t.Errorf("visit %+v", v)
		}
		for _, c := range []struct {
			extra map[string]any
			field string
			want  int
		}{
			{nil, "", 409}, // the same visit twice
			{map[string]any{"visited_on": "2026-03-11", "amount": "500.505"}, "amount", 400},
			{map[string]any{"visited_on": "2026-03-11", "amount": "-5"}, "amount", 400},
			{map[string]any{"visited_on": "2026-03-11", "amount": "100000.01"}, "amount", 422},
			{map[string]any{"visited_on": "2026-03-11", "form": "phone"}, "amount", 422},
			{map[string]any{"visited_on": "2026-03-11", "form": "money", "amount": ""}, "amount", 400},
			{map[string]any{"visited_on": "2026-03-16"}, "visited_on", 422},
			{map[string]any{"visited_on": "2026-02-30"}, "visited_on", 400},
			{map[string]any{"visited_on": "2026-03-11", "visitors": " "}, "visitors", 400},
			{map[string]any{"visited_on": "2026-03-11", "form": "mail"}, "form", 400},
			{map[string]any{"visited_on": "2026-03-11", "person_id": b.people["乙老党员"], "form": "mail"}, "", 404},
		} {
			n := e.Count("SELECT COUNT(*) FROM care_visits")
			var out struct {
				Error struct{ Field, Message string }
			}
			if st := b.admA.Do("POST", "/api/v1/care/visits", visit(c.extra), &out); st != c.want || out.Error.Field != c.field {
				t.Errorf("%v: %d %q (%s), want %d %q", c.extra, st, out.Error.Field, out.Error.Message, c.want, c.field)
			}
			if e.Count("SELECT COUNT(*) FROM care_visits") != n {
				t.Errorf("%v changed the visits", c.extra)
			}
		}
		if st := b.lead.Do("POST", "/api/v1/care/visits", visit(map[string]any{"visited_on": "2026-03-12"}), nil); st != http.StatusForbidden {
			t.Errorf("a 领导 records a visit: %d", st)
		}

		// Photos: by content, sealed at rest, once each, downloaded as attachments.
		photo := pngPhoto(t, 120)
		path := "/api/v1/care/visits/" + itoa(v.ID) + "/photos"
		if st := careUpload(t, e, b.admA, path, nil, "photo", "走访.png", photo, &v); st != http.StatusCreated || len(v.Photos) != 1 {
			t.Fatalf("photo: %d %s", st, b.admA.Body())
		}
		careUpload(t, e, b.admA, path, nil, "photo", "again.png", photo, &v)
		if len(v.Photos) != 1 {
			t.Errorf("the same photo twice is kept %d times", len(v.Photos))
		}
		if st := careUpload(t, e, b.admA, path, nil, "photo", "x.jpg", []byte("#!/bin/sh\necho hi\n"), nil); st != http.StatusUnprocessableEntity {
			t.Errorf("a script named .jpg: %d", st)
		}
		if st := careUpload(t, e, b.admB, path, nil, "photo", "y.png", pngPhoto(t, 3), nil); st != http.StatusNotFound {
			t.Errorf("another 分局 adds a photo: %d", st)
		}
		files, _ := filepath.Glob(filepath.Join(e.App.DataDir, "care", "photos", "*"))
		if len(files) != 1 {
			t.Fatalf("%d photo files on disk", len(files))
		}
		if raw, _ := os.ReadFile(files[0]); bytes.Contains(raw, []byte("PNG")) {
			t.Error("the photo is stored in the clear")
		}
		if st := b.lead.Do("GET", v.Photos[0].URL(), nil, nil); st != http.StatusOK || !bytes.Equal(b.lead.Last, photo) {
			t.Errorf("download: %d, %d bytes", st, len(b.lead.Last))
		}
		if st := b.admB.Do("GET", v.Photos[0].URL(), nil, nil); st != http.StatusNotFound {
			t.Errorf("another 分局 downloads: %d", st)
		}

		// Changes: the version read, else 409; a delete takes the photos along.
		change := visit(map[string]any{"amount": "600", "version": v.Version})
		if st := b.admA.Do("PUT", "/api/v1/care/visits/"+itoa(v.ID), change, &v); st != http.StatusOK || v.AmountFen != 60000 {
			t.Fatalf("change: %d %s", st, b.admA.Body())
		}
		if st := b.admA.Do("PUT", "/api/v1/care/visits/"+itoa(v.ID), change, nil); st != http.StatusConflict {
			t.Errorf("stale change: %d", st)
		}
		var l care.VisitList
		b.root.Do("GET", "/api/v1/care/visits?person="+itoa(b.people["老张"]), nil, &l)
		if l.Total != 1 || l.Amount != "600.00" {
			t.Errorf("visits of 老张: %d, %s", l.Total, l.Amount)
		}
		b.admA.Expect(http.StatusNoContent, "DELETE", "/api/v1/care/visits/"+itoa(v.ID)+"?version="+itoa(int64(v.Version)), nil, nil)
		if files, _ := filepath.Glob(filepath.Join(e.App.DataDir, "care", "photos", "*")); len(files) != 0 || e.Count("SELECT COUNT(*) FROM care_photos") != 0 {
			t.Errorf("photos left after the delete: %d files", len(files))
		}
	})
}
