package api

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/store"
)

// webhookInput is what a client or the staff form says about a new webhook endpoint.
type webhookInput struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
}

// Limits of a webhook endpoint.
const (
	maxWebhookURL         = 2000
	maxWebhookDescription = 200
)

// checkWebhook checks a new endpoint: an https:// address of a public host, events the
// product sends, a short plain description. With private networks allowed
// (ONBOARD_WEBHOOK_PRIVATE_NETWORKS, on under dev) http:// and inner hosts are taken too.
func checkWebhook(workspaceID string, in webhookInput, allowPrivate bool) (store.WebhookEndpoint, error) {
	e := store.WebhookEndpoint{WorkspaceID: workspaceID}
	raw, err := required("url", &in.URL, maxWebhookURL)
	if err != nil {
		return e, err
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || (u.Scheme != "https" && u.Scheme != "http"):
		return e, input.Refuse("url", "%s is not an https:// address without credentials", input.Quote(raw))
	case !allowPrivate && u.Scheme == "http":
		return e, input.Refuse("url", "use https://")
	case !allowPrivate && !publicHost(u.Hostname()):
		return e, input.Refuse("url", "%s is not a public host: deliveries go to public addresses only", input.Quote(u.Hostname()))
	}
	e.URL = u.String()
	if len(in.Events) == 0 {
		return e, input.Refuse("events", "choose at least one of %s", strings.Join(activities.WebhookEvents, ", "))
	}
	for _, ev := range in.Events {
		if !slices.Contains(activities.WebhookEvents, ev) {
			return e, input.Refuse("events", "%s is not an event: choose from %s", input.Quote(ev), strings.Join(activities.WebhookEvents, ", "))
		}
		if !slices.Contains(e.Events, ev) {
			e.Events = append(e.Events, ev)
		}
	}
	if e.Description, err = input.Text("description", in.Description); err != nil {
		return e, err
	}
	return e, maxLength("description", e.Description, maxWebhookDescription)
}

// publicHost reports whether a host could be public: a name other than localhost (what
// it resolves to is checked when a delivery connects), or a public address.
func publicHost(host string) bool {
	if ip := net.ParseIP(host); ip != nil {
		return notify.PublicAddress(ip)
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host != "localhost" && !strings.HasSuffix(host, ".localhost") && strings.Contains(host, ".")
}

// createWebhook checks and stores a new endpoint with a new secret: one path for the
// API and the staff page.
func (s *Server) createWebhook(ctx context.Context, workspaceID string, in webhookInput) (store.WebhookEndpoint, error) {
	e, err := checkWebhook(workspaceID, in, s.cfg.WebhookPrivateNetworks)
	if err != nil {
		return e, err
	}
	e.Secret = notify.NewWebhookSecret()
	created, err := s.store.CreateWebhookEndpoint(ctx, e)
	if err != nil {
		return e, conflictAs(err, "a workspace has at most 20 webhook endpoints: delete one first")
	}
	return created, nil
}

// testWebhook sends an endpoint a webhook.test event, through the same durable path as
// every other event; the same key sends it once.
func (s *Server) testWebhook(ctx context.Context, e store.WebhookEndpoint, key string) error {
	if key == "" {
		key = uuid.NewString()
	} else {
		key = keyDigest(key)
	}
	return s.engine.Notify(ctx, activities.NotifyInput{Key: "webhook-test:" + e.ID + ":" + key,
		Kind: notify.KindWebhook, WorkspaceID: e.WorkspaceID, Event: activities.WebhookTest, EndpointID: e.ID})
}

// webhookJSON is an endpoint as the API shows it; its secret only when just made.
type webhookJSON struct {
	store.WebhookEndpoint
	Secret string `json:"secret,omitempty"`
}

func (s *Server) apiWebhooks(c *gin.Context) {
	list, err := s.store.WebhookEndpoints(c.Request.Context(), workspaceID(c))
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"events": activities.WebhookEvents, "endpoints": orEmpty(list)})
}

// apiCreateWebhook adds an endpoint and answers 201 with its secret, shown this once.
func (s *Server) apiCreateWebhook(c *gin.Context) {
	var in webhookInput
	if err := decodeJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	e, err := s.createWebhook(c.Request.Context(), workspaceID(c), in)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusCreated, webhookJSON{WebhookEndpoint: e, Secret: e.Secret})
}

