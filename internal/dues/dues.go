// Package dues is 党费: each member's yearly base and the monthly amount the
// 2008 brackets give (《关于中国共产党党费收缴、使用和管理的规定》), the
// monthly ledger of each branch (paid, unpaid, 代缴, 补缴 up to 6 months back)
// and the 待办 warnings at 3 and 5 consecutive unpaid months and the 6-month
// alert of 自行脱党 (党章第九条).
//
// Money is integer 分 throughout. Rounding: amount = base × rate, rounded
// half up to the 分 (四舍五入到分), computed in integers.
package dues

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// Kinds of base: which table of brackets applies.
const (
	Service = "service" // 在职
	Retired = "retired" // 离退休
	Low     = "low"     // 学生、失业、低收入: a fixed amount
)

var kindLabels = map[string]string{Service: "在职党员", Retired: "离退休党员", Low: "学生、失业或低收入党员"}

// KindLabel is the Chinese name of a kind of base.
func KindLabel(k string) string { return kindLabels[k] }

// Bracket is one row of a table: a base up to Upper (inclusive; 0 = no
// limit) pays RateBP ten-thousandths of it plus Fixed.
type Bracket struct {
	Kind   string `json:"kind"`
	Upper  int64  `json:"upper"` // 分
	RateBP int64  `json:"rate_bp"`
	Fixed  int64  `json:"fixed"` // 分
}

// Brackets reads the tables, each kind's rows by rising upper bound (the
// unbounded row last).
func Brackets(ctx context.Context, q db.Querier) ([]Bracket, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, COALESCE(upper_fen, 0), rate_bp, fixed_fen FROM dues_brackets
		ORDER BY kind, CASE WHEN upper_fen IS NULL THEN 1 ELSE 0 END, upper_fen`)
	return db.Collect(rows, err, func(r db.Scanner) (b Bracket, err error) {
		err = r.Scan(&b.Kind, &b.Upper, &b.RateBP, &b.Fixed)
		return b, err
	})
}

// Amount is the monthly amount in 分 of a base in 分 under the brackets of
// kind: base × rate rounded half up to the 分, plus the fixed part. ok is
// false when no bracket of kind holds the base.
func Amount(bs []Bracket, kind string, base int64) (amount int64, ok bool) {
	for _, b := range bs {
		if b.Kind == kind && (b.Upper == 0 || base <= b.Upper) {
			return (base*b.RateBP+5000)/10000 + b.Fixed, true
		}
	}
	return 0, false
}

// Yuan writes an amount in 分 as 元 with two decimals ("15.00").
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// ParseYuan reads an amount in 元 with at most two decimals ("3000",
// "3000.5", "3000.01") as 分, without floating point.
func ParseYuan(field, label, s string) (int64, error) {
	s = strings.TrimSpace(s)
	bad := fail.Malformed(field, label+"“"+s+"”不是有效的金额（单位元，最多两位小数，如 3000.00）")
	if s == "" {
		return 0, fail.Malformed(field, "请填写"+label)
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || (dot && (len(frac) == 0 || len(frac) > 2)) {
		return 0, bad
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, bad
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}
