// Package training runs political rotation training (融培训): programs of
// three tiers, sessions with a main venue and branch venues, phone check-in
// by rotating QR codes, and the yearly hours ledger (学时) with the 兜底
// program for everyone short.
package training

import (
	"crypto/hmac"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/fail"
)

// Tiers of the three-tier system.
const (
	TierDemo     = "市局机关党委示范培训"
	TierGeneral  = "党委(党组)普遍培训"
	TierFallback = "基层党组织兜底培训"
)

// Tiers in display order.
var Tiers = []string{TierDemo, TierGeneral, TierFallback}

// Modes of a session.
var Modes = []string{"线上", "线下", "融合"}

// ActivityKinds are the study activities beyond lectures.
var ActivityKinds = []string{"研读经典著作", "学习研讨", "诵读党章党规"}

// Categories a program may target.
var Categories = []string{"支部书记", "支委委员", "党务工作者", "民警党员", "辅警党员", "职工党员", "离退休党员"}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

// ferr refuses a malformed field.
func ferr(field, format string, a ...any) error {
	return fail.Malformed(field, fmt.Sprintf(format, a...))
}

// Hours formats tenths of an hour: 15 → "1.5".
func Hours(x10 int) string {
	if x10%10 == 0 {
		return strconv.Itoa(x10 / 10)
	}
	return fmt.Sprintf("%d.%d", x10/10, abs(x10%10))
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ParseHours reads "1.5" as 15 tenths; at most one decimal, 0 < h ≤ 100.
func ParseHours(s string) (int, error) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	w, err := strconv.Atoi(whole)
	f := 0
	if err == nil && frac != "" {
		if len(frac) != 1 {
			err = fmt.Errorf("one decimal")
		} else {
			f, err = strconv.Atoi(frac)
		}
	}
	x := w*10 + f
	if err != nil || x <= 0 || x > 1000 {
		return 0, ferr("hours", "学时应为 0.1 至 100 之间的数，最多一位小数，如 1.5")
	}
	return x, nil
}

// Requirement is a year's required hours, in tenths.
type Requirement struct {
	Year    int `json:"year"`
	General int `json:"general_x10"` // every member: 32 学时 (第二十条)
	Key     int `json:"key_x10"`     // 支部书记 and committee members: 56 学时
}

// DefaultRequirement is the rule set's default (规则 §3).
func DefaultRequirement(year int) Requirement { return Requirement{Year: year, General: 320, Key: 560} }

// Required is what one person needs in the year.
func (r Requirement) Required(key bool) int {
	if key {
		return r.Key
	}
	return r.General
}

// Window is the check-in window of a session.
type Window struct {
	StartsAt, EndsAt            int64 // unix ms
	OpenBeforeMin, LateAfterMin int
}

// Check says whether a check-in at now is allowed, and whether it is late.
func (w Window) Check(now time.Time) (late bool, err error) {
	ms := now.UnixMilli()
	opens := w.StartsAt - int64(w.OpenBeforeMin)*60000
	switch {
	case ms < opens:
		return false, fail.Refused("not_open", fmt.Sprintf("签到尚未开始：%s 起可签到", clock(opens)))
	case ms >= w.EndsAt:
		return false, fail.Refused("closed", fmt.Sprintf("本场培训已于 %s 结束，签到已关闭；如确有参加，请联系组织者补登", clock(w.EndsAt)))
	}
	return ms > w.StartsAt+int64(w.LateAfterMin)*60000, nil
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// Span formats a session's time, the date once when it starts and ends on
// the same day: "2026-01-08 14:30–17:30".
func Span(from, to int64) string {
	a, b := time.UnixMilli(from).In(shanghai), time.UnixMilli(to).In(shanghai)
	if a.Format("2006-01-02") == b.Format("2006-01-02") {
		return a.Format("2006-01-02 15:04") + "–" + b.Format("15:04")
	}
	return a.Format("2006-01-02 15:04") + " – " + b.Format("2006-01-02 15:04")
}

func clock(ms int64) string { return time.UnixMilli(ms).In(shanghai).Format("01-02 15:04") }

// TokenTTL is how long a venue's QR code stays valid; the screen shows a
// new one well before that.
const TokenTTL = 60 * time.Second

// Tokens signs and checks the short-lived check-in tokens of venues with
// HMAC-SM3 under a key derived for this purpose only.
type Tokens struct{ key []byte }

// NewTokens derives the QR key from the audit key, so that no new secret
// has to be kept.
func NewTokens(k *crypto.Keys) *Tokens { return NewTokensFor(k, "training") }

// NewTokensFor is the same rotating QR mechanism for another feature's
// check-in (purpose names it, e.g. "life" for meetings): its own derived
// key, so that its tokens never pass as a venue's, nor the reverse.
func NewTokensFor(k *crypto.Keys, purpose string) *Tokens {
	return &Tokens{key: []byte(crypto.MAC(k.Audit, []byte("hongdun/"+purpose+"/qr")))}
}

func (t *Tokens) sign(venueID, exp int64) string {
	return crypto.MAC(t.key, []byte(fmt.Sprintf("venue:%d:%d", venueID, exp)))[:32]
}

// Issue returns the token of a venue valid until now+TokenTTL.
func (t *Tokens) Issue(venueID int64, now time.Time) string {
	exp := now.Add(TokenTTL).Unix()
	return fmt.Sprintf("%d.%d.%s", venueID, exp, t.sign(venueID, exp))
}

// Verify returns the venue of a token that is genuine and unexpired.
func (t *Tokens) Verify(token string, now time.Time) (int64, error) {
	parts := strings.Split(token, ".")
	forged := fail.Refused("forged", "这不是有效的签到二维码：请扫描会场大屏上正在显示的签到二维码")
	if len(parts) != 3 {
		return 0, forged
	}
	venue, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || !hmac.Equal([]byte(parts[2]), []byte(t.sign(venue, exp))) {
		return 0, forged
	}
	if now.Unix() > exp {
		return 0, fail.Refused("expired", "二维码已过期：签到二维码每分钟更新，请重新扫描大屏上的最新二维码")
	}
	return venue, nil
}
