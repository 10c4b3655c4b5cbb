package pioneer

import (
	"context"
	"fmt"
	"path/filepath"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/sealed"
)

// MaxPhotos is how many photos a post or a deed keeps.
const MaxPhotos = 6

// Photo is a photo of a post or of a deed.
type Photo struct{ sealed.Stored }

// URL is where the photo is shown.
func (ph Photo) URL() string { return fmt.Sprintf("/pioneer/photos/%d", ph.ID) }

func photoStore(d *core.Deps) sealed.Store {
	return sealed.Store{Dir: filepath.Join(d.DataDir, "pioneer", "photos"), Keys: d.Keys}
}

// photosOf lists the photos of a post or a deed (col is post_id or deed_id).
func photosOf(ctx context.Context, q db.Querier, col string, id int64) ([]Photo, error) {
	ls, err := sealed.List(ctx, q, "pioneer_photos", col, id)
	out := make([]Photo, len(ls))
	for i, x := range ls {
		out[i] = Photo{x}
	}
	return out, err
}

// Upload is a photo as it came in a form or a request.
type Upload struct {
	Name    string
	Content []byte
}

// insertPhoto writes the row of a sealed photo on a post or a deed (col)
// with its audit entry; a photo it already holds, or one too many, is
// refused.
func (s *Service) insertPhoto(ctx context.Context, tx *db.Tx, p *auth.Principal, col string, id int64, im *sealed.Image, objectType string, objectID int64) error {
	pid, err := sealed.Attach(ctx, tx, "pioneer_photos", col, id, im, MaxPhotos, p.Username, s.Now().UnixMilli())
	if err != nil {
		return err
	}
	return s.Audit.Write(ctx, tx, audit.Event{Action: "pioneer.photo", ObjectType: objectType, ObjectID: fmt.Sprint(objectID),
		Detail: audit.Change{After: map[string]any{"photo_id": pid, col: id, "file_name": im.FileName, "size": im.Size, "sha256": im.SHA256}}})
}

// sealPhoto checks and seals an upload; nil for none.
func (s *Service) sealPhoto(up *Upload) (*sealed.Image, error) {
	if up == nil {
		return nil, nil
	}
	return sealed.SealImage(photoStore(s.Deps), "photo", up.Name, up.Content, "照片")
}

// dropPhoto removes a sealed photo whose row was not written.
func (s *Service) dropPhoto(im *sealed.Image) {
	if im != nil {
		photoStore(s.Deps).Remove(im.Stored)
	}
}

// addPhoto seals a photo and writes its row, in one transaction.
func (s *Service) addPhoto(ctx context.Context, p *auth.Principal, col string, id int64, up Upload, objectType string, objectID int64) error {
	im, err := s.sealPhoto(&up)
	if err != nil {
		return err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error { return s.insertPhoto(ctx, tx, p, col, id, im, objectType, objectID) })
	if err != nil {
		s.dropPhoto(im)
	}
	return err
}

// AddPostPhoto adds a photo to a post in the caller's scope.
func (s *Service) AddPostPhoto(ctx context.Context, p *auth.Principal, id int64, up Upload) (*Post, error) {
	if !p.Writes() {
		return nil, fail.NotFound()
	}
	if _, err := s.GetPost(ctx, p, id); err != nil {
		return nil, err
	}
	if err := s.addPhoto(ctx, p, "post_id", id, up, "pioneer_post", id); err != nil {
		return nil, err
	}
	return s.GetPost(ctx, p, id)
}

// AddDeedPhoto adds a photo to a deed of a commitment the caller reaches.
func (s *Service) AddDeedPhoto(ctx context.Context, p *auth.Principal, id, deedID int64, up Upload) (*Commitment, error) {
	c, err := s.reachable(ctx, s.DB, p, id)
	if err != nil {
		return nil, err
	}
	found := false
	for _, d := range c.Deeds {
		found = found || d.ID == deedID
	}
	if !found {
		return nil, fail.NotFound()
	}
	if err := s.addPhoto(ctx, p, "deed_id", deedID, up, "pioneer_commitment", id); err != nil {
		return nil, err
	}
	return loadCommitment(ctx, s.DB, scope.All(), "c.id = ?", id)
}

// OpenPhoto returns a photo the caller may see: one of a post or a deed in
// their scope, or for a member one of their own deeds.
func (s *Service) OpenPhoto(ctx context.Context, p *auth.Principal, id int64) (string, string, []byte, error) {
	var name, stored, ctype, path string
	var person int64
	err := s.DB.QueryRowContext(ctx, `SELECT ph.file_name, ph.stored_name, ph.content_type, o.path, COALESCE(c.person_id, 0)
		FROM pioneer_photos ph
		LEFT JOIN pioneer_posts t ON t.id = ph.post_id
		LEFT JOIN pioneer_deeds d ON d.id = ph.deed_id LEFT JOIN pioneer_commitments c ON c.id = d.commitment_id
		JOIN orgs o ON o.id = COALESCE(t.org_id, c.org_id) WHERE ph.id = ?`, id).Scan(&name, &stored, &ctype, &path, &person)
	if db.IsNoRows(err) {
		return "", "", nil, fail.NotFound()
	}
	if err != nil {
		return "", "", nil, err
	}
	if !scope.Of(p).Contains(path) && !(person != 0 && self(p, person)) {
		return "", "", nil, fail.NotFound()
	}
	b, err := photoStore(s.Deps).Get(stored)
	return name, ctype, b, err
}
