// Package member is the member registry: person records (separate from login
// accounts), their party status and dated party history, search, and the
// pages and API that show and change them. Other features (importer, demo
// data, development workflow, transfers) call the exported store functions.
package member

import (
	"hongdun/internal/platform/civil"
)

// Person is one person record. IDNumber and Phone hold plaintext only in
// memory (they are sealed with SM4 at rest) and never appear in JSON; the
// masked forms do.
type Person struct {
	ID            int64  `json:"id"`
	OrgID         int64  `json:"org_id"`
	OrgName       string `json:"org_name,omitempty"`
	Name          string `json:"name"`
	Pinyin        string `json:"pinyin"`
	Initials      string `json:"initials"`
	Gender        string `json:"gender"`
	Ethnicity     string `json:"ethnicity"`
	BirthDate     string `json:"birth_date"`
	IDNumber      string `json:"-"`
	IDMasked      string `json:"id_masked"`
	Phone         string `json:"-"`
	PhoneMasked   string `json:"phone_masked"`
	Education     string `json:"education"`
	Category      string `json:"category"`
	Post          string `json:"post"` // 职务/警衔
	Status        string `json:"status"`
	StatusLabel   string `json:"status_label"`
	ApplyDate     string `json:"apply_date"`
	ActivistDate  string `json:"activist_date"`
	CandidateDate string `json:"candidate_date"`
	JoinDate      string `json:"join_date"` // 入党（预备党员）
	FullDate      string `json:"full_date"` // 转正
	LeftDate      string `json:"left_date"` // 停止党籍、转出或去世
	Mobile        bool   `json:"mobile"`    // 流动党员
	MobilePlace   string `json:"mobile_place"`
	LostContact   bool   `json:"lost_contact"` // 失联
	LostSince     string `json:"lost_since"`
	AbroadSince   string `json:"abroad_since"`   // 出国（境）定居
	ObservedSince string `json:"observed_since"` // 留党察看, until the rights are restored
	PartyYears    int    `json:"party_years"`    // 党龄, computed
	Version       int    `json:"version"`
	CreatedAt     int64  `json:"created_at"`
	UpdatedAt     int64  `json:"updated_at"`
}

// Masses (群众) is the status of the bureau's people who are not party
// members and not applying (群众民辅警, 退休职工): they may be in care
// ledgers, wartime teams and performance records, and become 申请人, but no
// party statistic counts them.
const Masses = "masses"

// Statuses in display order, with their Chinese labels.
var Statuses = []string{Masses, "applicant", "activist", "candidate", "probationary", "full", "suspended", "transferred", "deceased", "cancelled"}

var statusLabels = map[string]string{
	Masses: "群众", "applicant": "申请人", "activist": "入党积极分子", "candidate": "发展对象", "probationary": "预备党员",
	"full": "正式党员", "suspended": "停止党籍", "transferred": "已转出", "deceased": "已去世",
	"cancelled": "已取消预备党员资格",
}

// StatusLabel is the Chinese name of a status code.
func StatusLabel(s string) string { return statusLabels[s] }

// stage orders the development statuses; other statuses are 0.
var stage = map[string]int{"applicant": 1, "activist": 2, "candidate": 3, "probationary": 4, "full": 5}

// RetiredStaff (退休职工) is the category of a retired member of staff who
// is not a party member; a party member who retires is 离退休.
const RetiredStaff = "退休职工"

// Enumerations validated on every write.
var (
	Genders    = []string{"男", "女"}
	Educations = []string{"研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下"}
	// PartyCategories are the categories of party members, the rows of the
	// statistics; Categories add RetiredStaff for people who are not.
	PartyCategories = []string{"民警", "辅警", "职工", "离退休"}
	Categories      = append(append([]string{}, PartyCategories...), RetiredStaff)
	Ethnicities     = []string{"汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
		"满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
		"佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
		"达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
		"塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
		"独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族"}
)

func oneOf(v string, xs []string) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// fill sets the fields derived from others: labels, masks and 党龄.
func (p *Person) fill(today civil.Date) {
	p.StatusLabel = StatusLabel(p.Status)
	p.IDMasked = maskID(p.IDNumber)
	p.PhoneMasked = maskPhone(p.Phone)
	p.PartyYears = PartyYears(p, today)
}

// PartyYears is 党龄: whole years from the 转正 date (党章第七条) to today,
// or to the day the person left when they are suspended or deceased.
func PartyYears(p *Person, today civil.Date) int {
	from, err := civil.Parse(p.FullDate)
	if p.FullDate == "" || err != nil {
		return 0
	}
	to := today
	if (p.Status == "deceased" || p.Status == "suspended") && p.LeftDate != "" {
		if d, err := civil.Parse(p.LeftDate); err == nil {
			to = d
		}
	}
	return civil.YearsBetween(from, to)
}
