package app_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/pioneer"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// pioneerBranch is a 市局 with a branch of three party members and a 群众, and
// another bureau's branch with one member.
type pioneerBranch struct {
	root, id, other int64
	people          []int64
	citizen         int64
	outsider        int64
}

func pioneerSetup(t *testing.T, e *apptest.Env) *pioneerBranch {
	b := &pioneerBranch{root: e.Org(0, "市公安局党委", "committee")}
	b.id = e.Org(b.root, "城关派出所党支部", "branch")
	b.other = e.Org(e.Org(0, "外局党委", "committee"), "外局党支部", "branch")
	for i, n := range []string{"甲", "乙", "丙"} {
		b.people = append(b.people, e.Person(dbtest.Person{Org: b.id, Name: n, Pinyin: fmt.Sprint(i), JoinDate: "2010-01-01", FullDate: "2011-01-01"}))
	}
	b.citizen = e.Person(dbtest.Person{Org: b.id, Name: "群众", Status: "applicant"})
	b.outsider = e.Person(dbtest.Person{Org: b.other, Name: "己", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	return b
}

// photo sends a multipart photo to path and returns the status.
func photo(t *testing.T, c *apptest.Client, path string, content []byte) int {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("photo", "现场.png")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req, nil)
}

func pngBytes(t *testing.T, w int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, 10))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPostsWithMembersAndPhotos(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := pioneerSetup(t, e)
		e.At("2026-03-10")
		admin := e.Account(auth.OrgAdmin, b.id, 0)
		body := func() map[string]any {
			return map[string]any{"org_id": b.id, "kind": "model", "name": "户籍窗口党员示范岗", "duty": "一窗通办", "place": "办证大厅", "set_on": "2026-01-05"}
		}
		for _, bad := range []struct {
			name   string
			change func(map[string]any)
			status int
			field  string
		}{
			{"unknown kind", func(m map[string]any) { m["kind"] = "star" }, 400, "kind"},
			{"no name", func(m map[string]any) { m["name"] = "" }, 400, "name"},
			{"set up tomorrow", func(m map[string]any) { m["set_on"] = "2026-03-11" }, 422, "set_on"},
			{"hidden characters", func(m map[string]any) { m["duty"] = "一窗\u200b通办" }, 422, "duty"},
		} {
			m := body()
			bad.change(m)
			var out apiError
			if st := admin.Do("POST", "/api/v1/pioneer/posts", m, &out); st != bad.status || out.Error.Field != bad.field {
				t.Errorf("%s: %d %+v", bad.name, st, out.Error)
			}
		}
		m := body()
		m["org_id"] = b.other
		admin.Expect(404, "POST", "/api/v1/pioneer/posts", m, nil) // another bureau's branch
		var post pioneer.Post
		admin.Expect(201, "POST", "/api/v1/pioneer/posts", body(), &post)
		admin.Expect(409, "POST", "/api/v1/pioneer/posts", body(), nil) // set up twice
		path := fmt.Sprintf("/api/v1/pioneer/posts/%d", post.ID)
		add := func(version int, person int64, role, on string) (int, apiError) {
			var out apiError
			st := admin.Do("POST", path+"/members", map[string]any{"version": version, "person_id": person, "role": role, "joined_on": on}, &out)
			return st, out
		}
		if st, _ := add(post.Version, b.people[0], "岗长", "2026-01-05"); st != 200 {
			t.Fatalf("add: %d %s", st, admin.Body())
		}
		post.Version++
		for _, bad := range []struct {
			name   string
			person int64
			role   string
			on     string
			status int
		}{
			{"a second 岗长", b.people[1], "岗长", "2026-01-06", 409},
			{"the same member again", b.people[0], "成员", "2026-01-06", 409},
			{"a 群众", b.citizen, "成员", "2026-01-06", 422},
			{"another bureau's member", b.outsider, "成员", "2026-01-06", 422},
			{"before the post", b.people[1], "成员", "2026-01-01", 422},
			{"no such role", b.people[1], "队长", "2026-01-06", 400},
		} {
			if st, _ := add(post.Version, bad.person, bad.role, bad.on); st != bad.status {
				t.Errorf("%s: %d", bad.name, st)
			}
		}
		if st, _ := add(post.Version-1, b.people[1], "成员", "2026-01-06"); st != 409 {
			t.Fatalf("stale version: %d", st)
		}
		if st, _ := add(post.Version, b.people[1], "成员", "2026-01-06"); st != 200 {
			t.Fatalf("add 乙: %d %s", st, admin.Body())
		}
		if st := admin.Do("GET", path, nil, &post); st != 200 || post.Headcount != 2 {
			t.Fatalf("post: %d %+v", st, post)
		}
		if st := admin.Do("POST", fmt.Sprintf("%s/members/%d/leave", path, b.people[1]), map[string]any{"version": post.Version, "left_on": "2026-03-01"}, &post); st != 200 || post.Headcount != 1 {
			t.Fatalf("leave: %d %s", st, admin.Body())
		}
		pic := pngBytes(t, 20)
		if st := photo(t, admin, path+"/photos", []byte("<svg onload=alert(1)>")); st != 422 {
			t.Fatalf("a script as a photo: %d", st)
		}
		if st := photo(t, admin, path+"/photos", pic); st != 201 {
			t.Fatalf("photo: %d %s", st, admin.Body())
		}
		if st := photo(t, admin, path+"/photos", pic); st != 409 {
			t.Fatalf("the same photo twice: %d", st)
		}
		admin.Do("GET", path, nil, &post)
		if len(post.Photos) != 1 {
			t.Fatalf("photos: %+v", post.Photos)
		}
		if st := admin.Do("GET", post.Photos[0].URL(), nil, nil); st != 200 || !bytes.Equal(admin.Last, pic) {
			t.Fatalf("photo download: %d", st)
		}
		if st := e.Account(auth.OrgAdmin, b.other, 0).Do("GET", post.Photos[0].URL(), nil, nil); st != 404 {
			t.Fatalf("another bureau's photo: %d", st)
		}
		if st := e.Account(auth.Member, 0, b.people[0]).Do("GET", post.Photos[0].URL(), nil, nil); st != 404 {
			t.Fatalf("a member reads a post photo: %d", st)
		}
		var l pioneer.Posts
		if st := admin.Do("GET", "/api/v1/pioneer/posts?kind=model", nil, &l); st != 200 || l.Total != 1 {
			t.Fatalf("list: %d %s", st, admin.Body())
		}
		if st := admin.Do("PUT", path, map[string]any{"version": post.Version, "kind": "model", "name": "户籍窗口党员示范岗", "duty": "一窗通办",
			"set_on": "2026-01-05", "ended_on": "2026-03-09"}, &post); st != 200 || post.EndedOn != "2026-03-09" {
			t.Fatalf("stand down: %d %s", st, admin.Body())
		}
		if st := admin.Do("GET", "/api/v1/pioneer/posts?ended=1", nil, &l); st != 200 || l.Total != 1 {
			t.Fatalf("ended list: %d", st)
		}
	})
}

