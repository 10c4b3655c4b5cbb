package crypto

import (
	"bytes"
	"testing"
)

func TestSealOpen(t *testing.T) {
	k, err := NewKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	id := "11010519491231002X"
	c := k.Seal(id)
	if bytes.Contains(c, []byte(id)) || bytes.Contains(c, []byte("19491231")) {
		t.Fatal("ciphertext contains plaintext")
	}
	if c2 := k.Seal(id); bytes.Equal(c, c2) {
		t.Fatal("two seals of one value are equal: nonce reused")
	}
	got, err := k.Open(c)
	if err != nil || got != id {
		t.Fatalf("Open = %q, %v", got, err)
	}
	c[len(c)-1] ^= 1
	if _, err := k.Open(c); err == nil {
		t.Fatal("tampered ciphertext opened")
	}
	if k.Index(id) != k.Index(id) || k.Index(id) == k.Index("110105194912310021") {
		t.Fatal("index not deterministic or not distinct")
	}
	other, _ := NewKeys(bytes.Repeat([]byte{8}, 32))
	if other.Index(id) == k.Index(id) {
		t.Fatal("index does not depend on key")
	}
}

// The SM3 test vector from GB/T 32905-2016 appendix A.1.
func TestSM3Vector(t *testing.T) {
	if got := SM3Hex([]byte("abc")); got != "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" {
		t.Fatal(got)
	}
}
