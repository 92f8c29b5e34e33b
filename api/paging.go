package api

import (
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
)

// Page sizes of every list of the JSON API.
const (
	defaultPageSize = 50
	maxPageSize     = 200
)

// page is a request's window onto a list, newest first: at most limit items after the
// cursor. Every list reads it the same way (?limit=&cursor=) and says where the next page
// is in a Link header (rel="next"), which is absent on the last page.
type page struct {
	limit int
	after *input.Cursor
}

// readPage reads ?limit= and ?cursor=; anything else than a number from 1 to 200 or a
// cursor a previous page gave is a 400.
func readPage(c *gin.Context) (page, error) {
	p := page{limit: defaultPageSize}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			return p, badRequest("limit: want a whole number from 1 to %d, not %s", maxPageSize, input.Quote(v))
		}
		p.limit = n
	}
	if v := c.Query("cursor"); v != "" {
		cur, ok := input.ParseCursor(v)
		if !ok {
			return p, badRequest("cursor: %s is not a cursor this API gave; start again without one", input.Quote(v))
		}
		p.after = &cur
	}
	return p, nil
}

// next sets the Link header to the page after the one whose last item is last, when the
// store found more than a page (it is asked for limit+1).
func (p page) next(c *gin.Context, found int, last input.Cursor) {
	if found <= p.limit {
		return
	}
	c.Header("Link", "<"+nextURL(c, last)+`>; rel="next"`)
}

// nextURL is this request's URL continuing after last: the API's Link header and a
// page's "Next" link.
func nextURL(c *gin.Context, last input.Cursor) string {
	q := c.Request.URL.Query()
	q.Set("cursor", last.String())
	u := url.URL{Path: c.Request.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

// maxPageNumber bounds ?page= of the lists paged by number.
const maxPageNumber = 100_000

// readPageNumber reads ?page= (1 when absent) of a list paged by number, size rows a
// page, and returns the offset of its first row. Pages sorted by any column (the staff
// portfolio) are paged so; lists newest first are paged by cursor (readPage).
func readPageNumber(c *gin.Context, size int) (int, error) {
	v := c.Query("page")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPageNumber {
		return 0, input.Refuse("page", "want a page number from 1 to %d, not %s", maxPageNumber, input.Quote(v))
	}
	return (n - 1) * size, nil
}

// pager is where a page numbered by readPageNumber sits in its whole list, with links to
// its neighbours.
type pager struct {
	From, To, Of int
	Prev, Next   string
}

// pagerOf is the pager of the page whose first row is at offset, showing n of total rows
// size a page; link(key, value) is the list's address with the page changed ("" for the
// first).
func pagerOf(link func(key, value string) string, offset, size, n, total int) pager {
	p := pager{From: offset + 1, To: offset + n, Of: total}
	number := offset/size + 1
	at := func(k int) string {
		if k == 1 {
			return link("page", "")
		}
		return link("page", strconv.Itoa(k))
	}
	if number > 1 {
		p.Prev = at(number - 1)
	}
	if offset+n < total {
		p.Next = at(number + 1)
	}
	return p
}
