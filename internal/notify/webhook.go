package notify

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/resend/resend-go/v2"
)

// DeliveryEvent is what a Resend delivery webhook says about an email.
type DeliveryEvent struct {
	// ID is the delivery's id (the svix-id header): a replayed delivery has the same one.
	ID      string
	Type    string // "email.bounced", "email.complained", ...
	EmailID string // the id Resend gave the email when it was sent
	To      []string
	// Bounce says what kind of bounce, when Resend says: "Permanent", "Transient", ...
	Bounce string
}

// Bounced and Complained are the delivery events that stop email to an address.
const (
	EventBounced    = resend.EventEmailBounced
	EventComplained = resend.EventEmailComplained
)

// VerifyResendWebhook checks a delivery webhook's signature (Resend signs with Svix: the
// svix-id, svix-timestamp and svix-signature headers, an HMAC of them and the raw body,
// and a timestamp at most five minutes old) and parses it.
func VerifyResendWebhook(secret string, h http.Header, body []byte) (DeliveryEvent, error) {
	c := resend.NewClient("")
	err := c.Webhooks.Verify(&resend.VerifyWebhookOptions{Payload: string(body), WebhookSecret: secret,
		Headers: resend.WebhookHeaders{Id: h.Get("svix-id"), Timestamp: h.Get("svix-timestamp"), Signature: h.Get("svix-signature")}})
	if err != nil {
		return DeliveryEvent{}, fmt.Errorf("notify: webhook signature: %w", err)
	}
	var doc struct {
		Type string `json:"type"`
		Data struct {
			EmailID string          `json:"email_id"`
			To      json.RawMessage `json:"to"`
			Bounce  struct {
				Type string `json:"type"`
			} `json:"bounce"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return DeliveryEvent{}, fmt.Errorf("notify: webhook body: %w", err)
	}
	ev := DeliveryEvent{ID: h.Get("svix-id"), Type: doc.Type, EmailID: doc.Data.EmailID, Bounce: doc.Data.Bounce.Type}
	// "to" is a list of addresses; be lenient with a single string.
	if err := json.Unmarshal(doc.Data.To, &ev.To); err != nil {
		var one string
		if json.Unmarshal(doc.Data.To, &one) == nil && one != "" {
			ev.To = []string{one}
		}
	}
	return ev, nil
}
