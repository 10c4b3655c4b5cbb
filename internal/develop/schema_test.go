package develop

import (
	"testing"

	"hongdun/internal/rules"
)

// TestEveryStepInputHasASchema: a field added to a step definition must
// be described in the API schema.
func TestEveryStepInputHasASchema(t *testing.T) {
	t.Parallel()
	for _, d := range rules.Steps {
		for _, f := range d.Fields {
			if _, ok := fieldSchemas[f]; !ok {
				t.Errorf("step %d: input %q has no schema", d.No, f)
			}
		}
	}
	if n := len(stepSchema()["oneOf"].([]any)); n != len(rules.Steps)-1 {
		t.Fatalf("%d step schemas", n)
	}
}
