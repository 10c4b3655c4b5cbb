package wartime

import (
	"context"
	"fmt"

	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// What member development (internal/develop) reads of the response: who
// was found 表现突出, in which event, on which records. The development
// case is in the caller's scope; these reads concern its person only.

// StandoutSQL is the SQL condition "the person whose id is in column col
// was found 表现突出 in a response event", for lists that flag or filter
// the priority path. col is a column name of the caller's query, never
// user input.
func StandoutSQL(col string) string {
	return "EXISTS (SELECT 1 FROM wartime_standouts ws WHERE ws.person_id = " + col + ")"
}

// ServingSQL is the SQL condition "the person whose id is in column col
// serves on day in the 临时党支部 org": the roster of its organisational
// life, since its members belong to their home branches.
func ServingSQL(col string, org int64, day string) (string, []any) {
	return col + ` IN (SELECT m.person_id FROM wartime_members m JOIN wartime_teams t ON t.id = m.team_id
		WHERE t.org_id = ? AND t.kind = '` + TempBranch + `' AND m.joined_on <= ? AND (m.left_on IS NULL OR m.left_on >= ?))`, []any{org, day, day}
}

// RecordRef is a performance record as a development record cites it.
type RecordRef struct {
	ID         int64  `json:"id"`
	OnDate     string `json:"on_date"`
	Deed       string `json:"deed"`
	AttestedBy string `json:"attested_by"`
	TeamName   string `json:"team_name"`
}

// Standing is one person's part in one event: the records, and whether
// (when, by whom, why) they were found 表现突出.
type Standing struct {
	EventID    int64       `json:"event_id"`
	EventTitle string      `json:"event_title"`
	EventKind  string      `json:"event_kind"`
	Standout   bool        `json:"standout"`
	StandoutOn string      `json:"standout_on,omitempty"`
	FoundBy    string      `json:"found_by,omitempty"`
	Reason     string      `json:"reason,omitempty"`
	Records    []RecordRef `json:"records"`
}

// StandingOf lists the events a person has performance records in or was
// found 表现突出 in, newest first.
func StandingOf(ctx context.Context, q db.Querier, personID int64) ([]Standing, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.title, k.name, COALESCE(s.on_date, ''), COALESCE(so.name, ''), COALESCE(s.reason, '')
		FROM wartime_events e JOIN wartime_kinds k ON k.id = e.kind_id
		LEFT JOIN wartime_standouts s ON s.event_id = e.id AND s.person_id = ? LEFT JOIN orgs so ON so.id = s.org_id
		WHERE s.id IS NOT NULL OR EXISTS (SELECT 1 FROM wartime_records r WHERE r.event_id = e.id AND r.person_id = ?)
		ORDER BY e.starts_on DESC, e.id DESC`, personID, personID)
	if err != nil {
		return nil, err
	}
	var out []Standing
	at := map[int64]int{}
	for rows.Next() {
		var s Standing
		if err := rows.Scan(&s.EventID, &s.EventTitle, &s.EventKind, &s.StandoutOn, &s.FoundBy, &s.Reason); err != nil {
			rows.Close()
			return nil, err
		}
		s.Standout, s.Records = s.StandoutOn != "", []RecordRef{}
		at[s.EventID] = len(out)
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT r.event_id, r.id, r.on_date, r.deed, r.attested_by, t.name FROM wartime_records r
		JOIN wartime_teams t ON t.id = r.team_id WHERE r.person_id = ? ORDER BY r.on_date, r.id`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ev int64
		var r RecordRef
		if err := rows.Scan(&ev, &r.ID, &r.OnDate, &r.Deed, &r.AttestedBy, &r.TeamName); err != nil {
			return nil, err
		}
		if i, ok := at[ev]; ok {
			out[i].Records = append(out[i].Records, r)
		}
	}
	return out, rows.Err()
}

// StandoutsOf returns, for each of the people who were found 表现突出, the
// titles of those events.
func StandoutsOf(ctx context.Context, q db.Querier, personIDs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(personIDs) == 0 {
		return out, nil
	}
	in, args := db.In(personIDs)
	rows, err := q.QueryContext(ctx, `SELECT s.person_id, e.title FROM wartime_standouts s JOIN wartime_events e ON e.id = s.event_id
		WHERE s.person_id IN (`+in+`) ORDER BY s.on_date`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title string
		if err := rows.Scan(&id, &title); err != nil {
			return nil, err
		}
		out[id] = append(out[id], title)
	}
	return out, rows.Err()
}

// EvidenceOf is the event and the records of one person that a
// development record names (a shorter 培养期, a 火线入党 exception): the
// event must be one the person took part in, every record theirs and of
// that event. The errors name the development form's fields.
func EvidenceOf(ctx context.Context, q db.Querier, personID, eventID int64, recordIDs []int64) (*Standing, error) {
	if eventID <= 0 {
		return nil, fail.Malformed("event_id", "请选择所依据的战时党建工作响应")
	}
	if len(recordIDs) == 0 {
		return nil, fail.Malformed("record_ids", "请选择所依据的表现纪实（至少一条）")
	}
	ss, err := StandingOf(ctx, q, personID)
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		if s.EventID != eventID {
			continue
		}
		byID := map[int64]RecordRef{}
		for _, r := range s.Records {
			byID[r.ID] = r
		}
		picked := s
		picked.Records = nil
		seen := map[int64]bool{}
		for _, id := range recordIDs {
			r, ok := byID[id]
			if !ok {
				return nil, fail.NotAllowed("record_ids", fmt.Sprintf("表现纪实（编号 %d）不是本人在「%s」中的记录", id, s.EventTitle))
			}
			if !seen[id] {
				seen[id] = true
				picked.Records = append(picked.Records, r)
			}
		}
		return &picked, nil
	}
	return nil, fail.NotAllowed("event_id", "本人没有参加该战时党建工作响应的表现纪实")
}
