package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/store"
)

// requireRole is the one check every staff route that changes something goes through:
// a user whose role may not (may reports it) gets 403 saying what they cannot do.
func requireRole(may func(store.StaffUser) bool, cannot string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if u := c.MustGet(ctxStaff).(store.StaffUser); !may(u) {
			abort(c, &Error{Status: http.StatusForbidden, Code: "forbidden",
				Message: "your role (" + u.Role + ") " + cannot + "; ask an admin"})
			return
		}
		c.Next()
	}
}

var (
	// requireChanger admits admins and CSMs.
	requireChanger = requireRole(store.StaffUser.CanChange, "can look at onboardings but not change them")
	// requireAdmin admits admins: workspace settings are theirs.
	requireAdmin = requireRole(store.StaffUser.CanAdminister, "cannot change workspace settings")
)
