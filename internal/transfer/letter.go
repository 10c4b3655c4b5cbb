package transfer

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/dues"
	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/input"
)

// defaultValidDays is the 有效期 printed on a letter when its issuer has not
// set one: the 30 天 of the common template.
const defaultValidDays = 30

// LetterSettings are an issuing organisation's 介绍信字号 and 有效期.
type LetterSettings struct {
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	Prefix    string `json:"prefix"`
	ValidDays int    `json:"valid_days"`
	Set       bool   `json:"set"`     // configured, not the default
	Issued    int    `json:"issued"`  // letters numbered this year
	NextNo    string `json:"next_no"` // the number the next letter will get
}

// LetterNo writes a letter number the way the template does:
// 长公党转字〔2026〕第016号.
func LetterNo(prefix string, year, seq int) string {
	return fmt.Sprintf("%s字〔%d〕第%03d号", prefix, year, seq)
}

// issuer is the organisation whose seal a letter from the organisation at
// path bears: the nearest one at or above it that has set its 字号, else the
// nearest 党委 with 审批权限, else the top of its tree.
func issuer(ctx context.Context, q db.Querier, path string) (*org.Org, error) {
	as, err := org.Ancestors(ctx, q, path)
	if err != nil || len(as) == 0 {
		return nil, err
	}
	ids := make([]int64, len(as))
	for i := range as {
		ids[i] = as[i].ID
	}
	in, args := db.In(ids)
	set := map[int64]bool{}
	rows, err := q.QueryContext(ctx, "SELECT org_id FROM transfer_letter_settings WHERE org_id IN ("+in+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		set[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range as {
		if set[as[i].ID] {
			return &as[i], nil
		}
	}
	for i := range as {
		if org.CanApprove(&as[i]) {
			return &as[i], nil
		}
	}
	return &as[len(as)-1], nil
}

// settingsOf reads an organisation's letter settings, the defaults when unset
// (the prefix from its short name: 雁塔分局党转).
func settingsOf(ctx context.Context, q db.Querier, o *org.Org, year int) (LetterSettings, error) {
	s := LetterSettings{OrgID: o.ID, OrgName: o.Name, Prefix: org.ShortName(o.Name, o.ShortName) + "党转", ValidDays: defaultValidDays}
	err := q.QueryRowContext(ctx, "SELECT prefix, valid_days FROM transfer_letter_settings WHERE org_id = ?", o.ID).Scan(&s.Prefix, &s.ValidDays)
	if err != nil && !db.IsNoRows(err) {
		return s, err
	}
	s.Set = err == nil
	err = q.QueryRowContext(ctx, "SELECT last FROM transfer_letter_seq WHERE org_id = ? AND year = ?", o.ID, year).Scan(&s.Issued)
	if err != nil && !db.IsNoRows(err) {
		return s, err
	}
	s.NextNo = LetterNo(s.Prefix, year, s.Issued+1)
	return s, nil
}

// numberLetter gives t the next number of its issuer's sequence for the
// year of today, inside the transaction that sends it. The upsert holds the
// sequence row until the transaction ends, so two letters never share a
// number.
func numberLetter(ctx context.Context, tx *db.Tx, t *Transfer, today civil.Date) (no string, issuerID int64, validDays int, err error) {
	o, err := issuer(ctx, tx, t.fromPath)
	if err != nil || o == nil {
		return "", 0, 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO transfer_letter_seq (org_id, year, last) VALUES (?, ?, 1)
		ON CONFLICT (org_id, year) DO UPDATE SET last = transfer_letter_seq.last + 1`, o.ID, today.Year()); err != nil {
		return "", 0, 0, err
	}
	s, err := settingsOf(ctx, tx, o, today.Year())
	if err != nil {
		return "", 0, 0, err
	}
	return LetterNo(s.Prefix, today.Year(), s.Issued), o.ID, s.ValidDays, nil
}

// LetterIssuers are the settings of every organisation in the caller's scope
// (or the subtree of orgID within it) that issues letters: the 党委 with
// 审批权限 and those that set a 字号.
func LetterIssuers(ctx context.Context, d *core.Deps, p *auth.Principal, orgID int64) ([]LetterSettings, error) {
	sc, err := org.Narrow(ctx, d.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	orgs, err := org.Subtree(ctx, d.DB, sc)
	if err != nil {
		return nil, err
	}
	year := civil.Today(d.Now()).Year()
	var out []LetterSettings
	for i := range orgs {
		o := &orgs[i]
		if o.Dissolved() {
			continue
		}
		s, err := settingsOf(ctx, d.DB, o, year)
		if err != nil {
			return nil, err
		}
		if s.Set || org.CanApprove(o) {
			out = append(out, s)
		}
	}
	return out, nil
}

// SetLetterSettings sets an organisation's 字号 and 有效期; only its own
// 党务管理员 (or one above) may.
func SetLetterSettings(ctx context.Context, d *core.Deps, p *auth.Principal, orgID int64, prefix, days string) error {
	prefix, err := input.Text("prefix", "介绍信字号", prefix, true, 20, false)
	if err != nil {
		return err
	}
	if strings.ContainsAny(prefix, "〔〕[]()（）0123456789") || strings.HasSuffix(prefix, "字") {
		return fail.NotAllowed("prefix", "介绍信字号只写“字”之前的部分，如“长公党转”，年份和序号由系统生成")
	}
	valid, err := input.Int("valid_days", "有效期天数", days, 1, 180, defaultValidDays)
	if err != nil {
		return err
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := org.WritablePath(ctx, tx, p, orgID); err != nil {
			return err
		}
		o, err := org.Get(ctx, tx, orgID)
		if err != nil {
			return err
		}
		before, err := settingsOf(ctx, tx, o, civil.Today(d.Now()).Year())
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO transfer_letter_settings (org_id, prefix, valid_days, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET prefix = excluded.prefix, valid_days = excluded.valid_days, updated_at = excluded.updated_at`,
			orgID, prefix, valid, d.Now().UnixMilli()); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "transfer.letter_settings", ObjectType: "org", ObjectID: fmt.Sprint(orgID),
			Detail: audit.Change{Before: map[string]any{"prefix": before.Prefix, "valid_days": before.ValidDays},
				After: map[string]any{"prefix": prefix, "valid_days": valid}}})
	})
}

