package election

import (
	"context"
	"hongdun/internal/demo"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/scope"
)

// SeedDemo records the 换届 of three demo branches whose terms were due:
// the first elected a month ago and was approved (its committee and term
// renewed), the second has divided its posts and waits for the upper
// approval, the third voted yesterday and has still to divide its posts.
// Other branches due for 换届 stay on the list. It does nothing when
// elections exist.
func SeedDemo(ctx context.Context, d *core.Deps) error {
	if seeded, err := demo.Seeded(ctx, d.DB, "elections"); seeded || err != nil {
		return err
	}
	orgs, err := org.Subtree(ctx, d.DB, scope.All())
	if err != nil || len(orgs) == 0 {
		return err
	}
	root := orgs[0]
	p := &auth.Principal{Username: demo.Recorder, Role: auth.OrgAdmin, OrgID: root.ID, OrgPath: root.Path}
	ctx = audit.WithActor(ctx, audit.Actor{Name: demo.Recorder})
	s := &Service{d}
	today := civil.Today(d.Now())
	warn := today.AddMonths(org.DefaultRules.WarnMonths).String()
	stage := 0
	for _, o := range orgs {
		if stage == 3 {
			break
		}
		if (o.Kind != org.Branch && o.Kind != org.Joint) || o.Dissolved() || o.TermEnd == "" || o.TermEnd > warn {
			continue
		}
		held := []civil.Date{today.AddDays(-30), today.AddDays(-5), today.AddDays(-1)}[stage]
		o := o
		in, ok, err := demoInput(ctx, d.DB, &o, held)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		e, err := s.Record(ctx, p, in)
		if err != nil {
			return err
		}
		if stage < 2 {
			var posts []PostInput
			for _, c := range e.Candidates {
				if c.Elected {
					posts = append(posts, PostInput{PersonID: c.PersonID, Post: []string{org.Secretary, "组织委员", "宣传委员", "纪检委员", "委员"}[len(posts)%5]})
				}
			}
			if e, err = s.SetPosts(ctx, p, e.ID, e.Version, posts); err != nil {
				return err
			}
		}
		if stage == 0 {
			if _, err := s.Approve(ctx, p, e.ID, Approval{Version: e.Version, ApprovedOn: held.AddDays(10).String(), Doc: "党委〔" + held.String()[:4] + "〕演示1号"}); err != nil {
				return err
			}
		}
		stage++
	}
	return d.DB.InTx(ctx, func(tx *db.Tx) error {
		return d.Audit.Write(ctx, tx, audit.Event{Action: "election.demo_seed", ObjectType: "system", Detail: map[string]any{"elections": stage}})
	})
}

// demoInput is a clean election of o on day: a tenth of the voters absent,
// a slate a seat larger than the rules ask, the last candidate short of a
// majority. ok is false when o has too few voters.
func demoInput(ctx context.Context, q db.Querier, o *org.Org, day civil.Date) (Input, bool, error) {
	voters, err := Electors(ctx, q, o, day)
	if err != nil {
		return Input{}, false, err
	}
	min, _ := seats(o.Kind, len(voters))
	slate := minCandidates(min)
	if len(voters) < slate+1 {
		return Input{}, false, nil
	}
	present := len(voters) - len(voters)/10
	in := Input{OrgID: o.ID, HeldOn: day.String(), Counts: Counts{Seats: min, Expected: len(voters), Present: present, Issued: present, Returned: present},
		Note: "差额选举，无记名投票；监票人、计票人由大会通过"}
	for i, v := range voters[:slate] {
		votes := present - i
		if i == slate-1 {
			votes = present / 3
		}
		in.Candidates = append(in.Candidates, CandidateInput{PersonID: v.PersonID, Votes: votes})
	}
	return in, true, nil
}
