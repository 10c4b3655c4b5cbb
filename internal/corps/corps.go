// Package corps is 党务工作者队伍: the roster of everyone doing party work
// (专职/兼职, 民警/辅警/职工, their post, organisation and appointment date),
// exits with their reasons, the turnover figures that follow (leavers per
// year, average tenure, the share of 辅警, key posts held by 专职民警),
// awards for party work beside awards for police work, and the yearly
// 优秀党务工作者 nomination that records its honour in the honours
// registry. The roster is also the 党务工作者 audience of training and exams
// (member.WorkerSQL).
package corps

import (
	"strings"
	"unicode/utf8"

	"hongdun/internal/member"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
)

// Posts of party work, in display order.
var Posts = choice.List{{Code: "secretary", Label: "书记"}, {Code: "deputy", Label: "副书记"}, {Code: "organiser", Label: "组织委员"}, {Code: "publicity", Label: "宣传委员"},
	{Code: "discipline", Label: "纪检委员"}, {Code: "clerk", Label: "党务干事"}, {Code: "other", Label: "其他党务岗位"}}

// KeyPosts are the posts the speech asks 专职民警 to hold.
var KeyPosts = map[string]bool{"secretary": true, "deputy": true, "organiser": true}

// Duties: 专职 (party work is the job) or 兼职 (beside police work).
var Duties = choice.List{{Code: Full, Label: "专职"}, {Code: Part, Label: "兼职"}}

// Duty codes.
const (
	Full = "full"
	Part = "part"
)

// Categories are the person kinds the roster counts (member categories).
var Categories = member.Categories

// Auxiliary is the 辅警 category, whose share the turnover figures show.
const Auxiliary = "辅警"

// Police is the 民警 category.
const Police = "民警"

// LeaveReasons are why someone leaves a post.
var LeaveReasons = choice.List{{Code: "exam", Label: "考试录用离岗"}, {Code: "transfer", Label: "工作调动"}, {Code: "resign", Label: "辞职"}, {Code: "retire", Label: "退休"},
	{Code: "rotation", Label: "岗位轮换"}, {Code: "election", Label: "换届离任"}, {Code: "unfit", Label: "考核不称职调整"}, {Code: "other", Label: "其他"}}

// Worker is one appointment on the roster.
type Worker struct {
	ID          int64   `json:"id"`
	PersonID    int64   `json:"person_id"`
	Name        string  `json:"name"`
	OrgID       int64   `json:"org_id"`
	OrgName     string  `json:"org_name"`
	Post        string  `json:"post"`
	PostLabel   string  `json:"post_label"`
	Duty        string  `json:"duty"`
	DutyLabel   string  `json:"duty_label"`
	Category    string  `json:"category"`
	AppointedOn string  `json:"appointed_on"`
	LeftOn      string  `json:"left_on,omitempty"`
	LeaveReason string  `json:"leave_reason,omitempty"`
	ReasonLabel string  `json:"leave_reason_label,omitempty"`
	LeaveNote   string  `json:"leave_note,omitempty"`
	Note        string  `json:"note"`
	Tenure      float64 `json:"tenure_years"` // to today, or to the day they left
	Version     int     `json:"version"`
	orgPath     string
}

// Active reports whether the worker holds the post on day (YYYY-MM-DD).
func (w *Worker) Active(day string) bool {
	return w.AppointedOn <= day && (w.LeftOn == "" || w.LeftOn > day)
}

// finish fills the labels and the tenure as of today.
func (w *Worker) finish(today string) {
	w.PostLabel, w.DutyLabel, w.ReasonLabel = Posts.Label(w.Post), Duties.Label(w.Duty), LeaveReasons.Label(w.LeaveReason)
	end := today
	if w.LeftOn != "" && w.LeftOn < today {
		end = w.LeftOn
	}
	w.Tenure = tenure(w.AppointedOn, end)
}

