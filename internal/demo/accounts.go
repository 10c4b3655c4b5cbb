package demo

import (
	"context"
	"fmt"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
)

// Committee posts as internal/org names them.
const secretary = "书记"

// committeePosts of an organisation with n 正式党员 of its own.
func (s *seeder) committeePosts(o *orgSpec, n int) []string {
	switch {
	case o.kind == kCommittee:
		return []string{secretary, "副书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员"}
	case o.kind == kGeneral:
		return []string{secretary, "副书记", "组织委员", "宣传委员", "纪检委员"}
	case o.kind == kTemp:
		return []string{secretary, "委员", "委员"}
	case o.special == noCommittee || n < 7:
		if n >= 3 && s.g.chance(0.3) {
			return []string{secretary, "副书记"}
		}
		return []string{secretary}
	}
	posts := []string{secretary, "组织委员", "宣传委员", "纪检委员"}
	if s.g.chance(0.4) {
		posts = append(posts, "副书记")
	}
	return posts
}

// candidates are the 正式党员 an org draws its committee from: its own,
// else those of the branches below it (for a temporary branch, the whole
// bureau's, since its members keep their home branches).
func (s *seeder) candidates(i int) []int64 {
	if c := s.cands[i]; len(c) > 0 {
		return c
	}
	var out []int64
	for j := range s.orgs {
		if j != i && (s.orgs[j].parent == i || s.orgs[i].kind == kTemp && s.orgs[j].kind == kBranch) && s.orgs[j].kind != kGroup {
			out = append(out, s.candidates(j)...)
			if len(out) >= 12 {
				break
			}
		}
	}
	return out
}

// insertCommittees appoints the committees of every organisation but the
// 党小组, leaving the 书记 post vacant where the tree says so.
func (s *seeder) insertCommittees(ctx context.Context) error {
	for i := range s.orgs {
		o := &s.orgs[i]
		if o.kind == kGroup {
			continue
		}
		start, end := o.termStart, o.termEnd
		if o.kind == kTemp {
			start, end = s.today.AddMonths(-1).String(), o.endsOn
		}
		cands := s.candidates(i)
		posts := s.committeePosts(o, s.full[i])
		for k, post := range posts {
			if k >= len(cands) {
				break
			}
			var ended any
			if post == secretary && o.special == vacant {
				ended = s.today.AddDays(-75).String() // the 书记 was transferred away
			}
			if _, err := s.tx.ExecContext(ctx, "INSERT INTO committee_members (org_id, person_id, post, term_start, term_end, ended_on, created_at) VALUES (?,?,?,?,?,?,?)",
				o.id, cands[k], post, start, nullStr(end), ended, s.now); err != nil {
				return err
			}
		}
	}
	return nil
}

// account is one demo login.
type account struct {
	username, display string
	role              auth.Role
	org, person       int64
}

// accounts lists the demo logins: the 三员 but the system administrator
// (made at start), the bureau's 党务管理员 and 领导, one 党务管理员 per
// 分局 and per branch, and five members.
func (s *seeder) accounts() []account {
	root := s.orgs[0]
	as := []account{
		{"secadmin", "安全保密管理员", auth.SecAdmin, 0, 0},
		{"auditor", "安全审计员", auth.Auditor, 0, 0},
		{"leader", "市局党委领导", auth.Leader, root.id, 0},
	}
	for _, o := range s.orgs {
		if o.slug != "" {
			as = append(as, account{o.slug, o.short + "党务管理员", auth.OrgAdmin, o.id, 0})
		}
	}
	for k, m := range s.members {
		as = append(as, account{fmt.Sprintf("dangyuan%d", k+1), m.name, auth.Member, 0, m.id})
	}
	return as
}

// insertAccounts stores the demo accounts, all with the one password hash,
// skipping usernames already taken.
func (s *seeder) insertAccounts(ctx context.Context) error {
	for _, a := range s.accounts() {
		res, err := s.tx.ExecContext(ctx, `INSERT INTO accounts (username, display_name, role, org_id, person_id, password_hash, password_changed_at, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (username) DO NOTHING`,
			a.username, a.display, string(a.role), nullID(a.org), nullID(a.person), s.hash, s.now, s.now, s.now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if _, err := s.tx.ExecContext(ctx, "INSERT INTO password_history (account_id, hash, at) SELECT id, password_hash, ? FROM accounts WHERE username = ?", s.now, a.username); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, s.tx, audit.Event{Action: "account.create", ObjectType: "account", ObjectID: a.username,
			Detail: audit.Change{After: map[string]any{"username": a.username, "role": a.role, "org_id": a.org, "person_id": a.person}}}); err != nil {
			return err
		}
		s.res.Accounts++
	}
	return nil
}

// Recorder is the username the demo data is recorded under: the bureau's
// 党务管理员, whose name the pages show beside what the seeds wrote.
const Recorder = "shiju"
