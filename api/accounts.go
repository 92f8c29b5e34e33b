package api

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// accountInput is what a client or a staff form says about an account. The API's
// POST and PATCH and the staff pages all check it with checkAccount.
type accountInput struct {
	Name           string   `json:"name"`
	ExternalID     *string  `json:"external_id"`
	Timezone       string   `json:"timezone"`
	CSMID          *string  `json:"csm_id"`
	SlackChannel   string   `json:"slack_channel"`
	AllowedDomains []string `json:"allowed_domains"`
}

func inputOfAccount(a store.Account) accountInput {
	return accountInput{Name: a.Name, ExternalID: a.ExternalID, Timezone: a.Timezone, CSMID: a.CSMID,
		SlackChannel: a.SlackChannel, AllowedDomains: a.AllowedDomains}
}

// Limits of accounts and contacts.
const (
	// maxName is the longest name (of an account, a contact) in characters.
	maxName           = 200
	maxAllowedDomains = 20
)

var (
	domainPattern       = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$`)
	slackChannelPattern = regexp.MustCompile(`^([CG][A-Z0-9]{6,20}|#[a-z0-9][a-z0-9_-]{0,79})$`)
)

// checkAccount checks an account's fields for a workspace and returns the account they
// describe; a refusal names its field.
func (s *Server) checkAccount(ctx context.Context, workspaceID string, in accountInput) (store.Account, error) {
	a := store.Account{WorkspaceID: workspaceID, Timezone: "UTC", SlackChannel: in.SlackChannel}
	var err error
	if a.Name, err = required("name", &in.Name, maxName); err != nil {
		return a, err
	}
	if in.ExternalID != nil && *in.ExternalID != "" {
		if err := maxLength("external_id", *in.ExternalID, maxName); err != nil {
			return a, err
		}
		a.ExternalID = in.ExternalID
	}
	if in.Timezone != "" {
		if _, err := onboarding.Location(in.Timezone); err != nil {
			return a, err
		}
		a.Timezone = in.Timezone
	}
	if in.CSMID != nil && *in.CSMID != "" {
		id, ok := input.ID(*in.CSMID)
		var u store.StaffUser
		if ok {
			u, err = s.store.StaffUser(ctx, workspaceID, id)
		}
		switch {
		case !ok || errors.Is(err, store.ErrNotFound):
			return a, input.Refuse("csm_id", "no staff member of this workspace has the id %s", input.Quote(*in.CSMID))
		case err != nil:
			return a, err
		case !u.CanChange():
			return a, input.Refuse("csm_id", "%s is a %s and cannot look after an account", u.Name, u.Role)
		}
		a.CSMID = &u.ID
	}
	if a.SlackChannel != "" && !slackChannelPattern.MatchString(a.SlackChannel) {
		return a, input.Refuse("slack_channel", "%s is not a Slack channel id (C0123ABCD) or #name", input.Quote(a.SlackChannel))
	}
	if a.AllowedDomains, err = allowedDomains(in.AllowedDomains); err != nil {
		return a, err
	}
	return a, nil
}

// allowedDomains checks a list of email domains ("acme.com", "@acme.io"), returning them
// lower case, sorted, without repeats.
func allowedDomains(list []string) (store.StringList, error) {
	if len(list) > maxAllowedDomains {
		return nil, input.Refuse("allowed_domains", "at most %d domains", maxAllowedDomains)
	}
	out := store.StringList{}
	for _, d := range list {
		d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if d == "" {
			continue
		}
		if len(d) > 253 || !domainPattern.MatchString(d) {
			return nil, input.Refuse("allowed_domains", "%s is not an email domain such as acme.com", input.Quote(d))
		}
		out = append(out, d)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// contactInput is what a client or a staff form says about a contact.
type contactInput struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	// Timezone is the contact's own IANA time zone; empty or absent: the account's.
	Timezone *string `json:"timezone"`
}

// checkContact checks a contact's fields for an account, whose allowed domains the
// address must be in.
func checkContact(account store.Account, in contactInput) (store.Contact, error) {
	ct := store.Contact{WorkspaceID: account.WorkspaceID, AccountID: account.ID}
	var err error
	if ct.Name, err = required("name", &in.Name, maxName); err != nil {
		return ct, err
	}
	email, err := required("email", &in.Email, input.MaxEmailLength)
	if err != nil {
		return ct, err
	}
	if ct.Email, err = input.Email("email", email); err != nil {
		return ct, err
	}
	if !account.AllowsEmail(ct.Email) {
		return ct, input.Refuse("email", "%s takes contacts at %s only", account.Name, strings.Join(account.AllowedDomains, ", "))
	}
	if in.Timezone != nil {
		ct.Timezone, err = contactTimezone(*in.Timezone)
	}
	return ct, err
}

// contactTimezone checks a contact's time zone: an IANA name, or "" for the account's.
func contactTimezone(raw string) (string, error) {
	zone, err := input.Text("timezone", raw)
	if err != nil || zone == "" {
		return "", err
	}
	if _, err := onboarding.Location(zone); err != nil {
		return "", input.Refuse("timezone", "%s is not a time zone: use a name such as Europe/Berlin, or leave it empty for the account's",
			input.Quote(zone))
	}
	return zone, nil
}

// invitable says why a contact cannot be sent an invite (nil when they can): archived,
// an address that bounced, or one outside the account's allowed domains. The API and the
// staff page ask it alike.
func (s *Server) invitable(ctx context.Context, ct store.Contact) error {
	undeliverable := func(msg string) error {
		return &Error{Status: http.StatusConflict, Code: "email_undeliverable", Message: msg}
	}
	switch {
	case ct.ArchivedAt != nil:
		return &Error{Status: http.StatusConflict, Code: "archived", Message: ct.Name + " is archived; restore them before inviting"}
	case ct.EmailStatus != store.EmailOK:
		return undeliverable("email to " + ct.Email + " " + ct.EmailStatus + "; correct the address before inviting")
	}
	a, err := s.store.Account(ctx, ct.WorkspaceID, ct.AccountID)
	if err != nil {
		return err
	}
	if !a.AllowsEmail(ct.Email) {
		return undeliverable(a.Name + " takes contacts at " + strings.Join(a.AllowedDomains, ", ") + " only; " +
			ct.Email + " is not one of them")
	}
	return nil
}
