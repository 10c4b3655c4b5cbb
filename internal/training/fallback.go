package training

import (
	"context"
	"fmt"
	"sort"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/confirm"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// 兜底培训 is one program per organisation that runs it and year: the
// officer who runs it for a 分局 (or the whole bureau) gets one program to
// plan courses and sessions for, with a 分会场 per unit where needed, and
// one list of the people it must bring up to their hours, grouped by
// organisation on the program page. One program per branch (what this did
// before) left an officer with a hundred programs to fill in one by one.

// FallbackPlan is what 建立兜底培训 would do, shown before it is done: the
// program it creates or adds to, and whom it adds. Expect fingerprints the
// list: confirming a plan whose list has changed since is refused.
type FallbackPlan struct {
	Year      int            `json:"year"`
	OrgID     int64          `json:"org_id"`
	OrgName   string         `json:"org_name"`
	ProgramID int64          `json:"program_id"` // 0: a new program
	Title     string         `json:"title"`
	People    []Line         `json:"people"`  // to add
	Listed    int            `json:"already"` // short of hours but already on a 兜底 list of the year
	ByOrg     []FallbackUnit `json:"by_org"`
	Expect    string         `json:"expect"`
}

// FallbackUnit is how many of a plan's people one organisation has.
type FallbackUnit struct {
	OrgName string `json:"org_name"`
	People  int    `json:"people"`
}

// PlanFallback works out the 兜底 of the subtree of orgID for a year
// without changing anything. Only a 党务管理员 of that organisation may.
func (s *Service) PlanFallback(ctx context.Context, q db.Querier, p *auth.Principal, orgID int64, year int) (*FallbackPlan, error) {
	if orgID == 0 {
		orgID = p.OrgID
	}
	path, err := org.WritablePath(ctx, q, p, orgID)
	if err != nil {
		return nil, err
	}
	o, err := org.Get(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	lines, _, err := LedgerOf(ctx, q, scope.Under(path), year)
	if err != nil {
		return nil, err
	}
	listed, err := fallbackListed(ctx, q, year)
	if err != nil {
		return nil, err
	}
	pl := &FallbackPlan{Year: year, OrgID: orgID, OrgName: o.Name, Title: fmt.Sprintf("%d年度兜底培训（%s）", year, org.ShortName(o.Name, o.ShortName))}
	err = q.QueryRowContext(ctx, "SELECT id, title FROM training_programs WHERE org_id = ? AND year = ? AND tier = ? ORDER BY id LIMIT 1",
		orgID, year, TierFallback).Scan(&pl.ProgramID, &pl.Title)
	if err != nil && !db.IsNoRows(err) {
		return nil, err
	}
	units := map[string]int{}
	var ids []int64
	for _, l := range ShortList(lines) {
		if listed[l.PersonID] {
			pl.Listed++
			continue
		}
		pl.People = append(pl.People, l)
		if units[l.OrgName] == 0 {
			pl.ByOrg = append(pl.ByOrg, FallbackUnit{OrgName: l.OrgName})
		}
		units[l.OrgName]++
		ids = append(ids, l.PersonID)
	}
	for i := range pl.ByOrg {
		pl.ByOrg[i].People = units[pl.ByOrg[i].OrgName]
	}
	sort.SliceStable(pl.ByOrg, func(i, j int) bool { return pl.ByOrg[i].People > pl.ByOrg[j].People })
	pl.Expect = confirm.Print(year, orgID, pl.ProgramID, ids)
	return pl, nil
}

// fallbackListed are the people on any 兜底 list of the year: none is
// listed twice, whoever ran the other one.
func fallbackListed(ctx context.Context, q db.Querier, year int) (map[int64]bool, error) {
	return db.IDSet(ctx, q, `SELECT DISTINCT tp.person_id FROM training_people tp JOIN training_programs pr ON pr.id = tp.program_id
		WHERE pr.year = ? AND pr.tier = ?`, year, TierFallback)
}

// Fallback carries out a plan the caller has seen: expect is the plan's
// fingerprint, and a list that changed since (someone checked in, another
// officer ran it) is refused with 409 so that the officer looks again.
func (s *Service) Fallback(ctx context.Context, p *auth.Principal, orgID int64, year int, expect string) (*FallbackPlan, error) {
	var pl *FallbackPlan
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if pl, err = s.PlanFallback(ctx, tx, p, orgID, year); err != nil {
			return err
		}
		if err := confirm.Check(expect, pl.Expect, "兜底培训名单（有人补足了学时、新增了人员，或他人已建立兜底培训）"); err != nil {
			return err
		}
		if len(pl.People) == 0 {
			return fail.Refused("nothing_to_do", fmt.Sprintf("%d 年度范围内没有需要列入兜底培训的党员", year))
		}
		now := s.Now().UnixMilli()
		if pl.ProgramID == 0 {
			if pl.ProgramID, err = db.InsertID(ctx, tx, `INSERT INTO training_programs (org_id, tier, year, title, audience_org_id, categories, description, created_at, updated_at)
				VALUES (?,?,?,?,?,'[]',?,?,?)`, pl.OrgID, TierFallback, year, pl.Title, pl.OrgID, "为学时未达到年度要求的党员补足学时", now, now); err != nil {
				return err
			}
		}
		for i := 0; i < len(pl.People); i += 400 {
			rows := make([][]any, 0, 400)
			for _, l := range pl.People[i:min(i+400, len(pl.People))] {
				rows = append(rows, []any{pl.ProgramID, l.PersonID})
			}
			if err := db.InsertRows(ctx, tx, "training_people (program_id, person_id)", rows); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "training.fallback.create", ObjectType: "training_program", ObjectID: itoa(pl.ProgramID),
			Detail: map[string]any{"year": year, "org_id": pl.OrgID, "people_added": len(pl.People), "already_listed": pl.Listed}})
	})
	return pl, err
}
