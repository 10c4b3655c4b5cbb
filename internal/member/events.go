package member

import (
	"context"
	"fmt"
	"time"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/rules"
)

// Event is one dated entry of a person's party history.
type Event struct {
	ID        int64  `json:"id"`
	PersonID  int64  `json:"person_id"`
	Kind      string `json:"kind"`
	KindLabel string `json:"kind_label"`
	OnDate    string `json:"on_date"`
	OrgID     int64  `json:"org_id,omitempty"` // transfer_in: the receiving organisation
	Note      string `json:"note"`
	CreatedAt int64  `json:"created_at"`
}

// eventKind says what an event does to the person record.
type eventKind struct {
	label string
	from  []string // statuses it may follow; empty: any but transferred/deceased
	apply func(p *Person, ev *Event)
}

var eventKinds = map[string]eventKind{
	"apply":     {"递交入党申请书", []string{Masses, "applicant"}, func(p *Person, ev *Event) { p.Status, p.ApplyDate = "applicant", ev.OnDate }},
	"activist":  {"确定为入党积极分子", []string{"applicant"}, func(p *Person, ev *Event) { p.Status, p.ActivistDate = "activist", ev.OnDate }},
	"candidate": {"确定为发展对象", []string{"activist"}, func(p *Person, ev *Event) { p.Status, p.CandidateDate = "candidate", ev.OnDate }},
	"join":      {"接收为预备党员（入党）", []string{"candidate"}, func(p *Person, ev *Event) { p.Status, p.JoinDate = "probationary", ev.OnDate }},
	"extend":    {"延长预备期", []string{"probationary"}, func(*Person, *Event) {}},
	"full":      {"转为正式党员", []string{"probationary"}, func(p *Person, ev *Event) { p.Status, p.FullDate = "full", ev.OnDate }},
	"cancel":    {"取消预备党员资格", []string{"probationary"}, func(p *Person, ev *Event) { p.Status, p.LeftDate = "cancelled", ev.OnDate }},
	"suspend":   {"停止党籍", []string{"probationary", "full"}, func(p *Person, ev *Event) { p.Status, p.LeftDate = "suspended", ev.OnDate }},
	"restore": {"恢复党籍", []string{"suspended"}, func(p *Person, ev *Event) {
		p.Status, p.LeftDate, p.AbroadSince = "probationary", "", ""
		if p.FullDate != "" {
			p.Status = "full"
		}
	}},
	"transfer_in": {"组织关系转入", nil, func(p *Person, ev *Event) {
		p.OrgID = ev.OrgID
		if p.Status == "transferred" { // back from outside: the party standing resumes
			p.Status, p.LeftDate = "probationary", ""
			if p.FullDate != "" {
				p.Status = "full"
			}
		}
	}},
	"transfer_out": {"组织关系转出", nil, func(p *Person, ev *Event) { p.Status, p.LeftDate = "transferred", ev.OnDate }},
	"death":        {"去世", nil, func(p *Person, ev *Event) { p.Status, p.LeftDate = "deceased", ev.OnDate }},
	"mobile":       {"外出流动", nil, func(p *Person, ev *Event) { p.Mobile, p.MobilePlace = true, ev.Note }},
	"mobile_end":   {"结束流动", nil, func(p *Person, ev *Event) { p.Mobile, p.MobilePlace = false, "" }},
	"lost":         {"失去联系", nil, func(p *Person, ev *Event) { p.LostContact, p.LostSince = true, ev.OnDate }},
	"found":        {"恢复联系", nil, func(p *Person, ev *Event) { p.LostContact, p.LostSince = false, "" }},
	"abroad":       {"出国（境）定居", []string{"probationary", "full"}, func(p *Person, ev *Event) { p.AbroadSince = ev.OnDate }},
	"observe":      {"留党察看", []string{"full"}, func(p *Person, ev *Event) { p.ObservedSince = ev.OnDate }},
	"observe_end":  {"留党察看期满，恢复党员权利", []string{"full"}, func(p *Person, ev *Event) { p.ObservedSince = "" }},
}

// EventKinds lists the event codes in the order a form offers them.
var EventKinds = []string{"apply", "activist", "candidate", "join", "extend", "full", "cancel", "suspend", "restore",
	"transfer_in", "transfer_out", "death", "mobile", "mobile_end", "lost", "found", "abroad", "observe", "observe_end"}

// EventLabel is the Chinese name of an event code.
func EventLabel(kind string) string { return eventKinds[kind].label }

