// Package fail holds the errors that domain code returns when it refuses a
// request: what went wrong, in Chinese, and nothing about HTTP. The web layer
// alone turns each kind into a status and a machine code (web.Server.Fail);
// any other error is a failure of the system, which users never read.
package fail

import (
	"errors"
	"strings"
)

// Kind is what went wrong.
type Kind uint8

// The kinds of refusal.
const (
	// KindNotFound: missing, or outside the caller's scope (which must not
	// be told apart).
	KindNotFound Kind = iota + 1
	// KindForbidden: the caller's role, or the account, may not do this.
	KindForbidden
	// KindMalformed: a field's value is missing or cannot be read.
	KindMalformed
	// KindNotAllowed: a field's value reads well but is not allowed.
	KindNotAllowed
	// KindRefused: the request is well formed but refused, by a rule of the
	// party (Rule and Citation name it) or for a reason named by Code.
	KindRefused
	// KindConflict: a duplicate, or someone else changed the record first.
	KindConflict
)

// Error is a refusal a user may read.
type Error struct {
	Kind     Kind
	Code     string // a finer reason than the kind's, e.g. "no_person"; empty for the kind's own
	Field    string // the input at fault (KindMalformed, KindNotAllowed)
	Message  string // Simplified Chinese
	Rule     string // the rule that refuses (KindRefused), e.g. "R-ORG-TERM"
	Citation string // where the rule is written
	// RuleTitle is the rule's Chinese name, shown on pages instead of its id.
	RuleTitle string
	// PossibleOn and Due are dates the refusal computed (YYYY-MM-DD): the
	// first on which the request would pass, the last a time limit allowed.
	PossibleOn, Due string
}

// Titled names the refusing rule in Chinese and gives its computed dates.
func (e *Error) Titled(title, possibleOn, due string) *Error {
	e.RuleTitle, e.PossibleOn, e.Due = title, possibleOn, due
	return e
}

func (e *Error) Error() string { return e.Message }

// NotFound is the answer for anything missing or outside the caller's scope.
func NotFound() *Error {
	return &Error{Kind: KindNotFound, Message: "未找到该记录，或您无权访问"}
}

// Forbidden refuses what the caller's role may not do.
func Forbidden() *Error {
	return &Error{Kind: KindForbidden, Message: "您的角色无权进行此操作"}
}

// Denied refuses the caller for a reason named by code, e.g. an account
// without a member record ("no_person").
func Denied(code, msg string) *Error {
	return &Error{Kind: KindForbidden, Code: code, Message: msg}
}

// Malformed is a field whose value is missing or cannot be read.
func Malformed(field, msg string) *Error {
	return &Error{Kind: KindMalformed, Field: field, Message: msg}
}

// NotAllowed is a field whose value reads well but is not allowed.
func NotAllowed(field, msg string) *Error {
	return &Error{Kind: KindNotAllowed, Field: field, Message: msg}
}

// Kept refuses a change that names another value (not 0) of a field the
// record keeps, such as its organisation or person: kept silently, the old
// value would let the client believe the record moved (mass assignment).
func Kept(field, msg string, sent, kept int64) error {
	if sent != 0 && sent != kept {
		return NotAllowed(field, msg)
	}
	return nil
}

// Rule is a refusal by a rule, with its id and citation.
func Rule(rule, citation, msg string) *Error {
	return &Error{Kind: KindRefused, Code: "rule", Rule: rule, Citation: citation, Message: msg}
}

// Refused is a refusal for a reason named by code, e.g. a check-in before
// the session opens ("not_open").
func Refused(code, msg string) *Error {
	return &Error{Kind: KindRefused, Code: code, Message: msg}
}

// Conflict is a duplicate or a concurrent change.
func Conflict(msg string) *Error {
	return &Error{Kind: KindConflict, Message: msg}
}

// IsNotFound reports whether err is, or wraps, a KindNotFound refusal.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == KindNotFound
}

// Fields is every problem found in one record at once, so that a form shows
// each next to its input and an import lists them all. As an error it is the
// first one's, with every message.
type Fields []*Error

func (fs Fields) Error() string {
	msgs := make([]string, len(fs))
	for i, e := range fs {
		msgs[i] = e.Message
	}
	return strings.Join(msgs, "；")
}

// Of is the message about one field, for showing next to its input.
func (fs Fields) Of(field string) string {
	for _, e := range fs {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// As lets errors.As find the first problem, carrying every message.
func (fs Fields) As(target any) bool {
	t, ok := target.(**Error)
	if !ok || len(fs) == 0 {
		return false
	}
	e := *fs[0]
	e.Message = fs.Error()
	*t = &e
	return true
}

// Collect gathers the problems found in one record (nil entries are the
// fields found fine): nil when there are none, else Fields.
func Collect(errs ...*Error) error {
	var fs Fields
	for _, e := range errs {
		if e != nil {
			fs = append(fs, e)
		}
	}
	if len(fs) == 0 {
		return nil
	}
	return fs
}
