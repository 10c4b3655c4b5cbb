package app_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/care"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/dbtest"
)

// opened is what POST /api/v1/care/campaigns answers.
type opened struct {
	Campaign *care.Campaign
	Preview  *care.Preview
}

func (b *careBureau) open(t *testing.T, extra map[string]any) *care.Campaign {
	t.Helper()
	in := map[string]any{"org_id": b.Root, "name": "2026年“七一”走访慰问", "kind": "qiyi", "starts_on": "2026-03-01", "ends_on": "2026-03-31",
		"ledgers": []string{"elder", "hardship"}, "standard": "500"}
	for k, v := range extra {
		in[k] = v
	}
	var o opened
	b.root.Expect(http.StatusCreated, "POST", "/api/v1/care/campaigns", in, &o)
	return o.Campaign
}

func (b *careBureau) visit(t *testing.T, c *apptest.Client, campaign int64, person string, on string) int {
	t.Helper()
	return c.Do("POST", "/api/v1/care/visits", map[string]any{"person_id": b.people[person], "campaign_id": campaign, "visited_on": on,
		"form": "home", "visitors": "支部书记", "amount": "500"}, nil)
}

func (b *careBureau) progress(t *testing.T, c *apptest.Client, id int64, org string) *care.Progress {
	t.Helper()
	var p care.Progress
	c.Expect(http.StatusOK, "GET", "/api/v1/care/campaigns/"+itoa(id)+"/progress"+org, nil, &p)
	return &p
}