// Letter is a transfer ready to print: the issuer that seals it, the month
// the member's dues are paid up to, and the ID number in full when revealed.
type Letter struct {
	*Transfer
	Issuer      string
	DuesThrough string // 2026年10月, or "" when unknown (the blanks are printed)
	IDNumber    string // full when revealed, else masked
	Dated       string // the day it was issued: 2026年12月4日
	Age         int    // on that day; 0 when the birth date is unknown
}

// Letters loads the letters of the transfers ids for printing. Each must be
// visible to the caller (else 404) and issued (else 409). reveal prints the
// 公民身份号码 in full: only the sending side's 党务管理员, who issues the
// letter, may, and the read is audited; anyone else gets 403.
func Letters(ctx context.Context, d *core.Deps, p *auth.Principal, ids []int64, reveal bool) ([]Letter, error) {
	if len(ids) == 0 {
		return nil, fail.Malformed("id", "请选择要打印介绍信的转接")
	}
	if len(ids) > 100 {
		return nil, fail.NotAllowed("id", "一次最多打印 100 份介绍信")
	}
	today := civil.Today(d.Now())
	out := make([]Letter, 0, len(ids))
	for _, id := range ids {
		t, err := Get(ctx, d, d.DB, p, id)
		if err != nil {
			return nil, err
		}
		if t.Kind == In {
			return nil, fail.NotAllowed("id", t.PersonName+"是从系统外转入的，介绍信由原党组织开具")
		}
		if t.SentOn == "" {
			return nil, fail.Conflict(t.PersonName + "的介绍信尚未开具：审核通过并“开具介绍信并转出”后才能打印")
		}
		if reveal && !actsAs(p, t, sender) {
			ev := audit.Event{Action: "transfer.reveal", ObjectType: "transfer", ObjectID: fmt.Sprint(id), Result: "denied"}
			if err := d.Audit.Record(ctx, d.DB, ev); err != nil {
				return nil, err
			}
			return nil, fail.Denied("reveal", "只有开具介绍信的党组织的党务管理员可以打印完整的公民身份号码")
		}
		if t.idNumber == "" && t.PersonID != 0 { // inside the system the number is the person's
			pr, err := member.Get(ctx, d.DB, d.Keys, t.PersonID)
			if err != nil {
				return nil, err
			}
			if t.idNumber = pr.IDNumber; t.idNumber != "" {
				t.IDMasked = idcard.Mask(t.idNumber)
			}
		}
		l := Letter{Transfer: t, IDNumber: t.IDMasked}
		if sent, err := civil.Parse(t.SentOn); err == nil {
			l.Dated = sent.Chinese()
			if born, err := civil.Parse(t.BirthDate); err == nil {
				l.Age = civil.YearsBetween(born, sent)
			}
		}
		if reveal {
			l.IDNumber = t.idNumber
		}
		if err := l.fillDues(ctx, d.DB, today); err != nil {
			return nil, err
		}
		if err := l.fillIssuer(ctx, d.DB); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if reveal {
		fields := map[string]any{"fields": []string{"id_number"}, "transfers": ids}
		if err := d.Audit.Record(ctx, d.DB, audit.Event{Action: "transfer.reveal", ObjectType: "transfer", ObjectID: fmt.Sprint(ids[0]), Detail: fields}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// To is the organisation the letter goes to: in the system, or outside it.
func (l Letter) To() string {
	if l.ToOrg != "" {
		return l.ToOrg
	}
	return l.OutsideOrg
}

// Standing is the member's standing as the letter states it: 预备 or 正式.
func (l Letter) Standing() string {
	if l.Status == "probationary" {
		return "预备"
	}
	return "正式"
}

// fillDues: from the dues ledger, else as written when the transfer was applied.
func (l *Letter) fillDues(ctx context.Context, q db.Querier, today civil.Date) error {
	if month, err := civil.Parse(l.DuesPaidTo + "-01"); err == nil {
		l.DuesThrough = fmt.Sprintf("%d年%d月", month.Year(), month.Month())
	}
	if l.PersonID == 0 {
		return nil
	}
	through, err := dues.PaidThrough(ctx, q, l.PersonID, today)
	if through != "" {
		l.DuesThrough = through
	}
	return err
}

func (l *Letter) fillIssuer(ctx context.Context, q db.Querier) error {
	l.Issuer = l.FromOrg
	if l.letterOrgID == 0 {
		return nil
	}
	o, err := org.Get(ctx, q, l.letterOrgID)
	if err == nil {
		l.Issuer = o.Name
	}
	return err
}

// NextLetterNo is the number t's letter would get if sent now.
func NextLetterNo(ctx context.Context, d *core.Deps, t *Transfer) (string, error) {
	o, err := issuer(ctx, d.DB, t.fromPath)
	if err != nil || o == nil {
		return "", err
	}
	s, err := settingsOf(ctx, d.DB, o, civil.Today(d.Now()).Year())
	return s.NextNo, err
}
