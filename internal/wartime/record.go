package wartime

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/sealed"
)

// Record is one entry of a person's 表现纪实: what they did on a day in a
// team of an event, who attests it, and the evidence.
type Record struct {
	ID          int64  `json:"id"`
	EventID     int64  `json:"event_id"`
	EventTitle  string `json:"event_title"`
	TeamID      int64  `json:"team_id"`
	TeamName    string `json:"team_name"`
	TeamKind    string `json:"team_kind"`
	PersonID    int64  `json:"person_id"`
	PersonName  string `json:"person_name"`
	HomeOrg     string `json:"home_org"`
	OnDate      string `json:"on_date"`
	Deed        string `json:"deed"`
	AttestedBy  string `json:"attested_by"`
	Files       []File `json:"files"`
	CreatedBy   string `json:"created_by"`
	CreatedAt   int64  `json:"created_at"`
	teamPath    string
	TeamVisible bool `json:"-"` // the caller sees the team (not only the person)
}

// File is a piece of evidence of a record, sealed in the data directory.
type File struct {
	ID          int64  `json:"id"`
	RecordID    int64  `json:"record_id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	CreatedAt   int64  `json:"created_at"`
	stored      string
}

// URL is where the file is downloaded.
func (f File) URL() string { return fmt.Sprintf("/wartime/records/%d/files/%d", f.RecordID, f.ID) }

// RecordInput is a new record.
type RecordInput struct {
	PersonID   int64  `json:"person_id"`
	OnDate     string `json:"on_date"`
	Deed       string `json:"deed"`
	AttestedBy string `json:"attested_by"`
}

// MaxFile is the largest piece of evidence accepted.
const MaxFile = 10 << 20

var fileTypes = []sealed.Type{sealed.PDF, sealed.JPEG, sealed.PNG}

func store(d *core.Deps) sealed.Store {
	return sealed.Store{Dir: filepath.Join(d.DataDir, "wartime", "evidence"), Keys: d.Keys}
}

const recordCols = `r.id, r.event_id, e.title, r.team_id, t.name, t.kind, r.person_id, p.name, po.name, r.on_date, r.deed, r.attested_by,
	r.created_by, r.created_at, o.path`

const recordFrom = ` FROM wartime_records r JOIN wartime_events e ON e.id = r.event_id JOIN wartime_teams t ON t.id = r.team_id
	JOIN orgs o ON o.id = t.org_id JOIN persons p ON p.id = r.person_id JOIN orgs po ON po.id = p.org_id`

// seesRecord is the condition "sc sees record r": its team was set up in
// sc, or its person belongs to sc (the home branch reads what its people
// did elsewhere).
func seesRecord(sc scope.Subtree) (string, []any) {
	team, args := sc.Where("o.path")
	home, a2 := sc.Where("po.path")
	return "(" + team + " OR " + home + ")", append(args, a2...)
}

func scanRecord(s scanner, sc scope.Subtree) (*Record, error) {
	var r Record
	err := s.Scan(&r.ID, &r.EventID, &r.EventTitle, &r.TeamID, &r.TeamName, &r.TeamKind, &r.PersonID, &r.PersonName, &r.HomeOrg, &r.OnDate,
		&r.Deed, &r.AttestedBy, &r.CreatedBy, &r.CreatedAt, &r.teamPath)
	r.TeamVisible, r.Files = sc.Contains(r.teamPath), []File{}
	return &r, err
}

// loadRecord reads a record sc sees, with its files.
func loadRecord(ctx context.Context, q db.Querier, sc scope.Subtree, id int64) (*Record, error) {
	w, args := seesRecord(sc)
	r, err := scanRecord(q.QueryRowContext(ctx, "SELECT "+recordCols+recordFrom+" WHERE r.id = ? AND "+w, append([]any{id}, args...)...), sc)
	if db.IsNoRows(err) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	fs, err := filesOf(ctx, q, []int64{id})
	r.Files = append(r.Files, fs[id]...)
	return r, err
}

func filesOf(ctx context.Context, q db.Querier, ids []int64) (map[int64][]File, error) {
	out := map[int64][]File{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.In(ids)
	rows, err := q.QueryContext(ctx, "SELECT id, record_id, file_name, stored_name, content_type, size, created_at FROM wartime_files WHERE record_id IN ("+in+") ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.RecordID, &f.FileName, &f.stored, &f.ContentType, &f.Size, &f.CreatedAt); err != nil {
			return nil, err
		}
		out[f.RecordID] = append(out[f.RecordID], f)
	}
	return out, rows.Err()
}

// GetRecord returns a record the caller sees.
func (s *Service) GetRecord(ctx context.Context, p *auth.Principal, id int64) (*Record, error) {
	return loadRecord(ctx, s.DB, scope.Of(p), id)
}

// AddRecord writes a record for a member of a team the caller administers:
// the day must fall in the event and in the person's time in the team. The
// same record submitted twice is stored once (replayed is true).
func (s *Service) AddRecord(ctx context.Context, p *auth.Principal, teamID int64, in RecordInput) (rec *Record, replayed bool, err error) {
	t, err := writableTeam(ctx, s.DB, p, teamID)
	if err != nil {
		return nil, false, err
	}
	if in.PersonID <= 0 {
		return nil, false, fail.Malformed("person_id", "请选择人员")
	}
	on, err := day("on_date", "日期", in.OnDate, true, today(s.Deps))
	if err != nil {
		return nil, false, err
	}
	deed, err := text("deed", "表现情况", in.Deed, true, 1000, true)
	if err != nil {
		return nil, false, err
	}
	attested, err := text("attested_by", "证明人", in.AttestedBy, true, 100, false)
	if err != nil {
		return nil, false, err
	}
	var joined, left string
	err = s.DB.QueryRowContext(ctx, "SELECT joined_on, COALESCE(left_on, '') FROM wartime_members WHERE team_id = ? AND person_id = ?", t.ID, in.PersonID).Scan(&joined, &left)
	if db.IsNoRows(err) {
		return nil, false, fail.NotAllowed("person_id", "该人员不是「"+t.Name+"」的成员，请先编入队伍")
	}
	if err != nil {
		return nil, false, err
	}
	if d := on.String(); d < joined || left != "" && d > left {
		until := "至今"
		if left != "" {
			until = "至 " + left
		}
		return nil, false, fail.NotAllowed("on_date", "日期须在其编入「"+t.Name+"」期间（"+joined+" "+until+"）")
	}
	sum := sha256.Sum256([]byte(on.String() + "\x00" + deed))
	dedup := hex.EncodeToString(sum[:16])
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT id FROM wartime_records WHERE team_id = ? AND person_id = ? AND dedup = ?", t.ID, in.PersonID, dedup).Scan(&id)
		if err == nil {
			replayed = true
			return nil
		}
		if !db.IsNoRows(err) {
			return err
		}
		id, err = db.InsertID(ctx, tx, `INSERT INTO wartime_records (event_id, team_id, person_id, on_date, deed, attested_by, dedup, created_by, created_at)
			VALUES (?,?,?,?,?,?,?,?,?)`, t.EventID, t.ID, in.PersonID, on.String(), deed, attested, dedup, p.Username, s.Now().UnixMilli())
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "wartime.record.add", ObjectType: "wartime_record", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{After: map[string]any{"team_id": t.ID, "person_id": in.PersonID, "on_date": on.String(), "deed": deed, "attested_by": attested}}})
	})
	if db.IsUnique(err) {
		return nil, false, fail.Conflict("这条表现纪实刚刚已登记，请刷新页面查看")
	}
	if err != nil {
		return nil, false, err
	}
	rec, err = s.GetRecord(ctx, p, id)
	return rec, replayed, err
}

// Attach seals a piece of evidence (PDF, JPEG or PNG, judged by content)
// for a record of a team the caller administers. The same file attached
// twice to a record is stored once.
func (s *Service) Attach(ctx context.Context, p *auth.Principal, recordID int64, name string, content []byte) (*File, bool, error) {
	r, err := loadRecord(ctx, s.DB, scope.Of(p), recordID)
	if err != nil {
		return nil, false, err
	}
	if !p.Writes() || !scope.Of(p).Contains(r.teamPath) {
		return nil, false, fail.NotFound()
	}
	if err := checkFile(content); err != nil {
		return nil, false, err
	}
	typ, _ := sealed.Sniff(content, fileTypes...)
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])
	f := &File{RecordID: r.ID, FileName: sealed.CleanName(name, typ.Ext, "证明材料"), ContentType: typ.MIME, Size: int64(len(content)),
		CreatedAt: s.Now().UnixMilli()}
	err = s.DB.QueryRowContext(ctx, "SELECT id FROM wartime_files WHERE record_id = ? AND sha256 = ?", r.ID, hash).Scan(&f.ID)
	if err == nil {
		return f, true, nil
	}
	if !db.IsNoRows(err) {
		return nil, false, err
	}
	st := store(s.Deps)
	stored, err := st.Put(content)
	if err != nil {
		return nil, false, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		f.ID, err = db.InsertID(ctx, tx, `INSERT INTO wartime_files (record_id, file_name, stored_name, content_type, size, sha256, actor, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, r.ID, f.FileName, stored, f.ContentType, f.Size, hash, p.Username, f.CreatedAt)
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, tx, audit.Event{Action: "wartime.record.attach", ObjectType: "wartime_record", ObjectID: fmt.Sprint(r.ID),
			Detail: audit.Change{After: map[string]any{"file_id": f.ID, "file_name": f.FileName, "content_type": f.ContentType, "size": f.Size, "sha256": hash}}})
	})
	if err != nil {
		st.Remove(stored)
		if db.IsUnique(err) {
			return nil, false, fail.Conflict("该证明材料刚刚已上传，请刷新页面查看")
		}
		return nil, false, err
	}
	return f, false, nil
}

