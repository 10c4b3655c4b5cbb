package corps

import (
	"reflect"
	"testing"
)

// A fixture roster, its figures for 2025 computed by hand:
//
//	A 书记 专职 民警 2020-01-01 —              (tenure on 12-31: 2191 d = 6.0 y)
//	B 组织委员 兼职 辅警 2023-07-01 — 2025-03-31 调动 (639 d = 1.7 y)
//	C 党务干事 专职 辅警 2025-02-01 —          (333 d = 0.9 y)
//	D 副书记 兼职 民警 2018-01-01 — 2024-06-30 退休 (before the year)
//	E 书记 兼职 民警 2021-01-01 — 2025-09-30 考试录用 (1733 d = 4.7 y)
//	F 组织委员 兼职 民警 2025-10-01 —          (91 d = 0.2 y)
//	G 党务干事 兼职 职工 2026-01-05 —          (after the year)
//
// Start (on 2024-12-31): A, B, E = 3. Joined: C, F = 2. Left: B, E = 2.
// On 12-31: A, C, F = 3; average tenure (6.0+0.9+0.2)/3 = 2.4; leavers'
// (1.7+4.7)/2 = 3.2; rate 2 / ((3+3)/2) = 66.7 %; 专职 A, C = 2; 辅警 C =
// 33.3 %; key posts A, F = 2, by 专职民警 A only = 50 %.
func TestTurnoverFromFixtureRoster(t *testing.T) {
	w := func(post, duty, cat, from, to, reason string) Worker {
		return Worker{Post: post, Duty: duty, Category: cat, AppointedOn: from, LeftOn: to, LeaveReason: reason}
	}
	ws := []Worker{
		w("secretary", Full, "民警", "2020-01-01", "", ""),
		w("organiser", Part, "辅警", "2023-07-01", "2025-03-31", "transfer"),
		w("clerk", Full, "辅警", "2025-02-01", "", ""),
		w("deputy", Part, "民警", "2018-01-01", "2024-06-30", "retire"),
		w("secretary", Part, "民警", "2021-01-01", "2025-09-30", "exam"),
		w("organiser", Part, "民警", "2025-10-01", "", ""),
		w("clerk", Part, "职工", "2026-01-05", "", ""),
	}
	f := turnover(ws, 2025, "2025-12-31")
	want := Figures{Year: 2025, AsOf: "2025-12-31", Headcount: 3, Start: 3, Joined: 2, Left: 2, Rate: 66.7, AvgTenure: 2.4, LeftTenure: 3.2,
		Full: 2, Aux: 1, AuxShare: 33.3, KeyPosts: 2, KeyByFullPolice: 1, KeyShare: 50,
		ByReason:   []Count{{"exam", "考试录用离岗", 1}, {"transfer", "工作调动", 1}},
		ByPost:     []Count{{"secretary", "书记", 1}, {"organiser", "组织委员", 1}, {"clerk", "党务干事", 1}},
		ByCategory: []Count{{"民警", "民警", 2}, {"辅警", "辅警", 1}}}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("figures\n got %+v\nwant %+v", f, want)
	}
	h := history(ws, 2025, "2025-12-31")
	wantH := []YearRow{{2021, 1, 0, 3}, {2022, 0, 0, 3}, {2023, 1, 0, 4}, {2024, 0, 1, 3}, {2025, 2, 2, 3}}
	if !reflect.DeepEqual(h, wantH) {
		t.Errorf("history\n got %+v\nwant %+v", h, wantH)
	}
	// Mid-year, E (leaving in September) is still there and F not come:
	// A, C, E; key posts A and E.
	mid := turnover(ws, 2025, "2025-06-30")
	if mid.Headcount != 3 || mid.Left != 1 || mid.Joined != 1 || mid.KeyPosts != 2 {
		t.Errorf("as of 06-30: %+v", mid)
	}
}

func TestTenure(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     float64
	}{{"2020-01-01", "2025-12-31", 6.0}, {"2025-10-01", "2025-12-31", 0.2}, {"2025-12-31", "2025-01-01", 0}, {"x", "2025-01-01", 0}} {
		if got := tenure(c.from, c.to); got != c.want {
			t.Errorf("tenure(%s, %s) = %v, want %v", c.from, c.to, got, c.want)
		}
	}
}
