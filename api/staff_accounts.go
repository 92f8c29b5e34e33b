package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/store"
)

// accountsPage is the list of accounts with the new-account form.
type accountsPage struct {
	Accounts []store.Account
	Query    string
	Archived bool
	// Next continues the list, when there is more.
	Next      string
	CSMs      []store.StaffUser
	CSMNames  map[string]string
	Form      *formState
	CanChange bool
}

// CSMName is the name of the staff member with the id, "" for none.
func (p accountsPage) CSMName(id *string) string {
	if id == nil {
		return ""
	}
	return p.CSMNames[*id]
}

// accountFields are the account form's fields.
var accountFields = []string{"name", "external_id", "timezone", "csm_id", "slack_channel", "allowed_domains"}

// staffAccounts lists the workspace's accounts, newest first, searchable, paged.
func (s *Server) staffAccounts(c *gin.Context) {
	s.renderAccounts(c, http.StatusOK, &formState{Name: "account", Values: map[string]string{"timezone": "UTC"}})
}

func (s *Server) renderAccounts(c *gin.Context, status int, form *formState) {
	ctx := c.Request.Context()
	p, err := readPage(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	data := accountsPage{Archived: c.Query("archived") == "true", Form: form}
	if data.Query, err = input.Text("q", c.Query("q")); err == nil {
		err = maxLength("q", data.Query, maxName)
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	list, err := s.store.ListAccounts(ctx, workspaceID(c), store.AccountFilter{Query: data.Query, Archived: data.Archived,
		After: p.after, Limit: p.limit + 1})
	if err != nil {
		_ = c.Error(err)
		return
	}
	if len(list) > p.limit {
		list = list[:p.limit]
		data.Next = nextURL(c, store.CursorOfAccount(list[p.limit-1]))
	}
	data.Accounts = list
	if data.CSMs, data.CSMNames, err = s.csms(c); err != nil {
		_ = c.Error(err)
		return
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	data.CanChange = u.CanChange()
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, status, "staff/accounts", view{Title: "Accounts", CSRF: se.CSRFToken, User: u.Name, Data: data})
}

// csms lists the staff who can look after an account, and every staff member's name by id.
func (s *Server) csms(c *gin.Context) ([]store.StaffUser, map[string]string, error) {
	staff, err := s.store.StaffUsers(c.Request.Context(), workspaceID(c))
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	var out []store.StaffUser
	for _, u := range staff {
		names[u.ID] = u.Name
		if u.CanChange() {
			out = append(out, u)
		}
	}
	return out, names, nil
}

// accountFromForm reads the account form into the input checkAccount takes.
func accountFromForm(f *formState) (accountInput, error) {
	in := accountInput{}
	fields := map[string]*string{"name": &in.Name, "timezone": &in.Timezone, "slack_channel": &in.SlackChannel}
	for _, name := range accountFields {
		v, err := input.Text(name, f.Value(name))
		if err != nil {
			return in, err
		}
		switch name {
		case "external_id":
			in.ExternalID = &v
		case "csm_id":
			in.CSMID = &v
		case "allowed_domains":
			in.AllowedDomains = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' })
		default:
			*fields[name] = v
		}
	}
	return in, nil
}

// staffCreateAccount creates an account from the list page's form and opens it.
func (s *Server) staffCreateAccount(c *gin.Context) {
	form := readForm(c, "account", accountFields...)
	in, err := accountFromForm(form)
	var a store.Account
	if err == nil {
		a, err = s.checkAccount(c.Request.Context(), workspaceID(c), in)
	}
	if err == nil {
		a, err = s.store.CreateAccount(c.Request.Context(), a)
		err = conflictField(err, "external_id", "another account has this external id")
	}
	if refused, err := form.refused(err); refused {
		s.renderAccounts(c, http.StatusBadRequest, form)
		return
	} else if err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/accounts/"+a.ID)
}

// conflictField turns a uniqueness conflict into a refusal of the field that caused it,
// so a form shows it there.
func conflictField(err error, field, message string) error {
	if err != nil && classify(err).Status == http.StatusConflict {
		return input.Refuse(field, "%s", message)
	}
	return err
}

// accountPage is one account: its details, contacts and onboardings.
type accountPage struct {
	Account     store.Account
	CSMName     string
	Contacts    []store.Contact
	Onboardings []store.Onboarding
	CSMs        []store.StaffUser
	// Form is the account form; Refused, when set, is a contact form refused.
	Form      *formState
	Refused   *formState
	CanChange bool
	Saved     bool
	// Import is the report of a CSV import just done; ImportProblem why a file was refused.
	Import        *importResult
	ImportProblem string
}

// ContactForm is the form of a contact (id, or "new"): as typed when it was refused.
func (p accountPage) ContactForm(id string) *formState {
	if p.Refused != nil && p.Refused.Name == "contact:"+id {
		return p.Refused
	}
	for _, ct := range p.Contacts {
		if ct.ID == id {
			return &formState{Name: "contact:" + id, Values: map[string]string{"name": ct.Name, "email": ct.Email, "timezone": ct.Timezone}}
		}
	}
	return &formState{Name: "contact:" + id, Values: map[string]string{}}
}

// staffAccount shows an account.
func (s *Server) staffAccount(c *gin.Context) {
	s.renderAccount(c, http.StatusOK, nil, nil)
}

// renderAccount shows the account of the route; form replaces the account form when it
// was refused, contact is a refused contact form.
func (s *Server) renderAccount(c *gin.Context, status int, form, contact *formState) {
	s.renderAccountWith(c, status, func(p *accountPage) { p.Form, p.Refused = form, contact })
}

// renderAccountWith shows the account page with what set adds (a form as typed, an
// import's report).
func (s *Server) renderAccountWith(c *gin.Context, status int, set func(*accountPage)) {
	ctx := c.Request.Context()
	a, err := s.store.Account(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "account"))
		return
	}
	data := accountPage{Account: a}
	set(&data)
	data.Saved = c.Query("saved") == "1" && data.Form == nil
	if data.Form == nil {
		in := inputOfAccount(a)
		data.Form = &formState{Name: "account", Values: map[string]string{"name": in.Name, "timezone": in.Timezone,
			"slack_channel": in.SlackChannel, "allowed_domains": strings.Join(in.AllowedDomains, ", ")}}
		if in.ExternalID != nil {
			data.Form.Values["external_id"] = *in.ExternalID
		}
		if in.CSMID != nil {
			data.Form.Values["csm_id"] = *in.CSMID
		}
	}
	if data.Contacts, err = s.store.AllContacts(ctx, a.WorkspaceID, a.ID); err != nil {
		_ = c.Error(err)
		return
	}
	if data.Onboardings, err = s.store.OnboardingsForAccount(ctx, a.WorkspaceID, a.ID); err != nil {
		_ = c.Error(err)
		return
	}
	var names map[string]string
	if data.CSMs, names, err = s.csms(c); err != nil {
		_ = c.Error(err)
		return
	}
	if a.CSMID != nil {
		data.CSMName = names[*a.CSMID]
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	data.CanChange = u.CanChange()
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, status, "staff/account", view{Title: a.Name, CSRF: se.CSRFToken, User: u.Name, Data: data})
}

