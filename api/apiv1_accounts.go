package api

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

type accountRequest struct {
	Name       *string `json:"name"`
	ExternalID *string `json:"external_id"`
	Timezone   *string `json:"timezone"`
}

// maxName is the longest name (of an account, a contact) in characters.
const maxName = 200

func (r accountRequest) validate() (store.Account, error) {
	a := store.Account{Timezone: "UTC"}
	var err error
	if a.Name, err = required("name", r.Name, maxName); err != nil {
		return a, err
	}
	if r.ExternalID != nil && *r.ExternalID != "" {
		if err := maxLength("external_id", *r.ExternalID, maxName); err != nil {
			return a, err
		}
		a.ExternalID = r.ExternalID
	}
	if r.Timezone != nil && *r.Timezone != "" {
		if _, err := onboarding.Location(*r.Timezone); err != nil {
			return a, err
		}
		a.Timezone = *r.Timezone
	}
	return a, nil
}

func (s *Server) apiCreateAccount(c *gin.Context) {
	var req accountRequest
	if err := decodeJSON(c, &req); err != nil {
		_ = c.Error(err)
		return
	}
	a, err := req.validate()
	if err != nil {
		_ = c.Error(err)
		return
	}
	a.WorkspaceID = workspaceID(c)
	created, err := s.store.CreateAccount(c.Request.Context(), a)
	if errors.Is(err, store.ErrConflict) && a.ExternalID != nil {
		// The account is in already (a CRM sync repeating itself): answer it, unchanged.
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
	c.JSON(http.StatusOK, gin.H{"id": a.ID, "workspace_id": a.WorkspaceID, "name": a.Name, "external_id": a.ExternalID,
		"timezone": a.Timezone, "created_at": a.CreatedAt, "contacts": orEmpty(contacts)})
}

type contactRequest struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
}

func (r contactRequest) validate() (store.Contact, error) {
	var ct store.Contact
	var err error
	if ct.Name, err = required("name", r.Name, maxName); err != nil {
		return ct, err
	}
	email, err := required("email", r.Email, input.MaxEmailLength)
	if err != nil {
		return ct, err
	}
	ct.Email, err = input.Email("email", email)
	return ct, err
}

func (s *Server) apiCreateContact(c *gin.Context) {
	account, err := s.store.Account(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "account"))
		return
	}
	var req contactRequest
	if err := decodeJSON(c, &req); err != nil {
		_ = c.Error(err)
		return
	}
	ct, err := req.validate()
	if err != nil {
		_ = c.Error(err)
		return
	}
	ct.WorkspaceID, ct.AccountID = account.WorkspaceID, account.ID
	created, err := s.store.CreateContact(c.Request.Context(), ct)
	if err != nil {
		_ = c.Error(conflictAs(err, "email: this account already has a contact with this email"))
		return
	}
	c.JSON(http.StatusCreated, created)
}

// required returns a text field that must be given and not blank, at most max characters.
// (decodeJSON has already cleaned it: see input.Text.)
func required(field string, v *string, max int) (string, error) {
	if v == nil || *v == "" {
		return "", badRequest("%s: required", field)
	}
	return *v, maxLength(field, *v, max)
}

func maxLength(field, v string, max int) error {
	if utf8.RuneCountInString(v) > max {
		return badRequest("%s: at most %d characters", field, max)
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
