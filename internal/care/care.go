// Package care is 关怀激励's care side (落实党内关怀机制): the three ledgers
// of each organisation — 退休职工 (members or not), 生活困难党员 (entered and
// reviewed) and 老党员 (computed from a per-bureau rule, with this year's
// 「光荣在党50年」纪念章 list) — the 走访慰问 visits with their photos, and the
// campaigns around 七一 and 春节 that the bureau opens: who each organisation
// must visit, progress, amounts, overdue 待办, the printed list and receipt.
package care

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"hongdun/internal/dues"
	"hongdun/internal/member"
	"hongdun/internal/platform/choice"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
)

// Ledgers.
const (
	Retired  = "retired"  // 退休职工
	Hardship = "hardship" // 生活困难党员
	Elder    = "elder"    // 老党员
)

// Ledgers in display order.
var Ledgers = choice.List{{Code: Retired, Label: "退休职工"}, {Code: Hardship, Label: "生活困难党员"}, {Code: Elder, Label: "老党员"}}

// Visit forms.
var Forms = choice.List{{Code: "home", Label: "上门走访"}, {Code: "phone", Label: "电话慰问"}, {Code: "money", Label: "慰问金"}, {Code: "goods", Label: "慰问品"}}

// Hardship causes and levels.
var (
	Causes = choice.List{{Code: "illness", Label: "因病"}, {Code: "disability", Label: "因残"}, {Code: "disaster", Label: "因灾"}, {Code: "schooling", Label: "子女就学"},
		{Code: "income", Label: "收入低、失业"}, {Code: "elderly", Label: "高龄独居"}, {Code: "other", Label: "其他"}}
	Levels = choice.List{{Code: "general", Label: "一般困难"}, {Code: "severe", Label: "特别困难"}}
)

// Campaign kinds.
var Kinds = choice.List{{Code: "qiyi", Label: "七一"}, {Code: "chunjie", Label: "春节"}, {Code: "other", Label: "其他"}}

// LedgerLabel, FormLabel, CauseLabel, LevelLabel and KindLabel name codes.
func LedgerLabel(c string) string { return Ledgers.Label(c) }
func FormLabel(c string) string   { return Forms.Label(c) }
func CauseLabel(c string) string  { return Causes.Label(c) }
func LevelLabel(c string) string  { return Levels.Label(c) }
func KindLabel(c string) string   { return Kinds.Label(c) }

// RetiredCategories are the person categories of the 退休职工 ledger: the
// registry's 离退休, and 退休职工 for the retired who are not members.
var RetiredCategories = []string{"离退休", "退休职工"}

// Gone are the statuses of people no longer in the bureau's care.
var gone = []string{"transferred", "deceased"}

// kept are the other statuses: the ledgers name them rather than exclude
// gone, so that PostgreSQL seeks each in the status-led index of persons
// (it cannot skip over a leading column, migration 00730).
var kept = slices.DeleteFunc(slices.Clone(member.Statuses), func(s string) bool { return slices.Contains(gone, s) })

// MaxAmount is the largest amount (分) a visit or a standard may carry: 10 万元.
const MaxAmount = 100000 * 100

// parseAmount reads an amount in 元 (two decimals at most) as 分, within
// MaxAmount; an empty value is 0.
func parseAmount(field, lbl, s string) (int64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	fen, err := dues.ParseYuan(field, lbl, s)
	if err != nil {
		return 0, err
	}
	if fen > MaxAmount {
		return 0, fail.NotAllowed(field, lbl+"不能超过 100000.00 元")
	}
	return fen, nil
}

// Yuan writes an amount in 分 as 元 ("500.00").
func Yuan(fen int64) string { return dues.Yuan(fen) }

// bureauOf is the top organisation of a path ("/1/4/" → 1).
func bureauOf(path string) int64 {
	head, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	id, _ := strconv.ParseInt(head, 10, 64)
	return id
}

// text is a free-text field and its limits.
type text struct {
	name, label string
	v           *string
	max         int
	required    bool
	multiline   bool
}

// checkText trims each field and refuses, by name, one holding a refused
// character, missing when required, or longer than its limit.
func checkText(ts ...text) fail.Fields {
	var errs fail.Fields
	for _, t := range ts {
		*t.v = strings.TrimSpace(*t.v)
		msg := plaintext.Message(t.label, *t.v, t.multiline)
		switch {
		case msg != "":
			errs = append(errs, fail.Malformed(t.name, msg))
		case t.required && *t.v == "":
			errs = append(errs, fail.Malformed(t.name, "请填写"+t.label))
		case utf8.RuneCountInString(*t.v) > t.max:
			errs = append(errs, fail.Malformed(t.name, fmt.Sprintf("%s不能超过 %d 个字", t.label, t.max)))
		}
	}
	return errs
}
