package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/plans"
	"github.com/onboard-oss/onboard/internal/store"
)

// newOnboardingPage is the form that starts an onboarding, with a preview of the plan's
// phases and dates for the chosen start.
type newOnboardingPage struct {
	Accounts []store.Account
	Plans    []plans.Template
	CSMs     []store.StaffUser
	Form     *formState
	Preview  *planPreview
}

// planPreview is what an onboarding would look like if started now.
type planPreview struct {
	Phases []previewPhase
	Start  time.Time
	Target time.Time
	// LastDue is the last required task's due day; Late says it falls after the target.
	LastDue time.Time
	Late    bool
	Loc     *time.Location
	UTC     *time.Location
	Tasks   int
}

type previewPhase struct {
	Name        string
	Tasks       int
	First, Last time.Time
}

var newOnboardingFields = []string{"account_id", "plan", "start_date", "target_go_live", "csm_id"}

// staffNewOnboarding shows the form; with a plan chosen it previews the dates. Its values
// come from the query (a link: ?account=) or, for "Preview dates", the posted form (a
// POST, so the form's token stays out of the address).
func (s *Server) staffNewOnboarding(c *gin.Context) {
	form := &formState{Name: "onboarding", Values: map[string]string{}}
	for _, f := range newOnboardingFields {
		form.Values[f] = c.Query(f)
		if c.Request.Method == http.MethodPost { // "Preview dates": the form, posted with its token
			form.Values[f] = c.PostForm(f)
		}
	}
	if form.Values["account_id"] == "" {
		form.Values["account_id"] = c.Query("account")
	}
	status := http.StatusOK
	var preview *planPreview
	if form.Value("account_id") != "" && form.Value("plan") != "" {
		req, err := s.startRequest(c, form)
		if err == nil {
			preview, err = s.preview(c, req)
		}
		if refused, err := form.refused(err); refused {
			status = http.StatusBadRequest
		} else if err != nil {
			_ = c.Error(err)
			return
		}
	} else if form.Values["account_id"] != "" {
		if a, err := s.store.Account(c.Request.Context(), workspaceID(c), form.Values["account_id"]); err == nil && a.CSMID != nil &&
			form.Values["csm_id"] == "" {
			form.Values["csm_id"] = *a.CSMID
		}
	}
	s.renderNewOnboarding(c, status, form, preview)
}

func (s *Server) renderNewOnboarding(c *gin.Context, status int, form *formState, preview *planPreview) {
	accounts, err := s.store.ListAccounts(c.Request.Context(), workspaceID(c), store.AccountFilter{Limit: 500})
	if err != nil {
		_ = c.Error(err)
		return
	}
	csms, _, err := s.csms(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, status, "staff/new_onboarding", view{Title: "New onboarding", CSRF: se.CSRFToken, User: u.Name,
		Data: newOnboardingPage{Accounts: accounts, Plans: s.engine.Plans.Templates(), CSMs: csms, Form: form, Preview: preview}})
}

// startRequest reads the form into the engine's request; a refusal names its field.
func (s *Server) startRequest(c *gin.Context, form *formState) (engine.StartRequest, error) {
	req := engine.StartRequest{WorkspaceID: workspaceID(c), PlanKey: form.Value("plan")}
	var ok bool
	if req.AccountID, ok = input.ID(form.Value("account_id")); !ok {
		return req, input.Refuse("account_id", "choose an account")
	}
	if req.PlanKey == "" {
		return req, input.Refuse("plan", "choose a plan")
	}
	var err error
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"start_date", &req.StartDate}, {"target_go_live", &req.TargetGoLive}} {
		if v := form.Value(f.name); v != "" {
			if *f.dst, err = input.Date(f.name, v); err != nil {
				return req, err
			}
		}
	}
	return req, nil
}

// preview computes the onboarding a request would start, without starting it.
func (s *Server) preview(c *gin.Context, req engine.StartRequest) (*planPreview, error) {
	st, err := s.engine.Preview(c.Request.Context(), req)
	if err != nil {
		return nil, notFoundField(err, "account_id", "no such account")
	}
	p := &planPreview{Start: st.StartDate, Target: st.TargetGoLive, Loc: st.Location(), UTC: time.UTC, Tasks: len(st.Tasks)}
	due := map[string]time.Time{}
	for _, ts := range st.Tasks {
		due[ts.Key] = ts.DueAt
	}
	for _, ph := range st.Plan.Phases {
		pp := previewPhase{Name: ph.Name, Tasks: len(ph.Tasks)}
		for _, t := range ph.Tasks {
			d := due[t.Key]
			if pp.First.IsZero() || d.Before(pp.First) {
				pp.First = d
			}
			if d.After(pp.Last) {
				pp.Last = d
			}
			if t.Required && d.After(p.LastDue) {
				p.LastDue = d
			}
		}
		p.Phases = append(p.Phases, pp)
	}
	p.Late = p.LastDue.In(p.Loc).Format(time.DateOnly) > p.Target.UTC().Format(time.DateOnly)
	return p, nil
}

// notFoundField turns a row that is not there into a refusal of the field that named it.
func notFoundField(err error, field, message string) error {
	if err != nil && classify(err).Status == http.StatusNotFound {
		return input.Refuse(field, "%s", message)
	}
	return err
}

// staffStartOnboarding starts the onboarding the form describes and opens it. Choosing a
// CSM makes them the account's CSM.
func (s *Server) staffStartOnboarding(c *gin.Context) {
	ctx := c.Request.Context()
	form := readForm(c, "onboarding", newOnboardingFields...)
	req, err := s.startRequest(c, form)
	if err == nil {
		err = s.setAccountCSM(c, req.AccountID, form.Value("csm_id"))
	}
	var o store.Onboarding
	if err == nil {
		o, err = s.engine.Start(ctx, req)
		err = notFoundField(err, "account_id", "no such account")
	}
	if refused, err := form.refused(err); refused {
		s.renderNewOnboarding(c, http.StatusBadRequest, form, nil)
		return
	} else if err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/onboardings/"+o.ID)
}

// setAccountCSM makes the chosen staff member the account's CSM, when it changes.
func (s *Server) setAccountCSM(c *gin.Context, accountID, csmID string) error {
	ctx := c.Request.Context()
	a, err := s.store.Account(ctx, workspaceID(c), accountID)
	if err != nil {
		return notFoundField(err, "account_id", "no such account")
	}
	if csmID == "" || (a.CSMID != nil && *a.CSMID == csmID) {
		return nil
	}
	in := inputOfAccount(a)
	in.CSMID = &csmID
	changed, err := s.checkAccount(ctx, a.WorkspaceID, in)
	if err != nil {
		return err
	}
	changed.ID = a.ID
	_, err = s.store.UpdateAccount(ctx, changed)
	return err
}
