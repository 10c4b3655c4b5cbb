package web

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/fail"
)

// PathID reads a positive id from the path value name; anything else is
// a 404 (a malformed id names no object).
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fail.NotFound()
	}
	return id, nil
}

// Reply answers v as JSON with status, or returns err for the router.
func Reply[T any](w http.ResponseWriter, status int, v T, err error) error {
	if err != nil {
		return err
	}
	JSON(w, status, v)
	return nil
}

// Guarded is an API write on the object named by the path value "id":
// check (the object is the caller's to see) runs before the body is read,
// so an object out of scope is a 404 whatever the body holds; then the
// JSON body is decoded into body and do's result answered with 200.
func Guarded[T any](w http.ResponseWriter, r *http.Request, check func(id int64) error, body any, do func(id int64) (T, error)) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	if err := check(id); err != nil {
		return err
	}
	if err := DecodeJSON(w, r, body); err != nil {
		return err
	}
	v, err := do(id)
	return Reply(w, http.StatusOK, v, err)
}

// Seen is the check of Guarded for an object read by get, which answers
// not found for an object outside the caller's scope.
func Seen[O any](r *http.Request, get func(context.Context, *auth.Principal, int64) (O, error)) func(id int64) error {
	return func(id int64) error {
		_, err := get(r.Context(), Principal(r), id)
		return err
	}
}

// Show is the handler of GET …/{id}: the object get reads for the caller as
// JSON (get answers not found outside the caller's scope).
func Show[O any](get func(context.Context, *auth.Principal, int64) (O, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := PathID(r, "id")
		if err != nil {
			return err
		}
		v, err := get(r.Context(), Principal(r), id)
		return Reply(w, http.StatusOK, v, err)
	}
}

// Listed is the handler of a list's API: the filter parse reads from the
// query, then list's page for the caller as JSON.
func Listed[F, L any](parse func(url.Values) (F, error), list func(context.Context, *auth.Principal, F) (L, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := parse(r.URL.Query())
		if err != nil {
			return err
		}
		l, err := list(r.Context(), Principal(r), f)
		return Reply(w, http.StatusOK, l, err)
	}
}

// Posted is the handler of an API POST that is not on an object of the
// path: the JSON body decoded into an I, then do's result for the caller
// answered with status (201 for what it creates).
func Posted[I, O any](status int, do func(context.Context, *auth.Principal, I) (O, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in I
		if err := DecodeJSON(w, r, &in); err != nil {
			return err
		}
		v, err := do(r.Context(), Principal(r), in)
		return Reply(w, status, v, err)
	}
}

// Done is Posted for a write that answers nothing but whether it was
// done: {"ok": true} with status.
func Done[I any](status int, do func(context.Context, *auth.Principal, I) error) HandlerFunc {
	return Posted(status, func(ctx context.Context, p *auth.Principal, in I) (map[string]bool, error) {
		return map[string]bool{"ok": true}, do(ctx, p, in)
	})
}

// PostedOn is the handler of an API write on the object named by the path
// value "id" whose do answers not found outside the caller's scope: the
// JSON body decoded into an I, then do's result answered with status.
func PostedOn[I, O any](status int, do func(context.Context, *auth.Principal, int64, I) (O, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := PathID(r, "id")
		if err != nil {
			return err
		}
		var in I
		if err := DecodeJSON(w, r, &in); err != nil {
			return err
		}
		v, err := do(r.Context(), Principal(r), id, in)
		return Reply(w, status, v, err)
	}
}

// ObjectForm is how a page writes on the object named by the path value
// "id": Check runs first, so an object out of scope is a 404 whatever the
// form holds; a refusal shows the object again through Show with the
// error; success goes to Page (a format taking the id) with a notice.
type ObjectForm struct {
	Page  string
	Check func(id int64) error
	Show  func(w http.ResponseWriter, r *http.Request, id int64, err error) error
}

// ShowPage is the handler of the page of the object named by the path
// value "id", shown by show (an ObjectForm's Show) without an error.
func ShowPage(show func(w http.ResponseWriter, r *http.Request, id int64, err error) error) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := PathID(r, "id")
		if err != nil {
			return err
		}
		return show(w, r, id, nil)
	}
}

// Post reads the form, runs do and answers as above, with done the notice.
func (o ObjectForm) Post(w http.ResponseWriter, r *http.Request, done string, do func(id int64, f url.Values) error) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	if err := o.Check(id); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fail.Malformed("form", "表单无法读取")
	}
	err = do(id, r.PostForm)
	return Answer(w, r, err, func(err error) error { return o.Show(w, r, id, err) }, fmt.Sprintf(o.Page, id), done)
}

// Answer ends a page form's write: its refusal err shows the form again
// through again (not found stays the 404), success goes to the page to
// with the notice done.
func Answer(w http.ResponseWriter, r *http.Request, err error, again func(error) error, to, done string) error {
	if err != nil {
		if fail.IsNotFound(err) {
			return err
		}
		return again(err)
	}
	return SeeOther(w, r, to, done)
}

// SeeOther sends the browser to the page to (which may carry a query) with
// the notice done.
func SeeOther(w http.ResponseWriter, r *http.Request, to, done string) error {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, to+sep+"ok="+url.QueryEscape(done), http.StatusSeeOther)
	return nil
}

// FormVersion is the form's version field; a missing one is 0, which the
// write refuses with its field.
func FormVersion(f url.Values) int {
	v, _ := strconv.Atoi(f.Get("version"))
	return v
}

// Attachment marks the reply as a file to save under name, never to show.
// A Chinese name is written as RFC 2231 asks (filename*=utf-8”…), which
// every browser reads.
func Attachment(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
}
