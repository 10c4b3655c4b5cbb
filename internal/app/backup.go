package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/db"
)

// Backup writes a consistent copy of a live SQLite database to file.
// VACUUM INTO reads one snapshot, so writers may go on meanwhile.
func Backup(ctx context.Context, d *db.DB, file string) error {
	if d.Dialect != db.SQLite {
		return errors.New("PostgreSQL 请使用 pg_dump 备份，见 README")
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	// The copy holds everything the database holds: it is created empty,
	// owner only (0600), and VACUUM INTO fills it (it accepts an empty file).
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("文件 %s 已存在，请换一个文件名", file)
	}
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if _, err = d.W.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		return errors.Join(err, os.Remove(abs))
	}
	return nil
}

// Restore replaces the SQLite database in dataDir with a backup, after
// checking the backup's integrity. The server must be stopped.
func Restore(ctx context.Context, file, dataDir string) error {
	src, err := db.OpenSQLiteFile(ctx, file)
	if err != nil {
		return err
	}
	var res string
	err = src.R.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res)
	if err == nil && res != "ok" {
		err = fmt.Errorf("备份文件损坏: %s", res)
	}
	var n int
	if err == nil {
		err = src.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM goose_db_version").Scan(&n)
		if err != nil {
			err = errors.New("该文件不是红盾数据库备份")
		}
	}
	if err := errors.Join(err, src.Close()); err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	dst := filepath.Join(dataDir, "hongdun.db")
	tmp := dst + ".restore"
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	// The old database's WAL would be replayed into the restored file.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dst + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	// The restored log is older than this directory's audit checkpoint on
	// purpose; its own signed head starts a new one.
	return audit.RemoveCheckpoint(dataDir)
}
