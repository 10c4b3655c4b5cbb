package life

import (
	"net/http"
	"strconv"

	qrcode "github.com/skip2/go-qrcode"

	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/sealed"
	"hongdun/internal/platform/web"
)

type handlers struct{ *Service }

var doc = web.Docs("组织生活")

// Routes serve the meeting pages, the calendar, the phone check-in and the
// API.
func Routes(d *core.Deps) []web.Route {
	h := &handlers{New(d)}
	listParams := []web.Param{{Name: "org", Description: "党组织编号（含下级）；缺省为管辖范围"}, {Name: "kind", Description: "会议类型：congress 支部党员大会、committee 支委会、group 党小组会、lecture 党课、theme_day 主题党日、life_meet 组织生活会、appraisal 民主评议党员、talk 谈心谈话"},
		{Name: "from", Description: "会议日期起（YYYY-MM-DD）"}, {Name: "to", Description: "会议日期止（YYYY-MM-DD）"},
		{Name: "page", Description: "页码，从 1 开始"}, {Name: "per_page", Description: "每页条数，1–200，缺省 50"}}
	sample := Meeting{ID: 1, OrgID: 12, OrgName: "小寨路派出所党支部", Kind: Congress, KindLabel: "支部党员大会", HeldOn: "2026-03-12", Place: "三楼会议室",
		Host: "王书记", Topic: "讨论接收预备党员", Quorum: QuorumOf(Congress, 9, 7), Counts: true, Version: 1,
		Attendees: []Attendee{{PersonID: 5, Name: "张三", Voting: true, Status: Present, StatusLabel: "出席", Method: "qr"}},
		Decisions: []Decision{{ID: 3, What: "报上级党委审批", OwnerID: 5, OwnerName: "张三", DueOn: "2026-03-31", Todo: true}}}
	create := Input{OrgID: 12, Kind: Congress, HeldOn: "2026-03-12", Place: "三楼会议室", Host: "王书记", Topic: "讨论接收预备党员", Minutes: "……",
		Attendees: []AttendeeInput{{PersonID: 5, Status: Present}, {PersonID: 6, Status: Absent, Reason: "公差"}},
		Decisions: []DecisionInput{{What: "报上级党委审批", OwnerID: 5, DueOn: "2026-03-31", Todo: true}}}
	compParams := []web.Param{{Name: "year", Description: "年度，缺省为今年"}, {Name: "quarter", Description: "季度 1–4；缺省为全年"},
		{Name: "org", Description: "党组织编号（含下级）"}, {Name: "missing", Description: "只列出该类会议有逾期未开展的支部（会议类型）"},
		{Name: "page", Description: "页码"}, {Name: "per_page", Description: "每页支部数，1–200，缺省 50"}}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/meetings", Perm: web.PartyRead, Handler: h.meetings().Serve, Doc: doc("组织生活会议记录列表（三会一课、主题党日、组织生活会、民主评议、谈心谈话）", listParams, nil,
			List{Total: 1, Page: 1, PerPage: 50, Items: []Meeting{sample}})},
		{Method: "POST", Pattern: "/api/v1/meetings", Perm: web.PartyWrite, Handler: web.Posted(http.StatusCreated, h.Create), Doc: doc("登记已召开的会议：出席情况按会议当日名单核对并计算法定人数，决定事项可转为待办", nil, create, sample)},
		{Method: "GET", Pattern: "/api/v1/meetings/compliance", Perm: web.PartyRead, Handler: h.apiCompliance, Doc: doc("组织生活合规日历：各支部各期应开、已开、逾期", compParams, nil,
			Overview{Year: 2026, Quarter: 1, OrgID: 1, OrgName: "市公安局党委", Total: 1, Page: 1, PerPage: 50})},
		{Method: "GET", Pattern: "/api/v1/meetings/roster", Perm: web.PartyWrite, Handler: h.apiRoster, Doc: doc("会议应到人员名单（按会议日期）",
			[]web.Param{{Name: "org", Description: "党组织编号"}, {Name: "kind", Description: "会议类型"}, {Name: "date", Description: "会议日期 YYYY-MM-DD"}}, nil,
			map[string]any{"items": []RosterEntry{{PersonID: 5, Name: "张三", Voting: true}}})},
		{Method: "GET", Pattern: "/api/v1/meetings/frequencies", Perm: web.PartyRead, Handler: h.apiFrequencies, Doc: doc("组织生活频次（按全局与年度）",
			[]web.Param{{Name: "year", Description: "年度"}}, nil, map[string]any{"year": 2026, "set": true, "per": Defaults()})},
		{Method: "PUT", Pattern: "/api/v1/meetings/frequencies", Perm: web.PartyWrite, Handler: h.apiSetFrequencies, Doc: doc("设置某年度的组织生活频次（全局党务管理员）", nil,
			map[string]any{"year": 2026, "per": map[string]string{Lecture: Quarter}}, map[string]any{"year": 2026, "set": true, "per": Defaults()})},
		{Method: "GET", Pattern: "/api/v1/meetings/{id}", Perm: web.PartyRead, Handler: web.Show(h.Get), Doc: doc("一次会议的记录、出席、法定人数与决定事项", nil, nil, sample)},
		{Method: "PUT", Pattern: "/api/v1/meetings/{id}", Perm: web.PartyWrite, Handler: h.apiUpdate, Doc: doc("修改会议记录（须带所读取的 version，被他人修改时 409）", nil,
			Patch{Version: 1, Minutes: new(string)}, sample)},
		{Method: "PATCH", Pattern: "/api/v1/meetings/{id}", Perm: web.PartyWrite, Handler: h.apiUpdate, Doc: doc("修改会议记录的部分字段（须带 version）", nil, Patch{Version: 1, Place: new(string)}, sample)},
		{Method: "PUT", Pattern: "/api/v1/meetings/{id}/attendance", Perm: web.PartyWrite, Handler: h.apiAttendance, Doc: doc("登记出席情况（出席、缺席及原因、列席），重新计算法定人数", nil,
			map[string]any{"version": 1, "attendees": []AttendeeInput{{PersonID: 6, Status: Absent, Reason: "病假"}}}, sample)},
		{Method: "POST", Pattern: "/api/v1/meetings/{id}/decisions", Perm: web.PartyWrite, Handler: h.apiDecision, Doc: doc("补充决定事项（可转为待办）", nil,
			map[string]any{"version": 1, "what": "整改台账", "owner_id": 5, "due_on": "2026-04-30", "todo": true}, sample)},
		{Method: "POST", Pattern: "/api/v1/meetings/{id}/decisions/{did}/done", Perm: web.PartyWrite, Handler: h.apiDecisionDone, Doc: doc("决定事项办结（关闭其待办）", nil,
			map[string]any{"version": 2, "done_on": "2026-04-20"}, sample)},
		{Method: "POST", Pattern: "/api/v1/meetings/{id}/files", Perm: web.PartyWrite, Handler: h.apiFile, Doc: doc("上传会议照片或扫描件（multipart/form-data，字段 file；JPEG、PNG 或 PDF，不超过 10 MB，每次会议最多 20 个）", nil, nil, File{})},
		{Method: "GET", Pattern: "/api/v1/meetings/{id}/qr", Perm: web.PartyWrite, Handler: h.apiQR, Doc: doc("会议当天的签到二维码令牌与链接（60 秒有效）", nil, nil, QR{Token: "…", URL: "https://…/m/life/checkin?t=…"})},
		{Method: "POST", Pattern: "/api/v1/meetings/checkin", Perm: web.PartyView, Handler: h.apiCheckin, Doc: doc("党员扫码参会签到", nil, map[string]string{"token": "…"}, Checked{MeetingID: 1, Kind: "支部党员大会"})},

		{Method: "GET", Pattern: "/life", Perm: web.PartyRead, Handler: h.pageList},
		{Method: "GET", Pattern: "/life/export", Perm: web.PartyRead, Handler: h.export},
		{Method: "GET", Pattern: "/life/new", Perm: web.PartyWrite, Handler: h.pageNew},
		{Method: "POST", Pattern: "/life/meetings", Perm: web.PartyWrite, Handler: h.pageCreate},
		{Method: "GET", Pattern: "/life/meetings/{id}", Perm: web.PartyRead, Handler: h.pageMeeting},
		{Method: "POST", Pattern: "/life/meetings/{id}/attendance", Perm: web.PartyWrite, Handler: h.pageAttendance},
		{Method: "POST", Pattern: "/life/meetings/{id}/decisions", Perm: web.PartyWrite, Handler: h.pageDecision},
		{Method: "POST", Pattern: "/life/meetings/{id}/decisions/{did}/done", Perm: web.PartyWrite, Handler: h.pageDecisionDone},
		{Method: "POST", Pattern: "/life/meetings/{id}/files", Perm: web.PartyWrite, Handler: h.pageFile},
		{Method: "GET", Pattern: "/life/meetings/{id}/files/{fid}", Perm: web.PartyRead, Handler: h.file},
		{Method: "GET", Pattern: "/life/meetings/{id}/screen", Perm: web.PartyWrite, Handler: h.pageScreen},
		{Method: "GET", Pattern: "/life/meetings/{id}/qr.png", Perm: web.PartyWrite, Handler: h.qrPNG},
		{Method: "GET", Pattern: "/life/compliance", Perm: web.PartyRead, Handler: h.pageCompliance},
		{Method: "POST", Pattern: "/life/frequencies", Perm: web.PartyWrite, Handler: h.pageFrequencies},
		{Method: "GET", Pattern: "/m/life/checkin", Perm: web.PartyView, Handler: h.pageCheckin},
		{Method: "POST", Pattern: "/m/life/checkin", Perm: web.PartyView, Handler: h.pageDoCheckin},
	}
}

