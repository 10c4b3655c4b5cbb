// Package ranking places items in a ranking the way a 擂台 or an assessment
// does: best first, equal results sharing a place.
package ranking

import "sort"

// Place sorts items best first by key (compared in order, higher better;
// then by id, lower first) and gives each its competition place: equal keys
// share a place and the next one skips (1, 1, 3).
func Place[T any](items []T, key func(T) [2]float64, id func(T) int64, set func(T, int)) {
	sort.Slice(items, func(i, j int) bool {
		a, b := key(items[i]), key(items[j])
		if a != b {
			return a[0] > b[0] || a[0] == b[0] && a[1] > b[1]
		}
		return id(items[i]) < id(items[j])
	})
	place := 0
	for i, it := range items {
		if i == 0 || key(it) != key(items[i-1]) {
			place = i + 1
		}
		set(it, place)
	}
}
