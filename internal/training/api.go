package training

import (
	"net/http"
	"net/url"
	"strconv"

	qrcode "github.com/skip2/go-qrcode"

	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/web"
)

// thisYear is the current year in Shanghai.
func (s *Service) thisYear() int { return s.Now().In(shanghai).Year() }

// year reads the query's year (2000–2100), this year when there is none.
func (s *Service) year(r *http.Request) (int, error) {
	return input.Year("year", r.URL.Query().Get("year"), s.thisYear())
}

func (s *Service) reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) error {
	if err != nil {
		return err
	}
	web.JSON(w, status, v)
	return nil
}

func (s *Service) apiPrograms(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	y, err := input.Year("year", q.Get("year"), 0)
	if err != nil {
		return err
	}
	orgID, err := input.ID("org", "组织", q.Get("org"))
	if err != nil {
		return err
	}
	ps, err := s.ListPrograms(r.Context(), web.Principal(r), y, orgID)
	return s.reply(w, r, 200, map[string]any{"items": ps, "total": len(ps)}, err)
}

func (s *Service) apiCreateProgram(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		OrgID         int64    `json:"org_id"`
		Tier          string   `json:"tier"`
		Year          int      `json:"year"`
		Title         string   `json:"title"`
		AudienceOrgID int64    `json:"audience_org_id"`
		Categories    []string `json:"categories"`
		Description   string   `json:"description"`
	}
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	id, err := s.CreateProgram(r.Context(), web.Principal(r), Program{OrgID: b.OrgID, Tier: b.Tier, Year: b.Year, Title: b.Title,
		AudienceOrgID: b.AudienceOrgID, Categories: b.Categories, Description: b.Description})
	return s.reply(w, r, 201, map[string]int64{"id": id}, err)
}

func (s *Service) apiProgram(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var pr *Program
	if err == nil {
		pr, err = s.GetProgram(r.Context(), web.Principal(r), id)
	}
	return s.reply(w, r, 200, pr, err)
}

func (s *Service) apiAddCourse(w http.ResponseWriter, r *http.Request) error {
	var c Course
	id, err := web.PathID(r, "id")
	if err == nil {
		err = web.DecodeJSON(w, r, &c)
	}
	var cid int64
	if err == nil {
		cid, err = s.AddCourse(r.Context(), web.Principal(r), id, c)
	}
	return s.reply(w, r, 201, map[string]int64{"id": cid}, err)
}

func (s *Service) apiAddActivity(w http.ResponseWriter, r *http.Request) error {
	var a Activity
	id, err := web.PathID(r, "id")
	if err == nil {
		err = web.DecodeJSON(w, r, &a)
	}
	var aid int64
	if err == nil {
		aid, err = s.AddActivity(r.Context(), web.Principal(r), id, a)
	}
	return s.reply(w, r, 201, map[string]int64{"id": aid}, err)
}

func (s *Service) apiAddSession(w http.ResponseWriter, r *http.Request) error {
	var n NewSession
	id, err := web.PathID(r, "id")
	if err == nil {
		err = web.DecodeJSON(w, r, &n)
	}
	var sid int64
	if err == nil {
		sid, err = s.AddSession(r.Context(), web.Principal(r), id, n)
	}
	return s.reply(w, r, 201, map[string]int64{"id": sid}, err)
}

func (s *Service) apiAddVenue(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		OrgID int64  `json:"org_id"`
		Name  string `json:"name"`
		Place string `json:"place"`
	}
	id, err := web.PathID(r, "id")
	if err == nil {
		err = web.DecodeJSON(w, r, &b)
	}
	var vid int64
	if err == nil {
		vid, err = s.AddVenue(r.Context(), web.Principal(r), id, b.OrgID, b.Name, b.Place)
	}
	return s.reply(w, r, 201, map[string]int64{"id": vid}, err)
}

func (s *Service) apiAttendance(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var v *venueInfo
	var list []Attendee
	if err == nil {
		v, list, err = s.Attendance(r.Context(), web.Principal(r), id)
	}
	if err != nil {
		return err
	}
	web.JSON(w, 200, map[string]any{"venue": v.Venue, "session": v.session.Title, "present": len(list), "items": list})
	return nil
}