// tenure is the years from one day to another, to one decimal.
func tenure(from, to string) float64 {
	a, err1 := civil.Parse(from)
	b, err2 := civil.Parse(to)
	if err1 != nil || err2 != nil || b.Before(a) {
		return 0
	}
	return round1(float64(a.DaysUntil(b)) / 365.25)
}

func round1(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }

// Input appoints someone (or, with Version, changes an appointment).
type Input struct {
	PersonID    int64  `json:"person_id"`
	OrgID       int64  `json:"org_id"`
	Post        string `json:"post"`
	Duty        string `json:"duty"`
	Category    string `json:"category"` // empty: the person's own
	AppointedOn string `json:"appointed_on"`
	Note        string `json:"note"`
	Version     int    `json:"version,omitempty"`
}

// check validates the fields that need no database, every problem named.
func (in *Input) check(today civil.Date) error {
	var fs fail.Fields
	in.Note = strings.TrimSpace(in.Note)
	if in.PersonID <= 0 {
		fs = append(fs, fail.Malformed("person_id", "请选择党务工作者本人（党员）"))
	}
	if in.OrgID <= 0 {
		fs = append(fs, fail.Malformed("org_id", "请选择所在党组织"))
	}
	if Posts.Label(in.Post) == "" {
		fs = append(fs, fail.Malformed("post", "岗位应为书记、副书记、组织委员、宣传委员、纪检委员、党务干事或其他党务岗位"))
	}
	if Duties.Label(in.Duty) == "" {
		fs = append(fs, fail.Malformed("duty", "请选择专职或兼职"))
	}
	if in.Category != "" && !oneOf(in.Category, Categories) {
		fs = append(fs, fail.Malformed("category", "人员类别应为民警、辅警、职工或离退休"))
	}
	if d, err := civil.Parse(in.AppointedOn); err != nil {
		fs = append(fs, fail.Malformed("appointed_on", "任职日期应为有效日期（如 2026-01-31）"))
	} else if d.After(today) {
		fs = append(fs, fail.Malformed("appointed_on", "任职日期不能晚于今天"))
	} else if d.Year() < 1949 {
		fs = append(fs, fail.Malformed("appointed_on", "任职日期不早于 1949 年"))
	} else {
		in.AppointedOn = d.String()
	}
	if msg := plaintext.Lines("备注", in.Note); msg != "" {
		fs = append(fs, fail.Malformed("note", msg))
	} else if utf8.RuneCountInString(in.Note) > 500 {
		fs = append(fs, fail.Malformed("note", "备注不超过 500 字"))
	}
	if len(fs) > 0 {
		return fs
	}
	return nil
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Exit ends an appointment.
type Exit struct {
	LeftOn  string `json:"left_on"`
	Reason  string `json:"reason"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

func (ex *Exit) check(w *Worker, today civil.Date) error {
	ex.Note = strings.TrimSpace(ex.Note)
	var fs fail.Fields
	if d, err := civil.Parse(ex.LeftOn); err != nil {
		fs = append(fs, fail.Malformed("left_on", "离岗日期应为有效日期（如 2026-01-31）"))
	} else if d.After(today) {
		fs = append(fs, fail.Malformed("left_on", "离岗日期不能晚于今天"))
	} else if d.String() <= w.AppointedOn {
		fs = append(fs, fail.Malformed("left_on", "离岗日期应晚于任职日期 "+w.AppointedOn))
	} else {
		ex.LeftOn = d.String()
	}
	if LeaveReasons.Label(ex.Reason) == "" {
		fs = append(fs, fail.Malformed("reason", "请选择离岗原因"))
	}
	if msg := plaintext.Lines("离岗说明", ex.Note); msg != "" {
		fs = append(fs, fail.Malformed("note", msg))
	} else if utf8.RuneCountInString(ex.Note) > 500 {
		fs = append(fs, fail.Malformed("note", "离岗说明不超过 500 字"))
	}
	if len(fs) > 0 {
		return fs
	}
	return nil
}