func (h *handlers) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	var pt Patch
	return web.Guarded(w, r, web.Seen(r, h.Get), &pt, func(id int64) (*Meeting, error) { return h.Update(r.Context(), web.Principal(r), id, pt) })
}

func (h *handlers) apiAttendance(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version   int             `json:"version"`
		Attendees []AttendeeInput `json:"attendees"`
	}
	return web.Guarded(w, r, web.Seen(r, h.Get), &in, func(id int64) (*Meeting, error) {
		return h.SetAttendance(r.Context(), web.Principal(r), id, in.Version, in.Attendees)
	})
}

func (h *handlers) apiDecision(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version int `json:"version"`
		DecisionInput
	}
	return web.Guarded(w, r, web.Seen(r, h.Get), &in, func(id int64) (*Meeting, error) {
		return h.AddDecision(r.Context(), web.Principal(r), id, in.Version, in.DecisionInput)
	})
}

// upload stores the file of a multipart request on a meeting in scope
// (checked before the body is read).
func (h *handlers) upload(w http.ResponseWriter, r *http.Request) (int64, *File, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	if _, err := h.Get(r.Context(), web.Principal(r), id); err != nil {
		return id, nil, err
	}
	name, b, err := sealed.ReadFile(w, r, MaxFile, "照片或扫描件")
	if err != nil {
		return id, nil, err
	}
	f, err := h.AddFile(r.Context(), web.Principal(r), id, name, b)
	return id, f, err
}

