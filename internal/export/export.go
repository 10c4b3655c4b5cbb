// Package export writes member lists out: the .xlsx export of any filtered
// list (streamed, in the standard roster columns, so that it re-imports
// unchanged) and the printable 党员花名册 of an organisation.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"hongdun/internal/member"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/cellsafe"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/idcard"
	"hongdun/internal/platform/scope"
	"hongdun/internal/platform/web"
	"hongdun/internal/roster"
)

// Row is one exported person.
type Row struct {
	Name, Gender, Ethnicity, BirthDate, IDNumber, Education, JoinDate, FullDate, Org, Category, Post, Phone, Status string
}

// Query is a filter turned into scoped SQL.
type Query struct {
	Filter  member.Filter
	OrgName string // the organisation the list is of
	cond    string
	args    []any
}

// Prepare builds the scoped condition of a filter; the filter means what it
// means on /members (without a status it selects 党员: 预备 and 正式). An
// organisation outside the caller's scope is a 404.
func Prepare(ctx context.Context, q db.Querier, keys *crypto.Keys, p *auth.Principal, f member.Filter, today civil.Date) (*Query, error) {
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	sc := scope.Of(p)
	if sc.Empty() {
		return nil, fail.Forbidden()
	}
	id := f.OrgID
	if id == 0 {
		id = p.OrgID
	}
	root, err := org.Get(ctx, q, id)
	if errors.Is(err, db.ErrNotFound) || err == nil && !sc.Contains(root.Path) {
		return nil, fail.NotFound()
	}
	if err != nil {
		return nil, err
	}
	in, args := sc.Narrow(root.Path).Where("o.path")
	conds := []string{in}
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.Status == "" {
		add(member.PartyMember("p.status"))
	}
	for _, c := range []struct{ col, v string }{{"status", f.Status}, {"category", f.Category}, {"gender", f.Gender}, {"education", f.Education}} {
		if c.v != "" {
			add("p."+c.col+" = ?", c.v)
		}
	}
	if s := f.Q; s != "" {
		up := strings.ToUpper(s)
		switch {
		case isDigits(up) && (len(up) == 15 || len(up) == 18):
			n, err := idcard.Normalize(up)
			if err != nil {
				return nil, fail.Malformed("q", err.Error())
			}
			add("p.id_hash = ?", keys.Index(n))
		case isDigits(up):
			add("p.id_tail LIKE ?", "%"+up)
		default:
			l := strings.ToLower(s)
			add("(p.name LIKE ? OR p.pinyin LIKE ? OR p.initials LIKE ?)", s+"%", l+"%", l+"%")
		}
	}
	if f.Age != "" {
		lo, hi := ageBounds(f.Age)
		if lo >= 0 {
			add("p.birth_date <= ?", today.AddYears(-lo).String())
		}
		if hi >= 0 {
			add("p.birth_date > ?", today.AddYears(-(hi + 1)).String())
		}
	}
	return &Query{Filter: f, OrgName: root.Name, cond: strings.Join(conds, " AND "), args: args}, nil
}

