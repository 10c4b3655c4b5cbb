package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/care"
	"hongdun/internal/platform/dbtest"
)

// The page forms: each success redirects, each refusal shows the form
// again with the message and changes nothing.
func TestPageForms(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	b := careNewBureau(t, e)
	form := func(c *apptest.Client, path string, v url.Values, want int, text string) {
		t.Helper()
		if st := c.PostForm(path, v); st != want || !strings.Contains(c.Body(), text) {
			t.Fatalf("POST %s %v: %d, want %d with %q: %s", path, v, st, want, text, c.Body())
		}
	}

	// 生活困难: entered by A, a bad date refused on the form, reviewed by the bureau.
	entry := url.Values{"person_id": {itoa(b.people["在职党员"])}, "cause": {"income"}, "level": {"general"}, "since": {"2026-13-01"}}
	form(b.admA, "/care/hardship", entry, http.StatusBadRequest, "认定起始日期“2026-13-01”不是真实的日期")
	entry.Set("since", "2026-01-01")
	form(b.admA, "/care/hardship", entry, http.StatusSeeOther, "")
	id := e.Count("SELECT MAX(id) FROM care_hardship")
	form(b.root, "/care/hardship/"+itoa(int64(id))+"/review", url.Values{"decision": {"return"}, "version": {"1"}}, http.StatusBadRequest, "退回时请写明退回理由")
	form(b.root, "/care/hardship/"+itoa(int64(id))+"/review", url.Values{"decision": {"approve"}, "version": {"1"}}, http.StatusSeeOther, "")
	if n := e.Count("SELECT COUNT(*) FROM care_hardship WHERE state = 'approved'"); n != 1 {
		t.Fatalf("%d approved", n)
	}

	// The 老党员 rule on the ledger page.
	form(b.root, "/care/elder-rule", url.Values{"party_years": {"五十"}, "age": {"80"}}, http.StatusBadRequest, "请填写整数")
	form(b.admA, "/care/elder-rule", url.Values{"party_years": {"40"}, "age": {"80"}}, http.StatusForbidden, "只有全局的党务管理员")
	form(b.root, "/care/elder-rule", url.Values{"party_years": {"45"}, "age": {"0"}}, http.StatusSeeOther, "")

	// A campaign opened through the form, changed with a stale version, closed.
	open := url.Values{"org_id": {itoa(b.Root)}, "name": {"春节慰问"}, "kind": {"chunjie"}, "starts_on": {"2026-03-01"}, "ends_on": {"2026-03-31"},
		"ledgers": {"retired", "elder"}, "standard": {"300"}}
	form(b.root, "/care/campaigns", open, http.StatusSeeOther, "")
	cid := int64(e.Count("SELECT MAX(id) FROM care_campaigns"))
	form(b.root, "/care/campaigns", open, http.StatusConflict, "已经开启过")
	change := url.Values{"name": {"春节走访慰问"}, "kind": {"chunjie"}, "starts_on": {"2026-03-01"}, "ends_on": {"2026-04-15"}, "standard": {"300"}, "version": {"1"}}
	form(b.root, "/care/campaigns/"+itoa(cid), change, http.StatusSeeOther, "")
	form(b.root, "/care/campaigns/"+itoa(cid), change, http.StatusConflict, "已被他人修改")
	var c care.Campaign
	b.root.Do("GET", "/api/v1/care/campaigns/"+itoa(cid), nil, &c)
	if c.Name != "春节走访慰问" || c.EndsOn != "2026-04-15" {
		t.Errorf("after the change: %+v", c)
	}

	// A visit from the form, its change, its deletion.
	visit := url.Values{"person_id": {itoa(b.people["退休群众"])}, "campaign_id": {itoa(cid)}, "visited_on": {"2026-03-14"}, "form": {"goods"},
		"visitors": {"支部书记"}, "amount": {""}}
	form(b.admA, "/care/visits", visit, http.StatusBadRequest, "请填写慰问品的金额")
	visit.Set("amount", "200")
	form(b.admA, "/care/visits", visit, http.StatusSeeOther, "")
	vid := itoa(int64(e.Count("SELECT MAX(id) FROM care_visits")))
	form(b.admA, "/care/visits/"+vid, url.Values{"visited_on": {"2026-03-14"}, "form": {"goods"}, "visitors": {"支部书记、组织委员"}, "amount": {"260"}, "version": {"1"}},
		http.StatusSeeOther, "")
	form(b.admA, "/care/visits/"+vid+"/delete", url.Values{"version": {"1"}}, http.StatusConflict, "已被他人修改")
	form(b.admA, "/care/visits/"+vid+"/delete", url.Values{"version": {"2"}}, http.StatusSeeOther, "")
	form(b.root, "/care/campaigns/"+itoa(cid)+"/close", url.Values{"version": {"2"}}, http.StatusSeeOther, "")
	if n := e.Count("SELECT COUNT(*) FROM care_visits"); n != 0 {
		t.Errorf("%d visits left", n)
	}
	if e.Count("SELECT COUNT(*) FROM care_campaigns WHERE state = 'closed'") != 1 {
		t.Error("the campaign is not closed")
	}
}