func TestCampaign(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := careNewBureau(t, e)
		ctx := context.Background()
		// The preview counts and changes nothing.
		var pv opened
		in := map[string]any{"org_id": b.Root, "name": "预览", "kind": "qiyi", "starts_on": "2026-03-01", "ends_on": "2026-03-31",
			"ledgers": []string{"elder"}, "standard": "500", "dry_run": true}
		if st := b.root.Do("POST", "/api/v1/care/campaigns", in, &pv); st != http.StatusOK || pv.Preview.Total != 6 || pv.Preview.Standard != "3000.00" || pv.Campaign != nil {
			t.Fatalf("preview: %d %s", st, b.root.Body())
		}
		if e.Count("SELECT COUNT(*) FROM care_campaigns") != 0 {
			t.Fatal("the preview opened a campaign")
		}
		for _, c := range []struct {
			extra map[string]any
			field string
			want  int
		}{
			{map[string]any{"ledgers": []string{}}, "ledgers", 400},
			{map[string]any{"ledgers": []string{"elder", "rich"}}, "ledgers", 400},
			{map[string]any{"ends_on": "2026-03-14"}, "ends_on", 422},
			{map[string]any{"starts_on": "2026-04-01"}, "ends_on", 422},
			{map[string]any{"standard": "5o0"}, "standard", 400},
			{map[string]any{"name": ""}, "name", 400},
		} {
			body := map[string]any{}
			for k, v := range in {
				body[k] = v
			}
			delete(body, "dry_run")
			for k, v := range c.extra {
				body[k] = v
			}
			var out struct{ Error struct{ Field string } }
			if st := b.root.Do("POST", "/api/v1/care/campaigns", body, &out); st != c.want || out.Error.Field != c.field {
				t.Errorf("open %v: %d %q, want %d %q", c.extra, st, out.Error.Field, c.want, c.field)
			}
		}
		if st := b.admA.Do("POST", "/api/v1/care/campaigns", map[string]any{"org_id": b.B, "name": "越权", "kind": "qiyi", "starts_on": "2026-03-01",
			"ends_on": "2026-03-31", "ledgers": []string{"elder"}}, nil); st != http.StatusNotFound {
			t.Errorf("A opens for B: %d", st)
		}

		c := b.open(t, nil)
		if st := b.root.Do("POST", "/api/v1/care/campaigns", map[string]any{"org_id": b.Root, "name": c.Name, "kind": "qiyi", "starts_on": "2026-03-01",
			"ends_on": "2026-03-31", "ledgers": []string{"elder"}}, nil); st != http.StatusConflict {
			t.Errorf("opened twice: %d", st)
		}
		if n := e.Count("SELECT COUNT(*) FROM care_targets WHERE campaign_id = ?", c.ID); n != 6 {
			t.Fatalf("%d people listed, want 6", n)
		}
		// B's own campaign is B's: A neither lists nor opens it.
		var own opened
		b.admB.Do("POST", "/api/v1/care/campaigns", map[string]any{"org_id": b.B, "name": "乙分局春节慰问", "kind": "chunjie", "starts_on": "2026-03-01",
			"ends_on": "2026-03-31", "ledgers": []string{"retired"}}, &own)
		var list care.List[care.CampaignSummary]
		b.admA.Do("GET", "/api/v1/care/campaigns", nil, &list)
		if list.Total != 1 || list.Items[0].ID != c.ID || list.Items[0].Mine.Targets != 5 {
			t.Fatalf("A's campaigns: %+v", list)
		}
		if st := b.admA.Do("GET", "/api/v1/care/campaigns/"+itoa(own.Campaign.ID), nil, nil); st != http.StatusNotFound {
			t.Errorf("A opens B's campaign: %d", st)
		}
		// A sees the bureau's campaign but does not manage it, nor B's part.
		if st := b.admA.Do("POST", "/api/v1/care/campaigns/"+itoa(c.ID)+"/close", map[string]any{"version": c.Version}, nil); st != http.StatusNotFound {
			t.Errorf("A closes the bureau's campaign: %d", st)
		}
		if st := b.admA.Do("GET", "/api/v1/care/campaigns/"+itoa(c.ID)+"/progress?org="+itoa(b.BBranch), nil, nil); st != http.StatusNotFound {
			t.Errorf("A reads B's progress: %d", st)
		}
		if b.visit(t, b.admA, c.ID, "乙老党员", "2026-03-10") != http.StatusNotFound {
			t.Error("A visits B's person in the campaign")
		}

		// 待办: each organisation with people still to visit in the campaign.
		todo := func(org int64) (title, severity string) {
			t.Helper()
			err := e.DB.QueryRowContext(ctx, "SELECT title, severity FROM todos WHERE source = 'care.campaign' AND dedup_key = ? AND done_at IS NULL",
				itoa(c.ID)+":"+itoa(org)).Scan(&title, &severity)
			if err != nil {
				return "", ""
			}
			return title, severity
		}
		if title, sev := todo(b.ABranch); !strings.Contains(title, "尚有 5 人待走访") || sev != "info" {
			t.Errorf("A's branch 待办: %q %s", title, sev)
		}

		// Visits: on the list, within the window, once.
		if st := b.visit(t, b.admA, c.ID, "老张", "2026-03-10"); st != http.StatusCreated {
			t.Fatalf("visit: %d %s", st, b.admA.Body())
		}
		if st := b.visit(t, b.admA, c.ID, "老张", "2026-03-12"); st != http.StatusConflict {
			t.Errorf("visited twice in the campaign: %d", st)
		}
		if st := b.visit(t, b.admA, c.ID, "满五十", "2026-02-28"); st != http.StatusUnprocessableEntity {
			t.Errorf("visit before the campaign: %d", st)
		}
		if st := b.visit(t, b.admA, c.ID, "在职党员", "2026-03-10"); st != http.StatusUnprocessableEntity || !strings.Contains(b.admA.Body(), "不在") {
			t.Errorf("visit of someone not listed: %d %s", st, b.admA.Body())
		}

		pr := b.progress(t, b.root, c.ID, "")
		if pr.Total.Targets != 6 || pr.Total.Visited != 1 || pr.Total.Amount != "500.00" || pr.Total.Standard != "3000.00" || len(pr.Rows) != 2 {
			t.Fatalf("bureau progress %+v", pr)
		}
		if r := pr.Rows[0]; r.OrgID != b.A || r.Targets != 5 || r.Visited != 1 || r.ToVisit != 4 || r.Percent != 20 || !r.Deeper {
			t.Errorf("A's row %+v", r)
		}
		if r := pr.Rows[1]; r.OrgID != b.B || r.Targets != 1 || r.Visited != 0 {
			t.Errorf("B's row %+v", r)
		}
		if pa := b.progress(t, b.admA, c.ID, ""); pa.OrgID != b.A || len(pa.Rows) != 1 || pa.Rows[0].OrgID != b.ABranch || pa.Total.Targets != 5 {
			t.Errorf("A's progress %+v", pa)
		}
		var ts care.List[care.Target]
		b.admA.Do("GET", "/api/v1/care/campaigns/"+itoa(c.ID)+"/targets?state=pending", nil, &ts)
		if ts.Total != 4 {
			t.Errorf("A's pending %d", ts.Total)
		}

		// After the window, what is left is overdue.
		e.App.Now = func() time.Time { return time.Date(2026, 4, 2, 4, 0, 0, 0, time.UTC) }
		if err := care.Sync(ctx, e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if title, sev := todo(b.ABranch); !strings.Contains(title, "逾期") || !strings.Contains(title, "4 人") || sev != "bad" {
			t.Errorf("overdue 待办: %q %s", title, sev)
		}
		for _, p := range []string{"满五十", "差一天", "八十岁", "预备老人"} {
			if st := b.visit(t, b.admA, c.ID, p, "2026-04-01"); st != http.StatusCreated {
				t.Fatalf("late visit of %s: %d %s", p, st, b.admA.Body())
			}
		}
		if title, _ := todo(b.ABranch); title != "" {
			t.Errorf("A's branch still has 待办 %q after visiting everyone", title)
		}
		var late care.VisitList
		b.admA.Do("GET", "/api/v1/care/visits?campaign="+itoa(c.ID)+"&from=2026-04-01", nil, &late)
		if late.Total != 4 || !late.Items[0].Late {
			t.Errorf("late visits %d", late.Total)
		}

		// Closing ends the visits and the 待办.
		if st := b.root.Do("POST", "/api/v1/care/campaigns/"+itoa(c.ID)+"/close", map[string]any{"version": c.Version}, &c); st != http.StatusOK || c.State != "closed" {
			t.Fatalf("close: %d %s", st, b.root.Body())
		}
		if title, _ := todo(b.BBranch); title != "" {
			t.Errorf("B's 待办 after closing: %q", title)
		}
		if st := b.visit(t, b.admB, c.ID, "乙老党员", "2026-04-01"); st != http.StatusUnprocessableEntity {
			t.Errorf("visit in a closed campaign: %d", st)
		}
	})
}

