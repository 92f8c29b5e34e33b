package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/store"
)

// maxWebhookBytes caps a webhook body; Resend's are a few kilobytes.
const maxWebhookBytes = 256 << 10

// resendWebhook takes Resend's delivery events. A bounce that is not transient (a full
// mailbox will take mail again) or a complaint marks the address of the contacts it was
// sent to, which stops further email to it, and tells their CSM. The signature is checked
// first; a replayed delivery (the same svix-id) changes nothing.
func (s *Server) resendWebhook(c *gin.Context) {
	if s.cfg.ResendWebhookSecret == "" {
		_ = c.Error(notFound("page"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxWebhookBytes))
	if err != nil {
		_ = c.Error(err)
		return
	}
	ev, err := notify.VerifyResendWebhook(s.cfg.ResendWebhookSecret, c.Request.Header, body)
	if err != nil {
		s.log.Warn("resend webhook refused", "error", err)
		_ = c.Error(&Error{Status: http.StatusUnauthorized, Code: "bad_signature", Message: "the webhook signature does not verify"})
		return
	}
	ctx := c.Request.Context()
	seen, err := s.store.WebhookDeliverySeen(ctx, "resend", ev.ID)
	if err != nil || seen {
		if err == nil {
			c.JSON(http.StatusOK, gin.H{"status": "ok", "replayed": true})
		} else {
			_ = c.Error(err)
		}
		return
	}
	// Act first, record after: a failure answers 5xx so Resend delivers again, and both
	// steps are idempotent should two deliveries of one event race.
	if ev.Type == notify.EventComplained || (ev.Type == notify.EventBounced && ev.Bounce != "Transient") {
		if err := s.stopEmailTo(c, ev); err != nil {
			_ = c.Error(err)
			return
		}
	}
	if _, err := s.store.RecordWebhookDelivery(ctx, "resend", ev.ID); err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "replayed": false})
}

// stopEmailTo marks the addresses of a bounced or complained email and tells the CSM of
// each contact concerned. Both steps are idempotent, so a replayed delivery repeats nothing.
func (s *Server) stopEmailTo(c *gin.Context, ev notify.DeliveryEvent) error {
	ctx := c.Request.Context()
	n, err := s.store.NotificationByProviderID(ctx, "resend", ev.EmailID)
	if errors.Is(err, store.ErrNotFound) {
		s.log.Warn("resend webhook for an email we did not send", "email_id", ev.EmailID, "type", ev.Type)
		return nil
	}
	if err != nil {
		return err
	}
	status, what := store.EmailBounced, "bounced"
	if ev.Type == notify.EventComplained {
		status, what = store.EmailComplained, "was marked as spam"
	}
	for _, addr := range ev.To {
		contacts, err := s.store.SetContactEmailStatus(ctx, n.WorkspaceID, addr, status)
		if err != nil {
			return err
		}
		for _, ct := range contacts {
			in := activities.NotifyInput{Key: "email-" + status + ":" + ev.EmailID + ":" + ct.ID, Kind: notify.KindEscalation,
				WorkspaceID: n.WorkspaceID, ContactID: ct.ID,
				Reason: "email to " + ct.Name + " <" + ct.Email + "> " + what + ", so no more email goes to that address until it is corrected"}
			if err := s.engine.Notify(ctx, in); err != nil {
				return err
			}
		}
	}
	return nil
}
