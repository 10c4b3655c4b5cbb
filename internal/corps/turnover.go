package corps

import (
	"context"
	"fmt"
	"math"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
)

// Count is a number with its label.
type Count struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	N     int    `json:"n"`
}

// YearRow is one year of the roster's history.
type YearRow struct {
	Year      int `json:"year"`
	Joined    int `json:"joined"`    // appointed in the year
	Left      int `json:"left"`      // left in the year
	Headcount int `json:"headcount"` // holding a post at the year's end (or today)
}

// Figures are the turnover of a subtree's roster for a year, as of its
// last day (today while it runs).
type Figures struct {
	Year            int       `json:"year"`
	AsOf            string    `json:"as_of"`
	Headcount       int       `json:"headcount"`          // on AsOf
	Start           int       `json:"start"`              // at the end of the year before
	Joined          int       `json:"joined"`             // appointed in the year, up to AsOf
	Left            int       `json:"left"`               // left in the year, up to AsOf
	Rate            float64   `json:"turnover_rate"`      // Left per average headcount, percent
	AvgTenure       float64   `json:"avg_tenure"`         // years, of those on the roster on AsOf
	LeftTenure      float64   `json:"avg_tenure_left"`    // years, of the year's leavers when they left
	Full            int       `json:"full"`               // 专职 on AsOf
	Aux             int       `json:"aux"`                // 辅警 on AsOf
	AuxShare        float64   `json:"aux_share"`          // percent
	KeyPosts        int       `json:"key_posts"`          // 书记, 副书记, 组织委员 held on AsOf
	KeyByFullPolice int       `json:"key_by_full_police"` // of them, by 专职民警
	KeyShare        float64   `json:"key_share"`          // percent
	ByReason        []Count   `json:"by_reason"`          // the year's leavers
	ByPost          []Count   `json:"by_post"`            // on AsOf
	ByCategory      []Count   `json:"by_category"`        // on AsOf
	History         []YearRow `json:"history"`            // this year and the four before
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(1000*float64(n)/float64(of)) / 10
}

// turnover computes the figures of a roster for a year as of asOf (the
// year's last day, or an earlier day while the year runs).
func turnover(ws []Worker, year int, asOf string) Figures {
	start := fmt.Sprintf("%d-12-31", year-1)
	first := fmt.Sprintf("%d-01-01", year)
	f := Figures{Year: year, AsOf: asOf}
	reasons, posts, cats := map[string]int{}, map[string]int{}, map[string]int{}
	var tenureSum, leftTenureSum float64
	for _, w := range ws {
		if w.Active(start) {
			f.Start++
		}
		if w.AppointedOn >= first && w.AppointedOn <= asOf {
			f.Joined++
		}
		if w.LeftOn != "" && w.LeftOn >= first && w.LeftOn <= asOf {
			f.Left++
			reasons[w.LeaveReason]++
			leftTenureSum += tenure(w.AppointedOn, w.LeftOn)
		}
		if !w.Active(asOf) {
			continue
		}
		f.Headcount++
		tenureSum += tenure(w.AppointedOn, asOf)
		posts[w.Post]++
		cats[w.Category]++
		if w.Duty == Full {
			f.Full++
		}
		if w.Category == Auxiliary {
			f.Aux++
		}
		if KeyPosts[w.Post] {
			f.KeyPosts++
			if w.Duty == Full && w.Category == Police {
				f.KeyByFullPolice++
			}
		}
	}
	if f.Headcount > 0 {
		f.AvgTenure = round1(tenureSum / float64(f.Headcount))
	}
	if f.Left > 0 {
		f.LeftTenure = round1(leftTenureSum / float64(f.Left))
	}
	if avg := float64(f.Start+f.Headcount) / 2; avg > 0 {
		f.Rate = math.Round(1000*float64(f.Left)/avg) / 10
	}
	f.AuxShare = pct(f.Aux, f.Headcount)
	f.KeyShare = pct(f.KeyByFullPolice, f.KeyPosts)
	for _, c := range LeaveReasons {
		if n := reasons[c.Code]; n > 0 {
			f.ByReason = append(f.ByReason, Count{c.Code, c.Label, n})
		}
	}
	for _, c := range Posts {
		if n := posts[c.Code]; n > 0 {
			f.ByPost = append(f.ByPost, Count{c.Code, c.Label, n})
		}
	}
	for _, c := range Categories {
		if n := cats[c]; n > 0 {
			f.ByCategory = append(f.ByCategory, Count{c, c, n})
		}
	}
	return f
}

// history is the roster's last five years up to year: joined, left and the
// headcount at each year's end (asOf for year itself).
func history(ws []Worker, year int, asOf string) []YearRow {
	var out []YearRow
	for y := year - 4; y <= year; y++ {
		end := fmt.Sprintf("%d-12-31", y)
		if y == year {
			end = asOf
		}
		first := fmt.Sprintf("%d-01-01", y)
		r := YearRow{Year: y}
		for _, w := range ws {
			if w.AppointedOn >= first && w.AppointedOn <= end {
				r.Joined++
			}
			if w.LeftOn != "" && w.LeftOn >= first && w.LeftOn <= end {
				r.Left++
			}
			if w.Active(end) {
				r.Headcount++
			}
		}
		out = append(out, r)
	}
	return out
}

// Turnover computes the figures of the caller's roster (narrowed to orgID)
// for a year: as of its last day, or today while it runs.
func Turnover(ctx context.Context, d *core.Deps, p *auth.Principal, orgID int64, year int) (*Figures, error) {
	today := civil.Today(d.Now())
	if year == 0 {
		year = today.Year()
	}
	if year < 2000 || year > today.Year() {
		return nil, fail.Malformed("year", fmt.Sprintf("年度应为 2000 至 %d 年之间的四位年份", today.Year()))
	}
	asOf := fmt.Sprintf("%d-12-31", year)
	if year == today.Year() {
		asOf = today.String()
	}
	ws, err := List(ctx, d, p, Filter{OrgID: orgID, State: StateAll})
	if err != nil {
		return nil, err
	}
	f := turnover(ws.Items, year, asOf)
	f.History = history(ws.Items, year, asOf)
	return &f, nil
}
