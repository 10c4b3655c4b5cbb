// Package strong is 最强党支部 创建: the bureau's indicator system for a year
// (the 「五强」 by default, renamable and reweighable), the yearly round in
// which every branch assesses itself with evidence and the organisation
// above reviews it, the result level of each branch, the 扩面 figure (the
// share of branches at each level this year against last), the
// 抓两头带中间 view, and the 最强党支部 titles outside bodies award.
package strong

import (
	"context"
	"fmt"
	"strings"

	"hongdun/internal/branchfacts"
	"hongdun/internal/org"
	"hongdun/internal/platform/audit"
	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/civil"
	"hongdun/internal/platform/core"
	"hongdun/internal/platform/db"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/scope"
)

// System is a bureau's indicator system for a year. ID is 0 while the year
// has none of its own (it shows the one it would start from).
type System struct {
	ID         int64       `json:"id"`
	BureauID   int64       `json:"bureau_id"`
	Year       int         `json:"year"`
	Name       string      `json:"name"`
	Indicators []Indicator `json:"indicators"`
	Levels     []Level     `json:"levels"`
	Frozen     bool        `json:"frozen"` // the year's round has opened: no more changes
	Version    int         `json:"version"`
}

// Indicator is one of the 「五强」 with its items.
type Indicator struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Items []Item `json:"items"`
}

// Points is the indicator's weight: the points of its items.
func (in Indicator) Points() int {
	n := 0
	for _, it := range in.Items {
		n += it.Points
	}
	return n
}

// Item is one scoring item, worth Points: computed from the platform's
// records when Source names a rate, else scored by reviewers with evidence.
type Item struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Points int    `json:"points"`
	Source string `json:"source"`
	Guide  string `json:"guide"`
}

// Computed reports whether the platform scores the item.
func (it Item) Computed() bool { return it.Source != "" }

// SourceLabel names the item's source.
func (it Item) SourceLabel() string {
	if s, ok := branchfacts.SourceOf(it.Source); ok {
		return "系统计算：" + s.Label
	}
	return "评审打分（须有佐证）"
}

// Level is a result level and the score it needs.
type Level struct {
	Name     string `json:"name"`
	MinScore int    `json:"min_score"`
}

// Items lists every item of the system in order.
func (s *System) Items() []Item {
	var out []Item
	for _, in := range s.Indicators {
		out = append(out, in.Items...)
	}
	return out
}

// LevelIndex is the position of a level name, -1 when unknown.
func (s *System) LevelIndex(name string) int {
	for i, l := range s.Levels {
		if l.Name == name {
			return i
		}
	}
	return -1
}

// Default is the 「五强」 of rules.md §6 (the national 四强 and 制度落实强),
// 100 points, the levels 未达标 / 达标 / 市级最强党支部 / 省级最强党支部.
func Default(bureau int64, year int) *System {
	scored := func(name string, points int, guide string) Item {
		return Item{Name: name, Points: points, Guide: guide}
	}
	computed := func(name string, points int, source string) Item {
		return Item{Name: name, Points: points, Source: source}
	}
	return &System{BureauID: bureau, Year: year, Name: fmt.Sprintf("%d年度「五强」党支部创建指标体系", year), Version: 1,
		Indicators: []Indicator{
			{Name: "政治功能强", Items: []Item{
				computed("三会一课、主题党日按期开展", 10, "life.compliance"),
				scored("理论学习和政治教育", 10, "年度学习计划、专题学习、书记讲党课的记录或照片")}},
			{Name: "支部班子强", Items: []Item{
				computed("书记在岗", 6, "org.secretary"),
				computed("班子配备健全", 6, "org.committee"),
				scored("书记抓党建述职评议", 8, "述职报告及评议结果")}},
			{Name: "党员队伍强", Items: []Item{
				computed("党员学时达标", 8, "training.coverage"),
				computed("党员考试成绩", 6, "exam.average"),
				computed("发展党员按时规范", 6, "develop.timeliness")}},
			{Name: "作用发挥强", Items: []Item{
				computed("上级部署任务完成", 10, "task.completion"),
				scored("党员先锋作用和业务工作成效", 15, "先锋岗、示范岗、急难险重任务和业务实绩的材料")}},
			{Name: "制度落实强", Items: []Item{
				scored("制度执行和台账规范", 8, "组织生活、党费、发展党员等台账"),
				scored("阵地建设和基础保障", 7, "党员活动室、经费和阵地照片")}},
		},
		Levels: []Level{{"未达标", 0}, {"达标", 80}, {"市级最强党支部", 90}, {"省级最强党支部", 95}},
	}
}

