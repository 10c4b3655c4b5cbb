package importer

import (
	"context"
	"io"
	"sort"
	"sync"

	"hongdun/internal/platform/core"
)

// Kind is one sort of file the import jobs take (the contract's `kind`):
// the 党员花名册 built in here, and the kinds other features register (the
// 发展党员台账, internal/develop). Every kind shares the jobs: upload,
// check and preview, confirm, progress, all or nothing, the API and CLI.
type Kind struct {
	Name  string // roster, development
	Label string // 党员花名册, 发展党员台账
	// Run checks (and unless opt.DryRun, imports) the file at path, all or
	// nothing, reporting progress; problems in the file are in the report.
	Run func(ctx context.Context, d *core.Deps, path string, opt Options, prog *Progress) (*Report, error)
	// Template writes the kind's blank file, named TemplateFile.
	Template     func(w io.Writer) error
	TemplateFile string
}

// Roster is the kind name of the 党员花名册, the default.
const Roster = "roster"

var registry = struct {
	sync.RWMutex
	m map[string]Kind
}{m: map[string]Kind{}}

// Register adds a kind of import (from a feature's init).
func Register(k Kind) {
	registry.Lock()
	defer registry.Unlock()
	registry.m[k.Name] = k
}

// KindOf returns a registered kind; "" is the roster.
func KindOf(name string) (Kind, bool) {
	if name == "" {
		name = Roster
	}
	registry.RLock()
	defer registry.RUnlock()
	k, ok := registry.m[name]
	return k, ok
}

// Kinds lists the registered kinds, the roster first.
func Kinds() []Kind {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Kind, 0, len(registry.m))
	for _, k := range registry.m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].Name == Roster) != (out[j].Name == Roster) {
			return out[i].Name == Roster
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func init() {
	Register(Kind{Name: Roster, Label: "党员花名册", Run: Run, Template: WriteTemplate, TemplateFile: "党员花名册模板.xlsx"})
}
