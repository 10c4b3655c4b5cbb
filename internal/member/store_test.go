package member

import (
	"context"
	"errors"
	"strings"
	"testing"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/listing"
)

func insertValid(t *testing.T, d *db.DB, p Person) int64 {
	t.Helper()
	if errs := Validate(&p, today); len(errs) > 0 {
		t.Fatal(errs)
	}
	var id int64
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = Insert(context.Background(), tx, testKeys(), &p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestStoreRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, keys := context.Background(), testKeys()
		org, _ := addOrg(t, d, 0, "市局党委")
		p := validPerson()
		p.OrgID = org
		id := insertValid(t, d, p)
		got, err := Get(ctx, d, keys, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.IDNumber != p.IDNumber || got.Phone != "13812345678" || got.IDMasked != "1101**********"+p.IDNumber[14:] || got.PhoneMasked != "138****5678" {
			t.Fatalf("round trip: %+v", got)
		}
		if found, err := FindByIDNumber(ctx, d, keys, strings.ToLower(p.IDNumber)); err != nil || found != id {
			t.Fatalf("FindByIDNumber = %d, %v", found, err)
		}
		// A second record with the same number is refused.
		err = d.InTx(ctx, func(tx *db.Tx) error { _, err := Insert(ctx, tx, keys, &p); return err })
		if !errors.Is(err, ErrDuplicateID) {
			t.Fatalf("duplicate: %v", err)
		}
		// Update with a stale version conflicts.
		got.Post = "一级警长"
		if err := d.InTx(ctx, func(tx *db.Tx) error { return Update(ctx, tx, keys, got) }); err != nil {
			t.Fatal(err)
		}
		got.Version = 1
		if err := d.InTx(ctx, func(tx *db.Tx) error { return Update(ctx, tx, keys, got) }); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale update: %v", err)
		}
	})
}

func TestInsertManyKeepsOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, keys := context.Background(), testKeys()
		org, _ := addOrg(t, d, 0, "市局党委")
		ps := make([]Person, insertBatch+7) // one prepared full batch and a remainder
		for i := range ps {
			ps[i] = generated(i, org)
		}
		var ids []int64
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			ids, err = InsertMany(ctx, tx, keys, ps)
			return err
		})
		if err != nil || len(ids) != len(ps) {
			t.Fatal(len(ids), err)
		}
		for _, i := range []int{0, insertBatch - 1, insertBatch, len(ps) - 1} {
			got, err := Get(ctx, d, keys, ids[i])
			if err != nil || got.IDNumber != ps[i].IDNumber || got.Name != ps[i].Name {
				t.Fatalf("row %d: %+v %v", i, got, err)
			}
		}
	})
}

func TestRecordEvent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		org, _ := addOrg(t, d, 0, "市局党委")
		id := insertValid(t, d, Person{OrgID: org, Name: "赵六", Gender: "男", BirthDate: "1995-05-05", Status: "applicant", ApplyDate: "2024-01-10"})
		record := func(kind, on string) error {
			return d.InTx(ctx, func(tx *db.Tx) error {
				_, err := RecordEvent(ctx, tx, id, Event{Kind: kind, OnDate: on}, today)
				return err
			})
		}
		if err := record("activist", "2024-03-01"); err != nil {
			t.Fatal(err)
		}
		var fe *fail.Error
		if err := record("full", "2024-04-01"); !errors.As(err, &fe) {
			t.Fatalf("转正 of an activist accepted: %v", err)
		}
		var fs fail.Fields
		if err := record("candidate", "2024-02-01"); !errors.As(err, &fs) || fs.Of("candidate_date") == "" {
			t.Fatalf("发展对象 before 积极分子 accepted: %v", err)
		}
		if err := record("candidate", "2025-03-01"); err != nil {
			t.Fatal(err)
		}
		if err := record("lost", "2025-04-01"); err != nil {
			t.Fatal(err)
		}
		p, _ := Get(ctx, d, nil, id)
		if p.Status != "candidate" || p.CandidateDate != "2025-03-01" || !p.LostContact || p.LostSince != "2025-04-01" {
			t.Fatalf("after events: %+v", p)
		}
		evs, err := Events(ctx, d, id)
		if err != nil || len(evs) != 3 || evs[0].KindLabel != "确定为入党积极分子" {
			t.Fatalf("events: %+v %v", evs, err)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return SetStatus(ctx, tx, id, "full", today) }); !errors.As(err, &fe) {
			t.Fatalf("SetStatus full without dates accepted: %v", err)
		}
	})
}

func TestSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, keys := context.Background(), testKeys()
		root, rootPath := addOrg(t, d, 0, "市局党委")
		a, aPath := addOrg(t, d, root, "甲分局")
		b, _ := addOrg(t, d, root, "乙分局")
		aBranch, _ := addOrg(t, d, a, "甲支部")
		zs := validPerson()
		zs.OrgID = aBranch
		insertValid(t, d, zs)
		insertValid(t, d, Person{OrgID: b, Name: "张珊", Gender: "女", BirthDate: "1999-01-01", Status: "activist", ApplyDate: "2020-01-01", ActivistDate: "2021-01-01", Category: "辅警"})
		insertValid(t, d, Person{OrgID: a, Name: "李四", Gender: "男", BirthDate: "1970-01-01", Status: "applicant", ApplyDate: "2020-01-01"})
		admin := &auth.Principal{Role: auth.OrgAdmin, OrgPath: rootPath}
		names := func(p *auth.Principal, f Filter) (string, int) {
			t.Helper()
			items, total, err := Search(ctx, d, keys, p, f)
			if err != nil {
				t.Fatal(err)
			}
			var ns []string
			for _, it := range items {
				if it.IDNumber != "" || it.Phone != "" {
					t.Fatal("plaintext in a search result")
				}
				ns = append(ns, it.Name)
			}
			if !total.Exact {
				t.Fatalf("a total of %d people is not exact", total.N)
			}
			return strings.Join(ns, ","), total.N
		}
		for _, c := range []struct {
			f     Filter
			want  string
			total int
		}{
			{Filter{}, "李四,张三,张珊", 3},
			{Filter{Q: "zs"}, "张三,张珊", 2},
			{Filter{Q: "ZHANGS"}, "张三,张珊", 2},
			{Filter{Q: "Z"}, "张三,张珊", 2},
			{Filter{Q: "l"}, "李四", 1},
			{Filter{Q: "张"}, "张三,张珊", 2},
			{Filter{Q: "张", OrgID: a}, "张三", 1},
			{Filter{Q: "张", Category: "辅警"}, "张珊", 1},
			{Filter{Q: "李"}, "李四", 1},
			{Filter{Q: "三"}, "", 0},
			{Filter{Q: "%"}, "", 0},
			{Filter{Q: zs.IDNumber[14:]}, "张三", 1},
			{Filter{Q: strings.ToLower(zs.IDNumber)}, "张三", 1},
			{Filter{OrgID: a}, "李四,张三", 2},
			{Filter{Status: "activist"}, "张珊", 1},
			{Filter{Category: "辅警", Gender: "女", Age: "26-30"}, "张珊", 1},
			{Filter{Age: "-30"}, "张珊", 1},
			{Filter{Q: "' OR 1=1 --"}, "", 0},
			{Filter{Q: "%_"}, "", 0},
			{Filter{PerPage: 2, Page: 2}, "张珊", 3},
		} {
			if got, total := names(admin, c.f); got != c.want || total != c.total {
				t.Errorf("%+v: got %q (%d), want %q (%d)", c.f, got, total, c.want, c.total)
			}
		}
		// 张华 (zhanghua, zh) matches "zh" by both readings: listed and counted once.
		insertValid(t, d, Person{OrgID: b, Name: "张华", Gender: "男", BirthDate: "1980-01-01", Status: "applicant", ApplyDate: "2020-01-01"})
		if got, total := names(admin, Filter{Q: "zh"}); got != "张华,张三,张珊" || total != 3 {
			t.Errorf("zh: got %q (%d), want 张华,张三,张珊 (3)", got, total)
		}
		if n, err := Count(ctx, d, keys, admin, Filter{Q: "zh"}); err != nil || n != 3 {
			t.Errorf("zh counted %d (%v), want 3", n, err)
		}
		scoped := &auth.Principal{Role: auth.Leader, OrgPath: aPath}
		if got, total := names(scoped, Filter{}); got != "李四,张三" || total != 2 {
			t.Errorf("leader of 甲分局 sees %q", got)
		}
		for _, f := range []Filter{{PerPage: 500}, {PerPage: -1}, {Page: -1}} {
			if _, _, err := Search(ctx, d, keys, admin, f); err == nil {
				t.Errorf("page %d of %d read, not refused", f.Page, f.PerPage)
			}
		}
		if _, _, err := Search(ctx, d, keys, scoped, Filter{OrgID: b}); !errors.Is(err, ErrOutOfScope) {
			t.Errorf("org outside scope: %v", err)
		}
		if _, _, err := Search(ctx, d, keys, &auth.Principal{Role: auth.SysAdmin}, Filter{}); !errors.Is(err, ErrOutOfScope) {
			t.Errorf("系统管理员 searched members: %v", err)
		}
	})
}

