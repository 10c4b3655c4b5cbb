package roster

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

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

// excelEpoch is day 0 of Excel's 1900 date system, accounting for the
// non-existent 29 February 1900 that Excel counts (serial 60).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// dateError is a date that cannot be read; its message is built only when
// shown (most dates are fine, and ParseDate runs three times per row).
type dateError string

func (e dateError) Error() string {
	return fmt.Sprintf("“%s”不是有效日期（可写作 2020-01-02、2020/1/2、2020.01.02 或 2020年1月2日）", string(e))
}

// noSuchDay is a date whose month has no such day (2010/6/31).
type noSuchDay struct {
	text    dateError
	y, m, d int
}

func (e noSuchDay) Error() string {
	return fmt.Sprintf("“%s”不是有效日期：%d 年 %d 月没有 %d 日", string(e.text), e.y, e.m, e.d)
}

// ParseDate reads a date in any of the spellings offices use: Excel serial
// numbers, 1985.03.12, 1985-3-12, 1985/3/12, 1985年3月12日, 19850312, and
// month-only 1985.03 / 1985-03 / 1985年3月. The empty string gives a zero Date.
// It is hand-written rather than a regular expression because an import
// calls it three times per row.
func ParseDate(s string) (Date, error) { return parseDate(s, false) }

// Date reads a date of the layout's sheet: ParseDate, with the serial
// numbers of a workbook in the 1904 date system counted from 1904.
func (l *Layout) Date(s string) (Date, error) { return parseDate(s, l.Date1904) }

// epoch1904 is how many days the 1904 date system's serials are behind.
const epoch1904 = 1462

func parseDate(s string, date1904 bool) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	bad := dateError(s)
	if !isASCII(s) {
		s = width.Narrow.String(s) // ２０２０年１月２日, 2020．1．2
	}
	if i := strings.IndexAny(s, " T"); i >= 8 && strings.Contains(s[i:], ":") {
		s = s[:i] // a date-time written by another program: 1985/3/12 0:00
	}
	if len(s) == 8 && allDigits(s) {
		y, _ := strconv.Atoi(s[:4])
		m, _ := strconv.Atoi(s[4:6])
		d, _ := strconv.Atoi(s[6:])
		return ymd(y, m, d, false, bad)
	}
	if parts, ok := dateParts(s); ok {
		switch len(parts) {
		case 3:
			return ymd(parts[0], parts[1], parts[2], false, bad)
		case 2:
			return ymd(parts[0], parts[1], 1, true, bad)
		}
		return Date{}, bad
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f < 2958466 && !strings.ContainsAny(s, "eE") {
		days := int(f)
		if date1904 {
			days += epoch1904
		} else if days < 61 {
			days++ // before Excel's phantom 1900-02-29
		}
		return Date{Date: civil.Of(excelEpoch.AddDate(0, 0, days))}, nil
	}
	return Date{}, bad
}

// dateParts splits "1985.3.12", "1985-03", "1985年3月12日" into numbers: a
// four-digit year first, then one- or two-digit month and day, separated by
// . - / ． 年 月 (and an optional closing 日 or 月), spaces allowed.
func dateParts(s string) ([]int, bool) {
	var parts []int
	n, digits, sepOK := 0, 0, false
	flush := func() bool {
		if digits == 0 || (len(parts) == 0 && digits != 4) || (len(parts) > 0 && digits > 2) {
			return false
		}
		parts = append(parts, n)
		n, digits = 0, 0
		return true
	}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
			digits++
			sepOK = false
		case r == ' ' || r == '\u3000':
		case r == '.' || r == '-' || r == '/' || r == '．' || r == '年' || r == '月' || r == '日':
			if sepOK || !flush() {
				return nil, false
			}
			sepOK = true
		default:
			return nil, false
		}
	}
	if digits > 0 && !flush() {
		return nil, false
	}
	return parts, len(parts) >= 2 && len(parts) <= 3 && s[len(s)-1] != '.' && s[len(s)-1] != '-' && s[len(s)-1] != '/'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func ymd(y, m, d int, monthOnly bool, bad dateError) (Date, error) {
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 {
		return Date{}, bad
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return Date{}, noSuchDay{bad, y, m, d}
	}
	return Date{Date: civil.Of(t), MonthOnly: monthOnly}, nil
}

// ExcelSerial converts a civil date to an Excel serial day number.
func ExcelSerial(d civil.Date) int {
	t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return int(t.Sub(excelEpoch).Hours() / 24)
}
