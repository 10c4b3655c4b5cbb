package member

import (
	"net/http"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/web"
)

// personBody is what POST /api/v1/members accepts; nothing else.
type personBody struct {
	OrgID         int64  `json:"org_id"`
	Name          string `json:"name"`
	Gender        string `json:"gender,omitempty"`
	Ethnicity     string `json:"ethnicity,omitempty"`
	BirthDate     string `json:"birth_date,omitempty"`
	IDNumber      string `json:"id_number,omitempty"`
	Phone         string `json:"phone,omitempty"`
	Education     string `json:"education,omitempty"`
	Category      string `json:"category,omitempty"`
	Post          string `json:"post,omitempty"`
	Status        string `json:"status"`
	ApplyDate     string `json:"apply_date,omitempty"`
	ActivistDate  string `json:"activist_date,omitempty"`
	CandidateDate string `json:"candidate_date,omitempty"`
	JoinDate      string `json:"join_date,omitempty"`
	FullDate      string `json:"full_date,omitempty"`
	LeftDate      string `json:"left_date,omitempty"`
	Mobile        bool   `json:"mobile,omitempty"`
	MobilePlace   string `json:"mobile_place,omitempty"`
	LostContact   bool   `json:"lost_contact,omitempty"`
	LostSince     string `json:"lost_since,omitempty"`
}

func (b *personBody) person() *Person {
	return &Person{OrgID: b.OrgID, Name: b.Name, Gender: b.Gender, Ethnicity: b.Ethnicity, BirthDate: b.BirthDate, IDNumber: b.IDNumber,
		Phone: b.Phone, Education: b.Education, Category: b.Category, Post: b.Post, Status: b.Status, ApplyDate: b.ApplyDate,
		ActivistDate: b.ActivistDate, CandidateDate: b.CandidateDate, JoinDate: b.JoinDate, FullDate: b.FullDate, LeftDate: b.LeftDate,
		Mobile: b.Mobile, MobilePlace: b.MobilePlace, LostContact: b.LostContact, LostSince: b.LostSince}
}

// patchBody changes the fields it names. The organisation is not among
// them: people move by 组织关系转接 (an event), never by an edit.
type patchBody struct {
	Version       int     `json:"version"`
	Name          *string `json:"name,omitempty"`
	Gender        *string `json:"gender,omitempty"`
	Ethnicity     *string `json:"ethnicity,omitempty"`
	BirthDate     *string `json:"birth_date,omitempty"`
	IDNumber      *string `json:"id_number,omitempty"`
	Phone         *string `json:"phone,omitempty"`
	Education     *string `json:"education,omitempty"`
	Category      *string `json:"category,omitempty"`
	Post          *string `json:"post,omitempty"`
	Status        *string `json:"status,omitempty"`
	ApplyDate     *string `json:"apply_date,omitempty"`
	ActivistDate  *string `json:"activist_date,omitempty"`
	CandidateDate *string `json:"candidate_date,omitempty"`
	JoinDate      *string `json:"join_date,omitempty"`
	FullDate      *string `json:"full_date,omitempty"`
	LeftDate      *string `json:"left_date,omitempty"`
	Mobile        *bool   `json:"mobile,omitempty"`
	MobilePlace   *string `json:"mobile_place,omitempty"`
	LostContact   *bool   `json:"lost_contact,omitempty"`
	LostSince     *string `json:"lost_since,omitempty"`
}

func (b *patchBody) apply(p *Person) {
	for _, f := range []struct {
		src *string
		dst *string
	}{{b.Name, &p.Name}, {b.Gender, &p.Gender}, {b.Ethnicity, &p.Ethnicity}, {b.BirthDate, &p.BirthDate}, {b.IDNumber, &p.IDNumber},
		{b.Phone, &p.Phone}, {b.Education, &p.Education}, {b.Category, &p.Category}, {b.Post, &p.Post}, {b.Status, &p.Status},
		{b.ApplyDate, &p.ApplyDate}, {b.ActivistDate, &p.ActivistDate}, {b.CandidateDate, &p.CandidateDate}, {b.JoinDate, &p.JoinDate},
		{b.FullDate, &p.FullDate}, {b.LeftDate, &p.LeftDate}, {b.MobilePlace, &p.MobilePlace}, {b.LostSince, &p.LostSince}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if b.Mobile != nil {
		p.Mobile = *b.Mobile
	}
	if b.LostContact != nil {
		p.LostContact = *b.LostContact
	}
	p.Version = b.Version
}

type eventBody struct {
	Kind   string `json:"kind"`
	OnDate string `json:"on_date"`
	OrgID  int64  `json:"org_id,omitempty"`
	Note   string `json:"note,omitempty"`
}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) error {
	f, _, err := filterFrom(r)
	if err != nil {
		return err
	}
	res, err := h.search(r, f)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"total": res.Total.N, "total_exact": res.Total.Exact, "has_next": res.More,
		"page": res.F.Page, "per_page": res.F.PerPage, "items": res.Items})
	return nil
}

