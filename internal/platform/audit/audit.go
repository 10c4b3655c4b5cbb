// Package audit keeps the append-only, hash-chained audit log. Every write is
// recorded in the same transaction as the change it describes, so a change
// and its record commit or roll back together.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/input"
	"hongdun/internal/platform/listing"
)

// Actor is who acts, carried in the request context.
type Actor struct {
	ID   int64
	Name string
	IP   string
}

type actorKey struct{}

// WithActor returns a context that carries the acting user.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// System is the actor of what the server does by itself (hourly jobs, seeds).
const System = "system"

// ActorFrom returns the acting user, or the system actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Name: System}
}

// Event is one security-relevant happening.
type Event struct {
	Action     string // e.g. "member.update", "login.fail"
	ObjectType string
	ObjectID   string
	Result     string // "ok" unless said otherwise
	Detail     any    // marshalled to JSON: before/after, filters, counts
}

// Change is the conventional Detail of a write.
type Change struct {
	Before any `json:"before,omitempty"`
	After  any `json:"after,omitempty"`
}

// Log appends to and verifies the chain.
type Log struct {
	key        []byte
	now        func() time.Time
	checkpoint string // file that keeps a copy of the signed head; "" for none
}

// New returns a log that MACs its chain with key.
func New(key []byte) *Log { return &Log{key: key, now: time.Now} }

// SetClock replaces the clock, for tests of retention.
func (l *Log) SetClock(now func() time.Time) { l.now = now }

// Record is one stored row.
type Record struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	Actor      string    `json:"actor"`
	IP         string    `json:"ip"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Result     string    `json:"result"`
	Detail     string    `json:"detail"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

func (l *Log) digest(r *Record) string {
	var b strings.Builder
	for _, f := range []string{strconv.FormatInt(r.At.UnixMilli(), 10), strconv.FormatInt(r.ActorID, 10), r.Actor, r.IP,
		r.Action, r.ObjectType, r.ObjectID, r.Result, r.Detail, r.PrevHash} {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
	}
	return crypto.MAC(l.key, []byte(b.String()))
}

// Write appends ev inside tx. The actor comes from ctx.
func (l *Log) Write(ctx context.Context, tx *db.Tx, ev Event) error {
	a := ActorFrom(ctx)
	r := Record{At: l.now().UTC(), ActorID: a.ID, Actor: a.Name, IP: a.IP, Action: ev.Action,
		ObjectType: ev.ObjectType, ObjectID: ev.ObjectID, Result: ev.Result}
	if r.Result == "" {
		r.Result = "ok"
	}
	if ev.Detail != nil {
		if s, ok := ev.Detail.(string); ok {
			r.Detail = s
		} else {
			b, err := json.Marshal(ev.Detail)
			if err != nil {
				return err
			}
			r.Detail = string(b)
		}
	}
	if err := lock(ctx, tx); err != nil {
		return err
	}
	// Chain to the signed head, not to whatever row is last: after records
	// were cut from the tail, the new record then breaks the chain instead
	// of hiding the cut.
	head, found, err := loadSeal(ctx, tx, sealHead)
	if err != nil {
		return err
	}
	sealed, empty := found && l.validSeal(sealHead, head), false
	if sealed {
		r.PrevHash = head.Hash
	} else {
		// No head yet (a new database) or a forged one, which stays as it
		// is for Verify to report.
		err := tx.QueryRowContext(ctx, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&r.PrevHash)
		if empty = db.IsNoRows(err); err != nil && !empty {
			return err
		}
	}
	r.Hash = l.digest(&r)
	id, err := db.InsertID(ctx, tx, `INSERT INTO audit_log (at, actor_id, actor, ip, action, object_type, object_id, result, detail, prev_hash, hash)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`, r.At.UnixMilli(), r.ActorID, r.Actor, r.IP, r.Action, r.ObjectType, r.ObjectID, r.Result, r.Detail, r.PrevHash, r.Hash)
	if err != nil {
		return err
	}
	if !sealed && (found || !empty) {
		return nil // an existing log without a head is sealed only on purpose (Seal)
	}
	if !sealed {
		if _, anchored, err := loadSeal(ctx, tx, sealAnchor); err != nil || anchored {
			return err // an anchor without records: leave it for Verify
		}
	}
	return l.storeSeal(ctx, tx, sealHead, id, r.Hash)
}

