package audit

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
)

// The hash chain alone proves that the records between its ends are as
// written; it cannot tell that records were cut from either end. Two signed
// seals, kept in audit_seal and not in audit_log's own rows, close it:
//
//   - the head is the id and hash of the newest record. Write reads it,
//     chains the new record to it and moves it, all in the append's own
//     transaction, so with several instances on one database it is always
//     exact. Records cut from the tail (or all of them) leave the head
//     pointing past the last record; a record appended afterwards still
//     chains to the head and so breaks the chain.
//   - the anchor is the id and hash of the last record a purge removed; the
//     oldest remaining record must chain to it.
//
// Each seal is HMAC-SM3 under the master key's audit key, over its name, so
// neither can be forged, edited or swapped with the other by someone who
// can only write the database. Someone who can write the whole database can
// still put back an older seal row together with the records it names; the
// checkpoint file, a copy of the head under the data directory written by
// every instance, catches that.

// Seal is one signed end of the chain: a record's id and hash.
type Seal struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	MAC  string `json:"mac"`
	At   string `json:"at,omitempty"` // when a checkpoint file was written; not signed
}

const (
	sealHead   = "head"
	sealAnchor = "anchor"
	// legacyAnchorKey is where versions without seals kept the anchor, unsigned.
	legacyAnchorKey = "audit.anchor"
	// CheckpointFile is the name of the head's checkpoint under the data directory.
	CheckpointFile = "audit-head.json"
)

func (l *Log) sealMAC(name string, seq int64, hash string) string {
	return crypto.MAC(l.key, []byte("hongdun/audit-seal\n"+name+"\n"+strconv.FormatInt(seq, 10)+"\n"+hash))
}

func (l *Log) validSeal(name string, s Seal) bool {
	return hmac.Equal([]byte(l.sealMAC(name, s.Seq, s.Hash)), []byte(s.MAC))
}

func loadSeal(ctx context.Context, q db.Querier, name string) (Seal, bool, error) {
	var s Seal
	err := q.QueryRowContext(ctx, "SELECT seq, hash, mac FROM audit_seal WHERE name = ?", name).Scan(&s.Seq, &s.Hash, &s.MAC)
	if db.IsNoRows(err) {
		return s, false, nil
	}
	return s, err == nil, err
}

