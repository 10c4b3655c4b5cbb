package task_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/cite"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/task"
)

// Cited records: the receiver picks its own meetings as evidence, the
// dispatcher reads them by name; a meeting of another branch or from before
// the task began is refused, naming it, and nothing changes.
func TestCitedRecords(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := newBureau(t, e)
		item := b.item(t, b.rootAdm, b.root, nil)
		if st := b.rootAdm.Do("POST", fmt.Sprintf("/api/v1/task-items/%d/dispatch", item), map[string]any{"target": "branches", "confirm": true}, nil); st != 201 {
			t.Fatalf("dispatch: %d %s", st, b.rootAdm.Body())
		}
		c := b.copyOf(t, item, b.a1)
		var cp task.Copy
		b.a1Adm.Do("GET", fmt.Sprintf("/api/v1/tasks/%d", c), nil, &cp)
		meeting := func(orgID int64, on, topic string) string {
			var id int64
			err := e.DB.InTx(context.Background(), func(tx *db.Tx) (err error) {
				id, err = db.InsertID(context.Background(), tx, `INSERT INTO life_meetings (org_id, kind, held_on, topic, created_at, updated_at)
					VALUES (?, 'lecture', ?, ?, 0, 0)`, orgID, on, topic)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/life/meetings/%d", id)
		}
		own := meeting(b.a1, cp.StartsOn, "书记讲专题党课")
		old := meeting(b.a1, "2025-12-01", "去年的党课")
		other := meeting(b.a2, cp.StartsOn, "二所的党课")

		var recs []cite.Record
		if st := b.a1Adm.Do("GET", fmt.Sprintf("/api/v1/tasks/%d/citable", c), nil, &recs); st != 200 {
			t.Fatalf("citable: %d %s", st, b.a1Adm.Body())
		}
		if len(recs) != 1 || recs[0].Path != own || recs[0].Title != "书记讲专题党课" || recs[0].Kind != "党课" {
			t.Fatalf("the picker offers %+v, want only %s", recs, own)
		}
		if st := b.a2Adm.Do("GET", fmt.Sprintf("/api/v1/tasks/%d/citable", c), nil, nil); st != 404 {
			t.Fatalf("another branch reads the picker: %d", st)
		}

		before := dbtest.Fingerprint(t, e.DB)
		for link, want := range map[string]string{other: "不是甲分局一所党支部", old: "早于任务开始日期", "/life/meetings/999999": "已不存在"} {
			st := b.a1Adm.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/complete", c), map[string]any{"evidence": "讲了党课", "links": own + "\n" + link}, nil)
			if st != 422 || !strings.Contains(b.a1Adm.Body(), want) {
				t.Fatalf("citing %s: %d %s", link, st, b.a1Adm.Body())
			}
		}
		if dbtest.Fingerprint(t, e.DB) != before {
			t.Fatal("a refused completion changed the database")
		}

		// The same record twice is cited once; an ordinary address stays as typed.
		if st := b.a1Adm.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/complete", c), map[string]any{"evidence": "讲了党课", "links": own + "\n" + own + "\n/training/ledger"}, &cp); st != 200 {
			t.Fatalf("complete: %d %s", st, b.a1Adm.Body())
		}
		b.rootAdm.Do("GET", fmt.Sprintf("/api/v1/tasks/%d", c), nil, &cp)
		if len(cp.Cited) != 1 || cp.Cited[0].Path != own || cp.Cited[0].Org != "甲分局一所党支部" || cp.Links != own+"\n/training/ledger" {
			t.Fatalf("the dispatcher reads %+v, links %q", cp.Cited, cp.Links)
		}
		if st := b.rootAdm.Do("GET", fmt.Sprintf("/tasks/%d", c), nil, nil); st != 200 || !strings.Contains(b.rootAdm.Body(), "党课 · "+cp.StartsOn+" · 书记讲专题党课") {
			t.Fatalf("the copy page does not name the cited meeting: %d\n%s", st, b.rootAdm.Body())
		}
	})
}
