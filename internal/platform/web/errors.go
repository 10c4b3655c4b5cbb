package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Error is an error a user may read: a status, a machine code and a Chinese
// message; rule rejections also name their rule and citation.
type Error struct {
	Status   int    `json:"-"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Field    string `json:"field,omitempty"`
	Rule     string `json:"rule,omitempty"`
	Citation string `json:"citation,omitempty"`
}

func (e *Error) Error() string { return e.Message }

// BadRequest is a 400 about one field.
func BadRequest(field, msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Field: field, Message: msg}
}

// NotFound is the answer for anything missing or outside the caller's scope.
func NotFound() *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "未找到该记录，或您无权访问"}
}

// Forbidden is a 403.
func Forbidden() *Error {
	return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "您的角色无权进行此操作"}
}

// Conflict is a 409, e.g. a concurrent edit or a duplicate.
func Conflict(msg string) *Error {
	return &Error{Status: http.StatusConflict, Code: "conflict", Message: msg}
}

// Unprocessable is a 422 with a rule id and citation.
func Unprocessable(rule, citation, msg string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "rule", Rule: rule, Citation: citation, Message: msg}
}

// Invalid is a 422 about one field, for values that parse but are not allowed.
func Invalid(field, msg string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Field: field, Message: msg}
}

// FieldError lets feature packages return validation errors without
// importing web: anything with these methods becomes a 400.
type FieldError interface {
	error
	FieldName() string
}

// asError maps any error to a user-facing one; unknown errors become a
// generic 500 whose details go only to the log.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var fe FieldError
	if errors.As(err, &fe) {
		return BadRequest(fe.FieldName(), fe.Error())
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: fmt.Sprintf("提交的内容过大（上限 %d MB）", mbe.Limit>>20)}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "服务器内部错误，请稍后重试；如持续出现请联系系统管理员"}
}

// DecodeJSON reads a JSON body into v, refusing unknown fields (no mass
// assignment) and bodies over 1 MB.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var ute *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return BadRequest("", "请求体为空，应为 JSON 对象")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return BadRequest(f, fmt.Sprintf("不允许提交字段 %q", f))
		case errors.As(err, &ute):
			return BadRequest(ute.Field, fmt.Sprintf("字段 %q 的类型不正确", ute.Field))
		default:
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return err
			}
			return BadRequest("", "请求体不是有效的 JSON")
		}
	}
	return nil
}
