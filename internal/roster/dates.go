package roster

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"hongdun/internal/platform/civil"
)

// Date is a date read from a roster. Offices often record only the month
// (1985.03); such a date is stored as the first day of that month and
// remembers its precision, so that the checks (转正 before 入党, under 18)
// only complain when every day of that month would break the rule.
type Date struct {
	civil.Date
	MonthOnly bool
}

// Last is the latest day the date may stand for.
func (d Date) Last() civil.Date {
	if d.MonthOnly {
		return d.Date.AddMonths(1).AddDays(-1)
	}
	return d.Date
}

var (
	reYMD   = regexp.MustCompile(`^(\d{4})\s*[.\-/年．]\s*(\d{1,2})\s*[.\-/月．]\s*(\d{1,2})\s*日?$`)
	reYM    = regexp.MustCompile(`^(\d{4})\s*[.\-/年．]\s*(\d{1,2})\s*月?$`)
	reDigit = regexp.MustCompile(`^\d{8}$`)
	reTime  = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2})?.*$`)
)

// excelEpoch is day 0 of Excel's 1900 date system, accounting for the
// non-existent 29 February 1900 that Excel counts (serial 60).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// ParseDate reads a date in any of the spellings offices use: Excel serial
// numbers, 1985.03.12, 1985-3-12, 1985/3/12, 1985年3月12日, 19850312, and
// month-only 1985.03 / 1985-03 / 1985年3月. The empty string gives a zero Date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u3000", " "))
	if s == "" {
		return Date{}, nil
	}
	bad := fmt.Errorf("“%s”不是有效日期（可写作 1985-03-12、1985.03.12、1985年3月12日 或 1985.03）", s)
	if m := reTime.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	if reDigit.MatchString(s) {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	if m := reYMD.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		return ymd(y, mo, d, false, bad)
	}
	if m := reYM.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		return ymd(y, mo, 1, true, bad)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f < 2958466 {
		days := int(f)
		if days < 61 {
			days++ // before Excel's phantom 1900-02-29
		}
		return Date{Date: civil.Of(excelEpoch.AddDate(0, 0, days))}, nil
	}
	return Date{}, bad
}

func ymd(y, m, d int, monthOnly bool, bad error) (Date, error) {
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 {
		return Date{}, bad
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return Date{}, bad
	}
	return Date{Date: civil.Of(t), MonthOnly: monthOnly}, nil
}

// ExcelSerial converts a civil date to an Excel serial day number.
func ExcelSerial(d civil.Date) int {
	t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return int(t.Sub(excelEpoch).Hours() / 24)
}