// generated makes the i-th synthetic person (for bulk tests and benchmarks).
func generated(i int, org int64) Person {
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
	given := []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉建国红梅志鹏飞宇浩然欣怡子涵")
	name := string(surnames[i%len(surnames)]) + string(given[(i/7)%len(given)])
	if i%3 == 0 {
		name += string(given[(i/13)%len(given)])
	}
	birth := civil.New(1960+i%40, 1, 1).AddDays(i % 365)
	s17 := "110105" + strings.ReplaceAll(birth.String(), "-", "") + string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
	// Vary the region code so that 10^6 people get distinct numbers.
	s17 = s17[:2] + string(rune('0'+i/1000%10)) + string(rune('0'+i/10000%10)) + string(rune('0'+i/100000%10)) + s17[5:]
	id := idcard.WithCheckDigit(s17)
	p := Person{OrgID: org, Name: name, IDNumber: id, Gender: idcard.Gender(id), Ethnicity: "汉族", BirthDate: idcard.Birth(id),
		Phone: "139" + id[9:17], Education: Educations[i%len(Educations)], Category: Categories[i%len(Categories)], Status: "full",
		JoinDate: birth.AddYears(25).String(), FullDate: birth.AddYears(26).String()}
	p.Pinyin, p.Initials = PinyinOf(name)
	return p
}

func TestTransferOutAndBackIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		root, _ := addOrg(t, d, 0, "市局党委")
		other, _ := addOrg(t, d, root, "乙支部")
		p := validPerson()
		p.OrgID = root
		id := insertValid(t, d, p)
		for _, ev := range []Event{{Kind: "transfer_out", OnDate: "2020-01-01"}, {Kind: "transfer_in", OnDate: "2021-01-01", OrgID: other}} {
			if err := d.InTx(ctx, func(tx *db.Tx) error { _, err := RecordEvent(ctx, tx, id, ev, today); return err }); err != nil {
				t.Fatal(ev.Kind, err)
			}
		}
		got, _ := Get(ctx, d, nil, id)
		if got.Status != "full" || got.OrgID != other || got.LeftDate != "" {
			t.Fatalf("after transfer back in: %+v", got)
		}
	})
}

// Totals are exact up to listing.TotalCap and "10,000+" beyond, never a count of
// everything per page; the pages past the cap still come, and Count stays
// exact for the figures that need it.
func TestSearchTotalsAreCapped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, keys := context.Background(), testKeys()
		root, rootPath := addOrg(t, d, 0, "市局党委")
		fj, fjPath := addOrg(t, d, root, "甲分局党委")
		small, _ := addOrg(t, d, root, "乙分局党委")
		const n = listing.TotalCap + 50
		err := d.InTx(ctx, func(tx *db.Tx) error {
			w := NewInserter(tx)
			defer w.Close()
			for i := range n + 3 {
				org := fj
				if i >= n {
					org = small
				}
				p := generated(i, org)
				if err := w.Add(ctx, NewRow(keys, &p)); err != nil {
					return err
				}
			}
			return w.Flush(ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		dbtest.OrgPathsAgree(t, d)
		for _, p := range []*auth.Principal{{Role: auth.OrgAdmin, OrgPath: rootPath}, {Role: auth.OrgAdmin, OrgPath: fjPath}} {
			items, total, more, err := SearchPage(ctx, d, keys, p, Filter{})
			if err != nil || total != (listing.Total{N: listing.TotalCap}) || !more || len(items) != 20 {
				t.Fatalf("%s: %+v more %v, %d items, %v", p.OrgPath, total, more, len(items), err)
			}
			last := (n + 19) / 20
			if p.OrgPath == rootPath {
				last = (n + 3 + 19) / 20
			}
			items, _, more, err = SearchPage(ctx, d, keys, p, Filter{Page: last})
			if err != nil || more || len(items) == 0 || len(items) > 20 {
				t.Fatalf("%s: last page %d: %d items, more %v, %v", p.OrgPath, last, len(items), more, err)
			}
			if c, err := Count(ctx, d, keys, p, Filter{}); err != nil || c != n && c != n+3 {
				t.Fatalf("%s: count %d %v", p.OrgPath, c, err)
			}
		}
		items, total, more, err := SearchPage(ctx, d, keys, &auth.Principal{Role: auth.OrgAdmin, OrgPath: rootPath}, Filter{OrgID: small})
		if err != nil || total != (listing.Total{N: 3, Exact: true}) || more || len(items) != 3 {
			t.Fatalf("small subtree: %+v more %v %d %v", total, more, len(items), err)
		}

	})
}
