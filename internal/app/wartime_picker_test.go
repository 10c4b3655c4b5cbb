package app_test

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
)

// The event page's 组建单位 and 参与单位 pickers search and list no
// organisation, however few: the 组建单位 starts on the activating 党委
// (or the branch a refused form chose), the units show as chips. A
// unit's 党务管理员 searches their own scope.
func TestEventPagePickersSearch(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := wartimeNewBureau(t, e)
		ev := b.activate(t)
		page := fmt.Sprintf("/wartime/events/%d", ev.ID)
		b.adminA.Expect(200, "GET", page, nil, nil)
		body := b.adminA.Body()
		for _, want := range []string{
			fmt.Sprintf(`data-orgpick="/api/v1/orgs/search?root=%d"><input type="hidden" name="org_id" value="%d"><input type="text" id="t-org" value="甲分局党委"`, b.A, b.A),
			fmt.Sprintf(`<input type="hidden" name="unit_ids" value="%d"><span>甲分局城关派出所党支部</span>`, b.ABranch),
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the event page lacks %s", want)
			}
		}
		if strings.Contains(body, fmt.Sprintf(`<option value="%d"`, b.ABranch)) {
			t.Error("the event page lists organisations")
		}
		if st := b.adminA.Form(page+"/teams", map[string]string{"kind": "squad", "name": "", "org_id": fmt.Sprint(b.ABranch), "formed_on": b.day(0)}); st/100 != 4 ||
			!strings.Contains(b.adminA.Body(), fmt.Sprintf(`name="org_id" value="%d"><input type="text" id="t-org" value="甲分局城关派出所党支部"`, b.ABranch)) {
			t.Errorf("a refused team form: %d, its 组建单位 not kept", st)
		}
		unit := e.Account(auth.OrgAdmin, b.ABranch, 0)
		if unit.Expect(200, "GET", page, nil, nil); !strings.Contains(unit.Body(), `<span class="orgpick" data-orgpick="/api/v1/orgs/search"><input type="hidden" name="org_id" value="">`) {
			t.Error("a unit's 党务管理员 cannot set up a team in their scope")
		}
	})
}
