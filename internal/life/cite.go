package life

import "hongdun/internal/platform/cite"

// Cited are the meetings a task may cite as its evidence.
var Cited = cite.Rows{Prefix: "/life/meetings/", ID: "m.id", Date: "m.held_on",
	Select:   "SELECT m.id, m.held_on, m.kind, m.topic, o.name FROM life_meetings m JOIN orgs o ON o.id = m.org_id",
	Describe: func(kind, topic string) (string, string) { return KindLabel(kind), topic }}.Source()