// staffUpdateAccount saves the account form.
func (s *Server) staffUpdateAccount(c *gin.Context) {
	ctx := c.Request.Context()
	a, err := s.store.Account(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "account"))
		return
	}
	form := readForm(c, "account", accountFields...)
	in, err := accountFromForm(form)
	var changed store.Account
	if err == nil {
		changed, err = s.checkAccount(ctx, a.WorkspaceID, in)
	}
	if err == nil {
		changed.ID = a.ID
		_, err = s.store.UpdateAccount(ctx, changed)
		err = conflictField(err, "external_id", "another account has this external id")
	}
	if refused, err := form.refused(err); refused {
		s.renderAccount(c, http.StatusBadRequest, form, nil)
		return
	} else if err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/accounts/"+a.ID+"?saved=1")
}

// staffArchiveAccount archives an account or restores it.
func (s *Server) staffArchiveAccount(archive bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, err := s.store.SetAccountArchived(c.Request.Context(), workspaceID(c), c.Param("id"), archive)
		if err != nil {
			_ = c.Error(notFoundAs(err, "account"))
			return
		}
		c.Redirect(http.StatusSeeOther, "/staff/accounts/"+a.ID)
	}
}

// staffSaveContact adds a contact to the account (no contact id in the route) or saves
// one's name and email.
func (s *Server) staffSaveContact(c *gin.Context) {
	ctx := c.Request.Context()
	a, err := s.store.Account(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "account"))
		return
	}
	id := c.Param("contact_id")
	name := "contact:new"
	if id != "" {
		name = "contact:" + id
	}
	form := readForm(c, name, "name", "email", "timezone")
	zone := form.Value("timezone")
	in := contactInput{Timezone: &zone}
	if in.Name, err = input.Text("name", form.Value("name")); err == nil {
		in.Email, err = input.Text("email", form.Value("email"))
	}
	if err == nil && id == "" {
		var ct store.Contact
		if ct, err = checkContact(a, in); err == nil {
			_, err = s.store.CreateContact(ctx, ct)
		}
	} else if err == nil {
		var ct store.Contact
		ct, err = s.store.Contact(ctx, a.WorkspaceID, id)
		if err == nil && ct.AccountID != a.ID {
			err = store.ErrNotFound
		}
		if err != nil {
			_ = c.Error(notFoundAs(err, "contact"))
			return
		}
		_, err = s.updateContact(ctx, ct, in, "staff:"+c.MustGet(ctxStaff).(store.StaffUser).ID)
	}
	err = conflictField(err, "email", "this account already has a contact with this email")
	if refused, err := form.refused(err); refused {
		s.renderAccount(c, http.StatusBadRequest, nil, form)
		return
	} else if err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/accounts/"+a.ID+"#contacts")
}

// staffArchiveContact archives a contact of the account or restores them.
func (s *Server) staffArchiveContact(archive bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		ct, err := s.store.Contact(ctx, workspaceID(c), c.Param("contact_id"))
		if err == nil && ct.AccountID != c.Param("id") {
			err = store.ErrNotFound
		}
		if err == nil {
			_, err = s.store.SetContactArchived(ctx, ct.WorkspaceID, ct.ID, archive)
		}
		if err != nil {
			_ = c.Error(notFoundAs(err, "contact"))
			return
		}
		c.Redirect(http.StatusSeeOther, "/staff/accounts/"+ct.AccountID+"#contacts")
	}
}
