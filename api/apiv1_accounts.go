package api

import (
	"net/http"
	"net/mail"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

type accountRequest struct {
	Name       *string `json:"name"`
	ExternalID *string `json:"external_id"`
	Timezone   *string `json:"timezone"`
}

func (r accountRequest) validate() (store.Account, error) {
	a := store.Account{Timezone: "UTC"}
	if err := plainFields("name", r.Name, "external_id", r.ExternalID, "timezone", r.Timezone); err != nil {
		return a, err
	}
	if r.Name == nil || strings.TrimSpace(*r.Name) == "" {
		return a, badRequest("name: required")
	}
	a.Name = strings.TrimSpace(*r.Name)
	if len(a.Name) > 200 {
		return a, badRequest("name: at most 200 characters")
	}
	if r.ExternalID != nil && strings.TrimSpace(*r.ExternalID) != "" {
		id := strings.TrimSpace(*r.ExternalID)
		if len(id) > 200 {
			return a, badRequest("external_id: at most 200 characters")
		}
		a.ExternalID = &id
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
	if err != nil {
		_ = c.Error(conflictAs(err, "external_id: another account already has this external id"))
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
	if err := plainFields("name", r.Name, "email", r.Email); err != nil {
		return ct, err
	}
	if r.Name == nil || strings.TrimSpace(*r.Name) == "" {
		return ct, badRequest("name: required")
	}
	if r.Email == nil || strings.TrimSpace(*r.Email) == "" {
		return ct, badRequest("email: required")
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(*r.Email))
	if err != nil || addr.Address != strings.TrimSpace(*r.Email) || !strings.Contains(addr.Address, ".") {
		return ct, badRequest("email: %q is not an email address", *r.Email)
	}
	ct.Name, ct.Email = strings.TrimSpace(*r.Name), strings.ToLower(addr.Address)
	if len(ct.Name) > 200 || len(ct.Email) > 254 {
		return ct, badRequest("name or email: too long")
	}
	return ct, nil
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

// plainFields checks (name, *string) pairs: text a person typed, without control
// characters (Postgres refuses NUL, and nothing should store a bell).
func plainFields(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if v, _ := pairs[i+1].(*string); v != nil && !onboarding.PlainText(*v) {
			return badRequest("%s: must be plain text, without control characters", pairs[i])
		}
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
