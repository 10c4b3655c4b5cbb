package community

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

// MaxPhotos is how many photos an activity keeps.
const MaxPhotos = 9

// Photo is a photo of an activity.
type Photo struct{ sealed.Stored }

// URL is where the photo is shown.
func (ph Photo) URL() string { return fmt.Sprintf("/community/photos/%d", ph.ID) }

// Upload is a photo as it came in a form or a request.
type Upload struct {
	Name    string
	Content []byte
}

func photoStore(d *core.Deps) sealed.Store {
	return sealed.Store{Dir: filepath.Join(d.DataDir, "community", "photos"), Keys: d.Keys}
}

func photosOf(ctx context.Context, q db.Querier, activityID int64) ([]Photo, error) {
	ls, err := sealed.List(ctx, q, "community_photos", "activity_id", activityID)
	out := make([]Photo, len(ls))
	for i, x := range ls {
		out[i] = Photo{x}
	}
	return out, err
}

// sealPhoto checks and seals an upload; nil for none.
func sealPhoto(d *core.Deps, up *Upload) (*sealed.Image, error) {
	if up == nil {
		return nil, nil
	}
	return sealed.SealImage(photoStore(d), "photo", up.Name, up.Content, "服务照片")
}

// dropPhoto removes a sealed photo whose row was not written.
func dropPhoto(d *core.Deps, im *sealed.Image) {
	if im != nil {
		photoStore(d).Remove(im.Stored)
	}
}

// insertPhoto writes the row of a sealed photo of an activity, audited.
func insertPhoto(ctx context.Context, d *core.Deps, tx *db.Tx, p *auth.Principal, activityID int64, im *sealed.Image) error {
	id, err := sealed.Attach(ctx, tx, "community_photos", "activity_id", activityID, im, MaxPhotos, p.Username, d.Now().UnixMilli())
	if err != nil {
		return err
	}
	return d.Audit.Write(ctx, tx, audit.Event{Action: "community.photo", ObjectType: "community_activity", ObjectID: fmt.Sprint(activityID),
		Detail: audit.Change{After: map[string]any{"photo_id": id, "file_name": im.FileName, "size": im.Size, "sha256": im.SHA256}}})
}

// OpenPhoto returns a photo of an activity the caller may read: in their
// scope, or for a member one of an activity they served in.
func (s *Service) OpenPhoto(ctx context.Context, p *auth.Principal, id int64) (string, string, []byte, error) {
	var name, stored, ctype, path string
	var served int
	err := s.DB.QueryRowContext(ctx, `SELECT ph.file_name, ph.stored_name, ph.content_type, o.path,
		(SELECT COUNT(*) FROM community_activity_people ap WHERE ap.activity_id = a.id AND ap.person_id = ?)
		FROM community_photos ph JOIN community_activities a ON a.id = ph.activity_id JOIN orgs o ON o.id = a.org_id WHERE ph.id = ?`,
		p.PersonID, id).Scan(&name, &stored, &ctype, &path, &served)
	if db.IsNoRows(err) {
		return "", "", nil, fail.NotFound()
	}
	if err != nil {
		return "", "", nil, err
	}
	if !scope.Of(p).Contains(path) && !(p.Role == auth.Member && p.PersonID != 0 && served > 0) {
		return "", "", nil, fail.NotFound()
	}
	b, err := photoStore(s.Deps).Get(stored)
	return name, ctype, b, err
}
