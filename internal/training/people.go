package training

// anyCategory reports whether a person of categories mine is among an
// audience limited to want; an audience naming none is everyone.
func anyCategory(want, mine []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, c := range want {
		if oneOf(c, mine) {
			return true
		}
	}
	return false
}
