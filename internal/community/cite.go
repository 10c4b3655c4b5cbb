package community

import "hongdun/internal/platform/cite"

// Cited are the 双报到 service activities a task may cite as its evidence.
var Cited = cite.Rows{Prefix: "/community/activities/", ID: "a.id", Date: "a.held_on",
	Select:   "SELECT a.id, a.held_on, '', a.title, o.name FROM community_activities a JOIN orgs o ON o.id = a.org_id",
	Describe: func(_, title string) (string, string) { return "为民办实事", title }}.Source()
