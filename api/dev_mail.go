package api

import (
	"html"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// outboxLimit is how many emails the dev outbox shows.
const outboxLimit = 200

// outboxJSON is an email of the dev outbox as /dev/mail.json shows it.
type outboxJSON struct {
	ID      int64     `json:"id"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	HTML    string    `json:"html"`
	Text    string    `json:"text"`
	Links   []string  `json:"links"`
	SentAt  time.Time `json:"sent_at"`
}

// devMailJSON lists the outbox, newest first: what a test or a developer reads to follow
// a link from an email.
func (s *Server) devMailJSON(c *gin.Context) {
	list, err := s.store.OutboxEmails(c.Request.Context(), outboxLimit)
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := make([]outboxJSON, 0, len(list))
	for _, e := range list {
		out = append(out, outboxJSON{ID: e.ID, From: e.From, To: e.To, Subject: e.Subject, HTML: e.HTML, Text: e.Text,
			Links: links(e.HTML), SentAt: e.CreatedAt})
	}
	c.JSON(http.StatusOK, out)
}

// devMail shows the outbox as a page: every email with its text, and a link to its HTML.
func (s *Server) devMail(c *gin.Context) {
	list, err := s.store.OutboxEmails(c.Request.Context(), outboxLimit)
	if err != nil {
		_ = c.Error(err)
		return
	}
	s.pages.render(c, http.StatusOK, "staff/dev_mail", view{Title: "Dev outbox", Data: list})
}

// devMailHTML shows one email's HTML part as the recipient's mail client would.
func (s *Server) devMailHTML(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("n"), 10, 64)
	if err != nil {
		_ = c.Error(notFound("email"))
		return
	}
	e, err := s.store.OutboxEmail(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(notFoundAs(err, "email"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(e.HTML))
}

var hrefPattern = regexp.MustCompile(`href="([^"]+)"`)

// links lists the distinct links of an email's HTML, in order.
func links(body string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, m := range hrefPattern.FindAllStringSubmatch(body, -1) {
		if u := html.UnescapeString(m[1]); !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}
