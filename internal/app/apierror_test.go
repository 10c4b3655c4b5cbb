package app_test

// apiError is the JSON error body of a refused API request.
type apiError struct {
	Error struct{ Code, Message, Field, Rule, Citation string }
}
