package strong

import (
	"math"
	"strings"
)

// Mark is what one entry holds for one item: the computed rate and what it
// counted, or the branch's points with its evidence and the reviewer's
// points with a note (points in tenths; nil when not given).
type Mark struct {
	ItemID     int64    `json:"item_id"`
	Rate       *float64 `json:"rate,omitempty"`
	Basis      string   `json:"basis,omitempty"`
	Self       *int     `json:"self_x10,omitempty"`
	Evidence   string   `json:"evidence,omitempty"`
	Review     *int     `json:"review_x10,omitempty"`
	ReviewNote string   `json:"review_note,omitempty"`
}

// ItemScore is one item as scored.
type ItemScore struct {
	Item
	Mark
	Earned   float64 `json:"earned"`   // points counted
	Missing  bool    `json:"missing"`  // a scored item without evidence: counts nothing
	Reviewed bool    `json:"reviewed"` // the reviewer's points count
}

// Result is an entry as scored: the items, the computed part, the scored
// part as the branch gave it and as it stands, the total, and the level
// the total reaches. Points are rounded to hundredths once, at the sums.
type Result struct {
	Items     []ItemScore `json:"items"`
	Computed  float64     `json:"computed"`
	Self      float64     `json:"self"`
	Scored    float64     `json:"scored"`
	Total     float64     `json:"total"`
	Suggested string      `json:"suggested"`
}

// Score scores marks against a system. A computed item earns its points
// times its rate. A scored item earns the reviewer's points once given,
// else the branch's own; without evidence it earns nothing (R-strong-evidence).
func Score(s *System, marks map[int64]Mark) Result {
	var r Result
	for _, it := range s.Items() {
		m := marks[it.ID]
		m.ItemID = it.ID
		is := ItemScore{Item: it, Mark: m}
		pts := float64(it.Points)
		switch {
		case it.Computed():
			if m.Rate != nil {
				is.Earned = pts * clamp(*m.Rate)
			}
			r.Computed += is.Earned
		case strings.TrimSpace(m.Evidence) == "":
			is.Missing = true
			is.Reviewed = m.Review != nil
		default:
			self := 0.0
			if m.Self != nil {
				self = math.Min(pts, float64(*m.Self)/10)
			}
			r.Self += self
			is.Earned = self
			if m.Review != nil {
				is.Earned, is.Reviewed = math.Min(pts, float64(*m.Review)/10), true
			}
			r.Scored += is.Earned
		}
		r.Items = append(r.Items, is)
	}
	r.Computed, r.Self, r.Scored = round2(r.Computed), round2(r.Self), round2(r.Scored)
	r.Total = round2(r.Computed + r.Scored)
	r.Suggested = s.LevelFor(r.Total)
	return r
}

// LevelFor is the highest level whose score line a total reaches.
func (s *System) LevelFor(total float64) string {
	out := ""
	for _, l := range s.Levels {
		if toX100(total) >= int64(l.MinScore)*100 {
			out = l.Name
		}
	}
	return out
}

func clamp(v float64) float64 { return math.Max(0, math.Min(1, v)) }

func round2(v float64) float64 { return float64(toX100(v)) / 100 }

// toX100 is a score in hundredths of a point, as stored.
func toX100(v float64) int64 { return int64(math.Round(v * 100)) }
