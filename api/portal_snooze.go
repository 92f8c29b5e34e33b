package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

type snoozePage struct {
	Tasks  []string // titles
	Days   int
	Action string
	Until  string // set once snoozed
	Error  string
}

// portalSnoozePage shows what a reminder email's snooze link would put off, with a
// button: scanners open links, so only the POST acts. It needs no sign-in; the link's
// signature is the authority, for the tasks it names only.
func (s *Server) portalSnoozePage(c *gin.Context) {
	_, d, titles, err := s.snoozeLink(c)
	if err != nil {
		s.renderSnooze(c, err, snoozePage{})
		return
	}
	s.renderSnooze(c, nil, snoozePage{Tasks: titles, Days: d.Days, Action: c.Request.URL.RequestURI()})
}

// portalSnooze applies a snooze link: the same Update as the portal's button. The
// link's signature names the request, so pressing twice snoozes once.
func (s *Server) portalSnooze(c *gin.Context) {
	o, link, titles, err := s.snoozeLink(c)
	if err != nil {
		s.renderSnooze(c, err, snoozePage{})
		return
	}
	now := time.Now()
	until := now.Add(time.Duration(link.Days) * 24 * time.Hour)
	// One snooze per link and day: a double press acts once, the same link tomorrow again.
	r := onboarding.SnoozeRequest{RequestID: "snooze-link:" + c.Query("sig")[:22] + ":" + now.UTC().Format(time.DateOnly),
		Tasks: link.Tasks, Until: until, Actor: "email-link"}
	if _, err := s.engine.Snooze(c.Request.Context(), o, r); err != nil {
		s.renderSnooze(c, err, snoozePage{Tasks: titles})
		return
	}
	s.renderSnooze(c, nil, snoozePage{Tasks: titles, Days: link.Days,
		Until: until.In(accountLocation(o.AccountTimezone)).Format("Monday 2 January")})
}

// snoozeLink checks the link and reads its onboarding and the titles of its tasks.
func (s *Server) snoozeLink(c *gin.Context) (store.Onboarding, auth.Snooze, []string, error) {
	link, err := auth.ParseSnoozeLink(s.cfg.Secret, c.Request.URL.Query(), time.Now())
	if err != nil {
		return store.Onboarding{}, link, nil, err
	}
	d, err := s.store.OnboardingDetailByID(c.Request.Context(), link.OnboardingID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Onboarding{}, link, nil, auth.ErrLinkInvalid
	}
	if err != nil {
		return store.Onboarding{}, link, nil, err
	}
	var titles []string
	for _, key := range link.Tasks {
		for _, t := range d.Tasks {
			if t.Key == key {
				titles = append(titles, t.Title)
			}
		}
	}
	if len(titles) != len(link.Tasks) { // signed by us, so a plan without those tasks
		return store.Onboarding{}, link, nil, auth.ErrLinkInvalid
	}
	return d.Onboarding, link, titles, nil
}

// renderSnooze shows the page; a link problem or a refusal is said in words, an outage
// goes to the error page.
func (s *Server) renderSnooze(c *gin.Context, err error, page snoozePage) {
	status := http.StatusOK
	var refused *onboarding.TransitionError
	switch {
	case errors.Is(err, auth.ErrLinkInvalid), errors.Is(err, auth.ErrLinkExpired):
		status, page.Error = http.StatusNotFound, err.Error()+". Sign in to your portal to snooze reminders from the task's page."
	case errors.As(err, &refused):
		status, page.Error = classify(err).Status, refused.Message
	case err != nil:
		_ = c.Error(err)
		return
	}
	c.Header("Referrer-Policy", "no-referrer")
	s.pages.render(c, status, "portal/snooze", view{Title: "Remind me later", CSRF: s.formCSRF(c), Data: page})
}

// portalTaskSnooze is the task page's "Remind me in 2 days".
func (s *Server) portalTaskSnooze(c *gin.Context) {
	d, t, ok := s.contactTask(c)
	if !ok {
		return
	}
	rid, err := formText(c, "request_id", 100)
	if err != nil || len(rid) < 16 {
		s.renderTask(c, http.StatusBadRequest, d, t, "This page is out of date: reload it and try again.", "")
		return
	}
	contact := c.MustGet(ctxContact).(store.Contact)
	r := onboarding.SnoozeRequest{RequestID: "portal:" + rid, Tasks: []string{t.Key},
		Until: time.Now().Add(onboarding.SnoozeFor), Actor: "contact:" + contact.ID}
	_, err = s.engine.Snooze(c.Request.Context(), d.Onboarding, r)
	var refused *onboarding.TransitionError
	if errors.As(err, &refused) {
		s.renderTask(c, classify(err).Status, d, t, refused.Message, "")
		return
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/portal/onboardings/"+d.ID+"/tasks/"+t.Key+"?snoozed=1")
}

// canSnooze reports whether the portal offers "Remind me in 2 days" for a task: the
// customer's, open and not blocked.
func canSnooze(t store.OnboardingTask) bool {
	return t.Owner == onboarding.OwnerCustomer && !t.Status.Done() && t.Status != onboarding.TaskBlocked
}
