// Package sealed keeps uploaded files (scans of 发展党员 records, photos of
// 走访慰问) in the data directory, sealed with SM4 under generated names and
// never served statically: the type is judged by content, the name a user
// gave is cleaned, and a download is always an attachment with nosniff.
package sealed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"hongdun/internal/platform/crypto"
	"hongdun/internal/platform/fail"
	"hongdun/internal/platform/plaintext"
	"hongdun/internal/platform/web"
)

// Type is a file format recognised by its first bytes.
type Type struct{ Magic, MIME, Ext string }

// The formats features accept.
var (
	PDF  = Type{"%PDF-", "application/pdf", ".pdf"}
	JPEG = Type{"\xff\xd8\xff", "image/jpeg", ".jpg"}
	PNG  = Type{"\x89PNG\r\n\x1a\n", "image/png", ".png"}
)

// Sniff returns which of types b is, judged by its content alone, never by
// its name.
func Sniff(b []byte, types ...Type) (Type, bool) {
	for _, t := range types {
		if bytes.HasPrefix(b, []byte(t.Magic)) {
			return t, true
		}
	}
	return Type{}, false
}

// BaseName keeps the base name of an uploaded file without the characters
// free text may not hold (controls, bidi overrides that show "exe.pdf" as
// "fdp.exe", zero-width: plaintext.Bad) or quotes, at most 100 characters;
// fallback names a file that had none.
func BaseName(name, fallback string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if _, bad := plaintext.Bad(string(r), false); bad || r == '"' {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	if name == "." || name == "/" || name == "" {
		name = fallback
	}
	return name
}

// CleanName is the BaseName of an uploaded file ending in the extension of
// its type.
func CleanName(name, ext, fallback string) string {
	name = BaseName(name, fallback)
	if !strings.EqualFold(filepath.Ext(name), ext) && !(ext == ".jpg" && strings.EqualFold(filepath.Ext(name), ".jpeg")) {
		name += ext
	}
	return name
}

// Store is one folder of sealed files.
type Store struct {
	Dir  string
	Keys *crypto.Keys
}

// Put seals content into a new file and returns its generated name.
func (s Store) Put(content []byte) (string, error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return "", err
	}
	name := crypto.RandomToken(16) + ".sealed"
	return name, os.WriteFile(filepath.Join(s.Dir, name), s.Keys.Seal(string(content)), 0o600)
}

// Get opens a stored file.
func (s Store) Get(name string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(s.Dir, filepath.Base(name)))
	if err != nil {
		return nil, err
	}
	plain, err := s.Keys.Open(b)
	return []byte(plain), err
}

// Remove deletes a stored file whose row was never written.
func (s Store) Remove(name string) {
	_ = os.Remove(filepath.Join(s.Dir, filepath.Base(name))) // an orphan file is sealed and harmless
}

// TooLarge is the refusal of a file over max bytes; what names it ("扫描件", "照片").
func TooLarge(what string, max int64) *web.Error {
	return &web.Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Field: "file",
		Message: fmt.Sprintf("%s不能超过 %d MB", what, max>>20)}
}

// Upload is a multipart request read within its limit.
type Upload struct {
	r    *http.Request
	max  int64
	what string
}

// ReadUpload reads a multipart form of at most max bytes of file plus a
// little for the other fields; call Close when done. what names the file
// in messages.
func ReadUpload(w http.ResponseWriter, r *http.Request, max int64, what string) (*Upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, max+1<<20)
	err := r.ParseMultipartForm(1 << 20)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, TooLarge(what, max)
	}
	if err != nil {
		return nil, fail.Malformed("file", "请以 multipart/form-data 上传"+what+"（字段 file）")
	}
	return &Upload{r: r, max: max, what: what}, nil
}

// Value is a form field of the upload.
func (u *Upload) Value(name string) string { return u.r.FormValue(name) }

// File reads the file of field name; ok is false when none was chosen.
func (u *Upload) File(name string) (fileName string, content []byte, ok bool, err error) {
	f, hdr, err := u.r.FormFile(name)
	if errors.Is(err, http.ErrMissingFile) {
		return "", nil, false, nil
	}
	if err != nil {
		return "", nil, false, fail.Malformed(name, "无法读取上传的"+u.what)
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	if hdr.Size > u.max {
		return "", nil, false, TooLarge(u.what, u.max)
	}
	b, err := io.ReadAll(io.LimitReader(f, u.max+1))
	if err == nil && int64(len(b)) > u.max {
		err = TooLarge(u.what, u.max)
	}
	return hdr.Filename, b, err == nil, err
}

// ReadFile reads an upload whose only field is its file "file", which
// must be there.
func ReadFile(w http.ResponseWriter, r *http.Request, max int64, what string) (string, []byte, error) {
	u, err := ReadUpload(w, r, max, what)
	if err != nil {
		return "", nil, err
	}
	defer u.Close()
	name, b, ok, err := u.File("file")
	if err == nil && !ok {
		err = fail.Malformed("file", "请选择要上传的"+what)
	}
	return name, b, err
}

// Close removes the temporary files of the form.
func (u *Upload) Close() {
	if u.r.MultipartForm != nil {
		_ = u.r.MultipartForm.RemoveAll() // temporary files of the request; the OS cleans what is left
	}
}

// Send writes a file as a download, never for the browser to render.
func Send(w http.ResponseWriter, fileName, contentType string, content []byte) error {
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	web.Attachment(w, fileName)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Length", strconv.Itoa(len(content)))
	_, err := w.Write(content)
	return err
}
