package exam

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"hongdun/internal/org"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/web"
)

// DeviceHeader carries the device token of an attempt on API answers.
const DeviceHeader = "X-Device-Token"

// fail maps import errors to a 422 listing every bad row.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) error {
	var ie *ImportError
	if errors.As(err, &ie) {
		web.JSON(w, http.StatusUnprocessableEntity, map[string]any{"error": map[string]any{"code": "import_rows", "message": ie.Error(), "rows": ie.Rows}})
		return nil
	}
	return err
}

// filterOf reads the question bank's filters. A value that does not read
// is refused: ignored, it would list the whole bank.
func filterOf(r *http.Request) (Filter, error) {
	q := r.URL.Query()
	orgID, err := input.ID("org", "组织", q.Get("org"))
	if err != nil {
		return Filter{}, err
	}
	diff, err := input.Int("difficulty", "难度", q.Get("difficulty"), 1, 3, 0)
	if err != nil {
		return Filter{}, err
	}
	kind := q.Get("kind")
	if kind != "" && !slices.Contains(Kinds, Kind(kind)) {
		return Filter{}, fail.Malformed("kind", fmt.Sprintf("题型“%s”无效", kind))
	}
	page, per, err := input.Paging(q)
	if err != nil {
		return Filter{}, err
	}
	return Filter{OrgID: orgID, Tag: q.Get("tag"), Kind: kind, Difficulty: diff, Q: q.Get("q"), Page: page, Per: per}, nil
}

func (s *Service) apiQuestions(w http.ResponseWriter, r *http.Request) error {
	f, err := filterOf(r)
	if err != nil {
		return err
	}
	qs, total, err := s.ListQuestions(r.Context(), web.Principal(r), f)
	if err != nil {
		return s.fail(w, r, err)
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": qs, "total": total})
	return nil
}

type questionBody struct {
	OrgID       int64    `json:"org_id"`
	Kind        Kind     `json:"kind"`
	Stem        string   `json:"stem"`
	Options     []string `json:"options"`
	Answer      string   `json:"answer"`
	Tag         string   `json:"tag"`
	Difficulty  int      `json:"difficulty"`
	Explanation string   `json:"explanation"`
	Version     int      `json:"version"`
}

func (b questionBody) question() Question {
	return Question{OrgID: b.OrgID, Kind: b.Kind, Stem: b.Stem, Options: b.Options, Answer: b.Answer, Tag: b.Tag, Difficulty: b.Difficulty, Explanation: b.Explanation, Version: b.Version}
}

func (s *Service) apiCreateQuestion(w http.ResponseWriter, r *http.Request) error {
	var b questionBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return s.fail(w, r, err)
	}
	id, err := s.CreateQuestion(r.Context(), web.Principal(r), b.question())
	if err != nil {
		return s.fail(w, r, err)
	}
	web.JSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (s *Service) apiUpdateQuestion(w http.ResponseWriter, r *http.Request) error {
	var b questionBody
	id, err := web.PathID(r, "id")
	if err == nil {
		err = web.DecodeJSON(w, r, &b)
	}
	if err == nil {
		q := b.question()
		q.ID = id
		err = s.UpdateQuestion(r.Context(), web.Principal(r), q)
	}
	if err != nil {
		return s.fail(w, r, err)
	}
	web.JSON(w, http.StatusOK, map[string]bool{"ok": true})
	return nil
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func attachment(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", xlsxType)
	web.Attachment(w, name)
}

func (s *Service) apiTemplate(w http.ResponseWriter, r *http.Request) error {
	attachment(w, "题库导入模板.xlsx")
	return Template(w)
}

func (s *Service) apiExport(w http.ResponseWriter, r *http.Request) error {
	f, err := filterOf(r)
	if err != nil {
		return err
	}
	attachment(w, "题库.xlsx")
	if err := s.Export(r.Context(), web.Principal(r), f, w); err != nil {
		w.Header().Del("Content-Disposition")
		if err := s.fail(w, r, err); err != nil {
			return err
		}
	}
	return nil
}

// importUpload reads the uploaded workbook of a multipart form.
// The size comes first: an oversize upload is a 413 whatever else is
// wrong (a form value read before the limit would read any body whole, one
// read after the cut is missing).
func (s *Service) importUpload(w http.ResponseWriter, r *http.Request) (int, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBankUpload+1<<20)
	parseErr := r.ParseMultipartForm(1 << 20)
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }() // temporary files; the system's temporary directory is cleaned anyway
	}
	if mbe := (*http.MaxBytesError)(nil); errors.As(parseErr, &mbe) {
		return 0, bankTooLarge()
	}
	orgID, _ := strconv.ParseInt(r.FormValue("org_id"), 10, 64)
	if orgID == 0 {
		return 0, fail.Malformed("org_id", "请选择题库所属组织")
	}
	if _, err := org.WritablePath(r.Context(), s.DB, web.Principal(r), orgID); err != nil {
		return 0, err
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return 0, fail.Malformed("file", "请选择要导入的题库文件（.xlsx、.xls 或 .csv）")
	}
	defer f.Close()
	if hdr.Size > MaxBankUpload {
		return 0, bankTooLarge()
	}
	return s.ImportQuestions(r.Context(), web.Principal(r), orgID, f)
}

