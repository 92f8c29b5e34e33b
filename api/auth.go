package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/store"
)

const (
	// The portal and the dashboard keep their sessions in cookies of their own, so a
	// person signed in to both in one browser (a CSM trying the customer's view) stays
	// signed in to both.
	portalCookie = "onboard_portal"
	staffCookie  = "onboard_staff"
	csrfCookie   = "onboard_csrf"
	csrfField    = "csrf_token"
	// A session ends 14 days after sign-in, or sooner when unused: a customer comes back
	// weekly, a vendor's dashboard is not left open overnight on a shared machine.
	sessionTTL  = 14 * 24 * time.Hour
	contactIdle = 7 * 24 * time.Hour
	staffIdle   = 12 * time.Hour
)

// Context keys set by the authentication middleware.
const (
	ctxWorkspace = "workspace_id"
	ctxActor     = "actor"
	ctxSession   = "session"
	ctxContact   = "contact"
	// ctxBrand is the workspace's branding for the portal's pages (a *brand).
	ctxBrand = "brand"
	ctxStaff = "staff"
)

// requireAPIKey authenticates /api/v1 with a bearer API key and scopes the request
// to the key's workspace.
func (s *Server) requireAPIKey(c *gin.Context) {
	token, ok := auth.ParseBearer(c.GetHeader("Authorization"))
	if !ok {
		abort(c, errUnauthorized)
		return
	}
	key, err := s.store.APIKeyByHash(c.Request.Context(), auth.Hash(token))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = errUnauthorized
		}
		abort(c, err)
		return
	}
	c.Set(ctxWorkspace, key.WorkspaceID)
	c.Set(ctxActor, "api-key:"+key.ID)
	c.Next()
}

// session loads the signed-in session from its cookie: false without a valid one, and an
// error when the database cannot say (an outage is not a sign-out).
func (s *Server) session(c *gin.Context) (store.Session, bool, error) {
	raw, err := c.Cookie(sessionCookieOf(c))
	if err != nil || raw == "" {
		return store.Session{}, false, nil
	}
	se, err := s.store.Session(c.Request.Context(), auth.Hash(raw), contactIdle)
	if errors.Is(err, store.ErrNotFound) {
		return se, false, nil
	}
	if err == nil && se.StaffUserID != nil && time.Since(se.LastSeenAt) > staffIdle {
		_ = s.store.DeleteSession(c.Request.Context(), se.IDHash)
		return se, false, nil
	}
	return se, err == nil, err
}

// requireContact admits a signed-in customer contact.
func (s *Server) requireContact(c *gin.Context) {
	se, ok, err := s.session(c)
	if err != nil {
		abort(c, err)
		return
	}
	if !ok || se.ContactID == nil {
		c.Redirect(http.StatusSeeOther, "/portal/signed-out")
		c.Abort()
		return
	}
	contact, err := s.store.Contact(c.Request.Context(), se.WorkspaceID, *se.ContactID)
	if err != nil {
		abort(c, err)
		return
	}
	ws, err := s.store.Workspace(c.Request.Context(), se.WorkspaceID)
	if err != nil {
		abort(c, err)
		return
	}
	c.Set(ctxBrand, brandOf(ws))
	c.Set(ctxSession, se)
	c.Set(ctxContact, contact)
	c.Set(ctxWorkspace, se.WorkspaceID)
	c.Set(ctxActor, "contact:"+contact.ID)
	c.Next()
}

// requireStaff admits a signed-in staff user.
func (s *Server) requireStaff(c *gin.Context) {
	se, ok, err := s.session(c)
	if err != nil {
		abort(c, err)
		return
	}
	if !ok || se.StaffUserID == nil {
		c.Redirect(http.StatusSeeOther, "/staff/login")
		c.Abort()
		return
	}
	u, err := s.store.StaffUser(c.Request.Context(), se.WorkspaceID, *se.StaffUserID)
	if err != nil {
		abort(c, err)
		return
	}
	c.Set(ctxSession, se)
	c.Set(ctxStaff, u)
	c.Set(ctxWorkspace, u.WorkspaceID)
	c.Set(ctxActor, "staff:"+u.ID)
	c.Next()
}