// RecordEvent records a party-history event and applies it to the person
// (status, the matching date column, flags) in the caller's transaction. It
// returns the updated person, or a refusal naming the field when the event
// does not fit the record. The caller audits.
func RecordEvent(ctx context.Context, tx *db.Tx, personID int64, ev Event, today civil.Date) (*Person, error) {
	k, ok := eventKinds[ev.Kind]
	if !ok {
		return nil, fail.Malformed("kind", "事项类型无效")
	}
	r, err := getRow(ctx, tx, nil, personID)
	if err != nil {
		return nil, err
	}
	p := &r.Person
	if err := eventFits(p, k, &ev, today); err != nil {
		return nil, err
	}
	k.apply(p, &ev)
	if err := saveHistory(ctx, tx, p, today); err != nil {
		return nil, err
	}
	var org any
	if ev.OrgID != 0 {
		org = ev.OrgID
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO person_events (person_id, kind, on_date, org_id, note, created_at) VALUES (?,?,?,?,?,?)",
		personID, ev.Kind, ev.OnDate, org, ev.Note, time.Now().UnixMilli()); err != nil {
		return nil, err
	}
	return p, nil
}

// ApplyEvents applies events to a person in memory, in order, each fitting
// the status the one before left; a person about to be inserted takes its
// status and dates so (then InsertEvents keeps the history).
func ApplyEvents(p *Person, evs []Event, today civil.Date) error {
	for i := range evs {
		k, ok := eventKinds[evs[i].Kind]
		if !ok {
			return fail.Malformed("kind", "事项类型无效")
		}
		if err := eventFits(p, k, &evs[i], today); err != nil {
			return err
		}
		k.apply(p, &evs[i])
	}
	return nil
}

// RecordEventsMany records the party-history events of many registered
// people at once, each person's in order (a 发展党员台账 imported with its
// steps): the people read in chunks, each written once, with prepared
// statements. The caller audits.
func RecordEventsMany(ctx context.Context, tx *db.Tx, evs map[int64][]Event, today civil.Date) error {
	ids := make([]int64, 0, len(evs))
	for id, es := range evs {
		if len(es) > 0 {
			ids = append(ids, id)
		}
	}
	upd, err := tx.PrepareContext(ctx, rebind(tx, historySQL))
	if err != nil {
		return err
	}
	defer upd.Close()
	for len(ids) > 0 {
		chunk := ids[:min(500, len(ids))]
		ids = ids[len(chunk):]
		in, args := db.In(chunk)
		rows, err := tx.QueryContext(ctx, "SELECT "+selectCols+" FROM persons p JOIN orgs o ON o.id = p.org_id WHERE p.id IN ("+in+")", args...)
		if err != nil {
			return err
		}
		var ps []*Person
		for rows.Next() {
			r, err := scanPerson(rows, nil, today)
			if err != nil {
				rows.Close()
				return err
			}
			ps = append(ps, &r.Person)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, p := range ps {
			if err := ApplyEvents(p, evs[p.ID], today); err != nil {
				return fmt.Errorf("%s：%w", p.Name, err)
			}
			if errs := Validate(p, today); len(errs) > 0 {
				return fmt.Errorf("%s：%w", p.Name, errs)
			}
			res, err := upd.ExecContext(ctx, historyArgs(p)...)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrConflict
			}
		}
	}
	return InsertEvents(ctx, tx, evs)
}

