package member

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every statement of the program that moves a person to another
// organisation also writes the person's org_path (the scope of a member
// search): an UPDATE of persons.org_id without it would hide the person
// from the new scope and leave them in the old one.
func TestOrgIDWritesCarryThePath(t *testing.T) {
	update := regexp.MustCompile("(?is)UPDATE\\s+persons\\s+SET\\s[^`\"]*")
	setsOrg := regexp.MustCompile(`(?i)\borg_id\s*=`)
	// moves is whether a statement's SET clause (before WHERE) writes org_id.
	moves := func(stmt string) bool {
		set, _, _ := strings.Cut(strings.ToUpper(stmt), "WHERE")
		return setsOrg.MatchString(set)
	}
	found := 0
	for _, top := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, stmt := range update.FindAllString(string(src), -1) {
				if !moves(stmt) {
					continue
				}
				found++
				if !strings.Contains(stmt, "org_path") {
					t.Errorf("%s: persons.org_id written without org_path: %.80s…", path, stmt)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if found < 2 { // member.Update and the party history (transfers)
		t.Fatalf("only %d updates of persons.org_id found: the scan is broken", found)
	}
	if moves("UPDATE persons SET status = ? WHERE org_id = ?") || !moves("UPDATE persons SET name = ?, org_id = ? WHERE id = ?") {
		t.Fatal("the matcher is wrong")
	}
}
