package roster

import (
	"errors"
	"strings"
)

// Header is where a sheet's header was found and the name of each column.
// A header of two rows (a group cell merged over the columns below it:
// 入党情况 over 入党时间 and 转正时间) is read as one: each column named by
// the group and the lower cell together when that names another column
// than the lower cell alone (应到人数 under 转正支部大会), else by the lower
// cell, the upper one, or the two together, whichever names a known column.
type Header struct {
	Top   int      // first row of the header, 1-based
	Row   int      // last row of the header: data starts below it
	Cells []string // the name of each column, cleaned
	// Date1904: the workbook counts date serials from 1904.
	Date1904 bool
}

// Date reads a date of the header's sheet (ParseDate, in the workbook's
// date system).
func (h *Header) Date(s string) (Date, error) { return parseDate(s, h.Date1904) }

// headerScan is how far down a sheet the header row is looked for: a
// title, the 填报单位 line and a blank row or two sit above it.
const headerScan = 20

// Namer names the column a header cell stands for ("" when unknown); two
// cells naming the same column count once.
type Namer func(header string) string

// score counts the distinct columns cells name.
func (n Namer) score(cells []string) int {
	seen := map[string]bool{}
	for _, c := range cells {
		if k := n(c); k != "" {
			seen[k] = true
		}
	}
	return len(seen)
}

// FindHeader looks among the first rows of a sheet for its header: the
// row naming the most columns (at least least), joined with the row below
// or above it when the two make a two-row header. Nil when none is found.
func FindHeader(b Book, sheet string, name Namer, least int) (*Header, error) {
	s, err := b.Sheet(sheet)
	if err != nil {
		return nil, err
	}
	var rows [][]string // the first rows, at their index
	var nums []int
	for s.Next() && s.Row() <= headerScan {
		rows = append(rows, trimCells(append([]string(nil), s.Cells()...)))
		nums = append(nums, s.Row())
	}
	if err := errors.Join(s.Err(), drain(s)); err != nil {
		return nil, err
	}
	best, bestN := -1, least-1
	for i, r := range rows {
		if n := name.score(r); n > bestN {
			best, bestN = i, n
		}
	}
	if best < 0 {
		return nil, nil
	}
	h := &Header{Top: nums[best], Row: nums[best], Cells: rows[best], Date1904: date1904(b)}
	if best+1 < len(rows) && nums[best+1] == nums[best]+1 {
		if cells, ok := join(name, rows[best], rows[best+1]); ok && name.score(cells) > bestN {
			h.Row, h.Cells = nums[best+1], cells
			return h, nil
		}
	}
	if best > 0 && nums[best-1] == nums[best]-1 {
		if cells, ok := join(name, rows[best-1], rows[best]); ok && name.score(cells) > bestN {
			h.Top, h.Cells = nums[best-1], cells
		}
	}
	return h, nil
}

// join reads two rows as one header. It refuses a lower row that looks
// like data: fewer than half of its cells name a column.
func join(name Namer, upper, lower []string) ([]string, bool) {
	cells := make([]string, max(len(upper), len(lower)))
	known, unknown := 0, 0
	group := ""
	for i := range cells {
		u, l := at(upper, i), at(lower, i)
		if u != "" {
			group = u // a merged group cell spans the empty cells right of it
		} else if l == "" {
			group = ""
		}
		switch both := name(group + l); {
		case l != "" && group != "" && both != "" && both != name(l):
			cells[i] = group + l // 应到人数 under 转正支部大会
		case l != "" && name(l) != "":
			cells[i] = l
		case u != "" && name(u) != "":
			cells[i] = u
		case l != "" && both != "":
			cells[i] = group + l
		case l != "":
			cells[i] = l
		default:
			cells[i] = u
		}
		if l != "" {
			if name(cells[i]) != "" {
				known++
			} else {
				unknown++
			}
		}
	}
	return cells, known > 0 && known >= unknown
}

func at(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

// footer reports a row below the data that holds no record: the 合计
// line, and notes, signatures and dates (说明：…, 填表人：…).
func footer(first string) bool {
	if strings.HasPrefix(first, "合计") || strings.HasPrefix(first, "总计") || strings.HasPrefix(first, "共计") || strings.HasPrefix(first, "小计") {
		return true
	}
	label, _, ok := strings.Cut(strings.ReplaceAll(first, ":", "："), "：")
	if !ok {
		return false
	}
	label = normHeader(label)
	for _, l := range footerLabels {
		if label == l {
			return true
		}
	}
	return false
}

// footerLabels are what notes and signature lines start with, before
// their colon.
var footerLabels = []string{"说明", "填表说明", "填报说明", "注", "备注", "附注", "填表人", "填报人", "制表人", "审核人", "负责人", "单位负责人",
	"联系人", "联系电话", "填表日期", "填报日期", "制表日期", "报送日期", "填报单位", "制表单位", "合计", "总计"}
