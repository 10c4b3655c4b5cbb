package task_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hongdun/internal/apptest"
	"hongdun/internal/browsertest"
	"hongdun/internal/platform/db"
)

// TestDispatchPhoneCompletionReturnAndAccept: the bureau dispatches a task
// to every branch (preview, then confirm); a branch secretary completes it
// with evidence on a phone; the bureau returns it once with a reason; the
// secretary submits again; the bureau accepts and the progress shows it
// done.
func TestDispatchPhoneCompletionReturnAndAccept(t *testing.T) {
	t.Parallel()
	p := browsertest.Open(t, 1280, 900)
	e := p.E
	b := newBureau(t, e)
	item := b.item(t, b.rootAdm, b.root, map[string]any{"title": "开展一次警示教育", "due_on": "2026-04-30"})
	p.Run(browsertest.Login(e.Srv.URL, b.rootAdm.Username(), apptest.Password),
		chromedp.Navigate(fmt.Sprintf("%s/tasks/items/%d", e.Srv.URL, item)), chromedp.WaitVisible("#dispatch-form"),
		browsertest.Follow("#dispatch-form button"), chromedp.WaitVisible("#dispatch-confirm"))
	p.Shot("preview")
	p.Run(browsertest.Follow("#dispatch-confirm"), chromedp.WaitVisible("#item-progress"))
	if n := e.Count("SELECT COUNT(*) FROM task_copies WHERE item_id = ?", item); n != 3 {
		t.Fatalf("%d copies, want one for each of the 3 branches", n)
	}
	c := b.copyOf(t, item, b.a1)
	copyPage := fmt.Sprintf("%s/tasks/%d", e.Srv.URL, c)
	// The branch held its meeting in the platform: the secretary cites it.
	var meeting int64
	err := e.DB.InTx(context.Background(), func(tx *db.Tx) (err error) {
		meeting, err = db.InsertID(context.Background(), tx, `INSERT INTO life_meetings (org_id, kind, held_on, topic, created_at, updated_at)
			SELECT ?, 'theme_day', starts_on, '观看警示教育片', 0, 0 FROM task_copies WHERE id = ?`, b.a1, c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	phone := browsertest.Browser(t, 390, 844)
	// On failure: a screenshot of the whole phone page, then the test fails.
	onPhone := (&browsertest.Page{T: t, Ctx: phone}).Run
	// On the phone: 任务与擂台, the task, a photo of the meeting as
	// evidence, then the report.
	scan := filepath.Join(t.TempDir(), "警示教育签到表.png")
	if err := os.WriteFile(scan, append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...), 0o600); err != nil {
		t.Fatal(err)
	}
	var status, files, tasks, cited string
	onPhone(browsertest.Login(e.Srv.URL, b.a1Adm.Username(), apptest.Password),
		chromedp.Navigate(e.Srv.URL+"/m/tasks"), chromedp.WaitVisible(fmt.Sprintf("#phone-task-%d", c)), chromedp.Text("main", &tasks))
	browsertest.Screenshot(t, phone, "phone-tasks")
	if !strings.Contains(tasks, "开展一次警示教育") || !strings.Contains(tasks, "擂台比武") {
		t.Fatalf("the phone's task page: %q", tasks)
	}
	onPhone(browsertest.Follow(fmt.Sprintf("#phone-task-%d", c)), chromedp.WaitVisible("#file-form"),
		chromedp.SetUploadFiles("#file-input", []string{scan}), browsertest.Follow("#file-submit"),
		chromedp.WaitVisible("#copy-files li"), chromedp.Text("#copy-files", &files),
		chromedp.SendKeys(`#complete-form textarea[name="evidence"]`, "组织全体党员观看警示教育片"),
		chromedp.Click(fmt.Sprintf(`#cite-picker input[value="/life/meetings/%d"]`, meeting)),
		browsertest.Follow("#complete-submit"), chromedp.WaitVisible("#copy-status"), chromedp.Text("#copy-status", &status),
		chromedp.Text("#copy-cited", &cited))
	browsertest.Screenshot(t, phone, "phone-submitted")
	if status != "待验收" || !strings.Contains(files, "警示教育签到表.png") || !strings.Contains(cited, "主题党日") || !strings.Contains(cited, "观看警示教育片") {
		t.Fatalf("after the phone submission: %q, files %q, cited %q", status, files, cited)
	}

	p.Run(chromedp.Navigate(copyPage), chromedp.WaitVisible("#review-form"),
		chromedp.Click(`#review-form input[value="return"]`), chromedp.SendKeys(`#review-form textarea[name="reason"]`, "请补充参加人数"),
		browsertest.Follow("#review-submit"), chromedp.WaitVisible("#copy-status"), chromedp.Text("#copy-status", &status))
	if status != "已退回" {
		t.Fatalf("after the return: %q", status)
	}

	var note string
	onPhone(chromedp.Navigate(copyPage), chromedp.WaitVisible("#copy-review-note"), chromedp.Text("#copy-review-note", &note),
		chromedp.SendKeys(`#complete-form textarea[name="evidence"]`, "组织全体党员 12 人观看警示教育片"),
		browsertest.Follow("#complete-submit"), chromedp.WaitVisible("#copy-status"), chromedp.Text("#copy-status", &status))
	if !strings.Contains(note, "请补充参加人数") || status != "待验收" {
		t.Fatalf("the secretary saw %q and resubmitted to %q", note, status)
	}

	var row string
	p.Run(chromedp.Navigate(copyPage), chromedp.WaitVisible("#review-form"), browsertest.Follow("#review-submit"),
		chromedp.WaitVisible("#copy-status"), chromedp.Text("#copy-status", &status),
		chromedp.Navigate(fmt.Sprintf("%s/tasks/items/%d", e.Srv.URL, item)), chromedp.WaitVisible("#item-progress"),
		chromedp.Text(fmt.Sprintf("#copy-%d", c), &row))
	p.Shot("progress")
	if status != "已完成" || !strings.Contains(row, "已完成") {
		t.Fatalf("accepted copy %q, its progress row %q", status, row)
	}
}
