package web

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// Doc describes an API route. The OpenAPI document is generated from the
// route table, so an endpoint cannot exist without appearing in it.
type Doc struct {
	Summary string
	Tag     string
	Query   []Param // query parameters
	Body    any     // example request body (its JSON shape)
	Reply   any     // example reply
	// Created: a new record answers 201, the same request repeated 200.
	Created bool
	// Schema is the JSON schema of the request body, when its example
	// alone cannot say which fields are needed.
	Schema any
}

// Param is a query parameter.
type Param struct {
	Name, Description string
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// OpenAPI builds the OpenAPI 3.1 document of the API routes.
func OpenAPI(routes []Route) map[string]any {
	paths := map[string]map[string]any{}
	sorted := append([]Route(nil), routes...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Pattern < sorted[j].Pattern })
	for _, rt := range sorted {
		if !rt.IsAPI() {
			continue
		}
		op := map[string]any{"x-permission": string(rt.Perm)}
		if rt.Doc != nil {
			op["summary"] = rt.Doc.Summary
			if rt.Doc.Tag != "" {
				op["tags"] = []string{rt.Doc.Tag}
			}
		}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if rt.Doc != nil {
			for _, q := range rt.Doc.Query {
				params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": map[string]any{"type": "string"}})
			}
			if rt.Doc.Body != nil {
				body := map[string]any{"example": rt.Doc.Body}
				if rt.Doc.Schema != nil {
					body["schema"] = rt.Doc.Schema
				}
				op["requestBody"] = map[string]any{"content": map[string]any{"application/json": body}}
			}
		}
		if params != nil {
			op["parameters"] = params
		}
		ok := map[string]any{"description": "成功"}
		if rt.Doc != nil && rt.Doc.Reply != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"example": rt.Doc.Reply}}
		}
		responses := map[string]any{
			"200": ok,
			"400": map[string]any{"$ref": "#/components/responses/Error"},
			"401": map[string]any{"$ref": "#/components/responses/Error"},
			"403": map[string]any{"$ref": "#/components/responses/Error"},
			"404": map[string]any{"$ref": "#/components/responses/Error"},
			"409": map[string]any{"$ref": "#/components/responses/Error"},
			"422": map[string]any{"$ref": "#/components/responses/Error"},
		}
		if rt.Doc != nil && rt.Doc.Created {
			responses["201"] = ok
			responses["200"] = map[string]any{"description": "同一请求重复提交：返回已有记录（replayed 为 true）；内容不同则为 409"}
		}
		op["responses"] = responses
		if rt.Perm != Public {
			op["security"] = []map[string]any{{"bearer": []string{}}}
		}
		p := paths[rt.Pattern]
		if p == nil {
			p = map[string]any{}
			paths[rt.Pattern] = p
		}
		p[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "红盾党建平台 API", "version": "1"},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"responses": map[string]any{"Error": map[string]any{"description": "错误", "content": map[string]any{"application/json": map[string]any{
				"schema": map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{"type": "object", "properties": map[string]any{
					"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}, "field": map[string]any{"type": "string"},
					"rule":     map[string]any{"type": "string", "description": "拒绝所依据的规则编号，如 R-sequence"},
					"citation": map[string]any{"type": "string", "description": "规则出处"}, "rule_title": map[string]any{"type": "string", "description": "规则的中文名称"},
					"possible_on": map[string]any{"type": "string", "format": "date", "description": "最早可以办理的日期（如有）"},
					"due":         map[string]any{"type": "string", "format": "date", "description": "所涉期限的最后一天（如有）"}}}}}}}}},
		},
	}
}

// OpenAPIHandler serves the document.
func OpenAPIHandler(routes *[]Route) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		JSON(w, http.StatusOK, OpenAPI(*routes))
		return nil
	}
}