func (l *Log) storeSeal(ctx context.Context, tx *db.Tx, name string, seq int64, hash string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_seal (name, seq, hash, mac, updated_at) VALUES (?,?,?,?,?)
		ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac, updated_at = excluded.updated_at`,
		name, seq, hash, l.sealMAC(name, seq, hash), l.now().UnixMilli())
	return err
}

// lock serialises appenders across instances on PostgreSQL (released at
// commit); SQLite has a single writer already.
func lock(ctx context.Context, tx *db.Tx) error { return tx.Lock(ctx, 72707) }

// SealTableExists reports whether the schema already has audit_seal; App.Open
// asks before migrating, to seal an existing log once after an upgrade.
func SealTableExists(ctx context.Context, q db.Querier) bool {
	var n int
	return q.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_seal").Scan(&n) == nil
}

// SetCheckpoint names the checkpoint file of this instance ("" for none).
func (l *Log) SetCheckpoint(path string) { l.checkpoint = path }

// readCheckpoint returns the checkpoint file's seal; found is false when
// there is no file (or none is configured).
func (l *Log) readCheckpoint() (s Seal, found bool, err error) {
	if l.checkpoint == "" {
		return s, false, nil
	}
	b, err := os.ReadFile(l.checkpoint)
	if errors.Is(err, os.ErrNotExist) {
		return s, false, nil
	}
	if err != nil {
		return s, false, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, true, fmt.Errorf("检查点文件 %s 格式错误", l.checkpoint)
	}
	return s, true, nil
}

// writeCheckpoint replaces the checkpoint file atomically, readable only by
// the owner.
func (l *Log) writeCheckpoint(s Seal) error {
	s.At = l.now().In(time.FixedZone("CST", 8*3600)).Format(time.RFC3339)
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(l.checkpoint), ".audit-head-*")
	if err != nil {
		return err
	}
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(append(b, '\n'))
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err = errors.Join(err, tmp.Close()); err == nil {
		err = os.Rename(tmp.Name(), l.checkpoint)
	}
	if err != nil {
		// The half-written file goes with the error.
		return errors.Join(err, os.Remove(tmp.Name()))
	}
	return nil
}

// RemoveCheckpoint deletes the checkpoint file of dataDir: a restore puts
// back an older database on purpose, and its head starts a new checkpoint.
func RemoveCheckpoint(dataDir string) error {
	err := os.Remove(filepath.Join(dataDir, CheckpointFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Checkpoint copies the database's signed head to the checkpoint file. It
// refuses (and leaves the file as evidence) when the database contradicts
// the file: a head behind it, or the record it names gone or changed. Run
// at start and hourly by every instance.
func (l *Log) Checkpoint(ctx context.Context, d *db.DB) error {
	if l.checkpoint == "" {
		return nil
	}
	cp, cpFound, err := l.readCheckpoint()
	if err != nil {
		return err
	}
	var head Seal
	write := false
	err = d.Snapshot(ctx, func(tx *db.Tx) error {
		var found bool
		var err error
		if head, found, err = loadSeal(ctx, tx, sealHead); err != nil {
			return err
		}
		if !found {
			if cpFound && cp.Seq > 0 {
				return fmt.Errorf("审计日志签名头缺失，而检查点记到第 %d 条：检查点未更新，请运行 hongdun audit verify", cp.Seq)
			}
			return nil // nothing written yet
		}
		if !l.validSeal(sealHead, head) {
			return errors.New("审计日志签名头的签名无效：检查点未更新，请运行 hongdun audit verify")
		}
		if cpFound {
			if problem := l.checkpointProblem(ctx, tx, cp, head); problem != "" {
				return errors.New(problem + "：检查点未更新，请运行 hongdun audit verify")
			}
		}
		write = !cpFound || cp.Seq != head.Seq
		return nil
	})
	if err != nil || !write {
		return err
	}
	return l.writeCheckpoint(head)
}

// checkpointProblem compares the checkpoint with the database's head
// without walking the chain.
func (l *Log) checkpointProblem(ctx context.Context, q db.Querier, cp, head Seal) string {
	if !l.validSeal(sealHead, cp) {
		return "检查点文件的签名无效（被伪造或改动）"
	}
	if cp.Seq > head.Seq {
		return fmt.Sprintf("数据库中的签名头（第 %d 条）落后于检查点文件（第 %d 条）：末尾的记录连同签名头被删除或回退", head.Seq, cp.Seq)
	}
	if cp.Seq == head.Seq {
		if cp.Hash != head.Hash {
			return fmt.Sprintf("签名头与检查点文件都记到第 %d 条，哈希却不同", cp.Seq)
		}
		return ""
	}
	if cp.Seq == 0 {
		return ""
	}
	if anchor, ok, err := loadSeal(ctx, q, sealAnchor); err == nil && ok && l.validSeal(sealAnchor, anchor) && cp.Seq <= anchor.Seq {
		return "" // purged since
	}
	var h string
	err := q.QueryRowContext(ctx, "SELECT hash FROM audit_log WHERE id = ?", cp.Seq).Scan(&h)
	switch {
	case db.IsNoRows(err):
		return fmt.Sprintf("检查点文件所记的第 %d 条记录已不存在", cp.Seq)
	case err != nil:
		return err.Error()
	case h != cp.Hash:
		return fmt.Sprintf("第 %d 条记录的哈希与检查点文件不同", cp.Seq)
	}
	return ""
}

// Report is what Verify found.
type Report struct {
	Checked  int      `json:"checked"`      // records walked
	Broken   int64    `json:"first_broken"` // first record whose link or hash fails; 0 if none
	Head     int64    `json:"head"`         // the record the signed head names
	Anchor   int64    `json:"anchor"`       // the last purged record, 0 if none
	Problems []string `json:"problems"`     // in Chinese; empty when the log is whole
}

// Intact reports whether nothing was found.
func (r *Report) Intact() bool { return len(r.Problems) == 0 }

func (r *Report) add(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// Verify walks the chain from the anchor and compares its end with the
// signed head and the checkpoint file. It finds an edited, inserted or
// deleted record, records cut from the tail, every record deleted, and a
// forged or edited head, anchor or checkpoint.
func (l *Log) Verify(ctx context.Context, d *db.DB) (rep Report, err error) {
	// One snapshot: records appended meanwhile must not look unsigned.
	err = d.Snapshot(ctx, func(tx *db.Tx) error {
		rep, err = l.verify(ctx, tx)
		return err
	})
	return rep, err
}

func (l *Log) verify(ctx context.Context, d db.Querier) (Report, error) {
	var rep Report
	head, hFound, err := loadSeal(ctx, d, sealHead)
	if err != nil {
		return rep, err
	}
	anchor, aFound, err := loadSeal(ctx, d, sealAnchor)
	if err != nil {
		return rep, err
	}
	cp, cpFound, cpErr := l.readCheckpoint()
	if cpErr != nil {
		rep.add("%v", cpErr)
		cpFound = false
	}
	prev := ""
	if aFound {
		rep.Anchor = anchor.Seq
		if !l.validSeal(sealAnchor, anchor) {
			rep.add("清理锚点的签名无效：锚点被伪造或改动")
		}
		prev = anchor.Hash
	}
	if hFound {
		rep.Head = head.Seq
		if !l.validSeal(sealHead, head) {
			rep.add("签名头的签名无效：签名头被伪造或改动")
		}
	}
	rows, err := d.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id,0), actor, ip, action, object_type, object_id, result, detail, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	var last Record
	for rows.Next() {
		var r Record
		var at int64
		if err := rows.Scan(&r.ID, &at, &r.ActorID, &r.Actor, &r.IP, &r.Action, &r.ObjectType, &r.ObjectID, &r.Result, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
			return rep, err
		}
		r.At = time.UnixMilli(at).UTC()
		rep.Checked++
		if rep.Broken == 0 && (r.PrevHash != prev || l.digest(&r) != r.Hash) {
			rep.Broken = r.ID
			switch {
			case rep.Checked == 1 && r.PrevHash != prev && aFound:
				rep.add("最早的记录（第 %d 条）不接清理锚点（第 %d 条）：锚点之后的记录被删除，或锚点被改动", r.ID, anchor.Seq)
			case rep.Checked == 1 && r.PrevHash != prev:
				rep.add("最早的记录（第 %d 条）之前的记录被删除", r.ID)
			default:
				rep.add("哈希链在第 %d 条记录处断裂：该记录或其前一条被篡改、删除或插入", r.ID)
			}
		}
		prev, last = r.Hash, r
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	switch {
	case !hFound && (rep.Checked > 0 || aFound):
		rep.add("缺少签名头：无法确认末尾的记录是否被删除（从旧版本升级后首次启动会自动建立；否则签名头被删除）")
	case !hFound:
	case rep.Checked == 0 && head.Hash != prev:
		rep.add("审计记录被全部删除：签名头记到第 %d 条，表中没有记录", head.Seq)
	case rep.Checked == 0:
	case last.ID < head.Seq:
		rep.add("末尾的记录被删除：签名头记到第 %d 条，表中最后一条是第 %d 条", head.Seq, last.ID)
	case last.ID > head.Seq:
		rep.add("第 %d 条之后的记录（到第 %d 条）没有签名头确认", head.Seq, last.ID)
	case last.Hash != head.Hash:
		rep.add("最后一条记录（第 %d 条）与签名头不符", last.ID)
	}
	if cpFound {
		switch {
		case !l.validSeal(sealHead, cp):
			rep.add("检查点文件的签名无效（被伪造或改动）")
		case !hFound && cp.Seq > 0:
			rep.add("检查点文件记到第 %d 条，数据库却没有签名头：记录连同签名头被删除", cp.Seq)
		case !hFound:
		default:
			if p := l.checkpointProblem(ctx, d, cp, head); p != "" {
				rep.add("%s", p)
			}
		}
	}
	return rep, nil
}

// Seal signs the ends of the chain as they now are: the head at the newest
// record, the anchor at what the oldest record chains to. It is for the
// first start after an upgrade from a version without seals, and for an
// operator who has investigated what Verify reported (`hongdun audit seal`).
// It records itself, with what Verify found before, so that the auditor
// sees every reseal and why. It does not mend a broken link.
func (l *Log) Seal(ctx context.Context, d *db.DB, reason string) (Report, error) {
	before, err := l.Verify(ctx, d)
	if err != nil {
		return before, err
	}
	var head Seal
	err = d.InTx(ctx, func(tx *db.Tx) error {
		if err := lock(ctx, tx); err != nil {
			return err
		}
		var first, last Record
		err := tx.QueryRowContext(ctx, "SELECT id, prev_hash FROM audit_log ORDER BY id LIMIT 1").Scan(&first.ID, &first.PrevHash)
		empty := db.IsNoRows(err)
		if err != nil && !empty {
			return err
		}
		if empty {
			// Nothing to anchor to: start again from the beginning.
			if _, err := tx.ExecContext(ctx, "DELETE FROM audit_seal WHERE name = ?", sealAnchor); err != nil {
				return err
			}
			if err := l.storeSeal(ctx, tx, sealHead, 0, ""); err != nil {
				return err
			}
		} else {
			if err := tx.QueryRowContext(ctx, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&last.ID, &last.Hash); err != nil {
				return err
			}
			if first.PrevHash == "" {
				if _, err := tx.ExecContext(ctx, "DELETE FROM audit_seal WHERE name = ?", sealAnchor); err != nil {
					return err
				}
			} else {
				seq := first.ID - 1
				var legacy string
				if err := tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", legacyAnchorKey).Scan(&legacy); err == nil {
					if id, hash, _ := strings.Cut(legacy, ":"); hash == first.PrevHash {
						if n, err := strconv.ParseInt(id, 10, 64); err == nil && n < first.ID {
							seq = n
						}
					}
				}
				if err := l.storeSeal(ctx, tx, sealAnchor, seq, first.PrevHash); err != nil {
					return err
				}
			}
			if err := l.storeSeal(ctx, tx, sealHead, last.ID, last.Hash); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM settings WHERE key = ?", legacyAnchorKey); err != nil {
			return err
		}
		problems := before.Problems
		if problems == nil {
			problems = []string{}
		}
		if err := l.Write(ctx, tx, Event{Action: "audit.seal", ObjectType: "system", ObjectID: "audit",
			Detail: map[string]any{"reason": reason, "records": before.Checked, "problems": problems}}); err != nil {
			return err
		}
		var ok bool
		head, ok, err = loadSeal(ctx, tx, sealHead)
		if err == nil && !ok {
			err = errors.New("签名头未写入")
		}
		return err
	})
	if err != nil {
		return before, err
	}
	if l.checkpoint != "" {
		// The operator has accepted the log as it is: the file follows.
		err = l.writeCheckpoint(head)
	}
	return before, err
}
