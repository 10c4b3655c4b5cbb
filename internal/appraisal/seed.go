package appraisal

import (
	"context"
	"fmt"
	"hongdun/internal/demo"

	"hongdun/internal/life"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

var demoSelf = []string{"一年来坚持学习党的创新理论，认真完成执法办案任务，但联系群众还不够深入。",
	"按时参加组织生活，带头落实所里的勤务安排；不足是理论学习系统性不够。",
	"在社区警务工作中为群众办实事，今后要加强法律业务学习。"}

// SeedDemo gives every branch of the demo bureau last year's 民主评议: most
// rounds closed with a realistic distribution of ratings (one member in a
// hundred rated 不合格 and correcting), every ninth still waiting to be
// rated past its deadline, and the branch of the demo member accounts in
// its 民主测评 now, so that dangyuan1… can vote on a phone. It does nothing
// when rounds exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "appraisal_rounds"); seeded || err != nil {
		return err
	}
	orgs, err := org.Subtree(ctx, d.DB, scope.All())
	if err != nil {
		return err
	}
	var live int64 // the demo members' branch
	if err := d.DB.QueryRowContext(ctx, `SELECT COALESCE(MAX(p.org_id), 0) FROM accounts a JOIN persons p ON p.id = a.person_id
		WHERE a.username = 'dangyuan1'`).Scan(&live); err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	today := civil.Today(d.Now())
	year := today.Year() - 1
	start := today.AddDays(-150)
	rounds, seq := 0, 0
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, o := range orgs {
			if !holders.Keeps(&o) || o.Dissolved() {
				continue
			}
			from := start
			if o.ID == live {
				from = today.AddDays(-3)
			}
			roster, err := life.Roster(ctx, tx, &o, life.Congress, from)
			if err != nil || len(roster) < 2 {
				if err != nil {
					return err
				}
				continue
			}
			rounds++
			closed := o.ID != live && rounds%9 != 3
			vote, rate := from.AddDays(14), from.AddDays(25)
			if o.ID == live {
				vote, rate = today.AddDays(7), today.AddDays(20)
			}
			var closedOn any
			if closed {
				closedOn = from.AddDays(24).String()
			}
			id, err := db.InsertID(ctx, tx, `INSERT INTO appraisal_rounds (org_id, year, started_on, self_due, vote_due, rate_due, closed_on, paper_ballots, created_by, created_at, updated_at)
				VALUES (?,?,?,?,?,?,?,0,'`+demo.Recorder+`',?,?)`, o.ID, year, from.String(), from.AddDays(5).String(), vote.String(), rate.String(), closedOn, d.Now().UnixMilli(), d.Now().UnixMilli())
			if err != nil {
				return err
			}
			dr := demoRound{id: id, voters: len(roster) - len(roster)/6, closed: closed, wrote: o.ID != live, rated: from.AddDays(24), today: today,
				now: d.Now().UnixMilli()}
			if o.ID == live {
				dr.voters = 0
			}
			for j, m := range roster {
				seq++
				if err := dr.member(ctx, tx, j, seq, m); err != nil {
					return err
				}
			}
		}
		if err := syncTodos(ctx, tx, today); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "appraisal.demo_seed", ObjectType: "system", Detail: map[string]any{"rounds": rounds}})
	})
	return err
}

// demoRound is what the members of one demo round share: how many cast a
// phone ballot (the first voters of the roster), whether it is closed and
// whether its members wrote their 自评.
type demoRound struct {
	id            int64
	voters        int
	closed, wrote bool
	rated, today  civil.Date
	now           int64
}

// member writes one member of a demo round: a 自评, the phone marks they
// received, mostly for the grade they are then given, and once rated
// (every member of a closed round, half of an open one) a rating by seq.
func (dr demoRound) member(ctx context.Context, tx *db.Tx, j, seq int, m life.RosterEntry) error {
	rating := Qualified
	switch {
	case seq%4 == 0:
		rating = Excellent
	case seq%97 == 13:
		rating = Unqualified
	case seq%29 == 7:
		rating = Basic
	}
	var t Tally
	got := dr.voters
	if j < dr.voters {
		got-- // nobody marks themselves
	}
	t.add(rating, got-got/5)
	t.add(Qualified, got/5)
	if !dr.closed && j%2 == 1 {
		rating = ""
	}
	self, selfAt, votedAt := "", any(nil), any(nil)
	if dr.wrote && j%7 != 6 {
		self, selfAt = demoSelf[seq%len(demoSelf)], dr.now
	}
	if j < dr.voters {
		votedAt = dr.now
	}
	measure, by, result, resultOn := "", any(nil), "", any(nil)
	if rating == Unqualified {
		due := dr.rated.AddMonths(6)
		measure, by = "按时参加组织生活，每月向支部书面报告思想和工作情况", due.String()
		if due.Before(dr.today) {
			result, resultOn = Corrected, due.String()
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO appraisal_members (round_id, person_id, name, seq, self_text, self_at, voted_at,
		phone_excellent, phone_qualified, phone_basic, phone_unqualified, rating, measure, correct_by, result, result_on)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, dr.id, m.PersonID, m.Name, j, self, selfAt, votedAt,
		t.Excellent, t.Qualified, t.Basic, t.Unqualified, rating, measure, by, result, resultOn)
	if err != nil {
		return fmt.Errorf("demo appraisal member: %w", err)
	}
	return nil
}
