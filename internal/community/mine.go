package community

import (
	"context"
	"strconv"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/listing"
)

// Mine is a member's 双报到 and service log.
type Mine struct {
	Year        int         `json:"year"`
	Reports     []Report    `json:"reports"`
	Activities  []Activity  `json:"activities"` // this year's, with the member's own hours
	HoursX10    int         `json:"hours_x10"`
	Communities []Community `json:"communities"` // of the member's bureau, to report to or serve in
}

// MineOf returns the calling member's reports and this year's service.
func (s *Service) MineOf(ctx context.Context, p *auth.Principal, year int) (*Mine, error) {
	if err := needPerson(p); err != nil {
		return nil, err
	}
	bureau, _, err := bureauOf(ctx, s.DB, p.PersonID)
	if err != nil {
		return nil, err
	}
	m := &Mine{Year: year, Activities: []Activity{}}
	if m.Reports, err = reports(ctx, s.DB, "r.person_id = ?", p.PersonID); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+activityCols+", ap.hours_x10"+activityFrom+` JOIN community_activity_people ap ON ap.activity_id = a.id
		WHERE ap.person_id = ? AND a.held_on >= ? AND a.held_on <= ? ORDER BY a.held_on DESC, a.id DESC`,
		p.PersonID, strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var mineX10 int
		a, err := scanActivity(multi{rows, &mineX10})
		if err != nil {
			return nil, err
		}
		a.HoursX10 = mineX10
		m.HoursX10 += mineX10
		m.Activities = append(m.Activities, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	where, args := bureau.Where("o.path")
	l, err := listing.Read(ctx, s.DB, 1, 0, siteCols, siteFrom+" WHERE "+where, "o.path, c.name", args, scanSite)
	if err != nil {
		return nil, err
	}
	m.Communities = l.Items
	return m, nil
}

// multi scans a row into a scanner's fields and then more destinations.
type multi struct {
	s    scanner
	more any
}

func (m multi) Scan(dest ...any) error { return m.s.Scan(append(dest, m.more)...) }
