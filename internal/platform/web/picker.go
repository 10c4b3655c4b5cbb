package web

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
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
// field that posts its id (Value).
type Picker struct {
	Name, ID string // the field's name, the element's id ("" for none)
	Empty    string // the choice of no organisation ("" for none)
	Required bool   // the form needs one chosen (a search box without Empty always does)
	Value    string
	Label    string
	Search   string // PickerSearch when searched
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
// list is a slice of Choice, every live organisation of the caller's scope
// (what the search finds; nil for none); value the chosen id (a number or
// a form's text); flags may say "required". Like a <select> without an
// empty option, a searched picker without one starts on the first
// organisation.
func orgPicker(list any, name, id string, value any, empty string, flags ...string) (Picker, error) {
	p := Picker{Name: name, ID: id, Empty: empty, Required: empty == "" || slices.Contains(flags, "required")}
	if list == nil {
		return p, nil
	}
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Slice {
		return Picker{}, fmt.Errorf("orgpicker: %T is not a list", list)
	}
	chosen := fmt.Sprint(value)
	for i := range v.Len() {
		c, ok := v.Index(i).Interface().(Choice)
		if !ok {
			return Picker{}, fmt.Errorf("orgpicker: %T is not a web.Choice", v.Index(i).Interface())
		}
		cid := strconv.FormatInt(c.ChoiceID(), 10)
		if v.Len() <= PickerMax {
			p.Options = append(p.Options, PickerOption{ID: c.ChoiceID(), Label: c.ChoiceIndent() + c.ChoiceName(), Selected: cid == chosen})
		} else if cid == chosen || i == 0 && empty == "" {
			p.Value, p.Label = cid, c.ChoiceName()
		}
	}
	if v.Len() > PickerMax {
		p.Search = PickerSearch
	}
	return p, nil
}
