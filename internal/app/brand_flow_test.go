package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/brand"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
)

// brandUpload posts a multipart file to path as c.
func brandUpload(c *apptest.Client, path, name string, content []byte) int {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req, nil)
}

var brandPNG = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte("红盾先锋"), 200)...)

func TestRegisterReviewFeatureAdopt(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.At("2026-05-20")
		b := e.Bureau()
		root, a, branch, other := e.Account(auth.OrgAdmin, b.Root, 0), e.Account(auth.OrgAdmin, b.A, 0), e.Account(auth.OrgAdmin, b.ABranch, 0),
			e.Account(auth.OrgAdmin, b.B, 0)
		good := func() map[string]any {
			return map[string]any{"org_id": b.ABranch, "kind": "method", "name": "“三三三”工作法", "slogan": "党建引领 警民同心",
				"about": "三个到位", "practice": "三个一线", "results": "群众满意率上升"}
		}
		var out apiError
		for _, bad := range []struct {
			name   string
			change func(m map[string]any)
			status int
			field  string
		}{
			{"submitted without how", func(m map[string]any) { m["practice"] = ""; m["submit"] = true }, 400, "practice"},
			{"unknown kind", func(m map[string]any) { m["kind"] = "slogan" }, 400, "kind"},
			{"no name", func(m map[string]any) { m["name"] = " " }, 400, "name"},
			{"name too long", func(m map[string]any) { m["name"] = string(bytes.Repeat([]byte("名"), 41)) }, 422, "name"},
			{"a hidden character", func(m map[string]any) { m["slogan"] = "党建\u202e引领" }, 422, "slogan"},
		} {
			m := good()
			bad.change(m)
			out = apiError{}
			if st := branch.Do("POST", "/api/v1/brands", m, &out); st != bad.status || out.Error.Field != bad.field {
				t.Errorf("%s: %d %+v", bad.name, st, out.Error)
			}
		}
		m := good()
		m["org_id"] = b.BBranch
		branch.Expect(404, "POST", "/api/v1/brands", m, nil) // another branch's brand
		if n := e.Count("SELECT COUNT(*) FROM brands"); n != 0 {
			t.Fatalf("refused brands wrote %d rows", n)
		}
		var br brand.Brand
		if st := branch.Do("POST", "/api/v1/brands", good(), &br); st != 201 || br.State != brand.Draft {
			t.Fatalf("create: %d %s", st, branch.Body())
		}
		branch.Expect(409, "POST", "/api/v1/brands", good(), nil) // double submission
		path := fmt.Sprintf("/api/v1/brands/%d", br.ID)
		// Photos: by content, sealed, size-limited.
		if st := brandUpload(branch, path+"/files", "合影.png", brandPNG); st != 201 {
			t.Fatalf("photo: %d %s", st, branch.Body())
		}
		if st := brandUpload(branch, path+"/files", "合影.jpg", []byte("<script>alert(1)</script>")); st != 422 {
			t.Fatalf("a script named .jpg: %d", st)
		}
		if st := brandUpload(branch, path+"/files", "big.png", append(brandPNG, make([]byte, brand.MaxFile)...)); st != 413 {
			t.Fatalf("oversize: %d", st)
		}
		stored, _ := filepath.Glob(filepath.Join(e.App.DataDir, "brand", "files", "*"))
		if len(stored) != 1 {
			t.Fatalf("%d files stored", len(stored))
		}
		if raw, _ := os.ReadFile(stored[0]); bytes.Contains(raw, []byte("红盾先锋")) {
			t.Fatal("photo stored in plaintext")
		}
		// Up for review, by the organisation above only.
		update := good()
		update["version"], update["submit"] = br.Version, true
		if st := branch.Do("PUT", path, update, &br); st != 200 || br.State != brand.Submitted {
			t.Fatalf("submit: %d %s", st, branch.Body())
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'brand.review' AND org_id = ? AND done_at IS NULL", b.A); n != 1 {
			t.Fatalf("review 待办 of 甲分局: %d", n)
		}
		review := func(c *apptest.Client, approve bool, note string) int {
			out = apiError{}
			st := c.Do("POST", path+"/review", map[string]any{"version": br.Version, "approve": approve, "note": note}, nil)
			if st == 200 {
				json.Unmarshal(c.Last, &br)
			} else {
				json.Unmarshal(c.Last, &out)
			}
			return st
		}
		if st := review(branch, true, ""); st != 422 || out.Error.Rule != "R-brand-review" {
			t.Fatalf("a branch approves itself: %d %+v", st, out.Error)
		}
		if st := review(other, true, ""); st != 404 {
			t.Fatalf("乙分局 reviews: %d", st)
		}
		if st := review(a, false, " "); st != 400 {
			t.Fatalf("returned without a reason: %d", st)
		}
		if st := review(a, false, "请补充成效数据"); st != 200 || br.State != brand.Returned {
			t.Fatalf("return: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM todos WHERE source = 'brand.fix' AND org_id = ? AND done_at IS NULL", b.ABranch); n != 1 {
			t.Fatalf("fix 待办: %d", n)
		}
		update["version"], update["results"] = br.Version, "群众满意率由 92% 升至 98%"
		branch.Expect(200, "PUT", path, update, &br)
		if st := review(a, true, "特色鲜明"); st != 200 || br.State != brand.Approved {
			t.Fatalf("approve: %d", st)
		}
		update["version"] = br.Version
		branch.Expect(422, "PUT", path, update, &out) // an approved brand edited
		// Featured by the bureau only, and only once approved.
		a.Expect(403, "POST", path+"/feature", map[string]any{"version": br.Version, "featured": true}, nil) // a 分局 features
		if st := root.Do("POST", path+"/feature", map[string]any{"version": br.Version, "featured": true}, &br); st != 200 || !br.Featured {
			t.Fatalf("feature: %d %s", st, root.Body())
		}
		var draft brand.Brand
		d2 := good()
		d2["name"] = "另一个品牌"
		branch.Do("POST", "/api/v1/brands", d2, &draft)
		root.Expect(422, "POST", fmt.Sprintf("/api/v1/brands/%d/feature", draft.ID), map[string]any{"version": draft.Version, "featured": true}, &out) // a draft featured
		// 乙分局 sees the featured one in the gallery, nothing else of 甲.
		var g brand.List
		if st := other.Do("GET", "/api/v1/brands/gallery", nil, &g); st != 200 || g.Total != 1 || g.Items[0].ID != br.ID {
			t.Fatalf("gallery: %d %+v", st, g)
		}
		other.Expect(404, "GET", path, nil, nil)                                               // 乙分局 reads 甲's brand outside the gallery
		other.Expect(404, "GET", fmt.Sprintf("/api/v1/brands/gallery/%d", draft.ID), nil, nil) // an unfeatured brand through the gallery
		var shown brand.Brand
		other.Do("GET", fmt.Sprintf("/api/v1/brands/gallery/%d", br.ID), nil, &shown)
		photo := shown.Files[0].URL()
		req, _ := http.NewRequest("GET", photo, nil)
		if st := other.Send(req, nil); st != 200 || !bytes.Equal(other.Last, brandPNG) {
			t.Fatalf("photo through the gallery: %d", st)
		}
		// Adoption by 乙分局's branch.
		adopt := func(org int64, since string) int {
			return other.Do("POST", fmt.Sprintf("/api/v1/brands/%d/adoptions", br.ID), map[string]any{"org_id": org, "since": since, "note": "在社区警务中推行"}, nil)
		}
		if st := adopt(b.ABranch, "2026-05-01"); st != 404 {
			t.Fatalf("adoption for 甲's branch by 乙: %d", st)
		}
		if st := adopt(b.BBranch, "2026-05-21"); st != 422 {
			t.Fatalf("adoption in the future: %d", st)
		}
		if st := adopt(b.BBranch, "2026-05-01"); st != 201 {
			t.Fatalf("adopt: %d %s", st, other.Body())
		}
		if st := adopt(b.BBranch, "2026-05-02"); st != 409 {
			t.Fatalf("adopted twice: %d", st)
		}
		other.Do("GET", "/api/v1/brands/gallery", nil, &g)
		if g.Items[0].Adopters != 1 {
			t.Fatalf("adopters: %d", g.Items[0].Adopters)
		}
		req, _ = http.NewRequest("GET", "/brands/export", nil)
		if st := root.Send(req, nil); st != 200 {
			t.Fatalf("export: %d", st)
		}
		if err := cellsafe.CheckXLSX(bytes.NewReader(root.Last)); err != nil {
			t.Fatal(err)
		}
	})
}
