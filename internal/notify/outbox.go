package notify

import (
	"context"
	"strconv"

	"github.com/onboard-oss/onboard/internal/store"
)

// Outbox keeps email in the database instead of sending it: what `onboard dev` (and any
// install without a Resend key) does, shown at /dev/mail.
type Outbox struct {
	Store *store.Store
}

// NewOutbox returns an outbox over st.
func NewOutbox(st *store.Store) *Outbox { return &Outbox{Store: st} }

// Provider implements EmailSender.
func (o *Outbox) Provider() string { return "outbox" }

// Send implements EmailSender: an email is kept once per idempotency key.
func (o *Outbox) Send(ctx context.Context, e Email) (string, error) {
	id, err := o.Store.AddOutboxEmail(ctx, store.OutboxEmail{Key: e.Key, WorkspaceID: e.WorkspaceID, From: e.From,
		To: e.To, Subject: e.Subject, HTML: e.HTML, Text: e.Text})
	if err != nil {
		return "", err
	}
	return "outbox-" + strconv.FormatInt(id, 10), nil
}