// bureauOf is the top organisation of a path ("/1/4/9/" → 1).
func bureauOf(path string) int64 {
	var id int64
	_, _ = fmt.Sscanf(strings.TrimPrefix(path, "/"), "%d/", &id) // a malformed path is bureau 0, which has nothing
	return id
}

// SystemOf returns a bureau's system for a year: its own, else a copy of
// the latest earlier year's (ID 0), else the default.
func SystemOf(ctx context.Context, q db.Querier, bureau int64, year int) (*System, error) {
	var id int64
	var from int
	err := q.QueryRowContext(ctx, "SELECT id, year FROM strong_systems WHERE bureau_id = ? AND year <= ? ORDER BY year DESC LIMIT 1", bureau, year).Scan(&id, &from)
	if db.IsNoRows(err) {
		return Default(bureau, year), nil
	}
	if err != nil {
		return nil, err
	}
	s, err := loadSystem(ctx, q, id)
	if err != nil || from == year {
		return s, err
	}
	s.ID, s.Year, s.Frozen, s.Version = 0, year, false, 1
	s.Name = strings.Replace(s.Name, fmt.Sprint(from), fmt.Sprint(year), 1)
	return s, nil
}

// loadSystem reads a stored system with its indicators, items and levels.
func loadSystem(ctx context.Context, q db.Querier, id int64) (*System, error) {
	s := &System{ID: id}
	err := q.QueryRowContext(ctx, `SELECT bureau_id, year, name, version, EXISTS (SELECT 1 FROM strong_rounds r WHERE r.system_id = s.id)
		FROM strong_systems s WHERE id = ?`, id).Scan(&s.BureauID, &s.Year, &s.Name, &s.Version, &s.Frozen)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT n.id, n.name, i.id, i.name, i.points, i.source, i.guide FROM strong_indicators n
		JOIN strong_items i ON i.indicator_id = n.id WHERE n.system_id = ? ORDER BY n.seq, i.seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var in Indicator
		var it Item
		if err := rows.Scan(&in.ID, &in.Name, &it.ID, &it.Name, &it.Points, &it.Source, &it.Guide); err != nil {
			return nil, err
		}
		if n := len(s.Indicators); n == 0 || s.Indicators[n-1].ID != in.ID {
			s.Indicators = append(s.Indicators, in)
		}
		last := &s.Indicators[len(s.Indicators)-1]
		last.Items = append(last.Items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	lv, err := q.QueryContext(ctx, "SELECT name, min_score FROM strong_levels WHERE system_id = ? ORDER BY seq", id)
	if err != nil {
		return nil, err
	}
	defer lv.Close()
	for lv.Next() {
		var l Level
		if err := lv.Scan(&l.Name, &l.MinScore); err != nil {
			return nil, err
		}
		s.Levels = append(s.Levels, l)
	}
	return s, lv.Err()
}

// line checks a required one-line name of at most max characters.
func line(field, label, v string, max int) (string, error) {
	return plaintext.Text(field, label, v, true, max, false)
}

// check validates a system as submitted: names, points adding up to 100,
// known sources, levels from 0 upward.
func (s *System) check() error {
	var err error
	if s.Name, err = line("name", "指标体系名称", s.Name, 60); err != nil {
		return err
	}
	if len(s.Indicators) == 0 || len(s.Indicators) > 10 {
		return fail.NotAllowed("indicators", "指标应有 1 至 10 项")
	}
	total := 0
	for i := range s.Indicators {
		in := &s.Indicators[i]
		if in.Name, err = line("indicators", fmt.Sprintf("第 %d 项指标的名称", i+1), in.Name, 30); err != nil {
			return err
		}
		if len(in.Items) == 0 || len(in.Items) > 20 {
			return fail.NotAllowed("items", "「"+in.Name+"」应有 1 至 20 个评分项")
		}
		for j := range in.Items {
			it := &in.Items[j]
			if it.Name, err = line("items", "「"+in.Name+"」评分项的名称", it.Name, 60); err != nil {
				return err
			}
			if it.Points < 1 || it.Points > 100 {
				return fail.NotAllowed("points", "「"+it.Name+"」的分值应为 1 至 100 分")
			}
			if _, ok := branchfacts.SourceOf(it.Source); it.Source != "" && !ok {
				return fail.NotAllowed("source", "「"+it.Name+"」的计分方式无效，请从列表中选择")
			}
			if it.Guide, err = plaintext.Text("guide", "「"+it.Name+"」的评分说明", it.Guide, false, 300, false); err != nil {
				return err
			}
			total += it.Points
		}
	}
	if total != 100 {
		return fail.NotAllowed("points", fmt.Sprintf("各评分项的分值合计应为 100 分，现为 %d 分", total))
	}
	if len(s.Levels) < 2 || len(s.Levels) > 6 {
		return fail.NotAllowed("levels", "评定等次应有 2 至 6 个")
	}
	for i := range s.Levels {
		l := &s.Levels[i]
		if l.Name, err = line("levels", fmt.Sprintf("第 %d 个等次的名称", i+1), l.Name, 20); err != nil {
			return err
		}
		switch {
		case i == 0 && l.MinScore != 0:
			return fail.NotAllowed("levels", "最低等次（如未达标）的分数线应为 0 分")
		case i > 0 && (l.MinScore <= s.Levels[i-1].MinScore || l.MinScore > 100):
			return fail.NotAllowed("levels", "「"+l.Name+"」的分数线应高于上一等次且不超过 100 分")
		case s.LevelIndex(l.Name) != i:
			return fail.NotAllowed("levels", "等次「"+l.Name+"」重复")
		}
	}
	return nil
}

// SaveSystem sets the bureau's system for a year (its 党务管理员 of the whole
// bureau only), until the year's round opens.
func SaveSystem(ctx context.Context, d *core.Deps, p *auth.Principal, year int, in System) (*System, error) {
	if !org.BureauAdmin(p) {
		return nil, fail.Denied("not_bureau", "指标体系由市局党务管理员设置")
	}
	if err := checkYear(year, civil.Today(d.Now())); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	bureau := bureauOf(scope.Of(p).Root())
	var id int64
	err := d.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := SystemOf(ctx, tx, bureau, year)
		if err != nil {
			return err
		}
		if before.Frozen {
			return fail.Refused("frozen", fmt.Sprintf("%d 年度的评定已经启动，指标体系已锁定，不能再修改", year))
		}
		if id, err = saveSystem(ctx, d, tx, bureau, year, before, &in); err != nil {
			return err
		}
		return d.Audit.Write(ctx, tx, audit.Event{Action: "strong.system.save", ObjectType: "strong_system", ObjectID: fmt.Sprint(id),
			Detail: audit.Change{Before: before, After: in}})
	})
	if err != nil {
		return nil, err
	}
	return loadSystem(ctx, d.DB, id)
}