// startSession signs a browser in as a contact or a staff user.
func (s *Server) startSession(c *gin.Context, se store.Session) error {
	token := auth.NewToken()
	se.IDHash = auth.Hash(token)
	se.CSRFToken = auth.NewToken()
	se.ExpiresAt = time.Now().Add(sessionTTL)
	if err := s.store.CreateSession(c.Request.Context(), se); err != nil {
		return err
	}
	name := portalCookie
	if se.StaffUserID != nil {
		name = staffCookie
	}
	s.setCookie(c, name, token, int(sessionTTL.Seconds()))
	return nil
}

// sessionCookieOf is the session cookie of the part of the app a request is for.
func sessionCookieOf(c *gin.Context) string {
	if strings.HasPrefix(c.Request.URL.Path, "/staff") {
		return staffCookie
	}
	return portalCookie
}

// signoutEverywhere ends every session of the signed-in contact or staff user, on every
// device, this one included.
func (s *Server) signoutEverywhere(c *gin.Context) {
	se := c.MustGet(ctxSession).(store.Session)
	contact, staff := "", ""
	if se.ContactID != nil {
		contact = *se.ContactID
	}
	if se.StaffUserID != nil {
		staff = *se.StaffUserID
	}
	if _, err := s.store.DeleteSessionsOf(c.Request.Context(), se.WorkspaceID, contact, staff); err != nil {
		_ = c.Error(err)
		return
	}
	s.setCookie(c, sessionCookieOf(c), "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) signout(c *gin.Context) {
	if raw, err := c.Cookie(sessionCookieOf(c)); err == nil {
		_ = s.store.DeleteSession(c.Request.Context(), auth.Hash(raw))
	}
	s.setCookie(c, sessionCookieOf(c), "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int) {
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(name, value, maxAge, "/", "", s.cfg.SecureCookies, true)
}

// minPreSessionID is the shortest pre-session id accepted: what auth.NewToken makes.
const minPreSessionID = 43

// formCSRF returns the token for a form shown before sign-in. The browser holds a random
// pre-session id in a cookie; the form's token is derived from that id and the server
// secret, so an attacker who can plant a cookie still cannot make a matching token.
func (s *Server) formCSRF(c *gin.Context) string {
	id, err := c.Cookie(csrfCookie)
	if err != nil || len(id) < minPreSessionID {
		id = auth.NewToken()
		s.setCookie(c, csrfCookie, id, 3600)
	}
	return auth.DeriveToken(s.cfg.Secret, "csrf:"+id)
}

var errCSRF = &Error{Status: http.StatusForbidden, Code: "csrf", Message: "this form has expired; go back, reload the page and try again"}

// csrfForm checks a pre-sign-in form post: its token must be the one derived from the
// browser's pre-session id.
func (s *Server) csrfForm(c *gin.Context) {
	id, err := c.Cookie(csrfCookie)
	if err != nil || len(id) < minPreSessionID || !auth.Equal(auth.DeriveToken(s.cfg.Secret, "csrf:"+id), c.PostForm(csrfField)) {
		abort(c, errCSRF)
		return
	}
	c.Next()
}

// sameOrigin refuses a cross-origin form post before anything else looks at it, from the
// browser's Sec-Fetch-Site and Origin headers (net/http.CrossOriginProtection): the
// standard library's defence, in front of the per-form tokens.
func (s *Server) sameOrigin(c *gin.Context) {
	if err := s.crossOrigin.Check(c.Request); err != nil {
		abort(c, &Error{Status: http.StatusForbidden, Code: "csrf", Message: "cross-origin form posts are refused: " + err.Error()})
		return
	}
	c.Next()
}

// csrfSession checks a signed-in form post against the session's token.
func (s *Server) csrfSession(c *gin.Context) {
	se, ok := c.Get(ctxSession)
	if !ok || !auth.Equal(se.(store.Session).CSRFToken, c.PostForm(csrfField)) {
		abort(c, errCSRF)
		return
	}
	c.Next()
}

func abort(c *gin.Context, err error) {
	_ = c.Error(err)
	c.Abort()
}

func workspaceID(c *gin.Context) string { return c.GetString(ctxWorkspace) }
