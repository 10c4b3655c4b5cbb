package brand

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
)

// Adoption is an organisation that took up a featured brand or method.
type Adoption struct {
	ID      int64  `json:"id"`
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Since   string `json:"since"`
	Note    string `json:"note"`
}

func adoptions(ctx context.Context, q db.Querier, id int64) ([]Adoption, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.org_id, o.name, a.since, a.note FROM brand_adoptions a JOIN orgs o ON o.id = a.org_id
		WHERE a.brand_id = ? ORDER BY a.since, a.id`, id)
	return db.Collect(rows, err, func(r db.Scanner) (a Adoption, err error) {
		err = r.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.Since, &a.Note)
		return a, err
	})
}

// AdoptInput records that an organisation the caller administers took up
// a featured brand or method, since a day, with how.
type AdoptInput struct {
	OrgID int64  `json:"org_id"`
	Since string `json:"since"`
	Note  string `json:"note"`
}

// Adopt records an adoption of a featured brand of the caller's bureau.
func Adopt(ctx context.Context, d *core.Deps, p *auth.Principal, id int64, in AdoptInput) (*Brand, error) {
	b, err := Featured(ctx, d, p, id)
	if err != nil {
		return nil, err
	}
	if in.OrgID <= 0 {
		return nil, fail.Malformed("org_id", "请选择学习推广这一做法的党组织")
	}
	if _, err := org.WritablePath(ctx, d.DB, p, in.OrgID); err != nil {
		return nil, err
	}
	if in.OrgID == b.OrgID {
		return nil, fail.NotAllowed("org_id", "这是本组织自己的品牌，无需登记学习推广")
	}
	since, err := civil.Parse(strings.TrimSpace(in.Since))
	if err != nil {
		return nil, fail.Malformed("since", "请按“年-月-日”填写开始推广的日期")
	}
	if civil.Today(d.Now()).Before(since) {
		return nil, fail.NotAllowed("since", "开始推广的日期不能晚于今天")
	}
	if in.Note, err = plaintext.Text("note", "推广做法", in.Note, false, 500, true); err != nil {
		return nil, err
	}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		aid, err := db.InsertID(ctx, tx, "INSERT INTO brand_adoptions (brand_id, org_id, since, note, created_at) VALUES (?,?,?,?,?)",
			id, in.OrgID, since.String(), in.Note, d.Now().UnixMilli())
		if db.IsUnique(err) {
			return fail.Conflict("该党组织已登记学习推广「" + b.Name + "」")
		}
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "brand.adopt", ObjectType: "brand", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"adoption_id": aid, "org_id": in.OrgID, "since": since.String(), "note": in.Note}}})
	})
	if err != nil {
		return nil, err
	}
	return Featured(ctx, d, p, id)
}
