package api

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

type portalOverview struct {
	Contact     store.Contact
	Onboardings []portalOnboarding
	// Loc is the account's time zone: due days are shown as the customer's calendar has them.
	Loc *time.Location
	// CSM is the account's customer success manager, when it has one: "your success team".
	CSM *store.StaffUser
	// Preview is set when staff look at the page as the contact sees it (Customer view):
	// nothing on it acts, and it says so.
	Preview *customerPreview
}

// customerPreview is the banner of a Customer view: whose view it is, and the way back.
type customerPreview struct {
	Back string
}

type portalOnboarding struct {
	Onboarding store.Onboarding
	Paused     bool
	Phases     []phaseView
	NextSteps  []store.OnboardingTask
}

// phaseView is a phase with the tasks a page shows under it.
type phaseView struct {
	Phase store.OnboardingPhase
	Tasks []store.OnboardingTask
}

// portalOverview shows a contact their account's onboardings: progress, phases, the
// tasks they can see and what is theirs to do next.
func (s *Server) portalOverview(c *gin.Context) {
	contact := c.MustGet(ctxContact).(store.Contact)
	data, err := s.overviewOf(c, contact)
	if err != nil {
		_ = c.Error(err)
		return
	}
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, http.StatusOK, "portal/overview", view{Title: "Your onboarding", CSRF: se.CSRFToken, User: contact.Name,
		Data: data, Live: "/portal/events"})
}

// overviewOf is what the portal's overview shows a contact: the one builder of the page
// the contact sees and of the staff's Customer view of it.
func (s *Server) overviewOf(c *gin.Context, contact store.Contact) (portalOverview, error) {
	ctx := c.Request.Context()
	list, err := s.store.OnboardingsForAccount(ctx, contact.WorkspaceID, contact.AccountID)
	if err != nil {
		return portalOverview{}, err
	}
	// The onboardings still under way come first, newest first among them; finished and
	// cancelled ones follow.
	slices.SortStableFunc(list, func(a, b store.Onboarding) int {
		return cmp.Compare(boolInt(a.Status.Closed()), boolInt(b.Status.Closed()))
	})
	details, err := s.store.OnboardingDetails(ctx, list)
	if err != nil {
		return portalOverview{}, err
	}
	data := portalOverview{Contact: contact, Loc: time.UTC}
	if data.CSM, err = s.accountCSM(c, contact); err != nil {
		return portalOverview{}, err
	}
	for _, d := range details {
		data.Loc = accountLocation(d.AccountTimezone)
		data.Onboardings = append(data.Onboardings, portalOnboarding{Onboarding: d.Onboarding, Paused: d.Status == onboarding.StatusPaused,
			Phases: phaseViews(d, func(t store.OnboardingTask) bool { return t.CustomerVisible }),
			NextSteps: d.TasksWhere(func(t store.OnboardingTask) bool {
				return t.NextStep && t.Owner == onboarding.OwnerCustomer
			})})
	}
	return data, nil
}

// accountCSM is the contact's account's CSM, or nil when it has none.
func (s *Server) accountCSM(c *gin.Context, contact store.Contact) (*store.StaffUser, error) {
	ctx := c.Request.Context()
	a, err := s.store.Account(ctx, contact.WorkspaceID, contact.AccountID)
	if err != nil || a.CSMID == nil {
		return nil, err
	}
	u, err := s.store.StaffUser(ctx, contact.WorkspaceID, *a.CSMID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return &u, err
}

// boolInt orders false before true.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// phaseViews groups the tasks that keep accepts under their phases, in plan order.
func phaseViews(d store.OnboardingDetail, keep func(store.OnboardingTask) bool) []phaseView {
	out := make([]phaseView, 0, len(d.Phases))
	for _, p := range d.Phases {
		out = append(out, phaseView{Phase: p, Tasks: d.TasksWhere(func(t store.OnboardingTask) bool {
			return t.PhaseKey == p.Key && keep(t)
		})})
	}
	return out
}

// accountLocation returns an account's time zone; accounts are validated on the way in,
// so an unknown zone (a database edited by hand) shows UTC rather than failing the page.
func accountLocation(tz string) *time.Location {
	loc, err := onboarding.Location(tz)
	if err != nil {
		return time.UTC
	}
	return loc
}
