package transfer_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/transfer"
)

// checkPDF fails unless body is a whole PDF of pages pages with the CJK font
// embedded.
func checkPDF(t *testing.T, body string, pages int) {
	t.Helper()
	if !strings.HasPrefix(body, "%PDF-") || !strings.Contains(body, "\nxref\n") || !strings.Contains(body, "trailer") ||
		!strings.HasSuffix(strings.TrimSpace(body), "%%EOF") {
		t.Fatalf("not a whole PDF: %.200q", body)
	}
	if m := regexp.MustCompile(`/Type /Pages[^>]*/Count (\d+)`).FindStringSubmatch(body); m == nil || m[1] != fmt.Sprint(pages) {
		t.Fatalf("pages: %v, want %d", m, pages)
	}
	if !strings.Contains(body, "/FontFile2") || !strings.Contains(body, "/Subtype /Type0") {
		t.Fatal("the CJK font is not embedded")
	}
}

// The letter downloads as a PDF, one A4 page per letter, under the print
// page's rules: issued (else 409), in scope (else 404), the full ID number
// only for the issuer; each download is audited.
func TestLetterPDF(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		leader := e.Account(auth.Leader, w.root, 0)
		first := sent(t, w, w.person)
		second := sent(t, w, addPerson(t, e, w.a1, "李四", "11010119900307002"))
		downloads := func() int { return e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.letter_pdf'") }

		if st := w.adminA1.Do("GET", fmt.Sprintf("/transfers/%d/letter", first.ID), nil, nil); st != 200 ||
			!strings.Contains(w.adminA1.Body(), fmt.Sprintf(`id="letter-pdf" href="/transfers/%d/letter.pdf"`, first.ID)) {
			t.Fatalf("the letter page links no PDF: %d", st)
		}
		w.adminA1.Expect(200, "GET", fmt.Sprintf("/transfers/%d/letter.pdf", first.ID), nil, nil)
		checkPDF(t, w.adminA1.Body(), 1)
		if downloads() != 1 {
			t.Fatalf("download audited %d times", downloads())
		}
		batch := fmt.Sprintf("/transfers/letters.pdf?id=%d&id=%d", first.ID, second.ID)
		leader.Expect(200, "GET", batch, nil, nil) // a leader downloads the batch
		checkPDF(t, leader.Body(), 2)
		if n := e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.letter_pdf' AND object_id = ?", fmt.Sprint(first.ID)); n != 2 {
			t.Fatalf("batch audited: %d", n)
		}

		// The reveal rule of the print page: the issuer may, audited; a leader may not.
		if st := w.adminA1.Do("GET", batch+"&reveal=1", nil, nil); st != 200 ||
			e.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.reveal' AND result = 'ok'") != 1 {
			t.Fatalf("revealed pdf: %d", st)
		}
		checkPDF(t, w.adminA1.Body(), 2)
		leader.Expect(403, "GET", fmt.Sprintf("/transfers/%d/letter.pdf?reveal=1", first.ID), nil, nil) // a leader reveals in the pdf

		// Out of scope, not yet issued, malformed: refused, nothing downloaded.
		before := downloads()
		w.adminA2.Expect(404, "GET", fmt.Sprintf("/transfers/%d/letter.pdf", first.ID), nil, nil) // a sibling downloads
		w.adminA2.Expect(404, "GET", batch, nil, nil)                                             // a sibling downloads the batch
		var open transfer.Transfer
		w.adminA1.Do("POST", "/api/v1/transfers", map[string]any{"kind": "out", "person_id": addPerson(t, e, w.a1, "赵六", "11010119900307004"), "outside_org": "外省"}, &open)
		if st := w.adminA1.Do("GET", fmt.Sprintf("/transfers/%d/letter.pdf", open.ID), nil, nil); st != 409 || !strings.Contains(w.adminA1.Body(), "介绍信尚未开具") {
			t.Fatalf("an unissued letter: %d %.300s", st, w.adminA1.Body())
		}
		for _, bad := range []string{"/transfers/letters.pdf?id=x", "/transfers/letters.pdf"} {
			w.adminA1.Expect(400, "GET", bad, nil, nil)
		}
		if downloads() != before {
			t.Fatal("a refused download was audited as done")
		}
	})
}

// The PDF is written from the fields Letters gathers for the print page:
// the number, the full ID number when revealed, the dues, the issuer.
func TestLetterPDFWritesTheGatheredFields(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		first := sent(t, w, w.person)
		var path string
		if err := e.DB.QueryRowContext(context.Background(), "SELECT path FROM orgs WHERE id = ?", w.a1).Scan(&path); err != nil {
			t.Fatal(err)
		}
		p := &auth.Principal{Role: auth.OrgAdmin, OrgID: w.a1, OrgPath: path}
		ls, err := transfer.Letters(t.Context(), e.App.Deps, p, []int64{first.ID}, true)
		if err != nil || len(ls) != 1 {
			t.Fatalf("letters: %v %d", err, len(ls))
		}
		l := ls[0]
		full := idcard.WithCheckDigit("11010119900307001")
		if l.LetterNo == "" || l.LetterNo != first.LetterNo || l.IDNumber != full || l.Issuer != "市公安局党委" || l.DuesThrough != "2026年10月" {
			t.Fatalf("gathered %q %q %q %q", l.LetterNo, l.IDNumber, l.Issuer, l.DuesThrough)
		}
		text := transfer.SheetText(l)
		if n := strings.Count(text, l.LetterNo); n != 3 {
			t.Errorf("the number is written %d times, want once per part", n)
		}
		for _, want := range []string{"（存根）", "（回执）", full, "党费已交到2026年10月", "市公安局党委（盖章）", "转到乙分局一支部", l.Dated, "有效期30天"} {
			if !strings.Contains(text, want) {
				t.Errorf("the sheet lacks %q:\n%s", want, text)
			}
		}
	})
}
