// Package civil does arithmetic on civil dates (YYYY-MM-DD) the way the
// party rules count them: "N years/months after D" lands on the same day of
// the month, or on the last day of that month when the day does not exist
// (《民法典》第二百零二条). time.AddDate would roll over into the next month.
package civil

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Date is a civil date.
type Date struct{ t time.Time }

// Layout is the storage and display form.
const Layout = "2006-01-02"

// Parse reads YYYY-MM-DD.
func Parse(s string) (Date, error) {
	t, err := time.Parse(Layout, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("日期 %q 无效，应为形如 2026-01-31 的真实日期", s)
	}
	return Date{t}, nil
}

// MustParse is Parse for literals in code and tests.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Of returns the civil date of a time in its own location.
func Of(t time.Time) Date { return New(t.Year(), t.Month(), t.Day()) }

// New builds a date.
func New(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// IsZero reports the zero date.
func (d Date) IsZero() bool { return d.t.IsZero() }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(Layout)
}

// Chinese formats as 2027年3月12日.
func (d Date) Chinese() string {
	return fmt.Sprintf("%d年%d月%d日", d.t.Year(), d.t.Month(), d.t.Day())
}

func (d Date) Year() int         { return d.t.Year() }
func (d Date) Month() time.Month { return d.t.Month() }
func (d Date) Day() int          { return d.t.Day() }
func (d Date) Weekday() time.Weekday {
	return d.t.Weekday()
}

// AddMonths adds n months, clamping to the last day of the target month.
func (d Date) AddMonths(n int) Date {
	y, m := d.t.Year(), int(d.t.Month())-1+n
	y += m / 12
	m %= 12
	if m < 0 {
		m += 12
		y--
	}
	last := time.Date(y, time.Month(m+2), 0, 0, 0, 0, 0, time.UTC).Day()
	day := d.t.Day()
	if day > last {
		day = last
	}
	return New(y, time.Month(m+1), day)
}

// AddYears adds n years with the same clamping (29 Feb → 28 Feb).
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// AddDays adds n calendar days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Before, After and Equal compare dates.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }
func (d Date) After(o Date) bool  { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool  { return d.t.Equal(o.t) }

// DaysUntil counts days from d to o (negative when o is earlier).
func (d Date) DaysUntil(o Date) int { return int(o.t.Sub(d.t).Hours() / 24) }

// YearsBetween counts whole years from d to o: a person is N on their Nth
// birthday, and a 29 February birthday falls on 28 February in other years.
func YearsBetween(from, to Date) int {
	if to.Before(from) {
		return 0
	}
	n := to.Year() - from.Year()
	if from.AddYears(n).After(to) {
		n--
	}
	return n
}

// shanghai is read once: loading it reads the zone file (a report dating
// 19,000 organisations called Today for each).
var shanghai = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	return loc
})

// Today is the civil date in Asia/Shanghai.
func Today(now time.Time) Date { return Of(now.In(shanghai())) }

// Start is the moment d begins in Asia/Shanghai.
func (d Date) Start() time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, shanghai())
}

// YearAsOf is the day a year is judged on: its last day once it has ended,
// else today.
func YearAsOf(year int, today Date) Date {
	if end := New(year, 12, 31); end.Before(today) {
		return end
	}
	return today
}