func TestCommitmentsDeedsAndReview(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := pioneerSetup(t, e)
		e.At("2026-03-10")
		admin := e.Account(auth.OrgAdmin, b.id, 0)
		jia := e.Account(auth.Member, 0, b.people[0])
		yi := e.Account(auth.Member, 0, b.people[1])
		if err := pioneer.Sync(context.Background(), e.App.Deps); err != nil {
			t.Fatal(err)
		}
		open := func() int {
			return e.Count("SELECT COUNT(*) FROM todos WHERE source = 'branch.pioneer' AND done_at IS NULL AND dedup_key = ?", fmt.Sprintf("commit:%d:2026", b.id))
		}
		if open() != 1 {
			t.Fatal("no 待办 for the commitments to make")
		}
		commit := map[string]any{"person_id": b.people[0], "year": 2026, "tasks": "每月上门服务一次", "goals": "群众满意率 100%"}
		for _, bad := range []struct {
			name   string
			change func(map[string]any)
			status int
		}{
			{"no goals", func(m map[string]any) { m["goals"] = " " }, 400},
			{"a year to come", func(m map[string]any) { m["year"] = 2027 }, 422},
			{"for someone else", func(m map[string]any) { m["person_id"] = b.people[1] }, 404},
		} {
			m := map[string]any{}
			for k, v := range commit {
				m[k] = v
			}
			bad.change(m)
			if st := jia.Do("POST", "/api/v1/commitments", m, nil); st != bad.status {
				t.Errorf("%s: %d", bad.name, st)
			}
		}
		var c pioneer.Commitment
		if st := jia.Do("POST", "/api/v1/commitments", commit, &c); st != 200 || c.OrgID != b.id {
			t.Fatalf("commit: %d %s", st, jia.Body())
		}
		jia.Expect(409, "POST", "/api/v1/commitments", commit, nil)                                                                                     // second commitment of the year
		admin.Expect(422, "POST", "/api/v1/commitments", map[string]any{"person_id": b.citizen, "year": 2026, "tasks": "x", "goals": "y"}, nil)         // a 群众's commitment
		admin.Expect(200, "POST", "/api/v1/commitments", map[string]any{"person_id": b.people[1], "year": 2026, "tasks": "反诈宣传", "goals": "发案下降"}, nil) // commit for 乙
		var mine pioneer.Mine
		if st := yi.Do("GET", "/api/v1/commitments/mine", nil, &mine); st != 200 || mine.Commitment == nil || len(mine.Branch) != 2 {
			t.Fatalf("乙 sees the branch's commitments: %d %+v", st, mine)
		}
		path := fmt.Sprintf("/api/v1/commitments/%d", c.ID)
		yi.Expect(404, "GET", path, nil, nil) // 乙 opens 甲's commitment record
		for _, bad := range []struct {
			name string
			deed map[string]any
			want int
		}{
			{"last year", map[string]any{"done_on": "2025-12-30", "what": "x"}, 422},
			{"tomorrow", map[string]any{"done_on": "2026-03-11", "what": "x"}, 422},
			{"nothing done", map[string]any{"done_on": "2026-03-01", "what": ""}, 400},
		} {
			if st := jia.Do("POST", path+"/deeds", bad.deed, nil); st != bad.want {
				t.Errorf("%s: %d", bad.name, st)
			}
		}
		yi.Expect(404, "POST", path+"/deeds", map[string]any{"done_on": "2026-03-01", "what": "冒名"}, nil) // 乙 adds to 甲's commitment
		if st := jia.Do("POST", path+"/deeds", map[string]any{"done_on": "2026-03-01", "what": "为独居老人上门办证", "evidence": "窗口台账"}, &c); st != 201 || c.DeedCount != 1 {
			t.Fatalf("deed: %d %s", st, jia.Body())
		}
		jia.Expect(409, "POST", path+"/deeds", map[string]any{"done_on": "2026-03-01", "what": "为独居老人上门办证"}, nil) // the same deed twice
		if st := photo(t, jia, fmt.Sprintf("%s/deeds/%d/photos", path, c.Deeds[0].ID), pngBytes(t, 12)); st != 201 {
			t.Fatalf("deed photo: %d %s", st, jia.Body())
		}
		jia.Do("GET", path, nil, &c)
		jia.Expect(200, "GET", c.Deeds[0].Photos[0].URL(), nil, nil) // own deed photo
		yi.Expect(404, "GET", c.Deeds[0].Photos[0].URL(), nil, nil)  // another member's deed photo
		review := func(v int, r, note string) int {
			return admin.Do("POST", path+"/review", map[string]any{"version": v, "review": r, "note": note}, &c)
		}
		if st := review(c.Version, "good", ""); st != 422 {
			t.Fatalf("review in March: %d", st)
		}
		e.At("2026-11-05")
		if err := pioneer.Sync(context.Background(), e.App.Deps); err != nil {
			t.Fatal(err)
		}
		if open() != 0 || e.Count("SELECT COUNT(*) FROM todos WHERE source = 'branch.pioneer' AND done_at IS NULL AND dedup_key = ?", fmt.Sprintf("review:%d:2026", b.id)) != 1 {
			t.Fatal("待办 in November: want the review, not the commitments")
		}
		if st := review(c.Version, "poor", ""); st != 400 {
			t.Fatalf("差 without a reason: %d", st)
		}
		if st := review(c.Version, "great", ""); st != 400 {
			t.Fatalf("unknown review: %d", st)
		}
		if st := review(c.Version-1, "good", ""); st != 409 {
			t.Fatalf("stale version: %d", st)
		}
		if st := review(c.Version, "good", "践诺扎实"); st != 200 || c.ReviewLabel != "好" {
			t.Fatalf("review: %d %s", st, admin.Body())
		}
		jia.Expect(409, "POST", path+"/deeds", map[string]any{"done_on": "2026-11-01", "what": "补记"}, nil)                                                            // deed after the review
		jia.Expect(409, "POST", "/api/v1/commitments", map[string]any{"version": c.Version, "person_id": b.people[0], "year": 2026, "tasks": "改", "goals": "改"}, nil) // change after the review
		var l pioneer.Commitments
		if st := admin.Do("GET", "/api/v1/commitments?year=2026&reviewed=yes", nil, &l); st != 200 || l.Total != 1 || l.Made != 2 || l.Members != 3 {
			t.Fatalf("list: %d %s", st, admin.Body())
		}
	})
}

