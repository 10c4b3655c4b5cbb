package life

import (
	"context"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
	"hongdun/internal/wartime"
)

// RosterEntry is one person who should attend a meeting.
type RosterEntry struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Voting   bool   `json:"voting"` // counts toward the quorum
	Post     string `json:"post,omitempty"`
}

// Roster is who should attend a meeting of kind held by o on day: for a
// 支委会 the committee members in office that day; for every other kind the
// party members of o's subtree (of a 临时党支部, those serving in it that
// day, who belong to their home branches) who had joined by then, of whom
// the 正式党员 (full members by that day) vote at a 党员大会. People who have since
// left the organisation are not replayed back (their history lives in
// person_events, which the year-end report replays).
func Roster(ctx context.Context, q db.Querier, o *org.Org, kind string, day civil.Date) ([]RosterEntry, error) {
	on := day.String()
	if kind == Committee {
		cm, err := org.CommitteeOf(ctx, q, o.ID, on)
		if err != nil {
			return nil, err
		}
		var out []RosterEntry
		seen := map[int64]bool{}
		for _, m := range cm {
			if m.TermStart > on || (m.EndedOn != "" && m.EndedOn <= on) || seen[m.PersonID] {
				continue
			}
			seen[m.PersonID] = true
			out = append(out, RosterEntry{PersonID: m.PersonID, Name: m.PersonName, Voting: true, Post: m.Post})
		}
		return out, nil
	}
	in, args := scope.Under(o.Path).Where("p.org_path")
	if o.Kind == org.TempBranch {
		serving, more := wartime.ServingSQL("p.id", o.ID, on)
		in, args = "("+in+" OR "+serving+")", append(args, more...)
	}
	// The status is written as an expression so that SQLite's planner reads
	// the subtree's range of the path index, not every party member of the
	// bureau through the status index.
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name, CASE WHEN p.status = 'full' AND COALESCE(p.full_date, p.join_date) <= ? THEN 1 ELSE 0 END
		FROM persons p
		WHERE `+in+` AND `+member.PartyMember("(p.status || '')")+` AND p.join_date <= ?
		ORDER BY p.pinyin, p.id`, append(append([]any{on}, args...), on)...)
	return db.Collect(rows, err, func(r db.Scanner) (e RosterEntry, err error) {
		var voting int
		if err := r.Scan(&e.PersonID, &e.Name, &voting); err != nil {
			return e, err
		}
		e.Voting = voting == 1 || kind != Congress
		return e, nil
	})
}
