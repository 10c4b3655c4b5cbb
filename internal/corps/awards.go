package corps

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"hongdun/internal/member"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
)

// Fields of an award: party work or the police work itself.
var Fields = choice.List{{Code: "party", Label: "党务工作"}, {Code: "business", Label: "公安业务"}}

// Award is one award of a person.
type Award struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	Field      string `json:"field"`
	FieldLabel string `json:"field_label"`
	Title      string `json:"title"`
	Issuer     string `json:"issuer"`
	AwardedOn  string `json:"awarded_on"`
	Note       string `json:"note"`
	orgPath    string
}

// AwardInput records an award.
type AwardInput struct {
	Field     string `json:"field"`
	Title     string `json:"title"`
	Issuer    string `json:"issuer"`
	AwardedOn string `json:"awarded_on"`
	Note      string `json:"note"`
}

func (in *AwardInput) check(today civil.Date) error {
	in.Title, in.Issuer, in.Note = strings.TrimSpace(in.Title), strings.TrimSpace(in.Issuer), strings.TrimSpace(in.Note)
	var fs fail.Fields
	if Fields.Label(in.Field) == "" {
		fs = append(fs, fail.Malformed("field", "请选择奖项类别：党务工作或公安业务"))
	}
	if name, msg := plaintext.First(plaintext.Field{Name: "title", Label: "奖项名称", Value: in.Title},
		plaintext.Field{Name: "issuer", Label: "授予机关", Value: in.Issuer},
		plaintext.Field{Name: "note", Label: "备注", Value: in.Note, Multiline: true}); msg != "" {
		fs = append(fs, fail.Malformed(name, msg))
	}
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 60 {
		fs = append(fs, fail.Malformed("title", "请填写奖项名称（不超过 60 字）"))
	}
	if in.Issuer == "" || utf8.RuneCountInString(in.Issuer) > 60 {
		fs = append(fs, fail.Malformed("issuer", "请填写授予机关（不超过 60 字）"))
	}
	if utf8.RuneCountInString(in.Note) > 300 {
		fs = append(fs, fail.Malformed("note", "备注不超过 300 字"))
	}
	if d, err := civil.Parse(in.AwardedOn); err != nil {
		fs = append(fs, fail.Malformed("awarded_on", "授予日期应为有效日期（如 2026-01-31）"))
	} else if d.After(today) {
		fs = append(fs, fail.Malformed("awarded_on", "授予日期不能晚于今天"))
	} else {
		in.AwardedOn = d.String()
	}
	if len(fs) > 0 {
		return fs
	}
	return nil
}

const awardCols = `a.id, a.person_id, a.field, a.title, a.issuer, a.awarded_on, a.note, o.path`

func scanAward(s interface{ Scan(...any) error }) (*Award, error) {
	var a Award
	err := s.Scan(&a.ID, &a.PersonID, &a.Field, &a.Title, &a.Issuer, &a.AwardedOn, &a.Note, &a.orgPath)
	a.FieldLabel = Fields.Label(a.Field)
	return &a, err
}

// Awards lists a person's awards in the caller's scope, newest first.
func Awards(ctx context.Context, q db.Querier, p *auth.Principal, personID int64) ([]*Award, error) {
	w, args := scope.Of(p).Where("o.path")
	rows, err := q.QueryContext(ctx, "SELECT "+awardCols+" FROM corps_awards a JOIN orgs o ON o.id = a.org_id WHERE a.person_id = ? AND "+w+
		" ORDER BY a.awarded_on DESC, a.id DESC", append([]any{personID}, args...)...)
	return db.Collect(rows, err, scanAward)
}

// AddAward records an award of the person of an appointment in scope.
func AddAward(ctx context.Context, d *core.Deps, p *auth.Principal, workerID int64, in AwardInput) (*Award, error) {
	if err := in.check(civil.Today(d.Now())); err != nil {
		return nil, err
	}
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		wk, err := Get(ctx, d, tx, p, workerID)
		if err != nil || !p.Writes() {
			return fail.NotFound()
		}
		pr, err := member.GetIn(ctx, tx, scope.Of(p), wk.PersonID)
		if err != nil {
			return fail.NotFound()
		}
		id, err = db.InsertID(ctx, tx, `INSERT INTO corps_awards (person_id, org_id, field, title, issuer, awarded_on, note, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, wk.PersonID, pr.OrgID, in.Field, in.Title, in.Issuer, in.AwardedOn, in.Note, d.Now().UnixMilli())
		if db.IsUnique(err) {
			return fail.Conflict("这项奖项已经登记过（同一类别、名称和日期），请勿重复提交")
		}
		if err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "corps.award.add", ObjectType: "corps_award", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"person_id": wk.PersonID, "award": in}}})
	})
	if err != nil {
		return nil, err
	}
	return getAward(ctx, d.DB, p, id)
}

func getAward(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Award, error) {
	a, err := scanAward(q.QueryRowContext(ctx, "SELECT "+awardCols+" FROM corps_awards a JOIN orgs o ON o.id = a.org_id WHERE a.id = ?", id))
	if db.IsNoRows(err) || (err == nil && !scope.Of(p).Contains(a.orgPath)) {
		return nil, fail.NotFound()
	}
	return a, err
}

// DeleteAward removes an award recorded in error.
func DeleteAward(ctx context.Context, d *core.Deps, p *auth.Principal, id int64) (*Award, error) {
	var a *Award
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if a, err = getAward(ctx, tx, p, id); err != nil || !p.Writes() {
			return fail.NotFound()
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM corps_awards WHERE id = ?", id); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "corps.award.delete", ObjectType: "corps_award", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: a}})
	})
	return a, err
}
