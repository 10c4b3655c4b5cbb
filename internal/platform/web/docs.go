package web

// Docs is how a feature documents its API routes under one tag:
// doc := Docs(tag); doc(summary, query, body, reply) is the route's Doc.
func Docs(tag string) func(summary string, query []Param, body, reply any) *Doc {
	return func(summary string, query []Param, body, reply any) *Doc {
		return &Doc{Tag: tag, Summary: summary, Query: query, Body: body, Reply: reply}
	}
}
