package member

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/plaintext"
)

var (
	mobileRe   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRe = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}$`)
)

// dateFields in the order party history requires them to be.
var dateFields = []struct {
	field, label string
	get          func(*Person) *string
	stage        int // the status stage that this date begins
}{
	{"birth_date", "出生日期", func(p *Person) *string { return &p.BirthDate }, 0},
	{"apply_date", "申请入党日期", func(p *Person) *string { return &p.ApplyDate }, 1},
	{"activist_date", "确定入党积极分子日期", func(p *Person) *string { return &p.ActivistDate }, 2},
	{"candidate_date", "确定发展对象日期", func(p *Person) *string { return &p.CandidateDate }, 3},
	{"join_date", "入党日期", func(p *Person) *string { return &p.JoinDate }, 4},
	{"full_date", "转正日期", func(p *Person) *string { return &p.FullDate }, 5},
}

// textFields are the fields a person's text is checked in for invisible
// characters, with the labels the messages name them by.
var textFields = []struct {
	field, label string
	get          func(*Person) *string
}{
	{"name", "姓名", func(p *Person) *string { return &p.Name }},
	{"gender", "性别", func(p *Person) *string { return &p.Gender }},
	{"ethnicity", "民族", func(p *Person) *string { return &p.Ethnicity }},
	{"id_number", "公民身份号码", func(p *Person) *string { return &p.IDNumber }},
	{"phone", "联系电话", func(p *Person) *string { return &p.Phone }},
	{"education", "学历", func(p *Person) *string { return &p.Education }},
	{"category", "人员类别", func(p *Person) *string { return &p.Category }},
	{"post", "职务/警衔", func(p *Person) *string { return &p.Post }},
	{"mobile_place", "流入地", func(p *Person) *string { return &p.MobilePlace }},
}

// Validate normalises p in place (trims text, upgrades the ID number to 18
// digits, fills birth date and gender from it, computes pinyin) and returns
// every problem found, each naming its field in Chinese. today bounds dates.
func Validate(p *Person, today civil.Date) fail.Fields {
	var errs fail.Fields
	bad := func(field, format string, a ...any) {
		errs = append(errs, fail.Malformed(field, fmt.Sprintf(format, a...)))
	}
	for _, s := range []*string{&p.Name, &p.Gender, &p.Ethnicity, &p.BirthDate, &p.IDNumber, &p.Phone, &p.Education, &p.Category,
		&p.Post, &p.Status, &p.ApplyDate, &p.ActivistDate, &p.CandidateDate, &p.JoinDate, &p.FullDate, &p.LeftDate, &p.MobilePlace, &p.LostSince} {
		*s = strings.TrimSpace(*s)
	}
	// Invisible and control characters first, before spaces are folded: a
	// tab or a right-to-left override in a name is refused, not hidden.
	invisible := map[string]bool{}
	for _, f := range textFields {
		if msg := plaintext.Line(f.label, *f.get(p)); msg != "" {
			bad(f.field, "%s", msg)
			invisible[f.field] = true
		}
	}
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	switch n := utf8.RuneCountInString(p.Name); {
	case invisible["name"]:
	case n == 0:
		bad("name", "姓名不能为空")
	case n > 40:
		bad("name", "姓名过长（最多 40 个字）")
	}
	p.Pinyin, p.Initials = PinyinOf(p.Name)
	if p.OrgID <= 0 {
		bad("org_id", "请选择所在党组织")
	}
	if p.IDNumber != "" {
		if id, err := idcard.Normalize(p.IDNumber); err != nil {
			bad("id_number", "%s", err.Error())
		} else {
			p.IDNumber = id
			if p.BirthDate == "" {
				p.BirthDate = idcard.Birth(id)
			} else if p.BirthDate != idcard.Birth(id) {
				bad("birth_date", "出生日期 %s 与公民身份号码中的 %s 不一致", p.BirthDate, idcard.Birth(id))
			}
			if p.Gender == "" {
				p.Gender = idcard.Gender(id)
			} else if p.Gender != idcard.Gender(id) {
				bad("gender", "性别“%s”与公民身份号码不一致（号码显示为%s）", p.Gender, idcard.Gender(id))
			}
		}
	}
	if !oneOf(p.Gender, Genders) {
		bad("gender", "性别应为“男”或“女”")
	}
	if p.Ethnicity == "" {
		p.Ethnicity = "汉族"
	}
	if !oneOf(p.Ethnicity, Ethnicities) {
		bad("ethnicity", "民族“%s”不是 56 个民族之一（请写全称，如“汉族”“蒙古族”）", p.Ethnicity)
	}
	if p.Education != "" && !oneOf(p.Education, Educations) {
		bad("education", "学历应为：%s", strings.Join(Educations, "、"))
	}
	if p.Category != "" && !oneOf(p.Category, Categories) {
		bad("category", "人员类别应为：%s", strings.Join(Categories, "、"))
	} else if p.Category == RetiredStaff && oneOf(p.Status, PartyStatuses) {
		bad("category", "人员类别“%s”用于不是党员的退休职工；党员退休后人员类别为“离退休”", RetiredStaff)
	}
	if utf8.RuneCountInString(p.Post) > 50 {
		bad("post", "职务/警衔过长（最多 50 个字）")
	}
	if p.Phone != "" {
		p.Phone = phoneSpaces.Replace(p.Phone)
		if !mobileRe.MatchString(p.Phone) && !landlineRe.MatchString(p.Phone) {
			bad("phone", "联系电话应为 11 位手机号码或带区号的固定电话")
		}
	}
	if StatusLabel(p.Status) == "" {
		bad("status", "党员状态无效")
	}
	errs = append(errs, validateDates(p, today)...)
	if p.Mobile && p.MobilePlace == "" {
		bad("mobile_place", "流动党员须填写流入地（外出地点）")
	}
	if utf8.RuneCountInString(p.MobilePlace) > 100 {
		bad("mobile_place", "流入地过长（最多 100 个字）")
	}
	if !p.Mobile {
		p.MobilePlace = ""
	}
	if p.LostContact && p.LostSince == "" {
		bad("lost_since", "失联党员须填写失联起始日期")
	}
	if !p.LostContact {
		p.LostSince = ""
	}
	return errs
}

// validateDates checks that each date is real and not in the future, that
// the party history runs in order, that the person joined at 18 or older
// and that the dates match the status.
func validateDates(p *Person, today civil.Date) fail.Fields {
	var errs fail.Fields
	bad := func(field, format string, a ...any) {
		errs = append(errs, fail.Malformed(field, fmt.Sprintf(format, a...)))
	}
	parse := func(field, label, s string) (civil.Date, bool) {
		if s == "" {
			return civil.Date{}, false
		}
		d, err := civil.Parse(s)
		if err != nil {
			bad(field, "%s“%s”不是真实的日期（如 2026-01-31）", label, s)
			return civil.Date{}, false
		}
		if d.After(today) {
			bad(field, "%s %s 晚于今天", label, s)
			return civil.Date{}, false
		}
		return d, true
	}
	if p.BirthDate == "" {
		bad("birth_date", "请填写出生日期（或公民身份号码）")
	}
	var prev civil.Date
	prevLabel := ""
	dates := map[string]civil.Date{}
	for _, f := range dateFields {
		d, ok := parse(f.field, f.label, *f.get(p))
		if !ok {
			continue
		}
		dates[f.field] = d
		if prevLabel != "" && d.Before(prev) {
			bad(f.field, "%s %s 早于%s %s", f.label, d, prevLabel, prev)
		}
		prev, prevLabel = d, f.label
		if s := stage[p.Status]; (s > 0 || p.Status == Masses) && f.stage > s {
			bad(f.field, "状态为“%s”的人员不应有%s", StatusLabel(p.Status), f.label)
		}
	}
	if b, ok := dates["birth_date"]; ok {
		if j, ok := dates["join_date"]; ok && civil.YearsBetween(b, j) < 18 {
			bad("join_date", "入党时未满 18 周岁（出生于 %s，入党于 %s）", b, j)
		}
	}
	if j, ok := dates["join_date"]; ok {
		if f, ok := dates["full_date"]; ok && !f.After(j) {
			bad("full_date", "转正日期应晚于入党日期 %s", j)
		}
	}
	for _, need := range []struct{ status, field, label string }{
		{"applicant", "apply_date", "申请入党日期"}, {"activist", "activist_date", "确定入党积极分子日期"},
		{"candidate", "candidate_date", "确定发展对象日期"}, {"probationary", "join_date", "入党日期"},
		{"full", "join_date", "入党日期"}, {"full", "full_date", "转正日期"},
		{"suspended", "left_date", "停止党籍日期"}, {"transferred", "left_date", "转出日期"}, {"deceased", "left_date", "去世日期"},
		{"cancelled", "left_date", "取消预备党员资格日期"},
	} {
		if p.Status == need.status && *fieldPtr(p, need.field) == "" {
			bad(need.field, "状态为“%s”时须填写%s", StatusLabel(p.Status), need.label)
		}
	}
	left, okLeft := parse("left_date", "离开日期", p.LeftDate)
	if okLeft && !prev.IsZero() && left.Before(prev) {
		bad("left_date", "停止党籍、转出或去世日期 %s 早于%s %s", left, prevLabel, prev)
	}
	if (stage[p.Status] > 0 || p.Status == Masses) && p.LeftDate != "" {
		bad("left_date", "状态为“%s”的人员不应有离开日期", StatusLabel(p.Status))
	}
	parse("lost_since", "失联起始日期", p.LostSince)
	return errs
}

func fieldPtr(p *Person, field string) *string {
	switch field {
	case "left_date":
		return &p.LeftDate
	}
	for _, f := range dateFields {
		if f.field == field {
			return f.get(p)
		}
	}
	panic("unknown date field " + field)
}

// phoneSpaces strips ASCII and full-width spaces from phone numbers; built
// once because Validate runs for every imported row.
var phoneSpaces = strings.NewReplacer(" ", "", "　", "")
