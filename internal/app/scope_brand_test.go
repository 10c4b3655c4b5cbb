package app_test

import (
	"fmt"
	"testing"

	"hongdun/internal/platform/db"
)

// bBrand registers a brand of B's branch (not featured) with one photo,
// straight in the database, and returns the brand and the photo.
func bBrand(t *testing.T, f *Fixture) (int64, int64) {
	id, err := db.InsertID(t.Context(), f.E.DB, `INSERT INTO brands (org_id, kind, name, state, created_at, updated_at)
		VALUES (?, 'brand', '乙支部品牌', 'submitted', 0, 0)`, f.BBranch)
	if err != nil {
		t.Fatal(err)
	}
	file, err := db.InsertID(t.Context(), f.E.DB, `INSERT INTO brand_files (brand_id, file_name, stored_name, content_type, size, sha256, created_at)
		VALUES (?, 'a.jpg', 'x.scan', 'image/jpeg', 1, 'x', 0)`, id)
	if err != nil {
		t.Fatal(err)
	}
	return id, file
}

func init() {
	onBrand := func(method, format string, body any) Probe {
		return func(t *testing.T, f *Fixture) (string, string, any) {
			id, _ := bBrand(t, f)
			return method, fmt.Sprintf(format, id), body
		}
	}
	scoped("GET /api/v1/brands", getB("/api/v1/brands?org=%d"))
	scoped("GET /brands", getB("/brands?org=%d"))
	scoped("GET /brands/export", getB("/brands/export?org=%d"))
	exempt("GET /brands/new", "an empty form offering only the caller's own organisations")
	exempt("GET /api/v1/brands/gallery", "featured brands are published to the whole bureau (抓典型、抓示范); an unfeatured one never appears (brand.TestRegisterReviewFeatureAdopt)")
	exempt("GET /brands/gallery", "featured brands are published to the whole bureau (抓典型、抓示范); an unfeatured one never appears (brand.TestRegisterReviewFeatureAdopt)")
	scoped("POST /api/v1/brands", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", "/api/v1/brands", map[string]any{"org_id": f.BBranch, "kind": "brand", "name": "越权品牌"}
	})
	scoped("POST /brands", func(t *testing.T, f *Fixture) (string, string, any) {
		return "POST", fmt.Sprintf("/brands?org_id=%d&kind=brand&name=x", f.BBranch), nil
	})
	// An unfeatured brand of B is out of reach through the gallery too.
	scoped("GET /api/v1/brands/gallery/{id}", onBrand("GET", "/api/v1/brands/gallery/%d", nil))
	scoped("GET /brands/gallery/{id}", onBrand("GET", "/brands/gallery/%d", nil))
	scoped("POST /api/v1/brands/{id}/adoptions", onBrand("POST", "/api/v1/brands/%d/adoptions", map[string]any{"org_id": 1, "since": "2026-01-01"}))
	scoped("POST /brands/gallery/{id}/adopt", onBrand("POST", "/brands/gallery/%d/adopt?since=2026-01-01", nil))
	scoped("GET /api/v1/brands/{id}", onBrand("GET", "/api/v1/brands/%d", nil))
	scoped("GET /brands/{id}", onBrand("GET", "/brands/%d", nil))
	scoped("PUT /api/v1/brands/{id}", onBrand("PUT", "/api/v1/brands/%d", map[string]any{"version": 1, "kind": "brand", "name": "改"}))
	scoped("POST /brands/{id}", onBrand("POST", "/brands/%d?version=1&kind=brand&name=x", nil))
	scoped("POST /api/v1/brands/{id}/review", onBrand("POST", "/api/v1/brands/%d/review", map[string]any{"version": 1, "approve": true}))
	scoped("POST /brands/{id}/review", onBrand("POST", "/brands/%d/review?version=1&decision=approve", nil))
	scoped("POST /api/v1/brands/{id}/feature", onBrand("POST", "/api/v1/brands/%d/feature", map[string]any{"version": 1, "featured": true}))
	scoped("POST /brands/{id}/feature", onBrand("POST", "/brands/%d/feature?version=1&featured=1", nil))
	scoped("POST /api/v1/brands/{id}/files", onBrand("POST", "/api/v1/brands/%d/files", nil))
	scoped("POST /brands/{id}/files", onBrand("POST", "/brands/%d/files", nil))
	scoped("GET /brands/{id}/files/{fid}", func(t *testing.T, f *Fixture) (string, string, any) {
		id, file := bBrand(t, f)
		return "GET", fmt.Sprintf("/brands/%d/files/%d", id, file), nil
	})
}
