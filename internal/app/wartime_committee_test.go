package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/wartime"
)

// A larger operation has a 临时党委: approved by a 党委 with 审批权限 (its
// 批准文号), with 临时党支部 under it; party members only, who keep their
// home branch (dues, organisational life, statistics); ending the response
// dissolves both with the 临时党委's 工作总结, which is required.
func TestTempCommittee(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		ev := b.activate(t)
		teams := fmt.Sprintf("/api/v1/wartime/events/%d/teams", ev.ID)
		in := wartime.TeamInput{Kind: wartime.TempCommittee, Name: "驰援临时党委", OrgID: b.ABranch, ApprovalDoc: "甲公党〔2026〕8号", FormedOn: b.day(-9)}

		// Only a 党委 with 审批权限 approves one; the 批准文号 is required.
		out := refused(t, e, b.adminA, "POST", teams, in, http.StatusUnprocessableEntity, "R-ORG-TEMP-COMMITTEE")
		if !strings.Contains(out.Error.Message, "具有审批权限的党委") || out.Error.Citation == "" {
			t.Errorf("refusal: %+v", out.Error)
		}
		in.OrgID, in.ApprovalDoc = b.A, " "
		refused(t, e, b.adminA, "POST", teams, in, http.StatusBadRequest, "approval_doc")
		squad := wartime.TeamInput{Kind: wartime.Squad, Name: "突击队", OrgID: b.ABranch, ApprovalDoc: "x", FormedOn: b.day(-9)}
		refused(t, e, b.adminA, "POST", teams, squad, http.StatusBadRequest, "approval_doc")
		// Another 分局's 党务管理员 cannot set one up on 甲's response.
		other := e.Account(auth.OrgAdmin, b.B, 0)
		in.ApprovalDoc = "甲公党〔2026〕8号"
		refused(t, e, other, "POST", teams, in, http.StatusNotFound, "")

		var cm wartime.Team
		if st := b.adminA.Do("POST", teams, in, &cm); st != http.StatusCreated || cm.Kind != wartime.TempCommittee || cm.KindLabel != "临时党委" ||
			cm.ApprovalDoc != "甲公党〔2026〕8号" {
			t.Fatalf("committee: %d %s", st, b.adminA.Body())
		}
		if e.Count("SELECT COUNT(*) FROM orgs WHERE id = ? AND kind = 'temp_committee' AND parent_id = ? AND can_approve = 0", cm.OrgID, b.A) != 1 {
			t.Fatal("the 临时党委 is not an organisation of the tree under its approving 党委")
		}
		// A 临时党支部 under it.
		var br wartime.Team
		b.adminA.Expect(http.StatusCreated, "POST", teams, wartime.TeamInput{Kind: wartime.TempBranch, Name: "驰援第一临时党支部", OrgID: cm.OrgID, FormedOn: b.day(-9)}, &br) // branch under the committee
		if br.ParentTeam != cm.ID || e.Count("SELECT COUNT(*) FROM orgs WHERE id = ? AND kind = 'temp_branch' AND parent_id = ?", br.OrgID, cm.OrgID) != 1 {
			t.Fatalf("the branch is not under the committee: %+v", br)
		}
		// Party members only; they keep their home branch.
		b.join(t, cm.ID, b.full[0])
		b.join(t, br.ID, b.full[1])
		refused(t, e, b.adminA, "POST", fmt.Sprintf("/api/v1/wartime/teams/%d/members", cm.ID), wartime.MemberInput{PersonID: b.activist, JoinedOn: b.day(-8)},
			http.StatusUnprocessableEntity, "R-ORG-TEMP")
		if e.Count("SELECT COUNT(*) FROM persons WHERE id IN (?, ?) AND org_id = ?", b.full[0], b.full[1], b.ABranch) != 2 {
			t.Fatal("serving in the 临时党委 or its branch moved a member")
		}
		// The committee's page lists its branch and says where dues and life stay.
		if st := b.adminA.Do("GET", fmt.Sprintf("/wartime/teams/%d", cm.ID), nil, nil); st != 200 || !strings.Contains(b.adminA.Body(), "驰援第一临时党支部") ||
			!strings.Contains(b.adminA.Body(), "党费在原党支部交纳，组织生活在原党支部参加") {
			t.Fatalf("committee page: %d", st)
		}

		// Ending: the preview names the committee; the 工作总结 is required.
		var dv wartime.Dissolution
		if st := b.adminA.Do("GET", fmt.Sprintf("/api/v1/wartime/events/%d/end", ev.ID), nil, &dv); st != 200 || len(dv.Committees) != 1 || len(dv.Orgs) != 2 {
			t.Fatalf("preview: %d %+v", st, dv)
		}
		end := fmt.Sprintf("/api/v1/wartime/events/%d/end", ev.ID)
		refused(t, e, b.adminA, "POST", end, wartime.EndInput{Version: ev.Version}, http.StatusBadRequest, fmt.Sprintf("summaries.%d", cm.ID))
		refused(t, e, b.adminA, "POST", end, wartime.EndInput{Version: ev.Version, Summaries: map[int64]string{cm.ID: "总结", br.ID: "x"}},
			http.StatusBadRequest, "summaries")
		b.adminA.Expect(200, "POST", end, wartime.EndInput{Version: ev.Version, Summaries: map[int64]string{cm.ID: "圆满完成驰援任务，党员冲锋在前"}}, nil)
		if e.Count("SELECT COUNT(*) FROM orgs WHERE id IN (?, ?) AND dissolved_on IS NOT NULL", cm.OrgID, br.OrgID) != 2 {
			t.Fatal("the 临时党委 and its branch were not dissolved")
		}
		var got wartime.Team
		if st := b.adminA.Do("GET", fmt.Sprintf("/api/v1/wartime/teams/%d", cm.ID), nil, &got); st != 200 || got.Summary != "圆满完成驰援任务，党员冲锋在前" || got.DissolvedOn == "" {
			t.Fatalf("the committee after the end: %d %+v", st, got)
		}
		if st := b.adminA.Do("GET", fmt.Sprintf("/wartime/teams/%d", cm.ID), nil, nil); st != 200 || !strings.Contains(b.adminA.Body(), "圆满完成驰援任务") {
			t.Fatalf("the summary on the page: %d", st)
		}
	})
}
