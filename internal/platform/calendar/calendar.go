// Package calendar knows which civil dates are working days on the State
// Council holiday calendar: weekends are off except the 调休 working days,
// 法定节假日 are off. Official holidays come from lunar-go's HolidayUtil;
// an administrator's overrides (a new year's notice not yet in the library,
// a local holiday) take precedence and are passed in as data.
package calendar

import (
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"hongdun/internal/platform/civil"
)

// Override declares one date a working day or a day off.
type Override struct {
	Date    civil.Date `json:"date"`
	Working bool       `json:"working"`
	Note    string     `json:"note"`
}

// Calendar answers working-day questions. The zero value uses the official
// calendar alone.
type Calendar struct {
	overrides map[civil.Date]bool
}

// New builds a calendar with the given overrides; a later override of the
// same date wins.
func New(overrides []Override) *Calendar {
	c := &Calendar{overrides: make(map[civil.Date]bool, len(overrides))}
	for _, o := range overrides {
		c.overrides[o.Date] = o.Working
	}
	return c
}

// IsWorking reports whether d is a working day.
func (c *Calendar) IsWorking(d civil.Date) bool {
	if c != nil {
		if w, ok := c.overrides[d]; ok {
			return w
		}
	}
	switch official(d) {
	case holiday:
		return false
	case workday:
		return true
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// What the official calendar lists for a day.
const (
	ordinary = iota + 1
	holiday
	workday // a 调休 working day
)

// listed keeps what the official calendar says of each day asked about:
// HolidayUtil scans its table on every call, and deadline rules ask about
// the same days again and again (an import judges 300,000 steps).
var listed sync.Map // civil.Date → int

func official(d civil.Date) int {
	if v, ok := listed.Load(d); ok {
		return v.(int)
	}
	v := ordinary
	if h := HolidayUtil.GetHolidayByYmd(d.Year(), int(d.Month()), d.Day()); h != nil {
		// A listed day is either a 调休 working day or a day of the holiday.
		v = holiday
		if h.IsWork() {
			v = workday
		}
	}
	listed.Store(d, v)
	return v
}

// HolidayName is the name of the official holiday or 调休 that d belongs
// to, or "" for an ordinary day.
func (c *Calendar) HolidayName(d civil.Date) string {
	if h := HolidayUtil.GetHolidayByYmd(d.Year(), int(d.Month()), d.Day()); h != nil {
		if h.IsWork() {
			return h.GetName() + "调休上班"
		}
		return h.GetName()
	}
	return ""
}

// WorkingDays returns the last day of a period of n working days that
// starts on start; start counts when it is itself a working day. n < 1
// returns start unchanged.
func (c *Calendar) WorkingDays(start civil.Date, n int) (last civil.Date) {
	last = start
	if n < 1 {
		return start
	}
	d := start
	for count := 0; ; d = d.AddDays(1) {
		if c.IsWorking(d) {
			count++
			if count == n {
				return d
			}
		}
	}
}

// CountWorking counts the working days from a to b, both included.
func (c *Calendar) CountWorking(a, b civil.Date) int {
	n := 0
	for d := a; !d.After(b); d = d.AddDays(1) {
		if c.IsWorking(d) {
			n++
		}
	}
	return n
}
