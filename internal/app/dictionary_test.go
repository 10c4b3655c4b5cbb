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
	for _, table := range []string{"persons", "person_events", "accounts"} {
		rows, err := d.QueryContext(context.Background(), "SELECT name FROM pragma_table_info(?)", table)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var col string
			rows.Scan(&col)
			n++
			if !strings.Contains(string(doc), "| "+table+"."+col+" |") {
				t.Errorf("column %s.%s is not in docs/data-dictionary.md: add it with its purpose and protection", table, col)
			}
		}
		rows.Close()
		if n == 0 {
			t.Errorf("table %s has no columns", table)
		}
	}
}