func (s *Service) apiImport(w http.ResponseWriter, r *http.Request) error {
	n, err := s.importUpload(w, r)
	if err != nil {
		return s.fail(w, r, err)
	}
	web.JSON(w, http.StatusOK, map[string]int{"imported": n})
	return nil
}

func (s *Service) apiExams(w http.ResponseWriter, r *http.Request) error {
	orgID, err := input.ID("org", "组织", r.URL.Query().Get("org"))
	if err != nil {
		return err
	}
	es, err := s.ListExams(r.Context(), web.Principal(r), r.URL.Query().Get("mode"), orgID)
	if err != nil {
		return s.fail(w, r, err)
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": es, "total": len(es)})
	return nil
}

type examBody struct {
	OrgID       int64   `json:"org_id"`
	Mode        Mode    `json:"mode"`
	Title       string  `json:"title"`
	OpensAt     int64   `json:"opens_at"`
	ClosesAt    int64   `json:"closes_at"`
	DurationMin int     `json:"duration_min"`
	PassScore   int     `json:"pass_score"`
	MaxAttempts int     `json:"max_attempts"`
	MinSeconds  int     `json:"min_seconds"`
	DailyCap    int     `json:"daily_cap"`
	ScoreEach   int     `json:"score_each"`
	Rules       []Draw  `json:"rules"`
	Paper       []int64 `json:"paper"`
	Review      bool    `json:"review"`
}

func (s *Service) apiCreateExam(w http.ResponseWriter, r *http.Request) error {
	var b examBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return s.fail(w, r, err)
	}
	id, err := s.CreateExam(r.Context(), web.Principal(r), Exam{OrgID: b.OrgID, Mode: b.Mode, Title: b.Title, OpensAt: b.OpensAt, ClosesAt: b.ClosesAt,
		DurationMin: b.DurationMin, PassScore: b.PassScore, MaxAttempts: b.MaxAttempts, MinSeconds: b.MinSeconds, DailyCap: b.DailyCap,
		ScoreEach: b.ScoreEach, Rules: b.Rules, Paper: b.Paper, Review: b.Review})
	if err != nil {
		return s.fail(w, r, err)
	}
	web.JSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (s *Service) apiLeaderboard(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err == nil {
		var b *Board
		top, _ := strconv.Atoi(r.URL.Query().Get("top")) // clampTop makes any value, read or not, a size
		if b, err = s.Leaderboard(r.Context(), web.Principal(r), id, top); err == nil {
			web.JSON(w, http.StatusOK, b)
			return nil
		}
	}
	return s.fail(w, r, err)
}

func (s *Service) apiStats(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err == nil {
		var st []QuestionStat
		if st, err = s.Stats(r.Context(), web.Principal(r), id); err == nil {
			web.JSON(w, http.StatusOK, map[string]any{"items": st})
			return nil
		}
	}
	return s.fail(w, r, err)
}

func (s *Service) apiStart(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err == nil {
		var st *Started
		if st, err = s.Start(r.Context(), web.Principal(r), id); err == nil {
			web.JSON(w, http.StatusOK, st)
			return nil
		}
	}
	return s.fail(w, r, err)
}

// apiAnswer is the hot path of a contest: no database read beyond the
// session lookup, and a reply once the answer's batch has committed.
func (s *Service) apiAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	var b Response
	if err == nil {
		err = web.DecodeJSON(w, r, &b)
	}
	if err == nil {
		var rec *Recorded
		if rec, err = s.Answer(r.Context(), web.Principal(r), id, r.Header.Get(DeviceHeader), b); err == nil {
			web.JSON(w, http.StatusOK, rec)
			return nil
		}
	}
	return s.fail(w, r, err)
}

func (s *Service) apiSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err == nil {
		var res *Result
		if res, err = s.Submit(r.Context(), web.Principal(r), id); err == nil {
			web.JSON(w, http.StatusOK, res)
			return nil
		}
	}
	return s.fail(w, r, err)
}
