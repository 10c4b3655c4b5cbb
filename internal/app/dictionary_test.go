package app_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"hongdun/internal/platform/dbtest"
)

// Every column of the tables that hold personal information must be listed,
// with its purpose, in docs/data-dictionary.md.
func TestDataDictionaryCoversPersonalFields(t *testing.T) {
	doc, err := os.ReadFile("../../docs/data-dictionary.md")
	if err != nil {
		t.Fatal(err)
	}
	d := dbtest.SQLite(t)
	for _, table := range []string{"persons", "person_events", "accounts", "dues_bases", "dues_payments", "dues_reductions", "care_hardship", "care_visits"} {
		rows, err := d.QueryContext(context.Background(), "SELECT name FROM pragma_table_info(?)", table)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var col string
			rows.Scan(&col)
			n++
			if !listed(string(doc), table+"."+col) {
				t.Errorf("column %s.%s is not in docs/data-dictionary.md: add it with its purpose and protection", table, col)
			}
		}
		rows.Close()
		if n == 0 {
			t.Errorf("table %s has no columns", table)
		}
	}
}

// listed reports whether the dictionary has a row for a column: alone in
// its first cell, or among the columns a row lists together.
func listed(doc, column string) bool {
	for _, line := range strings.Split(doc, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		for _, c := range strings.Split(cells[1], ",") {
			if strings.TrimSpace(c) == column {
				return true
			}
		}
	}
	return false
}