// checkFile refuses an empty or oversize file, or one that is not a PDF,
// JPEG or PNG by its content.
func checkFile(content []byte) error {
	if len(content) == 0 {
		return fail.Malformed("file", "请选择要上传的证明材料")
	}
	if len(content) > MaxFile {
		return sealed.TooLarge("证明材料", MaxFile)
	}
	if _, ok := sealed.Sniff(content, fileTypes...); !ok {
		return fail.NotAllowed("file", "证明材料只能是 PDF、JPEG 或 PNG 格式（按文件内容识别，与扩展名无关）")
	}
	return nil
}

// Download opens a piece of evidence of a record the caller sees, and
// audits the read.
func (s *Service) Download(ctx context.Context, p *auth.Principal, recordID, fileID int64) (*File, []byte, error) {
	r, err := loadRecord(ctx, s.DB, scope.Of(p), recordID)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range r.Files {
		if f.ID != fileID {
			continue
		}
		b, err := store(s.Deps).Get(f.stored)
		if err != nil {
			return nil, nil, err
		}
		err = s.Audit.Record(ctx, s.DB, audit.Event{Action: "wartime.record.download", ObjectType: "wartime_record", ObjectID: fmt.Sprint(r.ID),
			Detail: map[string]any{"file_id": f.ID, "file_name": f.FileName}})
		return &f, b, err
	}
	return nil, nil, fail.NotFound()
}

