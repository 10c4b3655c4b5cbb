package sealed

import (
	"context"
	"net/http"

	"hongdun/internal/platform/auth"
	"hongdun/internal/platform/web"
)

// Served is the handler of GET …/{id} of a stored file: open reads it for
// the caller (not found outside what they may see), then Send answers it.
func Served(open func(ctx context.Context, p *auth.Principal, id int64) (name, contentType string, content []byte, err error)) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id")
		if err != nil {
			return err
		}
		name, ctype, b, err := open(r.Context(), web.Principal(r), id)
		if err != nil {
			return err
		}
		return Send(w, name, ctype, b)
	}
}