// The exports pass every cell through cellsafe, and the printed sheets
// list the people with the amounts.
func TestCampaignSheetsAndExports(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	b := careNewBureau(t, e)
	e.Person(dbtest.Person{Org: b.ABranch, Name: `=HYPERLINK("http://x","老")`, Category: "离退休", BirthDate: "1940-01-01", FullDate: "1960-01-01"})
	c := b.open(t, nil)
	b.visit(t, b.admA, c.ID, "老张", "2026-03-10")
	for _, path := range []string{"/care/export?kind=elder", "/care/export", "/care/hardship/export", "/care/visits/export",
		"/care/campaigns/" + itoa(c.ID) + "/export", "/care/campaigns/" + itoa(c.ID) + "/export?org=" + itoa(b.A)} {
		b.admA.Expect(http.StatusOK, "GET", path, nil, nil)
		if err := cellsafe.CheckXLSX(bytes.NewReader(b.admA.Last)); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'care.export'"); n != 6 {
		t.Errorf("%d exports audited, want 6", n)
	}
	b.admA.Do("GET", "/care/campaigns/"+itoa(c.ID)+"/receipt", nil, nil)
	page := b.admA.Body()
	// 6 listed in A: 老张 given 500, five at the 500 standard.
	for _, want := range []string{"签收单", "老张", "满五十", "金额合计：3000.00 元", "甲分局党委"} {
		if !strings.Contains(page, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
	if strings.Contains(page, "乙老党员") {
		t.Error("A's receipt lists B's person")
	}
	b.admA.Do("GET", "/care/campaigns/"+itoa(c.ID)+"/print?org="+itoa(b.ABranch), nil, nil)
	if page := b.admA.Body(); !strings.Contains(page, "慰问名单") || !strings.Contains(page, "2026-03-10 上门走访") {
		t.Errorf("print page: %s", page)
	}
}

// The phone pages: the list, the people still to visit, a visit with a
// photo; a 领导 has none of them.
func TestCarePhone(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	b := careNewBureau(t, e)
	c := b.open(t, nil)
	if st := b.admA.Do("GET", "/m/care", nil, nil); st != http.StatusOK || !strings.Contains(b.admA.Body(), c.Name) {
		t.Fatalf("/m/care: %d", st)
	}
	b.admA.Do("GET", "/m/care/campaigns/"+itoa(c.ID), nil, nil)
	if page := b.admA.Body(); !strings.Contains(page, "老张") || strings.Contains(page, "乙老党员") {
		t.Error("phone list wrong")
	}
	path := "/m/care/campaigns/" + itoa(c.ID) + "/visit"
	fields := map[string]string{"person_id": itoa(b.people["老张"]), "visited_on": "2026-03-15", "form": "money", "visitors": "支部书记", "amount": "500"}
	if st := careUpload(t, e, b.admA, path, fields, "photo", "IMG_0001.png", []byte("not a photo"), nil); st != http.StatusUnprocessableEntity {
		t.Errorf("a bad photo: %d", st)
	}
	if e.Count("SELECT COUNT(*) FROM care_visits") != 0 {
		t.Fatal("a bad photo left a visit")
	}
	if st := careUpload(t, e, b.admA, path, fields, "photo", "IMG_0001.png", pngPhoto(t, 200), nil); st != http.StatusSeeOther {
		t.Fatalf("phone visit: %d %s", st, b.admA.Body())
	}
	if e.Count("SELECT COUNT(*) FROM care_photos p JOIN care_visits v ON v.id = p.visit_id WHERE v.campaign_id = ?", c.ID) != 1 {
		t.Error("the photo was not kept")
	}
	if st := b.lead.Do("GET", "/m/care", nil, nil); st != http.StatusForbidden {
		t.Errorf("a 领导 opens the phone page: %d", st)
	}
}
