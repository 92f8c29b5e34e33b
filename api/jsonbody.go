package api

import (
	"io"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
)

// decodeJSON reads the request body into dst through input.DecodeJSON: one JSON object,
// no unknown or repeated fields, every string cleaned. The Content-Type is not checked,
// so a plain `curl -d '{...}'` works.
func decodeJSON(c *gin.Context, dst any) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return err // *http.MaxBytesError: 413
	}
	return input.DecodeJSON(body, dst)
}
