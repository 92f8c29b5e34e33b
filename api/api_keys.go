package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/store"
)

// maxAPIKeyName bounds a key's name ("CRM sync").
const maxAPIKeyName = 100

// createAPIKey makes a named key for the workspace and returns it with the secret,
// which is stored only as a hash: one path for the API and the page.
func (s *Server) createAPIKey(ctx context.Context, workspaceID, name string) (store.APIKey, string, error) {
	name, err := required("name", &name, maxAPIKeyName)
	if err != nil {
		return store.APIKey{}, "", err
	}
	secret, prefix := auth.NewAPIKey()
	k, err := s.store.CreateAPIKey(ctx, store.APIKey{WorkspaceID: workspaceID, Name: name, Prefix: prefix, Hash: auth.Hash(secret)})
	return k, secret, err
}

func (s *Server) apiKeys(c *gin.Context) {
	list, err := s.store.APIKeys(c.Request.Context(), workspaceID(c))
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, orEmpty(list))
}

// apiCreateKey answers 201 with the new key, whose "key" is shown this once.
func (s *Server) apiCreateKey(c *gin.Context) {
	var body struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(c, &body); err != nil {
		_ = c.Error(err)
		return
	}
	k, secret, err := s.createAPIKey(c.Request.Context(), workspaceID(c), body.Name)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": k.ID, "name": k.Name, "prefix": k.Prefix, "created_at": k.CreatedAt, "key": secret})
}

// apiRevokeKey revokes a key (the one making the request too, if asked).
func (s *Server) apiRevokeKey(c *gin.Context) {
	k, err := s.store.RevokeAPIKey(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "API key"))
		return
	}
	c.JSON(http.StatusOK, k)
}

// apiKeysPage is the staff page of the workspace's API keys.
type apiKeysPage struct {
	Keys    []store.APIKey
	CanEdit bool
	Form    *formState
	// Created is the key just made and its secret, shown this once.
	Created *store.APIKey
	Secret  string
	Notice  string
}

func (s *Server) staffAPIKeys(c *gin.Context) {
	notice := ""
	if c.Query("done") == "revoked" {
		notice = "Revoked: requests with that key are refused from now on."
	}
	s.renderAPIKeys(c, http.StatusOK, apiKeysPage{Notice: notice})
}

func (s *Server) renderAPIKeys(c *gin.Context, status int, p apiKeysPage) {
	var err error
	if p.Keys, err = s.store.APIKeys(c.Request.Context(), workspaceID(c)); err != nil {
		_ = c.Error(err)
		return
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	p.CanEdit = u.CanAdminister()
	if p.Form == nil {
		p.Form = &formState{Name: "api-key", Values: map[string]string{}}
	}
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, status, "staff/api_keys", view{Title: "API keys", CSRF: se.CSRFToken, User: u.Name, Data: p})
}

// staffCreateAPIKey makes a key from the form and shows it once.
func (s *Server) staffCreateAPIKey(c *gin.Context) {
	form := readForm(c, "api-key", "name")
	name, err := input.Text("name", form.Value("name"))
	var k store.APIKey
	var secret string
	if err == nil {
		k, secret, err = s.createAPIKey(c.Request.Context(), workspaceID(c), name)
	}
	if refused, err := form.refused(err); refused {
		s.renderAPIKeys(c, http.StatusBadRequest, apiKeysPage{Form: form})
		return
	} else if err != nil {
		_ = c.Error(err)
		return
	}
	s.renderAPIKeys(c, http.StatusCreated, apiKeysPage{Created: &k, Secret: secret})
}

func (s *Server) staffRevokeAPIKey(c *gin.Context) {
	if _, err := s.store.RevokeAPIKey(c.Request.Context(), workspaceID(c), c.Param("id")); err != nil {
		_ = c.Error(notFoundAs(err, "API key"))
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/settings/api-keys?done=revoked")
}
