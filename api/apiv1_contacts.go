package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/store"
)

// apiInviteContact emails a contact an invite whose button signs them in to the portal.
// It answers 202 once the invite is durably on its way; a new invite replaces the
// contact's earlier invite links. The same Idempotency-Key sends one invite.
func (s *Server) apiInviteContact(c *gin.Context) {
	ct, err := s.store.Contact(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "contact"))
		return
	}
	if err := s.invitable(c.Request.Context(), ct); err != nil {
		_ = c.Error(err)
		return
	}
	key, err := idempotencyKey(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	// The invite is named by the client's key, so a retry sends it once; without a key,
	// every request is a new invite.
	if key == "" {
		key = uuid.NewString()
	} else {
		key = keyDigest(key)
	}
	in := activities.NotifyInput{Key: "invite:" + ct.ID + ":" + key, Kind: notify.KindInvite, WorkspaceID: ct.WorkspaceID, ContactID: ct.ID}
	if err := s.engine.Notify(c.Request.Context(), in); err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"status": "queued", "contact_id": ct.ID, "email": ct.Email,
		"message": "the invite is on its way to " + ct.Email})
}

// apiCreateContact adds a contact to an account.
func (s *Server) apiCreateContact(c *gin.Context) {
	account, err := s.store.Account(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "account"))
		return
	}
	var in contactInput
	if err := decodeJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	ct, err := checkContact(account, in)
	if err != nil {
		_ = c.Error(err)
		return
	}
	created, err := s.store.CreateContact(c.Request.Context(), ct)
	if err != nil {
		_ = c.Error(conflictAs(err, "email: this account already has a contact with this email"))
		return
	}
	c.JSON(http.StatusCreated, created)
}

// apiAccountContacts lists all an account's contacts by name, the archived last.
func (s *Server) apiAccountContacts(c *gin.Context) {
	account, err := s.store.Account(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "account"))
		return
	}
	list, err := s.store.AllContacts(c.Request.Context(), account.WorkspaceID, account.ID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, orEmpty(list))
}

func (s *Server) apiContact(c *gin.Context) {
	ct, err := s.store.Contact(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "contact"))
		return
	}
	c.JSON(http.StatusOK, ct)
}

// apiPatchContact changes a contact's name or email (a new address is deliverable again
// until it bounces).
func (s *Server) apiPatchContact(c *gin.Context) {
	ctx := c.Request.Context()
	ct, err := s.store.Contact(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "contact"))
		return
	}
	zone := ct.Timezone // a copy: decoding writes through the pointer
	in := contactInput{Name: ct.Name, Email: ct.Email, Timezone: &zone}
	if err := decodeJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	updated, err := s.updateContact(ctx, ct, in, c.GetString(ctxActor))
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, updated)
}

// updateContact checks and writes a contact's new name, email and time zone; the
// reminders of their assigned tasks follow a new time zone. actor is who changed it.
func (s *Server) updateContact(ctx context.Context, ct store.Contact, in contactInput, actor string) (store.Contact, error) {
	account, err := s.store.Account(ctx, ct.WorkspaceID, ct.AccountID)
	if err != nil {
		return ct, err
	}
	changed, err := checkContact(account, in)
	if err != nil {
		return ct, err
	}
	changed.ID = ct.ID
	updated, err := s.store.UpdateContact(ctx, changed)
	if err != nil {
		return ct, conflictAs(notFoundAs(err, "contact"), "email: this account already has a contact with this email")
	}
	if updated.Timezone != ct.Timezone {
		s.followContactTimeZone(ctx, updated, actor)
	}
	return updated, nil
}

// apiArchiveContact archives a contact (signed out everywhere, no more email) or restores them.
func (s *Server) apiArchiveContact(archive bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ct, err := s.store.SetContactArchived(c.Request.Context(), workspaceID(c), c.Param("id"), archive)
		if err != nil {
			_ = c.Error(notFoundAs(err, "contact"))
			return
		}
		c.JSON(http.StatusOK, ct)
	}
}
