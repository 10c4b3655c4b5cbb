package web

import (
	"fmt"
	"reflect"
	"testing"
)

type choice struct {
	id   int64
	name string
}

func (c choice) ChoiceID() int64      { return c.id }
func (c choice) ChoiceName() string   { return c.name }
func (c choice) ChoiceIndent() string { return "　" }

func choices(n int) []choice {
	out := make([]choice, n)
	for i := range out {
		out[i] = choice{int64(i + 1), fmt.Sprintf("第%d党支部", i+1)}
	}
	return out
}

// A multiple picker of a small list selects the chosen options; of a large
// one it shows them as chips and searches with its narrowing; a single
// one beyond PickerMax names its choice. A list read once (PickList)
// gives every row's picker the same as a large list would, even when it is
// small: its options would repeat in every row.
func TestOrgPicker(t *testing.T) {
	small, large := choices(3), choices(PickerMax+1)
	p, err := orgPicker(small, "unit_ids", "u", []string{"1", "3"}, "", "multiple")
	if err != nil {
		t.Fatal(err)
	}
	if p.Search != "" || p.Required || !p.Multiple || len(p.Options) != 3 || !p.Options[0].Selected || p.Options[1].Selected || !p.Options[2].Selected {
		t.Errorf("small multiple: %+v", p)
	}
	pl, err := NewPickList(large)
	if err != nil {
		t.Fatal(err)
	}
	for _, list := range []any{large, pl} {
		p, err = orgPicker(list, "unit_ids", "u", []int64{5, 201}, "", "multiple", "required", "kind=branch")
		if err != nil {
			t.Fatal(err)
		}
		want := []PickerOption{{5, "第5党支部", true}, {201, "第201党支部", true}}
		if p.Search != PickerSearch+"?kind=branch" || !p.Required || p.Options != nil || !reflect.DeepEqual(p.Chosen, want) {
			t.Errorf("large multiple of %T: %+v", list, p)
		}
		p, err = orgPicker(list, "org_id", "o", "7", "（无）")
		if err != nil {
			t.Fatal(err)
		}
		if p.Search != PickerSearch || p.Value != "7" || p.Label != "第7党支部" || p.Required {
			t.Errorf("large single of %T: %+v", list, p)
		}
		p, err = orgPicker(list, "org_id", "o", nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if p.Value != "1" || !p.Required {
			t.Errorf("large single of %T without an empty choice starts on %q", list, p.Value)
		}
	}
	spl, err := NewPickList(small)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = orgPicker(spl, "org_id", "o", "2", "（无）"); err != nil || p.Search != PickerSearch || p.Options != nil || p.Label != "第2党支部" {
		t.Errorf("small PickList: %+v, %v", p, err)
	}
	for _, flags := range [][]string{{"requird"}, {"multiple"}} {
		if _, err := orgPicker(small, "org_id", "o", nil, "全部", flags...); err == nil {
			t.Errorf("flags %v with an empty choice taken", flags)
		}
	}
}
