package auth

import (
	"strings"
	"testing"
)

// New hashes carry production parameters unless a test lowers them, and a
// hash verifies by the parameters written in it, whatever the current ones.
func TestHashParameters(t *testing.T) {
	prod := HashPassword("Right-Pass-2026!")
	if !strings.Contains(prod, "$m=19456,t=2,p=1$") {
		t.Fatalf("production hash %q", prod)
	}
	saveT, saveM, saveDummy := argonTime, argonMemory, dummyHash
	UseCheapHashingInTests()
	defer func() { argonTime, argonMemory, dummyHash = saveT, saveM, saveDummy }()
	cheap := HashPassword("Right-Pass-2026!")
	if !strings.Contains(cheap, "$m=64,t=1,p=1$") || !strings.Contains(dummyHash, "$m=64,t=1,p=1$") {
		t.Fatalf("test hash %q, dummy %q", cheap, dummyHash)
	}
	for _, h := range []string{prod, cheap} {
		if !CheckPassword(h, "Right-Pass-2026!") || CheckPassword(h, "Wrong-Pass-2026!") {
			t.Fatalf("%q does not verify by its own parameters", h)
		}
	}
}
