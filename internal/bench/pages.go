package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pageUser reads one page again and again with a signed-in session: the portal's
// overview as a contact sees it, or the staff list.
type pageUser struct {
	hc     *http.Client
	url    string
	cookie *http.Cookie
}

func (u *pageUser) act(ctx context.Context) outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.url, nil)
	if err != nil {
		return fail(err.Error())
	}
	if u.cookie != nil {
		req.AddCookie(u.cookie)
	}
	res, err := u.hc.Do(req)
	if err != nil {
		return fail(err.Error())
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return fail(err.Error())
	}
	if res.StatusCode != http.StatusOK {
		return fail(describe(res.StatusCode, b))
	}
	return outcome{kind: kindOK}
}

func (u *pageUser) prepare(context.Context) {}

// pageUsers are n users of one page, sharing a connection pool of n connections.
func pageUsers(n int, url string, cookie *http.Cookie) []actor {
	hc := newAPIClient(url, "", n).hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	out := make([]actor, n)
	for i := range out {
		out[i] = &pageUser{hc: hc, url: url, cookie: cookie}
	}
	return out
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// browser is a client with a cookie jar, for signing in as a person would.
type browser struct {
	hc   *http.Client
	base string
}

func newBrowser(base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{hc: &http.Client{Jar: jar, Timeout: requestTimeout}, base: strings.TrimRight(base, "/")}
}

// page GETs (form nil) or POSTs a form and returns the answer's body.
func (b *browser) page(ctx context.Context, path string, form url.Values) (int, string, error) {
	method, body := http.MethodGet, io.Reader(nil)
	if form != nil {
		method, body = http.MethodPost, strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, body)
	if err != nil {
		return 0, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	return res.StatusCode, string(data), err
}

// submit reads the form page at path and posts fields to it with the page's CSRF token.
func (b *browser) submit(ctx context.Context, path string, fields url.Values) error {
	status, page, err := b.page(ctx, path, nil)
	if err != nil {
		return err
	}
	m := csrfInput.FindStringSubmatch(page)
	if status != http.StatusOK || m == nil {
		return fmt.Errorf("GET %s: %d, no form to sign in with", path, status)
	}
	fields.Set("csrf_token", m[1])
	status, page, err = b.page(ctx, path, fields)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("POST %s: %s", path, describe(status, []byte(page)))
	}
	return nil
}

// cookie returns the session cookie the browser holds for the stack.
func (b *browser) cookie(name string) (*http.Cookie, error) {
	u, _ := url.Parse(b.base)
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == name {
			return c, nil
		}
	}
	return nil, fmt.Errorf("no %s cookie after signing in", name)
}

// staffSession signs a staff user in with email and password.
func staffSession(ctx context.Context, base, email, password string) (*http.Cookie, error) {
	b := newBrowser(base)
	if err := b.submit(ctx, "/staff/login", url.Values{"email": {email}, "password": {password}}); err != nil {
		return nil, fmt.Errorf("staff sign-in as %s (-staff-email, -staff-password): %w", email, err)
	}
	return b.cookie("onboard_staff")
}

// portalSession makes a contact of the account, invites them through the API, takes the
// invite's link from the dev outbox (/dev/mail.json) and signs in with it, as the
// contact would from the email.
func portalSession(ctx context.Context, api *apiClient, accountID, runID string) (*http.Cookie, error) {
	email := "bench-" + runID + "@bench.example"
	var contact struct {
		ID string `json:"id"`
	}
	if err := api.callJSON(ctx, http.MethodPost, "/api/v1/accounts/"+url.PathEscape(accountID)+"/contacts",
		map[string]string{"name": "Bench Contact", "email": email}, http.StatusCreated, &contact); err != nil {
		return nil, err
	}
	status, b, err := api.call(ctx, http.MethodPost, "/api/v1/contacts/"+url.PathEscape(contact.ID)+"/invite", nil, "")
	if err != nil || status != http.StatusAccepted {
		return nil, errors.Join(err, fmt.Errorf("invite the bench contact: %s", describe(status, b)))
	}
	link, err := outboxLink(ctx, api, email)
	if err != nil {
		return nil, err
	}
	br := newBrowser(api.base)
	if err := br.submit(ctx, link, url.Values{}); err != nil {
		return nil, fmt.Errorf("portal sign-in with the invite: %w", err)
	}
	return br.cookie("onboard_portal")
}

// outboxLink waits for the email to address in the dev outbox and returns its sign-in path.
func outboxLink(ctx context.Context, api *apiClient, address string) (string, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var mail []struct {
			To    string   `json:"to"`
			Links []string `json:"links"`
		}
		status, b, err := api.call(ctx, http.MethodGet, "/dev/mail.json", nil, "")
		if err == nil && status == http.StatusOK && json.Unmarshal(b, &mail) == nil {
			for _, m := range mail {
				if strings.Contains(m.To, address) {
					for _, l := range m.Links {
						if u, err := url.Parse(l); err == nil && strings.HasPrefix(u.Path, "/portal/signin/") {
							return u.Path, nil
						}
					}
				}
			}
		} else if status == http.StatusNotFound {
			return "", errors.New("the stack has no dev outbox (/dev/mail.json): the portal page is measured against `onboard dev` only")
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no invite email to %s in /dev/mail.json within 30 s (%v)", address, err)
		}
		sleepCtx(ctx, 200*time.Millisecond)
	}
}

// bareEndpoint is the pages' baseline: a bare Gin handler answering one row from the
// stack's Postgres through a pgx pool, served by this process.
type bareEndpoint struct {
	url  string
	pool *pgxpool.Pool
	srv  *http.Server
}

func startBareEndpoint(ctx context.Context, databaseURL string, conns int) (*bareEndpoint, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("-database: %w", err)
	}
	cfg.MaxConns = int32(min(conns, 64))
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to Postgres for the bare baseline (-database): %w", err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/row", func(c *gin.Context) {
		var id, name string
		if err := pool.QueryRow(c.Request.Context(), `SELECT id::text, name FROM workspaces ORDER BY created_at LIMIT 1`).Scan(&id, &name); err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"id": id, "name": name})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		pool.Close()
		return nil, err
	}
	e := &bareEndpoint{url: "http://" + ln.Addr().String() + "/row", pool: pool,
		srv: &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}}
	go func() { _ = e.srv.Serve(ln) }()
	return e, nil
}

func (e *bareEndpoint) stop() {
	_ = e.srv.Close()
	e.pool.Close()
}