func (h *handlers) apiFile(w http.ResponseWriter, r *http.Request) error {
	_, f, err := h.upload(w, r)
	return web.Reply(w, http.StatusCreated, f, err)
}

func (h *handlers) file(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := web.PathID(r, "fid")
	if err != nil {
		return err
	}
	f, b, err := h.OpenFile(r.Context(), web.Principal(r), id, fid)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return sealed.Send(w, f.FileName, f.ContentType, b)
}

func (h *handlers) apiDecisionDone(w http.ResponseWriter, r *http.Request) error {
	did, err := web.PathID(r, "did")
	if err != nil {
		return err
	}
	var in struct {
		Version int    `json:"version"`
		DoneOn  string `json:"done_on"`
	}
	return web.Guarded(w, r, web.Seen(r, h.Get), &in, func(id int64) (*Meeting, error) {
		return h.FinishDecision(r.Context(), web.Principal(r), id, did, in.Version, in.DoneOn)
	})
}

// ask reads the calendar's parameters and its page with the shared pager.
func (h *handlers) ask(r *http.Request) (Ask, web.Pager, error) {
	q := r.URL.Query()
	a := Ask{Year: civil.Today(h.Now()).Year(), Missing: q.Get("missing")}
	pg, err := web.Paging(r)
	if err != nil {
		return a, pg, err
	}
	a.Page, a.PerPage = pg.Page, pg.PerPage
	if s := q.Get("year"); s != "" {
		if a.Year, err = strconv.Atoi(s); err != nil || a.Year < 2000 || a.Year > 2100 {
			return a, pg, fail.Malformed("year", "年度应为四位年份")
		}
	}
	if s := q.Get("quarter"); s != "" {
		if a.Quarter, err = strconv.Atoi(s); err != nil || a.Quarter < 1 || a.Quarter > 4 {
			return a, pg, fail.Malformed("quarter", "季度应为 1 至 4")
		}
	}
	if s := q.Get("org"); s != "" {
		if a.OrgID, err = strconv.ParseInt(s, 10, 64); err != nil || a.OrgID <= 0 {
			return a, pg, fail.Malformed("org", "组织编号应为正整数")
		}
	}
	return a, pg, nil
}