// InsertEvents stores events already applied to people, by person.
func InsertEvents(ctx context.Context, tx *db.Tx, evs map[int64][]Event) error {
	ins, err := tx.PrepareContext(ctx, rebind(tx, "INSERT INTO person_events (person_id, kind, on_date, note, created_at) VALUES (?,?,?,?,?)"))
	if err != nil {
		return err
	}
	defer ins.Close()
	now := time.Now().UnixMilli()
	for id, es := range evs {
		for _, ev := range es {
			if _, err := ins.ExecContext(ctx, id, ev.Kind, ev.OnDate, ev.Note, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// saveHistory validates p and stores its organisation, status, dates and flags.
func saveHistory(ctx context.Context, tx *db.Tx, p *Person, today civil.Date) error {
	if errs := Validate(p, today); len(errs) > 0 {
		return errs
	}
	res, err := tx.ExecContext(ctx, historySQL, historyArgs(p)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrConflict
	}
	p.Version++
	p.fill(today)
	return nil
}

const historySQL = `UPDATE persons SET org_id = ?, org_path = (SELECT path FROM orgs WHERE id = ?), status = ?, apply_date = ?, activist_date = ?, candidate_date = ?, join_date = ?,
		full_date = ?, left_date = ?, mobile = ?, mobile_place = ?, lost_contact = ?, lost_since = ?, abroad_since = ?, observed_since = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`

func historyArgs(p *Person) []any {
	return []any{p.OrgID, p.OrgID, p.Status, nullable(p.ApplyDate), nullable(p.ActivistDate), nullable(p.CandidateDate),
		nullable(p.JoinDate), nullable(p.FullDate), nullable(p.LeftDate), db.Int(p.Mobile), p.MobilePlace, db.Int(p.LostContact),
		nullable(p.LostSince), nullable(p.AbroadSince), nullable(p.ObservedSince), core.Stamp(), p.ID, p.Version}
}

func eventFits(p *Person, k eventKind, ev *Event, today civil.Date) error {
	d, err := civil.Parse(ev.OnDate)
	if err != nil {
		return fail.Malformed("on_date", "日期“"+ev.OnDate+"”不是真实的日期（如 2026-01-31）")
	}
	if d.After(today) {
		return fail.Malformed("on_date", "日期不能晚于今天")
	}
	ev.OnDate = d.String()
	if k.from == nil && (p.Status == "transferred" || p.Status == "deceased") && ev.Kind != "transfer_in" {
		return fail.Malformed("kind", fmt.Sprintf("人员状态为“%s”，不能登记“%s”", StatusLabel(p.Status), k.label))
	}
	if k.from != nil && !oneOf(p.Status, k.from) {
		return fail.Malformed("kind", fmt.Sprintf("人员状态为“%s”，不能登记“%s”", StatusLabel(p.Status), k.label))
	}
	if ev.Kind == "transfer_in" && ev.OrgID == 0 {
		return fail.Malformed("org_id", "组织关系转入须指明转入的党组织")
	}
	if ev.Kind == "mobile" && ev.Note == "" {
		return fail.Malformed("note", "外出流动须在备注中填写流入地")
	}
	if ev.Kind == "observe_end" && p.ObservedSince == "" {
		return fail.Malformed("kind", "本人未在留党察看期间，不能登记“"+k.label+"”")
	}
	if ev.Kind == "suspend" {
		return suspendable(p, d)
	}
	return nil
}

// suspendable refuses a 停止党籍 on a date whose grounds the record does
// not hold (R-suspend): out of contact for the rule's months by then, or
// settled abroad (出国（境）定居) on or before it.
func suspendable(p *Person, on civil.Date) error {
	r := rules.Default("R-suspend")
	m := r.Value("months")
	if p.AbroadSince != "" && p.AbroadSince <= on.String() {
		return nil
	}
	if since, err := civil.Parse(p.LostSince); p.LostContact && err == nil {
		due := since.AddMonths(m)
		if !on.Before(due) {
			return nil
		}
		return fail.Rule(r.ID, r.Citation, fmt.Sprintf("自%s失去联系，至%s未满%d个月，不能停止党籍；可于%s（含）后停止党籍",
			since.Chinese(), on.Chinese(), m, due.Chinese())).Titled(r.Title, due.String(), "")
	}
	return fail.Rule(r.ID, r.Citation, fmt.Sprintf("停止党籍只适用于失去联系%d个月以上、经多方查找仍无法取得联系的党员，或出国（境）定居的党员；"+
		"本人未登记“失去联系”或“出国（境）定居”", m)).Titled(r.Title, "", "")
}

// SetStatus sets a person's status without recording an event (for
// corrections, and workflows that keep their own history). The record must
// stay consistent: e.g. "full" needs the 入党 and 转正 dates. The caller audits.
func SetStatus(ctx context.Context, tx *db.Tx, personID int64, status string, today civil.Date) error {
	r, err := getRow(ctx, tx, nil, personID)
	if err != nil {
		return err
	}
	r.Status = status
	return saveHistory(ctx, tx, &r.Person, today)
}

// Events lists a person's recorded events, oldest first.
func Events(ctx context.Context, q db.Querier, personID int64) ([]Event, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, person_id, kind, on_date, COALESCE(org_id, 0), note, created_at FROM person_events WHERE person_id = ? ORDER BY on_date, id", personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.PersonID, &e.Kind, &e.OnDate, &e.OrgID, &e.Note, &e.CreatedAt); err != nil {
			return nil, err
		}
		e.KindLabel = EventLabel(e.Kind)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Redate corrects the dates of party-history events already recorded (a
// corrected 发展党员 record), keyed by event kind: the person's matching
// date column and the date of the event's entry, in the caller's
// transaction. The status stays; the caller audits.
func Redate(ctx context.Context, tx *db.Tx, personID int64, dates map[string]string, today civil.Date) error {
	r, err := getRow(ctx, tx, nil, personID)
	if err != nil {
		return err
	}
	p := &r.Person
	status := p.Status
	for kind, on := range dates {
		k, ok := eventKinds[kind]
		if !ok {
			return fail.Malformed("kind", "事项类型无效")
		}
		k.apply(p, &Event{Kind: kind, OnDate: on})
		if _, err := tx.ExecContext(ctx, "UPDATE person_events SET on_date = ? WHERE person_id = ? AND kind = ?", on, personID, kind); err != nil {
			return err
		}
	}
	p.Status = status
	return saveHistory(ctx, tx, p, today)
}
