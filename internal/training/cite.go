package training

import "hongdun/internal/platform/cite"

// Cited are the study activities a task may cite as its evidence, each
// pointing at its program's page.
var Cited = cite.Rows{Prefix: "/training/programs/", ID: "p.id", Date: "a.on_date",
	Select: `SELECT p.id, a.on_date, a.kind, p.title || '：' || a.title, o.name FROM training_activities a
		JOIN training_programs p ON p.id = a.program_id JOIN orgs o ON o.id = p.org_id`,
	Describe: func(kind, title string) (string, string) { return kind, title }}.Source()
