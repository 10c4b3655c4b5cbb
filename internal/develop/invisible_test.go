package develop_test

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
)

// Opinions and reasons that read otherwise than they are stored are refused,
// naming the field; nothing is recorded.
func TestDevelopTextRefusesInvisibleCharacters(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		c := b.fenjuAdmin
		var out struct {
			Error struct{ Field, Message string }
		}
		if st := c.Do("POST", "/api/v1/development/cases", map[string]any{"person_id": b.applicant, "date": "2023-01-10", "opinion": "同意\u202e意同不"}, &out); st != 400 ||
			out.Error.Field != "opinion" || !strings.HasPrefix(out.Error.Message, "意见含有不可见的") {
			t.Fatalf("open: %d %+v", st, out.Error)
		}
		var r caseReply
		c.Expect(201, "POST", "/api/v1/development/cases", map[string]any{"person_id": b.applicant, "date": "2023-01-10", "opinion": "第一行\n第二行"}, &r)
		records := e.Count("SELECT COUNT(*) FROM dev_records")
		if st := c.Do("POST", fmt.Sprintf("/api/v1/development/cases/%d/steps", r.Case.ID), map[string]any{"step": 2, "date": "2023-01-20", "opinion": "谈话\u200b记录"}, &out); st != 400 || out.Error.Field != "opinion" {
			t.Fatalf("step: %d %+v", st, out.Error)
		}
		if n := e.Count("SELECT COUNT(*) FROM dev_records"); n != records {
			t.Fatal("a refused step was recorded")
		}
	})
}
