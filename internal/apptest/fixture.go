package apptest

import (
	"hongdun/internal/platform/dbtest"
)

// Org adds an organisation of a kind under parent (0: a root) straight into
// the tables and returns its id.
func (e *Env) Org(parent int64, name, kind string) int64 {
	e.T.Helper()
	return dbtest.AddOrg(e.T, e.DB, dbtest.Org{Parent: parent, Name: name, Kind: kind})
}

// Person adds a person straight into the tables and returns its id (see
// dbtest.Person for the defaults).
func (e *Env) Person(p dbtest.Person) int64 {
	e.T.Helper()
	return dbtest.AddPerson(e.T, e.DB, p)
}

// Bureau is the usual test bureau: a 市局党委 over two 分局党委 (甲 and 乙),
// each with a 党支部. The 党委 have 审批权限.
type Bureau struct {
	Root, A, B       int64 // 市公安局党委, 甲分局党委, 乙分局党委
	ABranch, BBranch int64 // 甲分局城关派出所党支部, 乙分局城关派出所党支部
}

// Bureau builds the usual test bureau.
func (e *Env) Bureau() Bureau {
	e.T.Helper()
	committee := func(parent int64, name string) int64 {
		return dbtest.AddOrg(e.T, e.DB, dbtest.Org{Parent: parent, Name: name, Kind: "committee", CanApprove: true})
	}
	var b Bureau
	b.Root = committee(0, "市公安局党委")
	b.A = committee(b.Root, "甲分局党委")
	b.B = committee(b.Root, "乙分局党委")
	b.ABranch = e.Org(b.A, "甲分局城关派出所党支部", "branch")
	b.BBranch = e.Org(b.B, "乙分局城关派出所党支部", "branch")
	return b
}