func (h *handlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	pr, err := h.visible(r, h.DB, true)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, &pr.Person)
	return nil
}

// createPerson validates and stores a new person in an organisation in scope.
func (h *handlers) createPerson(r *http.Request, p *Person) error {
	if errs := Validate(p, h.today()); len(errs) > 0 {
		return errs
	}
	return h.write(r, func(tx *db.Tx) error {
		if err := h.orgInScope(r, tx, p.OrgID); err != nil {
			return err
		}
		if _, err := Insert(r.Context(), tx, h.Keys, p); err != nil {
			return err
		}
		p.fill(h.today())
		return h.audit(r, tx, "member.create", p.ID, audit.Change{After: AuditView(p)})
	})
}

func (h *handlers) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var b personBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	p := b.person()
	if err := h.createPerson(r, p); err != nil {
		return userErr(err)
	}
	pr, err := getRow(r.Context(), h.DB, h.Keys, p.ID)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusCreated, &pr.Person)
	return nil
}

// updatePerson loads a person in scope, lets edit change it, validates and
// stores it if its version is still the one the editor saw.
func (h *handlers) updatePerson(r *http.Request, edit func(p *Person)) (*Person, error) {
	var after *Person
	err := h.write(r, func(tx *db.Tx) error {
		pr, err := h.visible(r, tx, true)
		if err != nil {
			return err
		}
		before := *AuditView(&pr.Person)
		p := &pr.Person
		edit(p)
		if errs := Validate(p, h.today()); len(errs) > 0 {
			return errs
		}
		if err := Update(r.Context(), tx, h.Keys, p); err != nil {
			return err
		}
		p.fill(h.today())
		after = p
		return h.audit(r, tx, "member.update", p.ID, audit.Change{Before: before, After: AuditView(p)})
	})
	return after, err
}

func (h *handlers) apiUpdate(w http.ResponseWriter, r *http.Request) error {
	// Out of scope is 404 whatever the body holds; the update re-reads the
	// record in its transaction.
	if _, err := h.visible(r, h.DB, false); err != nil {
		return userErr(err)
	}
	var b patchBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	if b.Version <= 0 {
		return fail.Malformed("version", "请提交档案的 version（版本号），以免覆盖他人的修改")
	}
	p, err := h.updatePerson(r, b.apply)
	if err != nil {
		return userErr(err)
	}
	web.JSON(w, http.StatusOK, AuditView(p))
	return nil
}

// reveal returns the full ID number and phone of a person in scope and
// audits the read; a refusal is audited too.
func (h *handlers) reveal(r *http.Request) (*Person, error) {
	pr, err := h.visible(r, h.DB, true)
	ev := audit.Event{Action: "member.reveal", ObjectType: "person", ObjectID: r.PathValue("id"), Detail: map[string]any{"fields": []string{"id_number", "phone"}}}
	if err != nil {
		ev.Result = "denied"
		if aerr := h.Audit.Record(r.Context(), h.DB, ev); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	if err := h.Audit.Record(r.Context(), h.DB, ev); err != nil {
		return nil, err
	}
	return &pr.Person, nil
}

func (h *handlers) apiReveal(w http.ResponseWriter, r *http.Request) error {
	p, err := h.reveal(r)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]string{"id_number": p.IDNumber, "phone": p.Phone})
	return nil
}

func (h *handlers) apiEvents(w http.ResponseWriter, r *http.Request) error {
	pr, err := h.visible(r, h.DB, false)
	if err != nil {
		return err
	}
	evs, err := Events(r.Context(), h.DB, pr.ID)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, map[string]any{"items": evs})
	return nil
}

// recordEvent applies an event to a person in scope, audited.
func (h *handlers) recordEvent(r *http.Request, b eventBody) (*Person, error) {
	var after *Person
	err := h.write(r, func(tx *db.Tx) error {
		pr, err := h.visible(r, tx, false)
		if err != nil {
			return err
		}
		if b.Kind == "transfer_in" && b.OrgID != 0 {
			if err := h.orgInScope(r, tx, b.OrgID); err != nil {
				return err
			}
		}
		before := pr.Person
		after, err = RecordEvent(r.Context(), tx, pr.ID, Event{Kind: b.Kind, OnDate: b.OnDate, OrgID: b.OrgID, Note: b.Note}, h.today())
		if err != nil {
			return err
		}
		return h.audit(r, tx, "member.event", pr.ID, map[string]any{"event": b, "before": AuditView(&before), "after": AuditView(after)})
	})
	return after, err
}

func (h *handlers) apiRecordEvent(w http.ResponseWriter, r *http.Request) error {
	var b eventBody
	if err := web.DecodeJSON(w, r, &b); err != nil {
		return err
	}
	p, err := h.recordEvent(r, b)
	if err != nil {
		return userErr(err)
	}
	web.JSON(w, http.StatusCreated, p)
	return nil
}