// ageBounds reads a band that Filter.Normalize has accepted: "31-35",
// "-30", "61-" or "61+" (-1: open).
func ageBounds(s string) (lo, hi int) {
	lo, hi = -1, -1
	a, b, _ := strings.Cut(strings.TrimSuffix(s, "+"), "-")
	if a != "" {
		lo, _ = strconv.Atoi(a)
	}
	if b != "" {
		hi, _ = strconv.Atoi(b)
	}
	return lo, hi
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// Each streams the rows a filter selects, ordered by organisation and pinyin,
// with the sensitive fields decrypted only when reveal is set (and masked
// otherwise).
func (q *Query) Each(ctx context.Context, d *core.Deps, reveal bool, fn func(Row) error) error {
	rows, err := d.DB.QueryContext(ctx, `SELECT p.name, p.gender, p.ethnicity, COALESCE(p.birth_date, ''), p.id_enc, p.id_tail, p.education,
		COALESCE(p.join_date, ''), COALESCE(p.full_date, ''), o.name, p.category, p.post, p.phone_enc, p.phone_tail, p.status
		FROM persons p JOIN orgs o ON o.id = p.org_id WHERE `+q.cond+` ORDER BY o.path, p.pinyin, p.id`, q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r Row
		var idEnc, phoneEnc []byte
		var idTail, phoneTail string
		if err := rows.Scan(&r.Name, &r.Gender, &r.Ethnicity, &r.BirthDate, &idEnc, &idTail, &r.Education, &r.JoinDate, &r.FullDate,
			&r.Org, &r.Category, &r.Post, &phoneEnc, &phoneTail, &r.Status); err != nil {
			return err
		}
		if reveal {
			if r.IDNumber, err = d.Keys.Open(idEnc); err != nil {
				return err
			}
			if r.Phone, err = d.Keys.Open(phoneEnc); err != nil {
				return err
			}
		} else {
			r.IDNumber, r.Phone = masked(idTail, 18), masked(phoneTail, 11)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// masked shows only the stored tail of a number.
func masked(tail string, n int) string {
	if tail == "" {
		return ""
	}
	return strings.Repeat("*", max(0, n-len(tail))) + tail
}

// WriteXLSX streams the rows of q to w in the standard roster layout (a
// title, the 导出单位 line, the header on row 3) and audits the export with
// its filter and row count. Only a 党务管理员 may reveal the ID numbers and
// phones; otherwise they stay masked.
func WriteXLSX(ctx context.Context, d *core.Deps, p *auth.Principal, q *Query, reveal bool, w io.Writer) (int, error) {
	if reveal && !p.Writes() {
		return 0, fail.Forbidden()
	}
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "党员花名册"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return 0, err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	cols := roster.MemberFields
	for i, c := range cols {
		width := 12.0
		switch c.Field {
		case roster.IDNumber:
			width = 22
		case roster.Branch:
			width = 32
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return 0, err
		}
	}
	bold, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	title, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	last, _ := excelize.CoordinatesToCellName(len(cols), 1)
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: bold, Value: c.Label}
	}
	if err := errors.Join(
		sw.SetRow("A1", cellsafe.Row(excelize.Cell{StyleID: title, Value: q.OrgName + "党员花名册"})),
		sw.MergeCell("A1", last),
		sw.SetRow("A2", cellsafe.Row("导出单位："+q.OrgName+"　导出时间："+d.Now().In(web.Shanghai).Format("2006年1月2日 15:04"))),
		sw.SetRow("A3", cellsafe.Row(header...)),
	); err != nil {
		return 0, err
	}
	n := 0
	cells := make([]any, len(cols))
	err = q.Each(ctx, d, reveal, func(r Row) error {
		n++
		for i, c := range cols {
			cells[i] = field(r, c.Field, n)
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+3)
		return sw.SetRow(cell, cellsafe.Row(cells...))
	})
	if err != nil {
		return 0, err
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	if err := x.Write(w); err != nil {
		return n, err
	}
	return n, d.Audit.Record(ctx, d.DB, audit.Event{Action: "member.export", ObjectType: "org", ObjectID: fmt.Sprint(q.Filter.OrgID),
		Detail: map[string]any{"filter": q.Filter, "rows": n, "revealed": reveal, "format": "xlsx"}})
}

func field(r Row, f roster.Field, seq int) string {
	switch f {
	case roster.Seq:
		return fmt.Sprint(seq)
	case roster.Name:
		return r.Name
	case roster.Gender:
		return r.Gender
	case roster.Ethnicity:
		return r.Ethnicity
	case roster.Birth:
		return r.BirthDate
	case roster.IDNumber:
		return r.IDNumber
	case roster.Education:
		return r.Education
	case roster.Join:
		return r.JoinDate
	case roster.Full:
		return r.FullDate
	case roster.Branch:
		return r.Org
	case roster.Political:
		return political(r.Status)
	case roster.Category:
		return r.Category
	case roster.Post:
		return r.Post
	case roster.Phone:
		return r.Phone
	}
	return ""
}

// political is the 政治面貌 of a status as the roster writes it.
func political(status string) string {
	switch status {
	case "full":
		return "中共党员"
	case "probationary":
		return "中共预备党员"
	}
	return member.StatusLabel(status)
}
