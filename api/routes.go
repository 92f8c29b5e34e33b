package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// routes lists every route, grouped by audience with that audience's authentication.
func (s *Server) routes(r *gin.Engine) {
	r.Use(s.recoverPanics, s.observe, s.securityHeaders, s.renderErrors, s.canonicalIDs)
	r.NoRoute(func(c *gin.Context) { _ = c.Error(notFound("page")) })
	r.NoMethod(func(c *gin.Context) {
		_ = c.Error(&Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "method not allowed here"})
	})

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", gin.WrapH(s.metrics.Handler()))
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/staff") })
	r.POST("/webhooks/resend", s.resendWebhook)
	r.GET("/static/live.js", s.liveScript)
	if s.cfg.Dev {
		dev := r.Group("/dev", s.loopbackOnly)
		dev.GET("/mail", s.devMail)
		dev.GET("/mail.json", s.devMailJSON)
		dev.GET("/mail/:n", s.devMailHTML)
	}

	portal := r.Group("/portal", s.limitBody, s.sameOrigin)
	portal.GET("/signin/:token", s.portalSigninPage)
	portal.GET("/signed-out", s.portalSignedOut)
	portal.GET("/sign-in", s.portalSignInPage)
	portal.GET("/snooze", s.portalSnoozePage)
	portal.POST("/snooze", s.limit, s.csrfForm, s.portalSnooze)
	portal.POST("/sign-in", s.limit, s.csrfForm, s.portalSendSignIn)
	portal.POST("/signin/:token", s.limit, s.csrfForm, s.portalSignin)
	signedIn := portal.Group("", s.requireContact)
	signedIn.GET("", s.portalOverview)
	signedIn.GET("/onboardings/:id/tasks/:key", s.portalTask)
	signedIn.POST("/onboardings/:id/tasks/:key/form", s.csrfSession, s.portalForm)
	signedIn.POST("/onboardings/:id/snooze/:key", s.csrfSession, s.portalTaskSnooze)
	signedIn.POST("/onboardings/:id/tasks/:key/:action", s.csrfSession, s.portalTaskAction)
	signedIn.POST("/signout", s.csrfSession, s.signout)
	signedIn.GET("/settings", s.portalSettings)
	signedIn.GET("/events", s.portalEvents)
	signedIn.POST("/signout-everywhere", s.csrfSession, s.signoutEverywhere)
	signedIn.POST("/settings", s.csrfSession, s.portalSaveSettings)
	signedIn.POST("/settings/time-zone", s.csrfSession, s.portalSaveTimeZone)

	staff := r.Group("/staff", s.limitBody, s.sameOrigin)
	staff.GET("/login", s.staffLoginPage)
	staff.POST("/login", s.limit, s.csrfForm, s.staffLogin)
	staffIn := staff.Group("", s.requireStaff)
	staffIn.GET("", s.staffOnboardings)
	staffIn.GET("/onboardings/:id", s.staffOnboarding)
	staffIn.GET("/events", s.staffEvents)
	staffIn.GET("/onboardings/:id/events", s.staffEvents)
	staffIn.GET("/onboardings/:id/contacts/:contact_id/invite", requireChanger, s.staffInvitePage)
	staffIn.POST("/onboardings/:id/contacts/:contact_id/invite", s.csrfSession, requireChanger, s.staffInvite)
	staffIn.POST("/onboardings/:id/tasks/:key/:action", s.csrfSession, requireChanger, s.staffTaskAction)
	for _, a := range onboarding.LifecycleActions {
		staffIn.POST("/onboardings/:id/"+string(a), s.csrfSession, requireChanger, s.staffLifecycle(a))
	}
	staffIn.POST("/onboardings/:id/target-go-live", s.csrfSession, requireChanger, s.staffReschedule)
	staffIn.POST("/onboardings/:id/due-date/:key", s.csrfSession, requireChanger, s.staffReschedule)
	staffIn.POST("/onboardings/:id/assign/:key", s.csrfSession, requireChanger, s.staffAssignTask)
	staffIn.GET("/accounts", s.staffAccounts)
	staffIn.POST("/accounts", s.csrfSession, requireChanger, s.staffCreateAccount)
	staffIn.GET("/accounts/:id", s.staffAccount)
	staffIn.POST("/accounts/:id", s.csrfSession, requireChanger, s.staffUpdateAccount)
	staffIn.POST("/accounts/:id/archive", s.csrfSession, requireChanger, s.staffArchiveAccount(true))
	staffIn.POST("/accounts/:id/restore", s.csrfSession, requireChanger, s.staffArchiveAccount(false))
	staffIn.POST("/accounts/:id/contacts", s.csrfSession, requireChanger, s.staffSaveContact)
	staffIn.POST("/accounts/:id/contacts/:contact_id", s.csrfSession, requireChanger, s.staffSaveContact)
	staffIn.POST("/accounts/:id/contacts/:contact_id/archive", s.csrfSession, requireChanger, s.staffArchiveContact(true))
	staffIn.POST("/accounts/:id/contacts/:contact_id/restore", s.csrfSession, requireChanger, s.staffArchiveContact(false))
	staffIn.GET("/onboardings/new", s.staffNewOnboarding)
	staffIn.POST("/onboardings/preview", s.csrfSession, s.staffNewOnboarding)
	staffIn.POST("/onboardings", s.csrfSession, requireChanger, s.staffStartOnboarding)
	staffIn.GET("/settings", s.staffSettings)
	staffIn.POST("/settings", s.csrfSession, requireAdmin, s.staffSaveSettings)
	staffIn.POST("/signout", s.csrfSession, s.signout)
	staffIn.POST("/signout-everywhere", s.csrfSession, s.signoutEverywhere)

	v1 := r.Group("/api/v1", s.limitBody, s.requireAPIKey, s.idempotent)
	v1.POST("/accounts", s.apiCreateAccount)
	v1.GET("/accounts", s.apiAccounts)
	v1.GET("/accounts/:id", s.apiAccount)
	v1.PATCH("/accounts/:id", s.apiPatchAccount)
	v1.POST("/accounts/:id/archive", s.apiArchiveAccount(true))
	v1.POST("/accounts/:id/restore", s.apiArchiveAccount(false))
	v1.GET("/accounts/:id/contacts", s.apiAccountContacts)
	v1.POST("/accounts/:id/contacts", s.apiCreateContact)
	v1.GET("/contacts/:id", s.apiContact)
	v1.PATCH("/contacts/:id", s.apiPatchContact)
	v1.POST("/contacts/:id/archive", s.apiArchiveContact(true))
	v1.POST("/contacts/:id/restore", s.apiArchiveContact(false))
	v1.POST("/contacts/:id/invite", s.apiInviteContact)
	v1.GET("/plans", s.apiPlans)
	v1.GET("/workspace", s.apiWorkspace)
	v1.PATCH("/workspace", s.apiPatchWorkspace)
	v1.GET("/workspace/holidays", s.apiHolidays)
	v1.PUT("/workspace/holidays", s.apiSetHolidays)
	v1.POST("/onboardings", s.apiCreateOnboarding)
	v1.GET("/onboardings", s.apiOnboardings)
	v1.GET("/onboardings/:id", s.apiOnboarding)
	v1.PATCH("/onboardings/:id", s.apiPatchOnboarding)
	v1.PATCH("/onboardings/:id/tasks/:key", s.apiPatchTask)
	v1.POST("/onboardings/:id/tasks/:key/:action", s.apiTaskAction)
	for _, a := range onboarding.LifecycleActions {
		v1.POST("/onboardings/:id/"+string(a), s.apiLifecycle(a))
	}
}
