package strong

import "testing"

// fixture is a small system worked by hand: two indicators of 50 points,
// each with a computed and a scored item, and three levels.
func fixture() *System {
	return &System{Indicators: []Indicator{
		{Name: "甲", Items: []Item{{ID: 1, Name: "按期开展", Points: 20, Source: "life.compliance"}, {ID: 2, Name: "学习教育", Points: 30}}},
		{Name: "乙", Items: []Item{{ID: 3, Name: "考试", Points: 10, Source: "exam.average"}, {ID: 4, Name: "作用发挥", Points: 40}}},
	}, Levels: []Level{{"未达标", 0}, {"达标", 60}, {"优秀", 85}}}
}

func rate(v float64) *float64 { return &v }
func x10(v int) *int          { return &v }

func TestScoreAgainstHandComputedFixtures(t *testing.T) {
	s := fixture()
	for _, c := range []struct {
		name                          string
		marks                         map[int64]Mark
		computed, self, scored, total float64
		level                         string
		missing                       []int64
	}{
		{
			// 20×0.75 = 15; 10×2/3 = 6.6667 → 21.67 computed. Item 2: the
			// branch gave 25.5, the reviewer 22 → 22. Item 4 has no evidence:
			// its 40 count nothing. Total 21.67 + 22 = 43.67.
			name: "missing evidence counts nothing",
			marks: map[int64]Mark{1: {Rate: rate(.75)}, 2: {Self: x10(255), Evidence: "学习记录", Review: x10(220)},
				3: {Rate: rate(2.0 / 3)}, 4: {Self: x10(400)}},
			computed: 21.67, self: 25.5, scored: 22, total: 43.67, level: "未达标", missing: []int64{4},
		},
		{
			// With evidence item 4 counts the branch's own 40 until reviewed:
			// scored 22 + 40 = 62, total 83.67.
			name: "self points count until reviewed",
			marks: map[int64]Mark{1: {Rate: rate(.75)}, 2: {Self: x10(255), Evidence: "学习记录", Review: x10(220)},
				3: {Rate: rate(2.0 / 3)}, 4: {Self: x10(400), Evidence: "先锋岗台账"}},
			computed: 21.67, self: 65.5, scored: 62, total: 83.67, level: "达标",
		},
		{
			// The reviewer's 38.5 replaces the 40: 22 + 38.5 = 60.5, total 82.17.
			name: "review replaces self",
			marks: map[int64]Mark{1: {Rate: rate(.75)}, 2: {Self: x10(255), Evidence: "学习记录", Review: x10(220)},
				3: {Rate: rate(2.0 / 3)}, 4: {Self: x10(400), Evidence: "先锋岗台账", Review: x10(385)}},
			computed: 21.67, self: 65.5, scored: 60.5, total: 82.17, level: "达标",
		},
		{
			// 20 + 30 + 5 + 30 = 85 exactly reaches 优秀.
			name: "the score line is reached on it",
			marks: map[int64]Mark{1: {Rate: rate(1)}, 2: {Self: x10(300), Evidence: "x", Review: x10(300)},
				3: {Rate: rate(.5)}, 4: {Self: x10(300), Evidence: "x", Review: x10(300)}},
			computed: 25, self: 60, scored: 60, total: 85, level: "优秀",
		},
		{
			// Nothing computed yet, nothing scored: 0, the lowest level.
			name: "empty", marks: map[int64]Mark{}, level: "未达标", missing: []int64{2, 4},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Score(s, c.marks)
			if r.Computed != c.computed || r.Self != c.self || r.Scored != c.scored || r.Total != c.total || r.Suggested != c.level {
				t.Fatalf("computed %v self %v scored %v total %v level %q; want %v %v %v %v %q",
					r.Computed, r.Self, r.Scored, r.Total, r.Suggested, c.computed, c.self, c.scored, c.total, c.level)
			}
			var missing []int64
			for _, is := range r.Items {
				if is.Missing {
					missing = append(missing, is.ID)
					if is.Earned != 0 {
						t.Errorf("item %d without evidence earned %v", is.ID, is.Earned)
					}
				}
			}
			if len(missing) != len(c.missing) || (len(missing) > 0 && missing[0] != c.missing[0]) {
				t.Errorf("missing evidence on %v, want %v", missing, c.missing)
			}
		})
	}
}

// The default 「五强」 adds up to 100 and passes its own checks.
func TestDefaultSystemIsValid(t *testing.T) {
	s := Default(1, 2026)
	if err := s.check(); err != nil {
		t.Fatal(err)
	}
	if len(s.Indicators) != 5 || s.LevelFor(79.99) != "未达标" || s.LevelFor(80) != "达标" || s.LevelFor(95) != "省级最强党支部" {
		t.Fatalf("%d indicators, levels %v", len(s.Indicators), s.Levels)
	}
}
