package input

import (
	"errors"
	"net/url"
	"testing"

	"hongdun/internal/platform/fail"
)

func field(t *testing.T, err error) string {
	t.Helper()
	var fe *fail.Error
	if !errors.As(err, &fe) {
		t.Fatalf("want a refusal, got %v", err)
	}
	return fe.Field
}

func TestTextRefusesWhatItShould(t *testing.T) {
	if v, err := Text("topic", "主题", "  学习  ", true, 10, false); err != nil || v != "学习" {
		t.Fatalf("%q %v", v, err)
	}
	for _, bad := range []struct {
		v        string
		required bool
		multi    bool
	}{{" ", true, false}, {"一二三四五六七八九十一", false, false}, {"a\nb", false, false}, {"a\u202eb", false, true}} {
		if _, err := Text("topic", "主题", bad.v, bad.required, 10, bad.multi); field(t, err) != "topic" {
			t.Fatalf("%q accepted", bad.v)
		}
	}
	if v, err := Text("note", "说明", "a\nb", false, 10, true); err != nil || v != "a\nb" {
		t.Fatalf("multi-line refused: %v", err)
	}
}

func TestDatesYearsAndPaging(t *testing.T) {
	if d, err := Date("on", "日期", "2026-02-28"); err != nil || d.String() != "2026-02-28" {
		t.Fatal(d, err)
	}
	for _, bad := range []string{"", "2026-02-30", "1900-01-01", "明天"} {
		if _, err := Date("on", "日期", bad); field(t, err) != "on" {
			t.Fatalf("%q accepted", bad)
		}
	}
	if d, err := OptDate("on", "日期", ""); err != nil || !d.IsZero() {
		t.Fatal(d, err)
	}
	if y, err := Year("year", "", 2026); err != nil || y != 2026 {
		t.Fatal(y, err)
	}
	if _, err := Year("year", "26", 2026); field(t, err) != "year" {
		t.Fatal("a two-digit year accepted")
	}
	if _, err := ID("org", "组织", "-3"); field(t, err) != "org" {
		t.Fatal("a negative id accepted")
	}
	if p, per, err := Paging(url.Values{"page": {"3"}, "per_page": {"20"}}); err != nil || p != 3 || per != 20 {
		t.Fatal(p, per, err)
	}
	if _, _, err := Paging(url.Values{"per_page": {"500"}}); field(t, err) != "per_page" {
		t.Fatal("500 per page accepted")
	}
	if err := InPages(3, 200); err != nil {
		t.Fatal(err)
	}
	if field(t, InPages(0, 50)) != "page" || field(t, InPages(1, 201)) != "per_page" || field(t, InPages(1, 0)) != "per_page" {
		t.Fatal("a page out of range given as numbers accepted")
	}
}
