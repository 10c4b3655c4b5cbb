package org

import "strings"

// ShortName is how lists name an organisation: its short name when set,
// else its full name without the party-committee wrapping
// ("中共西安市公安局雁塔分局委员会" → "雁塔分局", "中共西安市公安局机关委员会"
// → "机关党委").
func ShortName(name, short string) string {
	if short != "" {
		return short
	}
	core, wrapped := strings.CutSuffix(strings.TrimPrefix(name, "中共"), "委员会")
	if !wrapped {
		return name
	}
	if _, rest, ok := strings.Cut(core, "公安局"); ok && rest != "" {
		core = rest
	}
	if strings.HasSuffix(core, "分局") {
		return core
	}
	return core + "党委"
}
