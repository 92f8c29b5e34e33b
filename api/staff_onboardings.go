package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

type staffDetail struct {
	Onboarding store.Onboarding
	Phases     []staffPhase
	// Loc is the account's time zone, in which due days are shown.
	Loc *time.Location
	// WorkflowURL opens the onboarding's workflow in the Temporal Web UI, when configured.
	WorkflowURL string
	// Messages are the notifications about the onboarding and its account, newest first.
	Messages []store.Notification
	Contacts []contactView
	// CanChange is false for a viewer: the page shows no buttons.
	CanChange bool
	// Lifecycle are the pause, resume and cancel buttons the status allows.
	Lifecycle []onboarding.LifecycleAction
	Paused    bool
	// UTC shows calendar dates (start, target) as they are stored.
	UTC *time.Location
	// Activity is the onboarding\'s latest audit events in words, newest first.
	Activity  []activityLine
	RequestID string
	Error     string
	// Staff are who the vendor's tasks can be assigned to (staff who work on tasks);
	// the customer's go to Contacts.
	Staff []store.StaffUser
}

// staffPhase is a phase with its task rows.
type staffPhase struct {
	Phase store.OnboardingPhase
	Tasks []staffTaskView
}

// contactView is one of the account's contacts with whether an invite went to them and
// whether email to them stopped (their address bounced or complained).
type contactView struct {
	store.Contact
	Invited       bool
	Undeliverable bool
}

// messagesShown is how many notifications the onboarding page lists.
const messagesShown = 100

// staffOnboarding shows one onboarding with every task, including internal ones.
func (s *Server) staffOnboarding(c *gin.Context) {
	d, err := s.store.OnboardingDetail(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	s.renderStaffDetail(c, http.StatusOK, d, "")
}

// renderStaffDetail renders the onboarding page, with a problem to show when there is one.
func (s *Server) renderStaffDetail(c *gin.Context, status int, d store.OnboardingDetail, problem string) {
	ctx := c.Request.Context()
	messages, err := s.store.Notifications(ctx, workspaceID(c), d.Onboarding, messagesShown)
	if err != nil {
		_ = c.Error(err)
		return
	}
	contacts, err := s.store.Contacts(ctx, workspaceID(c), d.AccountID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	activity, err := s.store.RecentActivity(ctx, workspaceID(c), d.ID, activityShown)
	if err != nil {
		_ = c.Error(err)
		return
	}
	staff, err := s.store.StaffUsers(ctx, workspaceID(c))
	if err != nil {
		_ = c.Error(err)
		return
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	data := staffDetail{Onboarding: d.Onboarding, Loc: accountLocation(d.AccountTimezone), WorkflowURL: s.cfg.WorkflowURL(d.WorkflowID),
		Messages: messages, CanChange: u.CanChange(), RequestID: newRequestID(), Error: problem}
	people := map[string]string{}
	for _, ct := range contacts {
		people[onboarding.AssigneeContact+ct.ID] = ct.Name
	}
	for _, su := range staff {
		people[onboarding.AssigneeStaff+su.ID] = su.Name
	}
	data.Paused, data.UTC, data.Activity = d.Status == onboarding.StatusPaused, time.UTC, activityLines(activity, d.Tasks, people)
	if data.CanChange {
		data.Lifecycle = onboarding.LifecycleActionsFrom(d.Status)
	}
	invited := map[string]bool{}
	for _, m := range messages {
		invited[m.Recipient] = invited[m.Recipient] || (m.Template == string(notify.KindInvite) && m.Status == store.NotificationSent)
	}
	for _, su := range staff {
		if su.CanChange() {
			data.Staff = append(data.Staff, su)
		}
	}
	for _, ct := range contacts {
		data.Contacts = append(data.Contacts, contactView{Contact: ct, Invited: invited[ct.Email], Undeliverable: ct.EmailStatus != store.EmailOK})
	}
	comments, err := s.store.TaskComments(ctx, workspaceID(c), d.ID, "")
	if err != nil {
		_ = c.Error(err)
		return
	}
	byTask := commentsByTask(comments)
	for _, p := range phaseViews(d, func(store.OnboardingTask) bool { return true }) {
		views := staffTaskViews(p.Tasks, data.CanChange && d.Status.TakesTaskActions())
		for i := range views {
			views[i].Comments = byTask[views[i].Key]
			if views[i].CanBlock {
				views[i].WaitFor = d.WaitableFor(views[i].Key)
			}
		}
		data.Phases = append(data.Phases, staffPhase{Phase: p.Phase, Tasks: views})
	}
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, status, "staff/onboarding", view{Title: d.AccountName, CSRF: se.CSRFToken, User: u.Name, Data: data,
		Live: "/staff/onboardings/" + d.ID + "/events"})
}