// saveSystem writes a checked system as the year's, replacing what the
// year had (before, with before.ID 0 when it had nothing of its own).
func saveSystem(ctx context.Context, d *core.Deps, tx *db.Tx, bureau int64, year int, before, in *System) (int64, error) {
	now := d.Now().UnixMilli()
	id := before.ID
	if id == 0 {
		var err error
		if id, err = db.InsertID(ctx, tx, "INSERT INTO strong_systems (bureau_id, year, name, created_at, updated_at) VALUES (?,?,?,?,?)",
			bureau, year, in.Name, now, now); err != nil {
			if db.IsUnique(err) {
				return 0, fail.Conflict("该年度的指标体系刚刚已由他人保存，请刷新后重试")
			}
			return 0, err
		}
	} else {
		res, err := tx.ExecContext(ctx, "UPDATE strong_systems SET name = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			in.Name, now, id, in.Version)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, fail.Conflict("指标体系已被他人修改，请刷新后重新填写")
		}
		for _, t := range []string{"strong_items", "strong_indicators", "strong_levels"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE system_id = ?", id); err != nil {
				return 0, err
			}
		}
	}
	seq := 0
	for i, ind := range in.Indicators {
		nid, err := db.InsertID(ctx, tx, "INSERT INTO strong_indicators (system_id, seq, name) VALUES (?,?,?)", id, i+1, ind.Name)
		if err != nil {
			return 0, err
		}
		for _, it := range ind.Items {
			seq++
			if _, err := tx.ExecContext(ctx, "INSERT INTO strong_items (system_id, indicator_id, seq, name, points, source, guide) VALUES (?,?,?,?,?,?,?)",
				id, nid, seq, it.Name, it.Points, it.Source, it.Guide); err != nil {
				return 0, err
			}
		}
	}
	for i, l := range in.Levels {
		if _, err := tx.ExecContext(ctx, "INSERT INTO strong_levels (system_id, seq, name, min_score) VALUES (?,?,?,?)", id, i+1, l.Name, l.MinScore); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// checkYear accepts 2000 up to next year.
func checkYear(year int, today civil.Date) error {
	if year < 2000 || year > today.Year()+1 {
		return fail.NotAllowed("year", "年度应为 2000 年至明年之间的四位年份")
	}
	return nil
}
