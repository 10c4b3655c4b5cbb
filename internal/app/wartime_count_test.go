package app_test

import (
	"fmt"
	"net/http"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/wartime"
)

// A member of a 临时党支部 is still counted once, in their home branch: in
// the organisation counts, on the dashboard and in the year-end report,
// while the response is on and after it ended.
func TestTemporaryMemberCountedOnce(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		ev := b.activate(t)
		branch := b.team(t, ev.ID, wartime.TempBranch, "临时党支部", b.A)
		squad := b.team(t, ev.ID, wartime.Squad, "突击队", b.ABranch)
		b.join(t, branch.ID, b.full[0])
		b.join(t, branch.ID, b.full[1])
		b.join(t, squad.ID, b.full[1]) // in two teams at once
		wartimeBureau := e.Account(auth.OrgAdmin, b.Root, 0)

		members := func(path string) int {
			t.Helper()
			var out struct {
				Members int
				Counts  struct{ Members int }
			}
			wartimeBureau.Expect(http.StatusOK, "GET", path, nil, &out)
			return out.Members + out.Counts.Members
		}
		check := func(when string, temp bool) {
			t.Helper()
			year := b.today.Year()
			for _, c := range []struct {
				what string
				path string
				want int
			}{
				{"org counts of the home branch", fmt.Sprintf("/api/v1/orgs/%d", b.ABranch), 3},
				{"org counts of 甲分局党委", fmt.Sprintf("/api/v1/orgs/%d", b.A), 3},
				{"org counts of the 市局", fmt.Sprintf("/api/v1/orgs/%d", b.Root), 4},
				{"dashboard of the 市局", "/api/v1/stats/dashboard", 4},
				{"dashboard of 甲分局党委", fmt.Sprintf("/api/v1/stats/dashboard?org=%d", b.A), 3},
				{"year-end report of the 市局", fmt.Sprintf("/api/v1/stats/annual?year=%d", year), 4},
				{"year-end report of the home branch", fmt.Sprintf("/api/v1/stats/annual?year=%d&org=%d", year, b.ABranch), 3},
			} {
				if n := members(c.path); n != c.want {
					t.Errorf("%s, %s: %d 党员, want %d", when, c.what, n, c.want)
				}
			}
			if !temp {
				return
			}
			for _, path := range []string{fmt.Sprintf("/api/v1/orgs/%d", branch.OrgID), fmt.Sprintf("/api/v1/stats/dashboard?org=%d", branch.OrgID),
				fmt.Sprintf("/api/v1/stats/annual?year=%d&org=%d", year, branch.OrgID)} {
				if n := members(path); n != 0 {
					t.Errorf("%s, %s counts %d 党员 in the 临时党支部", when, path, n)
				}
			}
		}
		check("during the response", true)
		b.adminA.Expect(http.StatusOK, "POST", fmt.Sprintf("/api/v1/wartime/events/%d/end", ev.ID), wartime.EndInput{Version: ev.Version}, nil)
		check("after it ended", false)
	})
}

// A 临时党支部 holds nobody's 组织关系 and acts on no development case: the
// case stays with the member's home branch (and the rules engine refuses
// a temporary organisation as the approver, see rules' conformance suite).
func TestTemporaryBranchHoldsNobody(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		ev := b.activate(t)
		branch := b.team(t, ev.ID, wartime.TempBranch, "临时党支部", b.A)
		var open struct {
			Case struct {
				ID    int64
				OrgID int64 `json:"org_id"`
			}
		}
		b.adminA.Expect(http.StatusCreated, "POST", "/api/v1/development/cases", map[string]any{"person_id": b.auxiliary, "date": b.day(-30)}, &open)
		if open.Case.OrgID != b.ABranch {
			t.Fatalf("the case sits with %d, not the home branch", open.Case.OrgID)
		}
		// Nobody's 组织关系 goes into the 临时党支部: not by registering a
		// person there, not by a transfer.
		refused(t, e, b.adminA, "POST", "/api/v1/members", map[string]any{"org_id": branch.OrgID, "name": "新人", "gender": "男",
			"birth_date": "1990-01-01", "education": "大学本科", "category": "民警", "status": "full", "join_date": "2010-01-01", "full_date": "2011-01-01"},
			http.StatusUnprocessableEntity, "R-ORG-TEMP")
		refused(t, e, b.adminA, "POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": b.full[0], "to_org_id": branch.OrgID,
			"reason": "参加安保"}, http.StatusUnprocessableEntity, "R-ORG-TEMP")
		// Acting for the case, the 临时党支部 is neither its branch nor above it.
		var out apiError
		if st := b.adminA.Do("POST", fmt.Sprintf("/api/v1/development/cases/%d/steps", open.Case.ID), map[string]any{"step": 2, "date": b.day(-20),
			"org_id": branch.OrgID, "opinion": "谈话"}, &out); st != http.StatusUnprocessableEntity || out.Error.Rule != "R-approver" {
			t.Errorf("the 临时党支部 acts on a case: %d %+v", st, out)
		}
	})
}

// A 临时党支部 holds its organisational life with the members serving in it
// that day, though they belong to their home branches.
func TestTemporaryBranchRoster(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		ev := b.activate(t)
		branch := b.team(t, ev.ID, wartime.TempBranch, "临时党支部", b.A)
		b.join(t, branch.ID, b.full[0])
		b.join(t, branch.ID, b.full[1])
		roster := func(day string) []int64 {
			t.Helper()
			var out struct {
				Items []struct {
					PersonID int64 `json:"person_id"`
					Voting   bool
				}
			}
			b.adminA.Expect(http.StatusOK, "GET", fmt.Sprintf("/api/v1/meetings/roster?org=%d&kind=congress&date=%s", branch.OrgID, day), nil, &out)
			var ids []int64
			for _, it := range out.Items {
				if !it.Voting {
					t.Errorf("a 正式党员 serving in the 临时党支部 does not vote: %d", it.PersonID)
				}
				ids = append(ids, it.PersonID)
			}
			return ids
		}
		if ids := roster(b.day(0)); len(ids) != 2 {
			t.Fatalf("the 临时党支部's roster today: %v, want its two members", ids)
		}
		if ids := roster(b.day(-10)); len(ids) != 0 {
			t.Errorf("the roster before they joined: %v", ids)
		}
		var home struct{ Items []struct{} }
		b.adminA.Do("GET", fmt.Sprintf("/api/v1/meetings/roster?org=%d&kind=congress&date=%s", b.ABranch, b.day(0)), nil, &home)
		if len(home.Items) != 3 {
			t.Errorf("the home branch's roster: %d, want its three 正式党员 still", len(home.Items))
		}
	})
}
