package main

import (
	"context"

	"hongdun/internal/app"
)

// seedDemo fills an empty database with the demo bureau.
func seedDemo(ctx context.Context, a *app.App) error {
	return nil
}
