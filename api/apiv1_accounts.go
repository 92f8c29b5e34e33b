package api

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/store"
)

// apiCreateAccount creates an account. A repeated external_id answers 200 with the
// account that has it, unchanged: a CRM sending the same deal twice creates one account.
func (s *Server) apiCreateAccount(c *gin.Context) {
	in := accountInput{}
	if err := decodeJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	a, err := s.checkAccount(c.Request.Context(), workspaceID(c), in)
	if err != nil {
		_ = c.Error(err)
		return
	}
	created, err := s.store.CreateAccount(c.Request.Context(), a)
	if errors.Is(err, store.ErrConflict) && a.ExternalID != nil {
		existing, err := s.store.AccountByExternalID(c.Request.Context(), a.WorkspaceID, *a.ExternalID)
		if err != nil {
			_ = c.Error(err)
			return
		}
		c.JSON(http.StatusOK, existing)
		return
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusCreated, created)
}

// accountJSON is an account with its contacts (those not archived).
type accountJSON struct {
	store.Account
	Contacts []store.Contact `json:"contacts"`
}

func (s *Server) apiAccount(c *gin.Context) {
	a, err := s.store.Account(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "account"))
		return
	}
	contacts, err := s.store.Contacts(c.Request.Context(), workspaceID(c), a.ID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, accountJSON{Account: a, Contacts: orEmpty(contacts)})
}

// apiAccounts lists the workspace's accounts, newest first, paged: ?q= matches a part of
// the name or external id, ?archived=true lists the archived ones.
func (s *Server) apiAccounts(c *gin.Context) {
	p, err := readPage(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	f := store.AccountFilter{After: p.after, Limit: p.limit + 1}
	if f.Query, err = input.Text("q", c.Query("q")); err == nil {
		err = maxLength("q", f.Query, maxName)
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	switch c.Query("archived") {
	case "", "false":
	case "true":
		f.Archived = true
	default:
		_ = c.Error(badRequest("archived: want true or false"))
		return
	}
	list, err := s.store.ListAccounts(c.Request.Context(), workspaceID(c), f)
	if err != nil {
		_ = c.Error(err)
		return
	}
	if len(list) > p.limit {
		p.next(c, len(list), store.CursorOfAccount(list[p.limit-1]))
		list = list[:p.limit]
	}
	c.JSON(http.StatusOK, orEmpty(list))
}

// apiPatchAccount changes the fields given; the rest stay.
func (s *Server) apiPatchAccount(c *gin.Context) {
	ctx := c.Request.Context()
	a, err := s.store.Account(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "account"))
		return
	}
	in := inputOfAccount(a)
	if err := decodeJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	changed, err := s.checkAccount(ctx, a.WorkspaceID, in)
	if err != nil {
		_ = c.Error(err)
		return
	}
	changed.ID = a.ID
	updated, err := s.store.UpdateAccount(ctx, changed)
	if err != nil {
		_ = c.Error(conflictAs(notFoundAs(err, "account"), "external_id: another account has this external id"))
		return
	}
	c.JSON(http.StatusOK, updated)
}

// apiArchiveAccount archives (archive) or restores an account; repeating either is harmless.
func (s *Server) apiArchiveAccount(archive bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, err := s.store.SetAccountArchived(c.Request.Context(), workspaceID(c), c.Param("id"), archive)
		if err != nil {
			_ = c.Error(notFoundAs(err, "account"))
			return
		}
		c.JSON(http.StatusOK, a)
	}
}

// required returns a text field that must be given and not blank, at most max characters.
// (decodeJSON has already cleaned it: see input.Text.)
func required(field string, v *string, max int) (string, error) {
	if v == nil || *v == "" {
		return "", input.Refuse(field, "required")
	}
	return *v, maxLength(field, *v, max)
}

func maxLength(field, v string, max int) error {
	if utf8.RuneCountInString(v) > max {
		return input.Refuse(field, "at most %d characters", max)
	}
	return nil
}

// notFoundAs names what was not found.
func notFoundAs(err error, what string) error {
	if e := classify(err); e.Status == http.StatusNotFound {
		return notFound(what)
	}
	return err
}

// conflictAs explains a uniqueness conflict in the client's terms.
func conflictAs(err error, message string) error {
	if e := classify(err); e.Status == http.StatusConflict {
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: message}
	}
	return err
}

func orEmpty[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}
