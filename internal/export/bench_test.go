package export

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"hongdun/internal/member"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/dbtest"
	"hongdun/internal/platform/idcard"
)

// BenchmarkExport100k streams 100,000 members (ID numbers and phones
// revealed, so every row is decrypted) to an .xlsx and reports the time and
// the peak RSS of the export alone.
//
//	go test ./internal/export -run '^$' -bench Export100k -benchtime 1x
func BenchmarkExport100k(b *testing.B) {
	ctx := context.Background()
	d := dbtest.SQLite(b)
	keys, _ := crypto.NewKeys(bytes.Repeat([]byte{3}, 32))
	deps := &core.Deps{DB: d, Keys: keys, Audit: audit.New(keys.Audit), Now: time.Now}
	var org int64
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if org, err = db.InsertID(ctx, tx, "INSERT INTO orgs (name, kind, path, created_at, updated_at) VALUES ('市公安局党委', 'committee', '', 0, 0)"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE orgs SET path = ? WHERE id = ?", fmt.Sprintf("/%d/", org), org); err != nil {
			return err
		}
		ps := make([]member.Person, 0, 100_000)
		for i := range 100_000 {
			id := idcard.WithCheckDigit(fmt.Sprintf("%06d%04d0101%03d", 110000+i/1000, 1950+i%50, i%1000))
			ps = append(ps, member.Person{OrgID: org, Name: "张" + strconv.Itoa(i), Gender: idcard.Gender(id), Ethnicity: "汉族",
				BirthDate: idcard.Birth(id), IDNumber: id, Phone: fmt.Sprintf("139%08d", i), Education: "大学本科", Category: "民警",
				Status: "full", JoinDate: "2000-07-01", FullDate: "2001-07-01"})
		}
		_, err = member.InsertMany(ctx, tx, keys, ps)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	p := &auth.Principal{Role: auth.OrgAdmin, OrgID: org, OrgPath: fmt.Sprintf("/%d/", org)}
	// Forget the setup's memory: only the export is measured.
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	base := peakRSS()
	b.ResetTimer()
	for range b.N {
		q, err := Prepare(ctx, d, keys, p, member.Filter{}, civil.Today(time.Now()))
		if err != nil {
			b.Fatal(err)
		}
		n, err := WriteXLSX(ctx, deps, p, q, true, io.Discard)
		if err != nil || n != 100_000 {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
	b.ReportMetric(float64(peakRSS()-base)/(1<<20), "export-RSS-growth-MB")
}

func peakRSS() int64 {
	s, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(s), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
