package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/store"
)

// staffCustomerView shows the portal's overview as one of the onboarding's account
// contacts sees it (?contact=<id>; the first active contact without it), read-only: no
// links into the portal, no forms, the workspace's branding, and a banner saying whose
// view it is. Any staff member may look, a viewer too.
func (s *Server) staffCustomerView(c *gin.Context) {
	ctx := c.Request.Context()
	o, err := s.store.Onboarding(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	contacts, err := s.store.Contacts(ctx, o.WorkspaceID, o.AccountID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	var contact *store.Contact
	for i := range contacts {
		if want := c.Query("contact"); want == "" || contacts[i].ID == want {
			contact = &contacts[i]
			break
		}
	}
	if contact == nil {
		_ = c.Error(notFound("contact"))
		return
	}
	data, err := s.overviewOf(c, *contact)
	if err != nil {
		_ = c.Error(err)
		return
	}
	data.Preview = &customerPreview{Back: "/staff/onboardings/" + o.ID}
	ws, err := s.store.Workspace(ctx, o.WorkspaceID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	s.pages.render(c, http.StatusOK, "portal/overview", view{Title: "Customer view: " + contact.Name, Data: data, Brand: brandOf(ws)})
}
