package wartime

import (
	"context"
	"fmt"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
)

// Kind is a kind of response event (重大安保维稳, 扫黑除恶…), kept as data.
type Kind struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Sort int    `json:"sort"`
}

// Kinds lists the kinds of event in display order.
func Kinds(ctx context.Context, q db.Querier) ([]Kind, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, name, sort FROM wartime_kinds ORDER BY sort, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Kind{}
	for rows.Next() {
		var k Kind
		if err := rows.Scan(&k.ID, &k.Name, &k.Sort); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// AddKind adds a kind of event: the whole bureau's 党务管理员 only, since
// the list holds bureau-wide.
func AddKind(ctx context.Context, d *core.Deps, p *auth.Principal, name string) (*Kind, error) {
	if !org.BureauAdmin(p) {
		return nil, fail.Denied("bureau_only", "响应类型全局适用，只能由市局党务管理员添加")
	}
	name, err := text("name", "响应类型名称", name, true, 20, false)
	if err != nil {
		return nil, err
	}
	k := &Kind{Name: name}
	err = d.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(sort), 0) + 1 FROM wartime_kinds").Scan(&k.Sort); err != nil {
			return err
		}
		var err error
		if k.ID, err = db.InsertID(ctx, tx, "INSERT INTO wartime_kinds (name, sort, created_at) VALUES (?,?,?)", name, k.Sort, d.Now().UnixMilli()); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "wartime.kind", ObjectType: "wartime_kind", ObjectID: fmt.Sprint(k.ID),
			Detail: audit.Change{After: k}})
	})
	if db.IsUnique(err) {
		return nil, fail.Conflict("已有响应类型「" + name + "」")
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}
