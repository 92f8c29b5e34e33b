package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

type holidaysJSON struct {
	Holidays []string `json:"holidays"`
}

// apiHolidays lists the workspace's days off.
func (s *Server) apiHolidays(c *gin.Context) {
	ws, err := s.store.Workspace(c.Request.Context(), workspaceID(c))
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, holidaysJSON{Holidays: orEmpty([]string(ws.Holidays))})
}

// apiSetHolidays replaces the workspace's days off: PUT {"holidays": ["2026-12-25", ...]}.
// They apply to onboardings started from then on (a running one keeps the calendar it
// started with, so its dates do not move under the customer).
func (s *Server) apiSetHolidays(c *gin.Context) {
	var body struct {
		Holidays *[]string `json:"holidays"`
	}
	if err := decodeJSON(c, &body); err != nil {
		_ = c.Error(err)
		return
	}
	if body.Holidays == nil {
		_ = c.Error(badRequest("holidays: required, a list of dates such as [\"2026-12-25\"]"))
		return
	}
	days, err := onboarding.WorkspaceHolidays(*body.Holidays, time.Now())
	if err != nil {
		_ = c.Error(err)
		return
	}
	if err := s.store.SetWorkspaceHolidays(c.Request.Context(), workspaceID(c), days); err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, holidaysJSON{Holidays: orEmpty(days)})
}
