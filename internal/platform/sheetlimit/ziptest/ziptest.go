// Package ziptest builds zip bombs in memory for tests: deflate streams
// that inflate to gigabytes, built from a few kilobytes in milliseconds,
// and archives whose parts declare sizes of the test's choosing. Nothing
// big is ever written to disk or committed.
package ziptest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"testing"
)

// Stream is a deflate stream under construction, with the CRC and size
// of what it inflates to.
type Stream struct {
	raw bytes.Buffer
	crc uint32
	n   int64
}

// segment compresses p on its own, ending byte-aligned and not final, so
// that segments can follow each other (their back-references stay inside
// themselves).
func segment(p []byte) []byte {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err == nil {
		_, err = w.Write(p)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		panic(err) // a valid level, into memory: cannot fail
	}
	return b.Bytes()
}

// Write appends p.
func (s *Stream) Write(p []byte) *Stream {
	s.raw.Write(segment(p))
	s.crc = crc32.Update(s.crc, crc32.IEEETable, p)
	s.n += int64(len(p))
	return s
}

// Repeat appends n copies of c, in O(n/1 MB) time.
func (s *Stream) Repeat(c byte, n int64) *Stream {
	const chunk = 1 << 20
	block := bytes.Repeat([]byte{c}, chunk)
	seg := segment(block)
	for ; n >= chunk; n -= chunk {
		s.raw.Write(seg)
		s.crc = crc32.Update(s.crc, crc32.IEEETable, block)
		s.n += chunk
	}
	if n > 0 {
		s.Write(block[:n])
	}
	return s
}

// Len is the number of bytes the stream inflates to.
func (s *Stream) Len() int64 { return s.n }

// CRC is the CRC-32 of what the stream inflates to.
func (s *Stream) CRC() uint32 { return s.crc }

// Raw is the finished deflate stream.
func (s *Stream) Raw() []byte {
	return append(bytes.Clone(s.raw.Bytes()), 0x01, 0x00, 0x00, 0xff, 0xff) // an empty final stored block
}

// Part is an entry to add to an archive: its deflated bytes and the sizes
// and CRC its headers declare (a bomb may declare anything).
type Part struct {
	Name     string
	Raw      []byte
	CRC      uint32
	Declared uint64
}

// Honest is a part that declares what s inflates to.
func Honest(name string, s *Stream) Part {
	return Part{Name: name, Raw: s.Raw(), CRC: s.CRC(), Declared: uint64(s.Len())}
}

// Rebuild copies the archive in src (an .xlsx), dropping the entries named
// in parts, and adds parts.
func Rebuild(t testing.TB, src []byte, parts ...Part) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	replaced := map[string]bool{}
	for _, p := range parts {
		replaced[p.Name] = true
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if replaced[f.Name] {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range parts {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: p.Name, Method: zip.Deflate, CRC32: p.CRC,
			CompressedSize64: uint64(len(p.Raw)), UncompressedSize64: p.Declared})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(p.Raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Entries is an archive of n empty entries (a directory bomb).
func Entries(t testing.TB, n int) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i := range n {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: string(rune('a'+i%26)) + itoa(i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		if i /= 10; i == 0 {
			return string(b)
		}
	}
}

// Inflate reads a stream back (for the tests of this package).
func Inflate(raw []byte) ([]byte, error) {
	return io.ReadAll(flate.NewReader(bytes.NewReader(raw)))
}
