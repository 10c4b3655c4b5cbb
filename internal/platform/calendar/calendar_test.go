package calendar

import (
	"testing"

	"hongdun/internal/platform/civil"
)

func d(s string) civil.Date { return civil.MustParse(s) }

func TestIsWorking(t *testing.T) {
	c := New(nil)
	cases := []struct {
		date    string
		working bool
		why     string
	}{
		{"2025-09-26", true, "ordinary Friday"},
		{"2025-09-27", false, "ordinary Saturday"},
		{"2025-09-28", true, "国庆 调休 Sunday"},
		{"2025-10-01", false, "国庆"},
		{"2025-10-08", false, "国庆中秋 last day"},
		{"2025-10-09", true, "Thursday after the holiday"},
		{"2025-10-11", true, "国庆 调休 Saturday"},
		{"2025-10-12", false, "ordinary Sunday"},
		{"2025-01-26", true, "春节 调休 Sunday"},
		{"2025-01-28", false, "除夕"},
		{"2025-02-04", false, "春节 last day"},
		{"2025-02-05", true, "first working day after 春节"},
		{"2025-02-08", true, "春节 调休 Saturday"},
	}
	for _, tc := range cases {
		if got := c.IsWorking(d(tc.date)); got != tc.working {
			t.Errorf("%s (%s): working = %v, want %v", tc.date, tc.why, got, tc.working)
		}
	}
}

func TestWorkingDays(t *testing.T) {
	c := New(nil)
	cases := []struct {
		start string
		n     int
		last  string
		why   string
	}{
		{"2025-03-03", 5, "2025-03-07", "Monday to Friday, start day counts"},
		{"2025-03-05", 5, "2025-03-11", "spans a weekend"},
		{"2025-03-08", 5, "2025-03-14", "starts on Saturday: start does not count"},
		{"2025-09-26", 5, "2025-10-09", "国庆 2025: 26, 28 (调休 Sunday), 29, 30, then 9 Oct"},
		{"2025-09-29", 5, "2025-10-11", "国庆 2025: 29,30, then 9,10 and the 调休 Saturday 11"},
		{"2025-01-24", 5, "2025-02-06", "春节 2025: 24, 26(调休), 27, then 5, 6 Feb"},
		{"2025-03-03", 1, "2025-03-03", "one working day is the start day"},
		{"2025-03-03", 0, "2025-03-03", "zero days"},
	}
	for _, tc := range cases {
		if got := c.WorkingDays(d(tc.start), tc.n); got != d(tc.last) {
			t.Errorf("%s + %d working days (%s): got %s, want %s", tc.start, tc.n, tc.why, got, tc.last)
		}
	}
}

func TestOverrides(t *testing.T) {
	c := New([]Override{
		{Date: d("2025-03-05"), Working: false, Note: "本地放假"},
		{Date: d("2025-03-08"), Working: true, Note: "补班"},
	})
	if c.IsWorking(d("2025-03-05")) || !c.IsWorking(d("2025-03-08")) {
		t.Fatal("overrides not applied")
	}
	if got := c.WorkingDays(d("2025-03-03"), 5); got != d("2025-03-08") {
		t.Errorf("got %s, want 2025-03-08 (the 5th: 3,4,6,7,8)", got)
	}
	if n := c.CountWorking(d("2025-03-03"), d("2025-03-09")); n != 5 {
		t.Errorf("CountWorking = %d, want 5", n)
	}
	if New(nil).HolidayName(d("2025-10-11")) != "国庆中秋调休上班" {
		t.Errorf("HolidayName(2025-10-11) = %q", New(nil).HolidayName(d("2025-10-11")))
	}
}
