package web

import (
	"net/http"
	"strconv"

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
