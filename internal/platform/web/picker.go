package web

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// PickerMax is the most organisations a picker lists as a plain <select>.
// Beyond it the picker is a search box (app.js) over PickerSearch: a 分局
// at a million members holds 1,900 organisations and the 市局 19,000
// (1.4 MB of options on every page with one), while 200 options are about
// 15 KB of a page and a list still found by scrolling; the demo bureau
// (147 organisations at its 6,000 people) keeps its lists.
const PickerMax = 200

// PickerSearch is where a picker's search box looks organisations up: the
// caller's scope, live ones only (internal/org).
const PickerSearch = "/api/v1/orgs/search"

// Choice is an organisation a picker offers (org.Org, org.Option).
type Choice interface {
	ChoiceID() int64
	ChoiceName() string
	ChoiceIndent() string // its depth in a plain list
}

// Picker is what the template "orgpicker" shows: a <select> of Options, or
// a search box showing the chosen organisation's name (Label) beside the
// field that posts its id (Value). A Multiple picker chooses several: a
// <select multiple>, or the chosen ones (Chosen) as chips, each posting
// its id under Name, beside the box that adds more.
type Picker struct {
	Name, ID string // the field's name, the element's id ("" for none)
	Empty    string // the choice of no organisation ("" for none)
	Required bool   // the form needs one chosen (a single search box without Empty always does)
	Multiple bool
	Value    string
	Label    string
	Chosen   []PickerOption // a Multiple search box's choices
	Search   string         // PickerSearch and the query of its narrowing, when searched
	Options  []PickerOption
}

// PickerOption is one option of a plain picker.
type PickerOption struct {
	ID       int64
	Label    string
	Selected bool
}

// orgPicker is the template function behind every organisation picker:
// {{template "orgpicker" (orgpicker .Orgs "org" "f-org" .OrgID "全部")}}.
// list is a slice of Choice, every organisation the field may take (what
// the search finds; nil for none); value the chosen id (a number or a
// form's text), for a "multiple" picker the list of them (a form's values
// or ids); flags may say "required", "multiple", and the narrowing the
// search applies to find only what the list holds ("kind=branch",
// org.Only.Query). Like a <select> without an empty option, a searched
// single picker without one starts on the first organisation.
func orgPicker(list any, name, id string, value any, empty string, flags ...string) (Picker, error) {
	p := Picker{Name: name, ID: id, Empty: empty, Multiple: slices.Contains(flags, "multiple")}
	p.Required = empty == "" && !p.Multiple || slices.Contains(flags, "required")
	query := ""
	for _, f := range flags {
		switch {
		case f == "required" || f == "multiple":
		case strings.Contains(f, "="):
			query = "?" + f
		case f != "":
			return Picker{}, fmt.Errorf("orgpicker: unknown flag %q", f)
		}
	}
	if p.Multiple && empty != "" {
		return Picker{}, fmt.Errorf("orgpicker: a multiple picker has no empty choice (%q)", empty)
	}
	if list == nil {
		return p, nil
	}
	if pl, ok := list.(*PickList); ok {
		return pl.picker(p, value, query)
	}
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Slice {
		return Picker{}, fmt.Errorf("orgpicker: %T is not a list", list)
	}
	chosen := map[string]bool{}
	for _, c := range chosenOf(p, value) {
		chosen[c] = true
	}
	searched := v.Len() > PickerMax
	for i := range v.Len() {
		c, ok := v.Index(i).Interface().(Choice)
		if !ok {
			return Picker{}, fmt.Errorf("orgpicker: %T is not a web.Choice", v.Index(i).Interface())
		}
		cid := strconv.FormatInt(c.ChoiceID(), 10)
		switch {
		case !searched:
			p.Options = append(p.Options, PickerOption{ID: c.ChoiceID(), Label: c.ChoiceIndent() + c.ChoiceName(), Selected: chosen[cid]})
		case p.Multiple && chosen[cid]:
			p.Chosen = append(p.Chosen, PickerOption{ID: c.ChoiceID(), Label: c.ChoiceName(), Selected: true})
		case !p.Multiple && (chosen[cid] || i == 0 && empty == ""):
			p.Value, p.Label = cid, c.ChoiceName()
		}
	}
	if searched {
		p.Search = PickerSearch + query
	}
	return p, nil
}

// chosenOf is the value of a picker as ids: one, or a multiple picker's
// list of them.
func chosenOf(p Picker, value any) []string {
	var out []string
	if vs := reflect.ValueOf(value); p.Multiple && vs.Kind() == reflect.Slice {
		for i := range vs.Len() {
			out = append(out, fmt.Sprint(vs.Index(i).Interface()))
		}
	} else if value != nil {
		out = append(out, fmt.Sprint(value))
	}
	return out
}

// PickList is a list of organisations read once for the many pickers of
// one page (the 安全保密管理员's has one per account). Its pickers always
// search, whatever the list's length: the options would be repeated in
// every row (the demo's 147 organisations made 50 rows 550 KB), and a
// picker finds its chosen organisations by id rather than walking every
// organisation (19,000 at a million members) for each row.
type PickList struct {
	names     map[string]string // id → name
	first     string            // the first organisation's id
	firstName string
}

// NewPickList reads list (a slice of Choice) for many pickers.
func NewPickList(list any) (*PickList, error) {
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Slice {
		return nil, fmt.Errorf("orgpicker: %T is not a list", list)
	}
	pl := &PickList{names: make(map[string]string, v.Len())}
	for i := range v.Len() {
		c, ok := v.Index(i).Interface().(Choice)
		if !ok {
			return nil, fmt.Errorf("orgpicker: %T is not a web.Choice", v.Index(i).Interface())
		}
		cid := strconv.FormatInt(c.ChoiceID(), 10)
		pl.names[cid] = c.ChoiceName()
		if i == 0 {
			pl.first, pl.firstName = cid, c.ChoiceName()
		}
	}
	return pl, nil
}

// picker is p searched, its chosen organisations found by id.
func (pl *PickList) picker(p Picker, value any, query string) (Picker, error) {
	p.Search = PickerSearch + query
	for _, cid := range chosenOf(p, value) {
		name, ok := pl.names[cid]
		if !ok {
			continue
		}
		if p.Multiple {
			id, _ := strconv.ParseInt(cid, 10, 64)
			p.Chosen = append(p.Chosen, PickerOption{ID: id, Label: name, Selected: true})
		} else {
			p.Value, p.Label = cid, name
		}
	}
	if !p.Multiple && p.Value == "" && p.Empty == "" {
		p.Value, p.Label = pl.first, pl.firstName
	}
	return p, nil
}
