package develop

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"hongdun/internal/member"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/rules"
)

// CorrectInput corrects a recorded step: the step's fields as when it was
// recorded (every field, not only the changed ones) and the reason.
type CorrectInput struct {
	Input
	Reason string `json:"reason"`
}

// Correction is an earlier version of a corrected record.
type Correction struct {
	Date      string   `json:"date"`
	OrgName   string   `json:"org_name,omitempty"`
	Data      Data     `json:"data"`
	Changes   []string `json:"changes"`
	Reason    string   `json:"reason"`
	Actor     string   `json:"actor"` // who recorded it, by the name shown for the account
	CreatedAt int64    `json:"created_at"`
}

// recView is what a record (or a submission) says, field by field, for
// telling two apart.
type recView struct {
	date, org, people, vote, vetting, training, recommendation, opinion, reason, leaving, months, doc, waives string
}

var viewLabels = []struct {
	label string
	get   func(v recView) string
}{
	{"日期", func(v recView) string { return v.date }}, {"办理组织", func(v recView) string { return v.org }},
	{"人员", func(v recView) string { return v.people }}, {"表决情况", func(v recView) string { return v.vote }},
	{"政审结论", func(v recView) string { return v.vetting }}, {"集中培训", func(v recView) string { return v.training }},
	{"产生方式", func(v recView) string { return v.recommendation }}, {"情况与意见", func(v recView) string { return v.opinion }},
	{"应到人数说明", func(v recView) string { return v.reason }}, {"预计离开工作单位日期", func(v recView) string { return v.leaving }},
	{"月数", func(v recView) string { return v.months }}, {"文号", func(v recView) string { return v.doc }},
	{"豁免的规则", func(v recView) string { return v.waives }},
}

func voteText(v *rules.Vote) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf("应到%d、实到%d、赞成%d、反对%d、弃权%d、书面赞成%d、书面反对%d、书面弃权%d",
		v.Expected, v.Present, v.For, v.Against, v.Abstain, v.WrittenFor, v.WrittenAgainst, v.WrittenAbstain)
}

func vettingText(p *bool) string {
	if p == nil {
		return ""
	}
	return map[bool]string{true: "合格", false: "不合格"}[*p]
}

func trainingText(days, hours int) string {
	if days == 0 && hours == 0 {
		return ""
	}
	return fmt.Sprintf("%d天、%d学时", days, hours)
}

func count(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprint(n)
}

// recordView reads a record; people by name, or by id for comparing with
// a submission (byID).
func recordView(r *Record, byID bool) recView {
	d := r.Data
	people := make([]string, len(d.People))
	for i, p := range d.People {
		people[i] = p.Name
		if byID {
			people[i] = fmt.Sprint(p.ID)
		}
	}
	v := recView{date: r.Date, org: r.OrgName, people: strings.Join(people, "、"), vote: voteText(d.Vote), vetting: vettingText(d.VettingPassed),
		training: trainingText(d.TrainingDays, d.TrainingHours), recommendation: d.Recommendation, opinion: d.Opinion, reason: d.ExpectedReason,
		leaving: d.LeavingOn, months: count(d.Months)}
	if byID {
		v.org = fmt.Sprint(r.OrgID)
	}
	if x := d.Exception; x != nil {
		v.doc, v.waives = x.DocNo, strings.Join(x.Waives, "、")
	}
	if x := d.Shortening; x != nil {
		v.doc, v.months = x.DocNo, count(x.Months)
	}
	return v
}

// inputView reads a submission as recordView(…, true) reads a record. An
// organisation not named is the one the record holds.
func inputView(in Input, date string, r *Record) recView {
	ids := make([]string, len(in.PersonIDs))
	for i, id := range in.PersonIDs {
		ids[i] = fmt.Sprint(id)
	}
	v := recView{date: date, org: fmt.Sprint(in.OrgID), people: strings.Join(ids, "、"), vote: voteText(in.Vote), vetting: vettingText(in.VettingPassed),
		training: trainingText(in.TrainingDays, in.TrainingHours), recommendation: in.Recommendation, opinion: strings.TrimSpace(in.Opinion),
		reason: strings.TrimSpace(in.ExpectedReason), leaving: in.LeavingOn, months: count(in.Months), doc: strings.TrimSpace(in.DocNo),
		waives: strings.Join(in.Waives, "、")}
	if in.OrgID == 0 {
		v.org = fmt.Sprint(r.OrgID)
	}
	return v
}

