package member

import (
	"strings"
	"testing"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/idcard"
)

var today = civil.MustParse("2026-05-01")

// validPerson is a consistent 正式党员 record.
func validPerson() Person {
	return Person{OrgID: 1, Name: "张三", IDNumber: idcard.WithCheckDigit("11010519800307123"), Phone: "13812345678",
		Education: "大学本科", Category: "民警", Status: "full", ApplyDate: "2001-03-01", ActivistDate: "2001-09-01",
		CandidateDate: "2002-09-01", JoinDate: "2003-07-01", FullDate: "2004-07-01"}
}

func TestValidateAcceptsAndNormalises(t *testing.T) {
	p := validPerson()
	p.IDNumber = strings.ToLower(p.IDNumber)
	if errs := Validate(&p, today); len(errs) > 0 {
		t.Fatal(errs)
	}
	if p.BirthDate != "1980-03-07" || p.Gender != "男" || p.Ethnicity != "汉族" || p.Pinyin != "zhangsan" || p.Initials != "zs" {
		t.Fatalf("not normalised: %+v", p)
	}
	legacy := validPerson()
	legacy.IDNumber = "110105800307123" // 15-digit legacy number
	if errs := Validate(&legacy, today); len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(legacy.IDNumber) != 18 || legacy.IDNumber[:8] != "11010519" {
		t.Fatalf("15-digit number not upgraded: %s", legacy.IDNumber)
	}
	x := Person{OrgID: 1, Name: "李四", IDNumber: "11010519491231002x", Status: "applicant", ApplyDate: "2020-01-01"}
	if errs := Validate(&x, today); len(errs) > 0 || !strings.HasSuffix(x.IDNumber, "X") {
		t.Fatalf("lowercase x: %v %s", errs, x.IDNumber)
	}
}

func TestValidateRefuses(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(p *Person)
		field string
	}{
		{"bad check digit", func(p *Person) { p.IDNumber = p.IDNumber[:17] + "0" }, "id_number"},
		{"impossible date", func(p *Person) { p.IDNumber = ""; p.BirthDate = "1980-02-30" }, "birth_date"},
		{"future date", func(p *Person) { p.FullDate = "2027-01-01" }, "full_date"},
		{"under 18 at joining", func(p *Person) {
			p.IDNumber, p.BirthDate, p.ApplyDate, p.ActivistDate, p.CandidateDate = "", "1990-07-02", "", "", ""
			p.JoinDate, p.FullDate = "2008-07-01", "2009-07-01"
		}, "join_date"},
		{"out of order", func(p *Person) { p.CandidateDate = "2001-06-01" }, "candidate_date"},
		{"full before join", func(p *Person) { p.FullDate = "2003-07-01" }, "full_date"},
		{"full without full date", func(p *Person) { p.FullDate = "" }, "full_date"},
		{"applicant with a join date", func(p *Person) { p.Status = "applicant"; p.FullDate = "" }, "activist_date"},
		{"unknown ethnicity", func(p *Person) { p.Ethnicity = "火星族" }, "ethnicity"},
		{"unknown education", func(p *Person) { p.Education = "博士后" }, "education"},
		{"unknown category", func(p *Person) { p.Category = "协警" }, "category"},
		{"unknown status", func(p *Person) { p.Status = "boss" }, "status"},
		{"gender contradicts ID", func(p *Person) { p.Gender = "女" }, "gender"},
		{"bad phone", func(p *Person) { p.Phone = "12345" }, "phone"},
		{"empty name", func(p *Person) { p.Name = "  " }, "name"},
		{"mobile without place", func(p *Person) { p.Mobile = true }, "mobile_place"},
		{"lost without date", func(p *Person) { p.LostContact = true }, "lost_since"},
		{"deceased without date", func(p *Person) { p.Status = "deceased" }, "left_date"},
	} {
		p := validPerson()
		c.edit(&p)
		errs := Validate(&p, today)
		if errs.Of(c.field) == "" {
			t.Errorf("%s: want an error on %s, got %v", c.name, c.field, errs)
		}
	}
}

func TestJoinedOnEighteenthBirthday(t *testing.T) {
	p := Person{OrgID: 1, Name: "王五", Gender: "女", BirthDate: "2004-02-29", Status: "probationary", JoinDate: "2022-02-28"}
	if errs := Validate(&p, today); len(errs) > 0 {
		t.Fatalf("18 on 2022-02-28 (民法典 第二百零二条): %v", errs)
	}
}

func TestPartyYears(t *testing.T) {
	p := validPerson()
	if n := PartyYears(&p, civil.MustParse("2024-06-30")); n != 19 {
		t.Fatalf("党龄 = %d, want 19 (counted from 转正, not 入党)", n)
	}
	if n := PartyYears(&p, civil.MustParse("2024-07-01")); n != 20 {
		t.Fatalf("党龄 on the anniversary = %d, want 20", n)
	}
}

func TestAgeBand(t *testing.T) {
	for s, want := range map[string][2]int{"31-35": {31, 35}, "-30": {-1, 30}, "61-": {61, -1}, "61+": {61, -1}, "40": {40, 40}} {
		lo, hi, err := ageBand(s)
		if err != nil || lo != want[0] || hi != want[1] {
			t.Errorf("ageBand(%q) = %d, %d, %v", s, lo, hi, err)
		}
	}
	for _, s := range []string{"x", "35-31", "-", "1-2-3"} {
		if _, _, err := ageBand(s); err == nil {
			t.Errorf("ageBand(%q) accepted", s)
		}
	}
}

// A name that reads backwards (U+202E) or hides a zero-width space looks
// like another person's in every list: refused, naming the field.
func TestValidateRefusesInvisibleCharacters(t *testing.T) {
	for _, c := range []struct {
		edit         func(p *Person, s string)
		field, label string
	}{
		{func(p *Person, s string) { p.Name = "张" + s + "三" }, "name", "姓名"},
		{func(p *Person, s string) { p.Post = "科" + s + "长" }, "post", "职务/警衔"},
		{func(p *Person, s string) { p.Mobile, p.MobilePlace = true, "广东省"+s+"深圳市" }, "mobile_place", "流入地"},
		{func(p *Person, s string) { p.Ethnicity = "汉" + s + "族" }, "ethnicity", "民族"},
	} {
		for _, s := range []string{"\u202e", "\u202d", "\u2066", "\u2069", "\u200b", "\u200d", "\u200f", "\ufeff", "\x07", "\u0085", "\t", "\n"} {
			p := validPerson()
			c.edit(&p, s)
			errs := Validate(&p, today)
			if !strings.HasPrefix(errs.Of(c.field), c.label) {
				t.Errorf("%s with %q: %v", c.field, s, errs)
			}
		}
	}
	p := validPerson()
	p.Name = "\u202e三张"
	if errs := Validate(&p, today); (len(errs) == 0 || errs[0].Field != "name") || !strings.Contains(errs.Error(), "U+202E") {
		t.Fatalf("override in a name: %v", errs)
	}
	// Spaces around and inside are still folded, not refused.
	p = validPerson()
	p.Name = " 阿依古丽  买买提 "
	if errs := Validate(&p, today); len(errs) > 0 || p.Name != "阿依古丽 买买提" {
		t.Fatalf("spaces: %v %q", errs, p.Name)
	}
}
