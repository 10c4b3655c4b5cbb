package task

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/scope"
)

// Targets of a dispatch besides a chosen list of organisations.
const (
	ToChosen     = ""
	ToBranches   = "branches"   // every 党支部 below
	ToCommittees = "committees" // every 党委 below
)

// Targets names the dispatch targets, for the form.
var Targets = choice.List{{Code: ToChosen, Label: "指定的党组织"}, {Code: ToBranches, Label: "下级全部党支部"}, {Code: ToCommittees, Label: "下级全部党委"}}

// Dispatch says who receives an item (or a copy passed down). Nothing is
// written until Confirm: without it the answer is the preview.
type Dispatch struct {
	Target  string  `json:"target"`
	OrgIDs  []int64 `json:"org_ids"`
	Confirm bool    `json:"confirm"`
}

// Preview is what a dispatch creates (or created, when Dispatched).
type Preview struct {
	Receivers  int      `json:"receivers"`  // organisations named
	Already    int      `json:"already"`    // of them, holding their copy already
	Copies     int      `json:"copies"`     // copies made (one per receiver and period)
	Names      []string `json:"names"`      // the first receivers' names
	Dispatched bool     `json:"dispatched"` // false: a preview, nothing written
}

// source is where a dispatch starts: the publisher with the item's
// periods, or a received copy with its own period.
type source struct {
	item     *Item
	orgID    int64
	orgPath  string
	parentID int64
	periods  []Period
}

// DispatchItem sends an item to organisations below its publisher.
func DispatchItem(ctx context.Context, d *core.Deps, p *auth.Principal, itemID int64, in Dispatch) (*Preview, error) {
	it, err := GetItem(ctx, d.DB, p, itemID)
	if err != nil {
		return nil, err
	}
	path, err := org.WritablePath(ctx, d.DB, p, it.OrgID)
	if err != nil {
		return nil, err
	}
	return dispatch(ctx, d, source{item: it, orgID: it.OrgID, orgPath: path, periods: it.Periods()}, in)
}

// DispatchCopy passes a received copy down to organisations below its
// receiver (分解下发): each gets a copy of the same item and period, which
// the receiver reviews.
func DispatchCopy(ctx context.Context, d *core.Deps, p *auth.Principal, copyID int64, in Dispatch) (*Preview, error) {
	c, err := getCopy(ctx, d, p, copyID)
	if err != nil {
		return nil, err
	}
	path, err := org.WritablePath(ctx, d.DB, p, c.OrgID)
	if err != nil {
		return nil, err
	}
	it, err := GetItem(ctx, d.DB, p, c.ItemID)
	if err != nil {
		return nil, err
	}
	return dispatch(ctx, d, source{item: it, orgID: c.OrgID, orgPath: path, parentID: c.ID,
		periods: []Period{{c.Period, c.StartsOn, c.DueOn}}}, in)
}

func isBranchKind(kind string) bool {
	return kind == org.Branch || kind == org.Joint || kind == org.TempBranch
}

// receivers resolves a dispatch to live organisations strictly below the
// source; a chosen organisation anywhere else is refused by name or number.
func receivers(ctx context.Context, q db.Querier, src source, in Dispatch) ([]org.Org, error) {
	below, err := org.Choices(ctx, q, scope.Under(src.orgPath))
	if err != nil {
		return nil, err
	}
	var out []org.Org
	switch in.Target {
	case ToBranches, ToCommittees:
		for _, o := range below {
			fits := isBranchKind(o.Kind)
			if in.Target == ToCommittees {
				fits = o.Kind == org.Committee
			}
			if o.ID != src.orgID && fits {
				out = append(out, o)
			}
		}
	case ToChosen:
		byID := make(map[int64]org.Org, len(below))
		for _, o := range below {
			if o.ID != src.orgID {
				byID[o.ID] = o
			}
		}
		seen := map[int64]bool{}
		for i, id := range in.OrgIDs {
			o, ok := byID[id]
			if !ok {
				return nil, fail.NotAllowed("org_ids", fmt.Sprintf("第 %d 个接收党组织（编号 %d）不是本组织的下级党组织，不能下发", i+1, id))
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, o)
			}
		}
	default:
		return nil, fail.Malformed("target", "下发对象应为指定的党组织、下级全部党支部或下级全部党委")
	}
	if len(out) == 0 {
		return nil, fail.Malformed("org_ids", "请选择接收任务的党组织（下级中没有符合条件的党组织）")
	}
	return out, nil
}

// copyBatch is how many copies one INSERT statement carries.
const copyBatch = 200

func dispatch(ctx context.Context, d *core.Deps, src source, in Dispatch) (*Preview, error) {
	var pv *Preview
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		orgs, err := receivers(ctx, tx, src, in)
		if err != nil {
			return err
		}
		held, err := holders(ctx, tx, src.item.ID, src.periods)
		if err != nil {
			return err
		}
		pv = &Preview{Receivers: len(orgs), Dispatched: in.Confirm}
		var rows [][]any
		now := d.Now().UnixMilli()
		var parent any
		if src.parentID != 0 {
			parent = src.parentID
		}
		for _, o := range orgs {
			if len(pv.Names) < 20 {
				pv.Names = append(pv.Names, o.Name)
			}
			fresh := false
			for _, pd := range src.periods {
				if !held[holderKey(o.ID, pd.Code)] {
					fresh = true
					rows = append(rows, []any{src.item.ID, src.item.Year, src.item.Weight, o.ID, src.orgID, parent, pd.Code, pd.Starts, pd.Due, now, now})
				}
			}
			if !fresh {
				pv.Already++
			}
		}
		pv.Copies = len(rows)
		if !in.Confirm {
			return nil
		}
		if len(rows) == 0 {
			return fail.Conflict("所选党组织都已收到这项任务，没有新的接收单位")
		}
		for start := 0; start < len(rows); start += copyBatch {
			chunk := rows[start:min(start+copyBatch, len(rows))]
			var args []any
			for _, r := range chunk {
				args = append(args, r...)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO task_copies (item_id, year, weight, org_id, dispatcher_org_id, parent_id, period, starts_on, due_on, created_at, updated_at)
				VALUES `+strings.Repeat("(?,?,?,?,?,?,?,?,?,?,?),", len(chunk)-1)+`(?,?,?,?,?,?,?,?,?,?,?)
				ON CONFLICT (item_id, org_id, period) DO NOTHING`, args...)
			if err != nil {
				return err
			}
		}
		ids := make([]int64, len(orgs))
		for i, o := range orgs {
			ids[i] = o.ID
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "task.dispatch", ObjectType: "task_item", ObjectID: fmt.Sprint(src.item.ID),
			Detail: map[string]any{"from_org": src.orgID, "parent_copy": src.parentID, "target": in.Target, "org_ids": ids, "copies": pv.Copies}})
	})
	return pv, err
}

func holderKey(orgID int64, period string) string { return fmt.Sprintf("%d/%s", orgID, period) }

// holders are the receivers already holding a copy of the item for one of
// the periods.
func holders(ctx context.Context, q db.Querier, itemID int64, periods []Period) (map[string]bool, error) {
	codes := make([]string, len(periods))
	for i, pd := range periods {
		codes[i] = pd.Code
	}
	in, args := db.In(codes)
	rows, err := q.QueryContext(ctx, "SELECT org_id, period FROM task_copies WHERE item_id = ? AND period IN ("+in+")", append([]any{itemID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id int64
		var pd string
		if err := rows.Scan(&id, &pd); err != nil {
			return nil, err
		}
		out[holderKey(id, pd)] = true
	}
	return out, rows.Err()
}
