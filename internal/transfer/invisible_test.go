package transfer_test

import (
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/transfer"
)

// An organisation, a reason or a note that reads otherwise than it is
// stored (a right-to-left override, a zero-width space) is refused, naming
// the field; nothing is created.
func TestTransferTextRefusesInvisibleCharacters(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		before := e.Count("SELECT COUNT(*) FROM transfers")
		for _, c := range []struct {
			body  map[string]any
			field string
			label string
		}{
			{map[string]any{"kind": "out", "person_id": w.person, "outside_org": "陕西省\u202e委工党道街"}, "outside_org", "系统外党组织"},
			{map[string]any{"kind": "in", "to_org_id": w.a1, "outside_org": "陕西省西安市", "letter_no": "12\u200b3"}, "letter_no", "介绍信编号"},
			{map[string]any{"kind": "inside", "person_id": w.person, "to_org_id": w.b1, "reason": "工作调动\u2066"}, "reason", "转接原因"},
		} {
			var out struct {
				Error struct{ Field, Message string }
			}
			if st := w.adminA1.Do("POST", "/api/v1/transfers", c.body, &out); st != 400 || out.Error.Field != c.field || !strings.HasPrefix(out.Error.Message, c.label+"含有不可见的") {
				t.Errorf("%v: %d %+v", c.body, st, out.Error)
			}
		}
		if n := e.Count("SELECT COUNT(*) FROM transfers"); n != before {
			t.Fatalf("refused requests created %d transfers", n-before)
		}
		var tr transfer.Transfer
		if st := w.adminA1.Do("POST", "/api/v1/transfers", map[string]any{"kind": "inside", "person_id": w.person, "to_org_id": w.b1, "reason": "第一行\n第二行"}, &tr); st != 201 && st != 200 {
			t.Fatalf("a reason on two lines: %d %s", st, w.adminA1.Body())
		}
		act(t, w.adminA1, tr.ID, "review", nil, 200)
		act(t, w.adminA1, tr.ID, "withdraw", map[string]any{"note": "暂缓\u202e"}, 400)
	})
}