// changes lists what differs between two views: "标签：旧 → 新", or the
// labels alone.
func changes(old, new recView, labelsOnly bool) []string {
	var out []string
	for _, l := range viewLabels {
		a, b := l.get(old), l.get(new)
		switch {
		case a == b:
		case labelsOnly:
			out = append(out, l.label)
		default:
			out = append(out, fmt.Sprintf("%s：%s → %s", l.label, orNone(a), orNone(b)))
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "（无）"
	}
	return s
}

// replayConflict refuses a repeated submission whose body differs from
// what was recorded under the same key, naming what differs.
func replayConflict(in Input, date string, r *Record) error {
	diff := changes(recordView(r, true), inputView(in, date, r), true)
	if len(diff) == 0 {
		return nil
	}
	return fail.Conflict(fmt.Sprintf("%s已于%s记录，本次提交的%s与已记录的不同；如需修改，请更正该记录", r.Title(), mustDate(r.Date).Chinese(), strings.Join(diff, "、")))
}

// Correct changes a recorded step (date, people, results, vote counts)
// with a reason: the corrected step is judged as if entered now, then
// every other record again; a record that would then break a rule refuses
// the correction, named. The old version is kept in the history.
func Correct(ctx context.Context, d *core.Deps, p *auth.Principal, caseID, recID int64, in CorrectInput) (*Result, error) {
	c, err := loadCase(ctx, d.DB, p, caseID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(c.Records, func(r Record) bool { return r.ID == recID })
	if i < 0 {
		return nil, fail.NotFound()
	}
	old := c.Records[i]
	if !p.Writes() {
		return nil, fail.Forbidden()
	}
	if old.Kind != rules.ActStep {
		return nil, fail.NotAllowed("record", "只能更正步骤记录；公示、考察等事项请重新记录")
	}
	if in.Step != 0 && in.Step != old.Step {
		return nil, fail.Malformed("step", fmt.Sprintf("该记录为第%d步，不能更正为其他步骤", old.Step))
	}
	reason, ferr := plaintext.Text("reason", "更正理由", in.Reason, true, 500, true)
	if ferr != nil {
		return nil, ferr
	}
	today := civil.Today(d.Now())
	date, err := parseDate("date", in.Date, today, true)
	if err != nil {
		return nil, err
	}
	in.Step = old.Step
	if def, _ := rules.Step(old.Step); def.Upper() && in.OrgID == 0 {
		in.OrgID = old.OrgID // the 党委 recorded stays unless another is named
	}
	others := slices.Delete(slices.Clone(c.Records), i, i+1)
	without := *c
	without.Records = others
	e, err := engine(ctx, d.DB, c.RuleSet)
	if err != nil {
		return nil, err
	}
	f := factsOf(c, others)
	if old.Step > 17 {
		if f.TransferredIn, err = transferredAfter(ctx, d.DB, c.PersonID, f.Done[17]); err != nil {
			return nil, err
		}
	}
	a, data, actor, err := buildAction(ctx, d.DB, p, &without, rules.ActStep, in.Input, date)
	if err != nil {
		return nil, err
	}
	v := e.Check(f, a)
	if !v.OK() {
		return nil, refusal(v)
	}
	data.Waived = v.Waived
	rec := old
	rec.Date, rec.Data, rec.Warnings, rec.History, rec.Attachments = date.String(), *data, v.Warnings, nil, nil
	if actor != nil {
		rec.OrgID, rec.OrgName = actor.ID, actor.Name
	}
	if err := breaks(e, &without, rec, "更正"); err != nil {
		return nil, err
	}
	all := append(slices.Clone(others), rec)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Date < all[j].Date })
	diff := changes(recordView(&old, false), recordView(&rec, false), false)
	if len(diff) == 0 {
		return nil, fail.NotAllowed("", "更正内容与原记录相同")
	}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		return writeCorrection(ctx, d, tx, c, &old, &rec, all, diff, reason, p.Username, today, e)
	})
	if db.IsUnique(err) {
		return nil, fail.Conflict("同一日期已有该步骤的记录")
	}
	if err != nil {
		return nil, err
	}
	if c, err = loadCase(ctx, d.DB, p, caseID); err != nil {
		return nil, err
	}
	return &Result{Case: c, Record: &rec, Warnings: nonNil(rec.Warnings), Waived: v.Waived}, nil
}

