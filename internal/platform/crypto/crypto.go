// Package crypto holds the national-standard (国密) primitives Hongdun uses:
// SM4-GCM for sensitive fields at rest, HMAC-SM3 for exact-match indexes and
// for the audit chain. Keys come from outside the database.
package crypto

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// Keys are derived from one 32-byte master key.
type Keys struct {
	aead  cipher.AEAD
	index []byte
	Audit []byte
	// macs reuses HMAC-SM3 states keyed with index: imports compute one
	// per row, and keying a new HMAC each time was a measurable cost.
	macs sync.Pool
}

const version byte = 1

// NewKeys derives the working keys from a master key.
func NewKeys(master []byte) (*Keys, error) {
	if len(master) < 32 {
		return nil, errors.New("主密钥长度不足 32 字节")
	}
	enc := mac(master, []byte("hongdun/sm4"))[:16]
	block, err := sm4.NewCipher(enc)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &Keys{aead: aead, index: mac(master, []byte("hongdun/index")), Audit: mac(master, []byte("hongdun/audit"))}
	k.macs.New = func() any { return hmac.New(sm3.New, k.index) }
	return k, nil
}

// LoadKeys reads the master key, in this order: HONGDUN_KEY (hex), the file
// named by HONGDUN_KEY_FILE, or dataDir/hongdun.key — created with a fresh
// random key when absent, readable only by the owner.
func LoadKeys(dataDir string) (*Keys, error) {
	if h := strings.TrimSpace(os.Getenv("HONGDUN_KEY")); h != "" {
		b, err := hex.DecodeString(h)
		if err != nil {
			return nil, fmt.Errorf("HONGDUN_KEY 不是十六进制: %w", err)
		}
		return NewKeys(b)
	}
	path := os.Getenv("HONGDUN_KEY_FILE")
	if path == "" {
		path = filepath.Join(dataDir, "hongdun.key")
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		b = make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(b)+"\n"), 0o600); err != nil {
			return nil, err
		}
		return NewKeys(b)
	}
	if err != nil {
		return nil, err
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("密钥文件 %s 格式错误: %w", path, err)
	}
	return NewKeys(raw)
}

// Seal encrypts a field value; empty stays empty (nil).
func (k *Keys) Seal(plain string) []byte {
	if plain == "" {
		return nil
	}
	out := make([]byte, 1+k.aead.NonceSize(), 1+k.aead.NonceSize()+len(plain)+k.aead.Overhead())
	out[0] = version
	if _, err := rand.Read(out[1:]); err != nil {
		panic(err) // the system random source never fails on Linux
	}
	return k.aead.Seal(out, out[1:], []byte(plain), nil)
}

// Open decrypts what Seal produced.
func (k *Keys) Open(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	n := k.aead.NonceSize()
	if len(sealed) < 1+n || sealed[0] != version {
		return "", errors.New("密文格式错误")
	}
	p, err := k.aead.Open(nil, sealed[1:1+n], sealed[1+n:], nil)
	if err != nil {
		return "", errors.New("密文校验失败")
	}
	return string(p), nil
}

// Index returns the HMAC-SM3 lookup value of a normalised field value.
func (k *Keys) Index(plain string) string {
	m := k.macs.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(plain))
	sum := hex.EncodeToString(m.Sum(nil))
	k.macs.Put(m)
	return sum
}

// SM3Hex returns the hex SM3 digest of b.
func SM3Hex(b []byte) string {
	h := sm3.New()
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// MAC returns HMAC-SM3 of msg under key, hex encoded.
func MAC(key, msg []byte) string { return hex.EncodeToString(mac(key, msg)) }

func mac(key, msg []byte) []byte {
	m := hmac.New(sm3.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// RandomToken returns n random bytes, hex encoded.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