// TestCommitmentWritesSyncTheirBranch: a commitment or its review syncs the
// 待办 of its own branch only, and leaves every branch's open 待办 as a sync
// of the whole bureau makes them (another bureau's included).
func TestCommitmentWritesSyncTheirBranch(t *testing.T) {
	t.Parallel()
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := pioneerSetup(t, e)
		group := e.Org(b.id, "第一党小组", "group")
		grouped := e.Person(dbtest.Person{Org: group, Name: "丁", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
		e.At("2026-03-10")
		open := func() string {
			return strings.Join(dbtest.Strings(t, e.DB, "SELECT dedup_key || ' ' || title FROM todos WHERE source = 'branch.pioneer' AND done_at IS NULL ORDER BY dedup_key"), "; ")
		}
		sync := func() {
			t.Helper()
			if err := pioneer.Sync(context.Background(), e.App.Deps); err != nil {
				t.Fatal(err)
			}
		}
		sync()
		step := func(name, want string, write func()) {
			t.Helper()
			write()
			got := open()
			sync()
			if all := open(); got != all || !strings.Contains(got, want) {
				t.Errorf("%s: the write left %q, the whole bureau's sync makes %q (want %q in it)", name, got, all, want)
			}
		}
		admin := e.Account(auth.OrgAdmin, b.root, 0)
		var c pioneer.Commitment
		step("甲 commits", "3 名党员尚未", func() {
			admin.Expect(200, "POST", "/api/v1/commitments", map[string]any{"person_id": b.people[0], "year": 2026, "tasks": "上门服务", "goals": "满意"}, &c)
		})
		step("丁 of the 党小组 commits", "2 名党员尚未", func() {
			admin.Expect(200, "POST", "/api/v1/commitments", map[string]any{"person_id": grouped, "year": 2026, "tasks": "反诈宣传", "goals": "发案下降"}, nil)
		})
		if !strings.Contains(open(), fmt.Sprintf("commit:%d:2026", b.other)) {
			t.Errorf("the other bureau's branch lost its 待办: %s", open())
		}
		e.At("2026-11-05")
		sync()
		step("甲's commitment reviewed", "1 份承诺待评价", func() {
			admin.Expect(200, "POST", fmt.Sprintf("/api/v1/commitments/%d/review", c.ID), map[string]any{"version": c.Version, "review": "good"}, nil)
		})
	})
}
