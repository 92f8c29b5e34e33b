package input

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Cursor is a position in a list ordered newest first: the creation time and id of the
// last item a page showed. Clients get it as an opaque token and send it back.
type Cursor struct {
	CreatedAt time.Time
	ID        string
}

// String writes the cursor as the token a client sends back.
func (c Cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.CreatedAt.UnixNano(), 10) + "." + c.ID))
}

// ParseCursor reads a token String wrote; anything else is refused.
func ParseCursor(v string) (Cursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return Cursor{}, false
	}
	nanos, id, ok := strings.Cut(string(raw), ".")
	n, err := strconv.ParseInt(nanos, 10, 64)
	if !ok || err != nil {
		return Cursor{}, false
	}
	id, ok = ID(id)
	return Cursor{CreatedAt: time.Unix(0, n).UTC(), ID: id}, ok
}