func (s *Service) apiMark(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		PersonID int64  `json:"person_id"`
		Reason   string `json:"reason"`
	}
	id, err := web.PathID(r, "id")
	if err == nil {
		err = web.DecodeJSON(w, r, &b)
	}
	if err == nil {
		err = s.Mark(r.Context(), web.Principal(r), id, b.PersonID, b.Reason)
	}
	return s.reply(w, r, 201, map[string]bool{"ok": true}, err)
}

// checkinURL is the address a phone opens from the QR code.
func (s *Service) checkinURL(r *http.Request, token string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/m/checkin?t=" + url.QueryEscape(token)
}

type qrToken struct {
	Token     string `json:"token"`
	URL       string `json:"url"`
	ExpiresAt int64  `json:"expires_at"`
}

func (s *Service) issue(r *http.Request) (*qrToken, error) {
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	v, err := s.screenVenue(r.Context(), web.Principal(r), id)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	t := s.Tokens.Issue(v.ID, now)
	return &qrToken{Token: t, URL: s.checkinURL(r, t), ExpiresAt: now.Add(TokenTTL).UnixMilli()}, nil
}

func (s *Service) apiQR(w http.ResponseWriter, r *http.Request) error {
	t, err := s.issue(r)
	return s.reply(w, r, 200, t, err)
}

// qrPNG renders the venue's current check-in code; the screen reloads it.
func (s *Service) qrPNG(w http.ResponseWriter, r *http.Request) error {
	t, err := s.issue(r)
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(t.URL, qrcode.Medium, 720) // sharp at half a projector's height
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(png)
	return nil
}

func (s *Service) apiCount(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var t *Tally
	if err == nil {
		t, err = s.VenueTally(r.Context(), web.Principal(r), id)
	}
	return s.reply(w, r, 200, t, err)
}

func (s *Service) apiCheckin(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Token string `json:"token"`
	}
	var out *Checked
	err := web.DecodeJSON(w, r, &b)
	if err == nil {
		out, err = s.CheckIn(r.Context(), web.Principal(r), b.Token)
	}
	return s.reply(w, r, 201, out, err)
}

func (s *Service) apiFallbackPlan(w http.ResponseWriter, r *http.Request) error {
	orgID, year, err := fallbackParams("org", r.URL.Query().Get, s.thisYear())
	if err != nil {
		return err
	}
	pl, err := s.PlanFallback(r.Context(), s.DB, web.Principal(r), orgID, year)
	return s.reply(w, r, 200, pl, err)
}

func (s *Service) apiFallback(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		OrgID  int64  `json:"org_id"`
		Year   int    `json:"year"`
		Expect string `json:"expect"`
	}
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	if b.OrgID == 0 {
		return fail.Malformed("org_id", "请选择组织")
	}
	if b.Year == 0 {
		b.Year = s.thisYear()
	}
	pl, err := s.Fallback(r.Context(), web.Principal(r), b.OrgID, b.Year, b.Expect)
	if err != nil {
		return err
	}
	return s.reply(w, r, 201, map[string]any{"program_id": pl.ProgramID, "people_added": len(pl.People)}, nil)
}

func (s *Service) apiRequirement(w http.ResponseWriter, r *http.Request) error {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return fail.NotFound()
	}
	req, err := s.Requirement(r.Context(), y)
	return s.reply(w, r, 200, req, err)
}

func (s *Service) apiSetRequirement(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		General int `json:"general_x10"`
		Key     int `json:"key_x10"`
	}
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		err = fail.NotFound()
	}
	if err == nil {
		err = web.DecodeJSON(w, r, &b)
	}
	if err == nil {
		err = s.SetRequirement(r.Context(), web.Principal(r), Requirement{Year: y, General: b.General, Key: b.Key})
	}
	return s.reply(w, r, 200, map[string]bool{"ok": true}, err)
}

func (s *Service) apiMine(w http.ResponseWriter, r *http.Request) error {
	y, err := s.year(r)
	if err != nil {
		return err
	}
	m, err := s.My(r.Context(), web.Principal(r), y)
	return s.reply(w, r, 200, m, err)
}
