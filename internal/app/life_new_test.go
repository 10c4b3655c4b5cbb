package app_test

import (
	"fmt"
	"strings"
	"testing"

	"hongdun/internal/apptest"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/dbtest"
)

// A new meeting or election opens on the caller's own branch; above a
// branch the organisation is chosen first, so no 党委's whole subtree is
// read as the roster of a meeting nobody asked for.
func TestNewMeetingAndElectionOpenOnABranchOnly(t *testing.T) {
	t.Parallel()
	e := apptest.Start(t, dbtest.SQLite(t))
	b := e.Bureau()
	e.Person(dbtest.Person{Org: b.ABranch, Name: "甲一", JoinDate: "2010-01-01", FullDate: "2011-01-01"})
	bureau := e.Account(auth.OrgAdmin, b.Root, 0)
	bureau.Expect(200, "GET", "/life/new", nil, nil)
	if page := bureau.Body(); strings.Contains(page, `id="meeting-form"`) || !strings.Contains(page, `id="choose-org"`) || strings.Contains(page, "甲一") {
		t.Error("the 市局's new meeting opens on an organisation it did not choose")
	}
	bureau.Expect(200, "GET", fmt.Sprintf("/life/new?org=%d", b.ABranch), nil, nil)
	if page := bureau.Body(); !strings.Contains(page, `id="meeting-form"`) || !strings.Contains(page, "甲一") {
		t.Error("the 市局's new meeting of a chosen branch has no roster")
	}
	branch := e.Account(auth.OrgAdmin, b.ABranch, 0)
	branch.Expect(200, "GET", "/life/new", nil, nil)
	if page := branch.Body(); !strings.Contains(page, `id="meeting-form"`) || !strings.Contains(page, "甲一") {
		t.Error("a branch's new meeting does not open on the branch")
	}
	bureau.Expect(200, "GET", "/elections/new", nil, nil)
	if page := bureau.Body(); strings.Contains(page, `id="election-form"`) || !strings.Contains(page, `id="choose-org"`) {
		t.Error("the 市局's new election opens on an organisation it did not choose")
	}
	branch.Expect(200, "GET", "/elections/new", nil, nil)
	if page := branch.Body(); !strings.Contains(page, `id="election-form"`) || !strings.Contains(page, "甲一") {
		t.Error("a branch's new election does not open on the branch")
	}
}
