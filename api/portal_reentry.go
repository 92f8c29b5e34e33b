package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/notify"
)

type reentryPage struct {
	Email string
	Sent  bool
	Error string
}

// portalSignInPage asks for a work email to send a sign-in link to.
func (s *Server) portalSignInPage(c *gin.Context) {
	s.pages.render(c, http.StatusOK, "portal/sign_in", view{Title: "Sign in", CSRF: s.formCSRF(c), Data: reentryPage{}})
}

// portalSendSignIn emails a short-lived sign-in link to every contact with the address.
// The page answers the same whether or not the address is known, and the links go out
// in the background, so neither the words nor the time taken tell who is a customer.
// Attempts are limited per client (the route's limit) and per address.
func (s *Server) portalSendSignIn(c *gin.Context) {
	email, err := formText(c, "email", input.MaxEmailLength)
	if err == nil {
		email, err = input.Email("email", email)
	}
	if err != nil {
		s.pages.render(c, http.StatusBadRequest, "portal/sign_in", view{Title: "Sign in", CSRF: s.formCSRF(c),
			Data: reentryPage{Error: "Enter the work email address your invitation went to."}})
		return
	}
	if !s.addressLimiter.allow(email) {
		c.Header("Retry-After", "60")
		s.pages.render(c, http.StatusTooManyRequests, "portal/sign_in", view{Title: "Sign in", CSRF: s.formCSRF(c),
			Data: reentryPage{Email: email, Error: "Several links went to this address just now. Use the newest one, or try again in a few minutes."}})
		return
	}
	go s.sendSignInLinks(context.WithoutCancel(c.Request.Context()), email)
	s.pages.render(c, http.StatusOK, "portal/sign_in", view{Title: "Check your email", CSRF: s.formCSRF(c),
		Data: reentryPage{Email: email, Sent: true}})
}

func (s *Server) sendSignInLinks(ctx context.Context, email string) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	contacts, err := s.store.ContactsByEmail(ctx, email)
	if err != nil {
		s.log.Error("looking up a sign-in address", "error", err)
		return
	}
	for _, ct := range contacts {
		in := activities.NotifyInput{Key: "signin:" + ct.ID + ":" + uuid.NewString(), Kind: notify.KindSignIn,
			WorkspaceID: ct.WorkspaceID, ContactID: ct.ID}
		if err := s.engine.Notify(ctx, in); err != nil {
			s.log.Error("sending a sign-in link", "contact_id", ct.ID, "error", err)
		}
	}
}
