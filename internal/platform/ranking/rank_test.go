package ranking

import (
	"reflect"
	"testing"
)

func TestPlaceSharesTies(t *testing.T) {
	type it struct {
		id          int64
		score, rate float64
		place       int
	}
	items := []*it{{1, 80, 90, 0}, {2, 95, 50, 0}, {3, 80, 90, 0}, {4, 80, 95, 0}, {5, 10, 0, 0}}
	Place(items, func(x *it) [2]float64 { return [2]float64{x.score, x.rate} }, func(x *it) int64 { return x.id }, func(x *it, p int) { x.place = p })
	var got [][2]int64
	for _, x := range items {
		got = append(got, [2]int64{x.id, int64(x.place)})
	}
	// 95 first; 80 with the better rate second; the two equal (80, 90)
	// share third, by id; then fifth.
	want := [][2]int64{{2, 1}, {4, 2}, {1, 3}, {3, 3}, {5, 5}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