func (s *Server) apiDeleteWebhook(c *gin.Context) {
	if err := s.store.DeleteWebhookEndpoint(c.Request.Context(), workspaceID(c), c.Param("id")); err != nil {
		_ = c.Error(notFoundAs(err, "webhook endpoint"))
		return
	}
	c.Status(http.StatusNoContent)
}

// apiTestWebhook sends the endpoint a webhook.test event and answers 202: the delivery
// shows in GET /webhooks/deliveries.
func (s *Server) apiTestWebhook(c *gin.Context) {
	e, err := s.store.WebhookEndpoint(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "webhook endpoint"))
		return
	}
	key, err := idempotencyKey(c)
	if err == nil {
		err = s.testWebhook(c.Request.Context(), e, key)
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"status": "queued", "event": activities.WebhookTest})
}

// apiWebhookDeliveries lists the latest deliveries to the workspace's endpoints.
func (s *Server) apiWebhookDeliveries(c *gin.Context) {
	list, err := s.store.WebhookDeliveries(c.Request.Context(), workspaceID(c), webhookDeliveriesShown)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, orEmpty(list))
}

// webhookDeliveriesShown is how many recent deliveries the page and the API list.
const webhookDeliveriesShown = 50

// webhooksPage is the staff page of webhook endpoints.
type webhooksPage struct {
	Endpoints  []store.WebhookEndpoint
	Deliveries []store.Notification
	Events     []string
	CanEdit    bool
	Form       *formState
	// Created is the endpoint just made, with its secret shown this once.
	Created *store.WebhookEndpoint
	Notice  string
}

func (s *Server) staffWebhooks(c *gin.Context) {
	notice := ""
	if c.Query("tested") == "1" {
		notice = "A webhook.test event is on its way: its delivery shows below in a moment."
	}
	s.renderWebhooks(c, http.StatusOK, webhooksPage{Notice: notice})
}

func (s *Server) renderWebhooks(c *gin.Context, status int, p webhooksPage) {
	ctx := c.Request.Context()
	var err error
	if p.Endpoints, err = s.store.WebhookEndpoints(ctx, workspaceID(c)); err == nil {
		p.Deliveries, err = s.store.WebhookDeliveries(ctx, workspaceID(c), webhookDeliveriesShown)
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	p.Events, p.CanEdit = activities.WebhookEvents, u.Role == store.RoleAdmin
	if p.Form == nil {
		p.Form = &formState{Name: "webhook", Values: map[string]string{}}
	}
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, status, "staff/webhooks", view{Title: "Webhooks", CSRF: se.CSRFToken, User: u.Name, Data: p})
}

// staffCreateWebhook adds an endpoint from the form and shows its secret once.
func (s *Server) staffCreateWebhook(c *gin.Context) {
	form := readForm(c, "webhook", "url", "description")
	in := webhookInput{Events: c.PostFormArray("events")}
	var err error
	if in.URL, err = input.Text("url", form.Value("url")); err == nil {
		in.Description = form.Value("description")
	}
	for _, ev := range in.Events {
		form.Values["event:"+ev] = "on"
	}
	var e store.WebhookEndpoint
	if err == nil {
		e, err = s.createWebhook(c.Request.Context(), workspaceID(c), in)
	}
	if refused, err := form.refused(err); refused {
		s.renderWebhooks(c, http.StatusBadRequest, webhooksPage{Form: form})
		return
	} else if err != nil {
		_ = c.Error(err)
		return
	}
	s.renderWebhooks(c, http.StatusCreated, webhooksPage{Created: &e})
}

func (s *Server) staffDeleteWebhook(c *gin.Context) {
	if err := s.store.DeleteWebhookEndpoint(c.Request.Context(), workspaceID(c), c.Param("id")); err != nil {
		_ = c.Error(notFoundAs(err, "webhook endpoint"))
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/settings/webhooks")
}

func (s *Server) staffTestWebhook(c *gin.Context) {
	e, err := s.store.WebhookEndpoint(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err == nil {
		err = s.testWebhook(c.Request.Context(), e, "")
	}
	if err != nil {
		_ = c.Error(notFoundAs(err, "webhook endpoint"))
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/settings/webhooks?tested=1")
}
