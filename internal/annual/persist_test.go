package annual

import (
	"reflect"
	"testing"
	"time"
	"unsafe"
)

// A stored copy decodes to the history it was made from, every field of
// every person included: a field added to person and not to encode and
// decode fails here, since each field is given a value that is not zero.
func TestStoredCopyKeepsEveryField(t *testing.T) {
	t.Parallel()
	h := newHistory()
	for i := range 3 {
		p := person{}
		v := reflect.ValueOf(&p).Elem()
		for f := range v.NumField() {
			fv := v.Field(f)
			fv = reflect.NewAt(fv.Type(), unsafe.Pointer(fv.UnsafeAddr())).Elem() // unexported: settable only so
			switch fv.Kind() {
			case reflect.Int32, reflect.Int64:
				fv.SetInt(int64(f + i + 1))
			case reflect.Uint8, reflect.Uint16, reflect.Uint32:
				fv.SetUint(uint64(f+i+1) % uint64(len(seededWords)))
			default:
				t.Fatalf("person field %s of kind %s: give it a value here", v.Type().Field(f).Name, fv.Kind())
			}
		}
		p.id = int64(10 * (i + 1))
		p.birth, p.left = badDay, 20240229
		name := []byte("张三丰"[:3*(i+1)])
		p.name, p.nameLen = uint32(len(h.names)), uint16(len(name))
		h.names = append(h.names, name...)
		p.ev, p.nev = uint32(len(h.events)), uint16(i+1)
		for j := range i + 1 {
			h.events = append(h.events, event{on: day(20200101 + 10000*j - i), org: int32(j), kind: code(j % len(seededWords))})
		}
		h.people = append(h.people, p)
	}
	h.vocab.code([]byte("正式党员"))
	h.from[10] = []int32{3, 4}
	h.undated[20] = []int64{7}
	m := marks{person: 30, updated: 1765000000000, event: 99, transfer: 5}
	at := time.UnixMilli(1765000000123)

	got, gm, gat, ok, err := decode(h.encode(m, at))
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	if gm != m || !gat.Equal(at) || !reflect.DeepEqual(got.vocab.words, h.vocab.words) || !reflect.DeepEqual(got.from, h.from) || !reflect.DeepEqual(got.undated, h.undated) {
		t.Fatalf("marks %v %v, read at %v, words %v, from %v, undated %v", gm, m, gat, got.vocab.words, got.from, got.undated)
	}
	if len(got.people) != len(h.people) {
		t.Fatalf("%d people, want %d", len(got.people), len(h.people))
	}
	for i := range h.people {
		want, p := h.people[i], got.people[i]
		if string(got.nameOf(&p)) != string(h.nameOf(&want)) || !reflect.DeepEqual(got.eventsOf(&p), h.eventsOf(&want)) {
			t.Errorf("person %d: name %q events %v, want %q %v", want.id, got.nameOf(&p), got.eventsOf(&p), h.nameOf(&want), h.eventsOf(&want))
		}
		p.name, p.ev, want.name, want.ev = 0, 0, 0, 0 // offsets into the arrays
		if p != want {
			t.Errorf("person %d:\n%+v\nwant\n%+v", want.id, p, want)
		}
	}

	b := h.encode(m, at)
	for _, cut := range []int{1, len(b) / 3, len(b) - 1} {
		if _, _, _, ok, err := decode(b[:cut]); ok || err == nil {
			t.Errorf("cut at %d of %d: decoded", cut, len(b))
		}
	}
	other := append([]byte{storeFormat + 1}, b[1:]...)
	if _, _, _, ok, err := decode(other); ok || err != nil {
		t.Errorf("another format: %v %v", ok, err)
	}
}