// Record appends ev in a transaction of its own (for reads and logins).
func (l *Log) Record(ctx context.Context, d *db.DB, ev Event) error {
	return d.InTx(ctx, func(tx *db.Tx) error { return l.Write(ctx, tx, ev) })
}

// MinRetention is the shortest time records are kept (网络安全法 第二十一条).
const MinRetention = 180 * 24 * time.Hour

// Purge deletes records older than before, which must be at least
// MinRetention ago, and audits the purge. The last removed record becomes
// the signed anchor that the oldest remaining record must chain to. What
// Verify found beforehand goes into the purge's own record, so that a purge
// does not erase the evidence of a break. It returns how many it removed.
func (l *Log) Purge(ctx context.Context, d *db.DB, before time.Time) (int64, error) {
	if before.After(l.now().Add(-MinRetention)) {
		return 0, fmt.Errorf("审计记录至少保留 180 天，只能清理 %s 之前的记录", l.now().Add(-MinRetention).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"))
	}
	rep, err := l.Verify(ctx, d)
	if err != nil {
		return 0, err
	}
	var n int64
	err = d.InTx(ctx, func(tx *db.Tx) error {
		if err := lock(ctx, tx); err != nil {
			return err
		}
		var lastID int64
		var lastHash string
		err := tx.QueryRowContext(ctx, "SELECT id, hash FROM audit_log WHERE at < ? ORDER BY id DESC LIMIT 1", before.UnixMilli()).Scan(&lastID, &lastHash)
		if db.IsNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM audit_log WHERE id <= ?", lastID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if err := l.storeSeal(ctx, tx, sealAnchor, lastID, lastHash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM settings WHERE key = ?", legacyAnchorKey); err != nil {
			return err
		}
		detail := map[string]any{"before": before.UTC().Format(time.RFC3339), "removed": n, "anchor_id": lastID}
		if !rep.Intact() {
			detail["problems"] = rep.Problems
		}
		return l.Write(ctx, tx, Event{Action: "audit.purge", ObjectType: "system", ObjectID: "audit", Detail: detail})
	})
	return n, err
}

// Filter selects records for the auditor's search.
type Filter struct {
	Actor, Action, Object string
	From, To              time.Time
	Page, PerPage         int // PerPage 0: all (the export)
}

// Search lists records, newest first, page f.Page of f.PerPage. A page
// out of the range the list pages take (input.Paging) is refused, never
// read as another.
func Search(ctx context.Context, q db.Querier, f Filter) ([]Record, int, error) {
	if f.PerPage != 0 {
		if err := input.InPages(f.Page, f.PerPage); err != nil {
			return nil, 0, err
		}
	}
	where, args := []string{"1=1"}, []any{}
	if f.Actor != "" {
		where, args = append(where, "actor = ?"), append(args, f.Actor)
	}
	if f.Action != "" {
		where, args = append(where, "action LIKE ?"), append(args, f.Action+"%")
	}
	if f.Object != "" {
		where, args = append(where, "object_id = ?"), append(args, f.Object)
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.To.UnixMilli())
	}
	l, err := listing.Read(ctx, q, f.Page, f.PerPage, "id, at, COALESCE(actor_id,0), actor, ip, action, object_type, object_id, result, detail, prev_hash, hash",
		" FROM audit_log WHERE "+strings.Join(where, " AND "), "id DESC", args, func(sc listing.Scanner) (*Record, error) {
			var r Record
			var at int64
			err := sc.Scan(&r.ID, &at, &r.ActorID, &r.Actor, &r.IP, &r.Action, &r.ObjectType, &r.ObjectID, &r.Result, &r.Detail, &r.PrevHash, &r.Hash)
			r.At = time.UnixMilli(at).UTC()
			return &r, err
		})
	if err != nil {
		return nil, 0, err
	}
	return l.Items, l.Total, nil
}
