package org

// NewPickIndex builds a search's index, for its benchmark.
func NewPickIndex(list []Org) { newPickIndex(list) }