func (h *handlers) apiCompliance(w http.ResponseWriter, r *http.Request) error {
	a, _, err := h.ask(r)
	if err != nil {
		return err
	}
	ov, err := h.Compliance(r.Context(), web.Principal(r), a)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, ov)
	return nil
}

func (h *handlers) apiRoster(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	id, _ := strconv.ParseInt(q.Get("org"), 10, 64)
	o, err := h.holder(r.Context(), h.DB, web.Principal(r), id)
	if err != nil {
		return err
	}
	day, ferr := heldOn(q.Get("date"), civil.Today(h.Now()))
	if ferr != nil {
		return ferr
	}
	if KindLabel(q.Get("kind")) == "" {
		return fail.Malformed("kind", "请选择会议类型")
	}
	rs, err := Roster(r.Context(), h.DB, o, q.Get("kind"), day)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []RosterEntry{}
	}
	web.JSON(w, http.StatusOK, map[string]any{"org_id": o.ID, "date": day.String(), "items": rs})
	return nil
}

// year reads a year parameter, defaulting to this year.
func (h *handlers) year(s string) (int, error) {
	if s == "" {
		return civil.Today(h.Now()).Year(), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		return 0, fail.Malformed("year", "年度应为四位年份")
	}
	return y, nil
}

func (h *handlers) apiFrequencies(w http.ResponseWriter, r *http.Request) error {
	y, err := h.year(r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	return h.replyFrequencies(w, r, y)
}

func (h *handlers) replyFrequencies(w http.ResponseWriter, r *http.Request, y int) error {
	p := web.Principal(r)
	f, set, err := FrequenciesOf(r.Context(), h.DB, bureauOf(scope.Of(p).Root()), y)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"year": y, "set": set, "per": f})
	return nil
}

func (h *handlers) apiSetFrequencies(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Year int         `json:"year"`
		Per  Frequencies `json:"per"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.SetFrequencies(r.Context(), web.Principal(r), in.Year, in.Per); err != nil {
		return err
	}
	return h.replyFrequencies(w, r, in.Year)
}

func (h *handlers) apiQR(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Code(r.Context(), web.Principal(r), r, id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, c)
	return nil
}

func (h *handlers) qrPNG(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Code(r.Context(), web.Principal(r), r, id)
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(c.URL, qrcode.Medium, 360)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(png)
	return err
}

func (h *handlers) apiCheckin(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.CheckIn(r.Context(), web.Principal(r), in.Token)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, c)
	return nil
}

// meetings reads the meetings' filters, their page and the caller's rows
// for the list, its export and the API.
func (h *handlers) meetings() web.Listing[Filter, *List] {
	return web.ListOf(ParseFilter, func(f *Filter) (*int, *int) { return &f.Page, &f.PerPage }, h.List)
}