// writeCorrection keeps the old version, stores the new one, moves the
// person's dates and the deadlines with it, and audits, in tx.
func writeCorrection(ctx context.Context, d *core.Deps, tx *db.Tx, c *Case, old, rec *Record, all []Record, diff []string, reason, actor string, today civil.Date, e *rules.Engine) error {
	oldData, _ := json.Marshal(old.Data)
	diffJSON, _ := json.Marshal(diff)
	now := d.Now().UnixMilli()
	if _, err := tx.ExecContext(ctx, "INSERT INTO dev_record_history (record_id, case_id, on_date, org_id, data, changes, reason, actor, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
		old.ID, c.ID, old.Date, nullID(old.OrgID), string(oldData), string(diffJSON), reason, actor, now); err != nil {
		return err
	}
	data, _ := json.Marshal(rec.Data)
	warn, _ := json.Marshal(rec.Warnings)
	key := dedupKey(rules.ActStep, Input{Step: rec.Step}, mustDate(rec.Date))
	if _, err := tx.ExecContext(ctx, "UPDATE dev_records SET on_date = ?, org_id = ?, data = ?, warnings = ?, dedup = ? WHERE id = ? AND case_id = ?",
		rec.Date, nullID(rec.OrgID), string(data), string(warn), key, rec.ID, c.ID); err != nil {
		return err
	}
	c.Records = all
	f := c.facts()
	if err := redatePerson(ctx, tx, c, f, e, today); err != nil {
		return err
	}
	lastStep, lastDate := 0, ""
	for _, r := range all {
		if r.Kind == rules.ActStep && r.Step >= lastStep {
			lastStep, lastDate = r.Step, r.Date
		}
	}
	res, err := tx.ExecContext(ctx, "UPDATE dev_cases SET last_step = ?, last_date = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		lastStep, lastDate, now, c.ID, c.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fail.Conflict("该档案已被他人修改，请刷新页面后重试")
	}
	if err := syncDeadlines(ctx, tx, c, f, e, today, now); err != nil {
		return err
	}
	return d.Audit.Write(ctx, tx, audit.Event{Action: "develop.correct", ObjectType: "dev_case", ObjectID: fmt.Sprint(c.ID),
		Detail: audit.Change{
			Before: map[string]any{"record_id": old.ID, "step": old.Step, "date": old.Date, "org_id": old.OrgID, "data": old.Data},
			After:  map[string]any{"record_id": rec.ID, "step": rec.Step, "date": rec.Date, "org_id": rec.OrgID, "data": rec.Data, "reason": reason, "changes": diff}}})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// redatePerson moves the person's development dates in the registry to
// the corrected records: each step event recorded in this case, dated as
// personEvent dates it.
func redatePerson(ctx context.Context, tx *db.Tx, c *Case, f rules.Facts, e *rules.Engine, today civil.Date) error {
	dates := map[string]string{}
	for n, on := range f.Done {
		def, _ := rules.Step(n)
		if def.Event == "" {
			continue
		}
		dates[def.Event] = eventDate(def, on, f, e)
	}
	return member.Redate(ctx, tx, c.PersonID, dates, today)
}

// eventDate is the date of a step's registry event: a 预备党员 holds 党籍
// from the 支部大会 that passed them, and 转正 dates from the end of the
// 预备期.
func eventDate(def rules.StepDef, on civil.Date, f rules.Facts, e *rules.Engine) string {
	switch def.To {
	case "probationary":
		return f.Done[15].String()
	case "full":
		return rules.ProbationEnd(e.Params(on), f).String()
	}
	return on.String()
}

// caseHistory reads the earlier versions of a case's corrected records.
func caseHistory(ctx context.Context, q db.Querier, caseID int64) (map[int64][]Correction, error) {
	rows, err := q.QueryContext(ctx, `SELECT h.record_id, h.on_date, COALESCE(o.name, ''), h.data, h.changes, h.reason, `+auth.NameOf("h.actor")+`, h.created_at
		FROM dev_record_history h LEFT JOIN orgs o ON o.id = h.org_id WHERE h.case_id = ? ORDER BY h.id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]Correction{}
	for rows.Next() {
		var id int64
		var h Correction
		var data, diff string
		if err := rows.Scan(&id, &h.Date, &h.OrgName, &data, &diff, &h.Reason, &h.Actor, &h.CreatedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &h.Data); err != nil {
			return nil, fmt.Errorf("dev_record_history of %d: data: %w", id, err)
		}
		if err := json.Unmarshal([]byte(diff), &h.Changes); err != nil {
			return nil, fmt.Errorf("dev_record_history of %d: changes: %w", id, err)
		}
		out[id] = append(out[id], h)
	}
	return out, rows.Err()
}
