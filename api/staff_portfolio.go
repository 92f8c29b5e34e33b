package api

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/plans"
	"github.com/onboard-oss/onboard/internal/store"
)

// portfolioPage is the staff dashboard's home: every onboarding the filters pick, the
// totals, and two charts drawn on the server.
type portfolioPage struct {
	Rows      []portfolioRow
	Filter    portfolioFilter
	Totals    portfolioTotals
	Health    []healthBar
	Forecast  *forecastChart
	CSMs      []store.StaffUser
	Plans     []plans.Template
	Statuses  []onboarding.Status
	Healths   []onboarding.Health
	Sorts     []sortOption
	CanChange bool
	// Pager places the page's rows in the whole list.
	Pager pager
	// Mine is the signed-in user's id, for "My onboardings".
	Mine string
}

// portfolioFilter is the page's query as chosen.
type portfolioFilter struct {
	Query, CSM, Health, Status, Plan, Sort string
}

// portfolioRow is one row of the table, flat: the template reads each field by name, and
// reflection finds a field of a struct that embeds others only by a costly search (it
// was most of the page's time).
type portfolioRow struct {
	ID, AccountName, PlanKey, CSMName, Phase string
	PlanVersion                              int
	Status                                   onboarding.Status
	Health                                   onboarding.Health
	Progress, TasksDone, TasksTotal          int
	Overdue, Blocked                         int
	TargetGoLive, ForecastGoLive             *time.Time
	SlipDays                                 int
	// IdleDays is how long the customer has done nothing (-1: never recorded).
	IdleDays int
}

func newPortfolioRow(r store.PortfolioRow, now time.Time) portfolioRow {
	row := portfolioRow{ID: r.ID, AccountName: r.AccountName, PlanKey: r.PlanKey, CSMName: r.CSMName, Phase: r.Phase,
		PlanVersion: r.PlanVersion, Status: r.Status, Health: r.Health, Progress: r.Progress, TasksDone: r.TasksDone,
		TasksTotal: r.TasksTotal, Overdue: r.Overdue, Blocked: r.Blocked, TargetGoLive: r.TargetGoLive,
		ForecastGoLive: r.ForecastGoLive, SlipDays: r.SlipDays(), IdleDays: -1}
	if r.LastCustomerActivity != nil {
		row.IdleDays = int(now.Sub(*r.LastCustomerActivity).Hours() / 24)
	}
	return row
}

type portfolioTotals struct {
	Count, Active, Overdue, Blocked, Late int
}

type sortOption struct{ Key, Label string }

var portfolioSorts = []sortOption{{"attention", "Needs attention"}, {"account", "Account"}, {"target", "Target go-live"},
	{"forecast", "Forecast go-live"}, {"progress", "Progress"}, {"idle", "Longest idle"}, {"newest", "Newest"}}

// healthBar is one bar of the onboardings-by-health chart.
type healthBar struct {
	Health      onboarding.Health
	Count       int
	Y, W, TextX int
}

// forecastChart draws, for the active onboardings with the nearest targets, a line from
// the target go-live to the forecast: a red end when it lands late.
type forecastChart struct {
	Rows          []forecastRow
	Height        int
	First, Last   time.Time
	TodayX        int
	ShowToday     bool
	LeftX, RightX int
}

type forecastRow struct {
	Name           string
	ID             string
	Y, TargetX, FX int
	Late           bool
	SlipDays       int
}