// RecordFilter narrows the list of records.
type RecordFilter struct {
	OrgID, EventID, TeamID, PersonID int64
	From, To                         string
	Page, PerPage                    int
}

// ParseRecordFilter reads org, event, team, person, from and to (the page
// is the shared pager's: paging).
func ParseRecordFilter(q url.Values) (RecordFilter, error) {
	var f RecordFilter
	var err error
	for _, p := range []struct {
		name, label string
		v           *int64
	}{{"org", "组织编号", &f.OrgID}, {"event", "响应编号", &f.EventID}, {"team", "队伍编号", &f.TeamID}, {"person", "人员编号", &f.PersonID}} {
		if *p.v, err = input.Positive(p.name, p.label, q.Get(p.name)); err != nil {
			return f, err
		}
	}
	f.From, f.To, err = dateRange(q)
	return f, err
}

// RecordList is a page of records.
type RecordList = listing.List[Record]

// Records lists the records the caller sees, newest first; PerPage 0
// returns them all (the export).
func (s *Service) Records(ctx context.Context, p *auth.Principal, f RecordFilter) (*RecordList, error) {
	sc := scope.Of(p)
	narrow, err := org.Narrow(ctx, s.DB, p, f.OrgID)
	if err != nil {
		return nil, err
	}
	w, args := seesRecord(narrow)
	where, args := with(recordFrom+" WHERE "+w, args, cond{"r.event_id = ?", f.EventID, f.EventID != 0}, cond{"r.team_id = ?", f.TeamID, f.TeamID != 0},
		cond{"r.person_id = ?", f.PersonID, f.PersonID != 0}, cond{"r.on_date >= ?", f.From, f.From != ""}, cond{"r.on_date <= ?", f.To, f.To != ""})
	out, err := listing.Read(ctx, s.DB, f.Page, f.PerPage, recordCols, where, "r.on_date DESC, r.id DESC", args,
		func(row scanner) (*Record, error) { return scanRecord(row, sc) })
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(out.Items))
	for i, r := range out.Items {
		ids[i] = r.ID
	}
	fs, err := filesOf(ctx, s.DB, ids)
	for i := range out.Items {
		out.Items[i].Files = append(out.Items[i].Files, fs[out.Items[i].ID]...)
	}
	return out, err
}
