package develop

import (
	"strconv"

	"hongdun/internal/platform/cite"
	"hongdun/internal/rules"
)

// Cited are the development cases a task may cite, dated by their steps:
// one record per recorded step, each pointing at the case's 纪实表.
var Cited = cite.Rows{Prefix: "/development/cases/", ID: "c.id", Date: "r.on_date", Where: "r.kind = 'step'",
	Select: `SELECT c.id, r.on_date, r.step, p.name, o.name FROM dev_records r JOIN dev_cases c ON c.id = r.case_id
		JOIN persons p ON p.id = c.person_id JOIN orgs o ON o.id = c.org_id`,
	Describe: func(step, name string) (string, string) {
		n, _ := strconv.Atoi(step)
		if s, ok := rules.Step(n); ok {
			return "发展党员", name + "：" + s.Name
		}
		return "发展党员", name
	}}.Source()
