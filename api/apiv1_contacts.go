package api

import (
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
	if ct.EmailStatus != store.EmailOK {
		_ = c.Error(&Error{Status: http.StatusConflict, Code: "email_undeliverable",
			Message: "email to " + ct.Email + " " + ct.EmailStatus + "; correct the address before inviting"})
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
