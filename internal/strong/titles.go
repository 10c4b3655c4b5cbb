package strong

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"hongdun/internal/branchfacts"
	"hongdun/internal/honour"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// TitleInput records a 最强党支部 title an outside body awarded a branch.
type TitleInput struct {
	OrgID     int64  `json:"org_id"`
	Title     string `json:"title"`
	IssuerID  int64  `json:"issuer_id"`
	AwardedOn string `json:"awarded_on"`
	DocNo     string `json:"doc_no"`
	Note      string `json:"note"`
}

// AddTitle records the title as an honour of the branch (so the honours
// registry and its sentence count it) and marks it as a 最强党支部 title.
func AddTitle(ctx context.Context, d *core.Deps, p *auth.Principal, in TitleInput) (*honour.Honour, error) {
	if in.OrgID <= 0 {
		return nil, fail.Malformed("org_id", "请选择获得称号的党支部")
	}
	if _, err := org.WritablePath(ctx, d.DB, p, in.OrgID); err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, d.DB, in.OrgID)
	if err != nil {
		return nil, err
	}
	if !branchfacts.Branch(o.Kind) {
		return nil, fail.NotAllowed("org_id", "最强党支部称号授予党支部（联合党支部），请选择一个党支部")
	}
	if strings.TrimSpace(in.Title) == "" {
		in.Title = "最强党支部"
	}
	var id int64
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		if id, err = honour.CreateTx(ctx, d, tx, p, honour.Input{Kind: honour.Unit, OrgID: in.OrgID, Title: in.Title, IssuerID: in.IssuerID,
			AwardedOn: in.AwardedOn, DocNo: in.DocNo, Note: in.Note}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO strong_titles (honour_id, org_id, created_at) VALUES (?,?,?)", id, in.OrgID, d.Now().UnixMilli()); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "strong.title.add", ObjectType: "honour", ObjectID: fmt.Sprint(id), Detail: audit.Change{After: in}})
	})
	if err != nil {
		return nil, err
	}
	return honour.Get(ctx, d.DB, p, id)
}

// RemoveTitle deletes a title and its honour.
func RemoveTitle(ctx context.Context, d *core.Deps, p *auth.Principal, honourID int64) error {
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM strong_titles WHERE honour_id = ?", honourID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fail.NotFound()
		}
		if err := honour.DeleteTx(ctx, d, tx, p, honourID); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "strong.title.remove", ObjectType: "honour", ObjectID: fmt.Sprint(honourID)})
	})
}

// TitleCount is how many branches hold a title of one level in the period.
type TitleCount struct {
	Level    string `json:"level"`
	Label    string `json:"label"`
	Branches int    `json:"branches"`
}

// Titles are the titles of a period with their counts and the sentence a
// speech needs: "三年以来，5 个党支部被评为最强党支部，其中省级 1 个、市级 4 个。"
type Titles struct {
	Years    int              `json:"years"`
	From     string           `json:"from"`
	To       string           `json:"to"`
	Branches int              `json:"branches"`
	Counts   []TitleCount     `json:"counts"`
	Sentence string           `json:"sentence"`
	Items    []*honour.Honour `json:"items"`
}

// TitlesOf lists the titles awarded in the period in the caller's scope
// (narrowed to the period's organisation), counted by the issuer's level; a
// branch titled twice at a level counts once there.
func TitlesOf(ctx context.Context, d *core.Deps, p *auth.Principal, pr honour.Period) (*Titles, error) {
	lead, err := pr.Resolve(civil.Today(d.Now()))
	if err != nil {
		return nil, err
	}
	orgID := pr.OrgID
	t := &Titles{Years: pr.Years, From: pr.From, To: pr.To, Items: []*honour.Honour{}}
	hs, err := honour.List(ctx, d, p, honour.Filter{OrgID: orgID, Kind: honour.Unit, From: t.From, To: t.To, Page: 1})
	if err != nil {
		return nil, err
	}
	marked, err := titled(ctx, d.DB)
	if err != nil {
		return nil, err
	}
	byLevel := map[string]map[int64]bool{}
	all := map[int64]bool{}
	for i := range hs.Items {
		h := &hs.Items[i]
		if !marked[h.ID] {
			continue
		}
		t.Items = append(t.Items, h)
		if byLevel[h.Level] == nil {
			byLevel[h.Level] = map[int64]bool{}
		}
		byLevel[h.Level][h.OrgID], all[h.OrgID] = true, true
	}
	t.Branches = len(all)
	var parts []string
	for _, l := range honour.Levels {
		if n := len(byLevel[l.Code]); n > 0 {
			t.Counts = append(t.Counts, TitleCount{Level: l.Code, Label: l.Label, Branches: n})
			parts = append(parts, fmt.Sprintf("%s %d 个", l.Label, n))
		}
	}
	sort.SliceStable(t.Items, func(i, j int) bool { return t.Items[i].AwardedOn > t.Items[j].AwardedOn })
	t.Sentence = lead + "，"
	if t.Branches == 0 {
		t.Sentence += "暂无党支部获评最强党支部称号。"
	} else {
		t.Sentence += fmt.Sprintf("%d 个党支部被评为最强党支部，其中%s。", t.Branches, strings.Join(parts, "、"))
	}
	return t, nil
}

// titled is the set of honours marked as 最强党支部 titles.
func titled(ctx context.Context, q db.Querier) (map[int64]bool, error) {
	return db.IDSet(ctx, q, "SELECT honour_id FROM strong_titles")
}
