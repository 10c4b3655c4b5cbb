package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Each table is read by the package that owns it: other features call the
// exported helpers of org (Get, Subtree, Choices, Options, Ancestors,
// Approver, All, ReadablePath, Narrow, BureauAdmin) and member (Get, GetIn,
// OrgOf, PlacedByIDHash, PartyMember, AudienceCategories, Search). A package
// listed here may still write such SQL, each for the reason given; a new
// one fails until it uses the helpers or earns a line here. Demo data
// (seed.go files, internal/demo) is exempt.
var tableReaders = []struct {
	table   string
	pattern *regexp.Regexp
	allowed map[string]string // package directory → why
}{
	{"persons", regexp.MustCompile(`(?i)\b(from|join)\s+persons\b`), map[string]string{
		"internal/member":          "owner",
		"internal/org":             "committee seats and member counts per organisation (member imports org, not the reverse)",
		"internal/platform/auth":   "links an account to a person; the platform cannot import member",
		"internal/auditlog":        "names the objects of audit entries, whatever their table",
		"internal/develop":         "台账, deadlines and statistics join each case to its person; roster counts on a meeting day",
		"internal/exam":            "the leaderboard names the people of the attempts",
		"internal/export":          "the roster export streams persons with their organisation",
		"internal/stats":           "the dashboard keeps a snapshot of every person",
		"internal/annual":          "the year-end report replays the dated history of everyone who belonged to a subtree",
		"internal/training":        "the hours ledger, audiences and attendance lists join persons",
		"internal/transfer":        "流动党员/失联 lists and reminders filter persons by their flags",
		"internal/life":            "a meeting's roster: the party members of a branch subtree on the meeting's date, and who votes",
		"internal/honour":          "the 纪念章 list walks 正式党员 by 转正 date over the whole registry; honours name their person",
		"internal/dues":            "the monthly dues ledger joins every member of a subtree to their base and payment; the warnings walk every member",
		"internal/care":            "the care ledgers walk persons by category, 党龄 and age over a subtree; entries, visits and campaign lists name their person",
		"internal/wartime":         "team members, performance records and 表现突出 people are named and scoped by their person's home organisation",
		"internal/corps":           "the party-worker roster, its awards and nominations name their people",
		"internal/platform/dbtest": "test fixtures check that every person carries its organisation's path",
	}},
	{"orgs", regexp.MustCompile(`(?i)\bfrom\s+orgs\b`), map[string]string{
		"internal/org":             "owner",
		"internal/platform/scope":  "HasOrg: the semi-join on the path range",
		"internal/platform/auth":   "the session carries its scope root's path",
		"internal/todo":            "org posts its warnings through todo, so todo cannot import org",
		"internal/stats":           "the dashboard keeps a snapshot of every organisation's path and kind",
		"internal/auditlog":        "names the objects of audit entries, whatever their table",
		"cmd/hongdun":              "the import command picks the root organisation",
		"internal/platform/dbtest": "test fixtures write organisations straight into the table (org's own tests import dbtest)",
		"internal/member":          "a person's org_path is written with its org_id, in the same statement or from the organisation's path",
	}},
	// A feature joins its own rows to their organisation for the scope range
	// (scope.Where on o.path) and the name.
	{"orgs", regexp.MustCompile(`(?i)\bjoin\s+orgs\b`), map[string]string{
		"internal/platform/dbtest": "test fixtures check that every person carries its organisation's path",
		"internal/org":             "owner",
		"internal/member":          "persons with their organisation's name and path",
		"internal/platform/auth":   "the session carries its scope root's path",
		"internal/todo":            "items with their organisation, scoped",
		"internal/develop":         "cases scoped and named by their person's organisation",
		"internal/exam":            "questions, exams and attempts scoped and named by organisation",
		"internal/export":          "the roster export streams persons with their organisation",
		"internal/importer":        "import jobs scoped by their organisation",
		"internal/training":        "programs, venues and people scoped and named by organisation",
		"internal/transfer":        "transfers scoped by either side's organisation",
		"internal/life":            "meetings scoped and named by their organisation",
		"internal/appraisal":       "rounds scoped and named by their branch",
		"internal/election":        "elections scoped and named by their organisation and its approver",
		"internal/pioneer":         "posts, commitments and photos scoped and named by their organisation",
		"internal/community":       "communities, reports, activities and issues scoped and named by their organisation",
		"internal/honour":          "honours and medals scoped and named by organisation",
		"internal/dues":            "the dues ledger scoped and named by its members' organisation",
		"internal/care":            "ledgers, entries, visits and campaigns scoped and named by organisation",
		"internal/wartime":         "events, teams and records scoped and named by their organisations (activating 党委, units, team, home)",
		"internal/corps":           "roster rows, awards and nominations scoped and named by organisation",
		"internal/task":            "擂台比武 rounds scoped and named by their organising organisation",
		"internal/assess":          "assessment sets, reports and innovations scoped and named by organisation",
		"internal/cases":           "cases, visits and pairings scoped and named by organisation",
		"internal/strong":          "最强党支部 entries scoped and named by their branch (and its parent, who reviews)",
		"internal/weak":            "软弱涣散 cases scoped and named by their branch (and its parent, who accepts)",
		"internal/brand":           "brands and adoptions scoped and named by their organisation",
	}},
}

func TestTablesAreReadByTheirOwners(t *testing.T) {
	seen := map[string]bool{}
	for _, top := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join("../..", top), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			pkg := filepath.ToSlash(filepath.Dir(strings.TrimPrefix(filepath.ToSlash(path), "../../")))
			if filepath.Base(path) == "seed.go" || pkg == "internal/demo" {
				return nil
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			for _, r := range tableReaders {
				for _, pos := range matches(fset, f, r.pattern) {
					seen[r.pattern.String()+" "+pkg] = true
					if _, ok := r.allowed[pkg]; !ok {
						t.Errorf("%s: %s 读 %s 表：请用 org / member 导出的函数，或在 tableReaders 中说明理由", pos, pkg, r.table)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A line nobody needs any more is dropped, so the list stays the truth
	// (a package not written yet, or on its way in, is left alone).
	var stale []string
	for _, r := range tableReaders {
		for pkg := range r.allowed {
			if _, err := os.Stat(filepath.Join("../..", pkg)); err == nil && !seen[r.pattern.String()+" "+pkg] {
				stale = append(stale, r.pattern.String()+" "+pkg)
			}
		}
	}
	sort.Strings(stale)
	for _, s := range stale {
		t.Errorf("tableReaders 中不再需要：%s", s)
	}
}

// The matcher finds the table in any string of the code, over line breaks.
func TestTableMatcher(t *testing.T) {
	src := "package x\nvar a = `SELECT p.id FROM\n\t\tpersons p`\nvar b = \"SELECT 1 FROM t JOIN orgs o ON o.id = t.org_id\"\nvar c = \"SELECT 1 FROM orgs_archive\"\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(matches(fset, f, tableReaders[0].pattern)); n != 1 {
		t.Errorf("persons: %d matches", n)
	}
	if n := len(matches(fset, f, tableReaders[1].pattern)); n != 0 {
		t.Errorf("from orgs: %d matches", n)
	}
	if n := len(matches(fset, f, tableReaders[2].pattern)); n != 1 {
		t.Errorf("join orgs: %d matches", n)
	}
}

// matches lists the string literals of f that match re.
func matches(fset *token.FileSet, f *ast.File, re *regexp.Regexp) []token.Position {
	var out []token.Position
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				s = lit.Value
			}
			if re.MatchString(s) {
				out = append(out, fset.Position(lit.Pos()))
			}
		}
		return true
	})
	return out
}
