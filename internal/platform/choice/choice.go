// Package choice holds the closed lists of codes that forms offer and
// records store, each code with the Chinese name a user reads.
package choice

// Item is one code of a list and its name.
type Item struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// List is a closed list of codes in display order.
type List []Item

// Label is the name of code, "" when the list does not hold it.
func (l List) Label(code string) string {
	for _, c := range l {
		if c.Code == code {
			return c.Label
		}
	}
	return ""
}

// Has reports whether the list holds code.
func (l List) Has(code string) bool {
	for _, c := range l {
		if c.Code == code {
			return true
		}
	}
	return false
}

// YesNo is a yes-or-no field as a cell or a detail reads it: 是 or 否.
func YesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
