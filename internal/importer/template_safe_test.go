package importer

import (
	"bytes"
	"testing"

	"hongdun/internal/platform/cellsafe"
)

// The roster template is written through the shared formula-safe helper.
func TestTemplateIsFormulaSafe(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteTemplate(&b); err != nil {
		t.Fatal(err)
	}
	if err := cellsafe.CheckXLSX(&b); err != nil {
		t.Fatal(err)
	}
}