// staffOnboardings is the portfolio. A CSM sees their own onboardings unless they ask
// for everyone's (?csm=all); the query says the filters, so a view can be bookmarked.
func (s *Server) staffOnboardings(c *gin.Context) {
	ctx := c.Request.Context()
	u := c.MustGet(ctxStaff).(store.StaffUser)
	f := portfolioFilter{Sort: c.Query("sort"), Plan: c.Query("plan"), Status: c.Query("status"), Health: c.Query("health"),
		CSM: c.DefaultQuery("csm", "all")}
	if _, given := c.GetQuery("csm"); !given && u.Role == store.RoleCSM {
		f.CSM = u.ID // a CSM's day starts with their own
	}
	sf := store.PortfolioFilter{Sort: f.Sort, PlanKey: f.Plan}
	var err error
	if f.Query, err = input.Text("q", c.Query("q")); err == nil {
		err = maxLength("q", f.Query, maxName)
	}
	sf.Query = f.Query
	if err == nil && f.Status != "" {
		var ok bool
		if sf.Status, ok = onboarding.ParseStatus(f.Status); !ok {
			err = input.Refuse("status", "want one of %s", statusNames())
		}
	}
	if err == nil && f.Health != "" {
		var ok bool
		if sf.Health, ok = onboarding.ParseHealth(f.Health); !ok {
			err = input.Refuse("health", "want on_track, at_risk or off_track")
		}
	}
	if err == nil && f.CSM != "all" {
		var ok bool
		if sf.CSMID, ok = input.ID(f.CSM); !ok {
			err = input.Refuse("csm", "want a staff member's id or all")
		}
	}
	if _, ok := store.PortfolioSorts[f.Sort]; err == nil && f.Sort != "" && !ok {
		err = input.Refuse("sort", "want one of attention, account, target, forecast, progress, idle, newest")
	}
	if _, ok := s.engine.Plans.Template(f.Plan); err == nil && f.Plan != "" && !ok {
		err = input.Refuse("plan", "unknown plan %s; available: %s", input.Quote(f.Plan), s.engine.Plans.Keys())
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	now := time.Now()
	offset, err := readPageNumber(c, store.PortfolioPage)
	if err != nil {
		_ = c.Error(err)
		return
	}
	rows, err := s.store.Portfolio(ctx, workspaceID(c), sf, now, offset)
	var totals store.PortfolioTotals
	var soonest []store.PortfolioRow
	if err == nil {
		totals, err = s.store.PortfolioTotals(ctx, workspaceID(c), sf, now)
	}
	if err == nil {
		soonest, err = s.store.PortfolioForecast(ctx, workspaceID(c), sf, now, forecastRows)
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	csms, names, err := s.csms(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	if _, ok := names[sf.CSMID]; sf.CSMID != "" && !ok {
		_ = c.Error(input.Refuse("csm", "no staff member of this workspace has the id %s", input.Quote(sf.CSMID)))
		return
	}
	data := portfolioPage{Filter: f, CSMs: csms, Plans: s.engine.Plans.Templates(), Statuses: onboarding.Statuses,
		Healths: onboarding.Healths, Sorts: portfolioSorts, CanChange: u.CanChange(), Mine: u.ID,
		Totals: portfolioTotals{Count: totals.Count, Active: totals.InFlight, Overdue: totals.Overdue, Blocked: totals.Blocked, Late: totals.Late},
		Pager:  pagerOf(f.Link, offset, store.PortfolioPage, len(rows), totals.Count)}
	for _, r := range rows {
		data.Rows = append(data.Rows, newPortfolioRow(r, now))
	}
	data.Health = healthBars(totals)
	data.Forecast = forecastOf(soonest, now)
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, http.StatusOK, "staff/onboardings", view{Title: "Portfolio", CSRF: se.CSRFToken, User: u.Name,
		Data: data, Live: "/staff/events"})
}

// Link is the portfolio's address with one filter changed (or the page: any other
// change starts again from the first).
func (f portfolioFilter) Link(key, value string) string {
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Query, "csm": f.CSM, "health": f.Health, "status": f.Status, "plan": f.Plan, "sort": f.Sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	return "/staff?" + q.Encode()
}

// chartWidth is the drawing width of both charts, in SVG units.
const chartWidth = 480

func healthBars(t store.PortfolioTotals) []healthBar {
	most := 1
	for _, h := range onboarding.Healths {
		most = max(most, t.ByHealth(h))
	}
	var bars []healthBar
	for i, h := range onboarding.Healths {
		w := t.ByHealth(h) * (chartWidth - 150) / most
		bars = append(bars, healthBar{Health: h, Count: t.ByHealth(h), Y: i * 30, W: w, TextX: 100 + w + 8})
	}
	return bars
}

// forecastRows is how many onboardings the forecast chart draws: the nearest targets.
const forecastRows = 12

func forecastOf(rows []store.PortfolioRow, now time.Time) *forecastChart {
	var picked []store.PortfolioRow
	for _, r := range rows {
		if r.Status.TakesTaskActions() && r.TargetGoLive != nil && r.ForecastGoLive != nil {
			picked = append(picked, r)
		}
	}
	if len(picked) == 0 {
		return nil
	}
	slices.SortStableFunc(picked, func(a, b store.PortfolioRow) int { return a.TargetGoLive.Compare(*b.TargetGoLive) })
	picked = picked[:min(len(picked), forecastRows)]
	ch := &forecastChart{LeftX: 150, RightX: chartWidth - 10}
	for i, r := range picked {
		for _, d := range []time.Time{*r.TargetGoLive, *r.ForecastGoLive} {
			if i == 0 && ch.First.IsZero() || d.Before(ch.First) {
				ch.First = d
			}
			if d.After(ch.Last) {
				ch.Last = d
			}
		}
	}
	if !ch.Last.After(ch.First) {
		ch.Last = ch.First.AddDate(0, 0, 1)
	}
	span := ch.Last.Sub(ch.First)
	x := func(t time.Time) int {
		return ch.LeftX + int(float64(ch.RightX-ch.LeftX)*float64(t.Sub(ch.First))/float64(span))
	}
	for i, r := range picked {
		name := []rune(r.AccountName)
		if len(name) > 18 { // the names' column is 150 units wide
			name = append(name[:17], '…')
		}
		ch.Rows = append(ch.Rows, forecastRow{Name: string(name), ID: r.ID, Y: 20 + i*24, TargetX: x(*r.TargetGoLive),
			FX: x(*r.ForecastGoLive), Late: r.SlipDays() > 0, SlipDays: r.SlipDays()})
	}
	ch.Height = 20 + len(picked)*24 + 16
	if !now.Before(ch.First) && !now.After(ch.Last) {
		ch.ShowToday, ch.TodayX = true, x(now)
	}
	return ch
}
