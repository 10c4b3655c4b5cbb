package web

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"hongdun/internal/platform/fail"
)

// Every kind of domain refusal keeps the status and code the API has always
// answered; wrapping does not hide it; anything else is a generic 500.
func TestDomainRefusalsMapToStatusAndCode(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		code   string
		field  string
	}{
		{fail.NotFound(), http.StatusNotFound, "not_found", ""},
		{fmt.Errorf("load: %w", fail.NotFound()), http.StatusNotFound, "not_found", ""},
		{fail.Forbidden(), http.StatusForbidden, "forbidden", ""},
		{fail.Denied("no_person", "当前账号未关联党员信息"), http.StatusForbidden, "no_person", ""},
		{fail.Malformed("on_date", "请填写日期"), http.StatusBadRequest, "bad_request", "on_date"},
		{fail.NotAllowed("on_date", "日期不能晚于今天"), http.StatusUnprocessableEntity, "invalid", "on_date"},
		{fail.Rule("R-ORG-TERM", "《中国共产党基层组织选举工作条例》", "任期不对"), http.StatusUnprocessableEntity, "rule", ""},
		{fail.Refused("not_open", "签到尚未开始"), http.StatusUnprocessableEntity, "not_open", ""},
		{fail.Conflict("已被他人修改"), http.StatusConflict, "conflict", ""},
		{fail.Fields{fail.Malformed("name", "姓名不能为空"), fail.Malformed("phone", "电话无效")}, http.StatusBadRequest, "bad_request", "name"},
		{&fail.Error{Kind: 0, Message: "?"}, http.StatusInternalServerError, "internal", ""},
		{errors.New("disk full"), http.StatusInternalServerError, "internal", ""},
	} {
		e := asError(c.err)
		if e.Status != c.status || e.Code != c.code || e.Field != c.field {
			t.Errorf("%v: got %d %s %q, want %d %s %q", c.err, e.Status, e.Code, e.Field, c.status, c.code, c.field)
		}
	}
	e := asError(fail.Fields{fail.Malformed("name", "姓名不能为空"), fail.Malformed("phone", "电话无效")})
	if e.Message != "姓名不能为空；电话无效" {
		t.Errorf("fields message %q", e.Message)
	}
	e = asError(fail.Rule("R-ORG-TERM", "《条例》", "任期不对"))
	if e.Rule != "R-ORG-TERM" || e.Citation != "《条例》" || e.Message != "任期不对" {
		t.Errorf("rule refusal %+v", e)
	}
}
