package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/training"
)

// Titles, topics and records that read otherwise than they are stored are
// refused, naming the field; nothing is stored.
func TestTrainingTextRefusesInvisibleCharacters(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newBureau(t, e)
		city := e.Account(auth.OrgAdmin, w.root, 0)
		var out struct {
			Error struct{ Field, Message string }
		}
		if st := city.Do("POST", "/api/v1/training/programs", map[string]any{"org_id": w.root, "tier": training.TierDemo, "year": 2026,
			"title": "全市\u202e训轮"}, &out); st != 400 || out.Error.Field != "title" || !strings.HasPrefix(out.Error.Message, "名称含有不可见的") {
			t.Fatalf("program title: %d %+v", st, out.Error)
		}
		var prog struct{ ID int64 }
		city.Expect(201, "POST", "/api/v1/training/programs", map[string]any{"org_id": w.root, "tier": training.TierDemo, "year": 2026,
			"title": "全市轮训", "description": "第一行\n第二行"}, &prog)
		if st := city.Do("POST", fmt.Sprintf("/api/v1/training/programs/%d/courses", prog.ID), map[string]any{"topic": "学习\u200b党章", "hours_x10": 25}, &out); st != 400 || out.Error.Field != "topic" {
			t.Fatalf("course topic: %d %+v", st, out.Error)
		}
		start := w.now.Add(24 * time.Hour)
		if st := city.Do("POST", fmt.Sprintf("/api/v1/training/programs/%d/sessions", prog.ID), map[string]any{"title": "第一讲\u2067", "mode": "线下",
			"starts_at": start.UnixMilli(), "ends_at": start.Add(3 * time.Hour).UnixMilli(), "hours_x10": 30}, &out); st != 400 || out.Error.Field != "title" {
			t.Fatalf("session title: %d %+v", st, out.Error)
		}
		if n := e.Count("SELECT COUNT(*) FROM training_courses") + e.Count("SELECT COUNT(*) FROM training_sessions"); n != 0 {
			t.Fatalf("%d refused rows stored", n)
		}
	})
}
