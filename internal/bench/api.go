package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	// requestTimeout bounds every HTTP request, including reading the answer.
	requestTimeout = 30 * time.Second
	// maxBody caps how much of an answer is read.
	maxBody = 8 << 20
)

// apiClient calls the JSON API with an API key.
type apiClient struct {
	base string
	key  string
	hc   *http.Client
}

// newAPIClient returns a client whose connection pool fits conns concurrent users.
func newAPIClient(base, key string, conns int) *apiClient {
	tr := &http.Transport{
		Proxy:               nil, // only ever the URL given
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second,
	}
	return &apiClient{base: strings.TrimRight(base, "/"), key: key,
		hc: &http.Client{Transport: tr, Timeout: requestTimeout}}
}

func (c *apiClient) close() { c.hc.CloseIdleConnections() }

// call sends a request and reads the whole answer. err is set only when no answer came.
func (c *apiClient) call(ctx context.Context, method, path string, body any, idempotencyKey string) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", idempotencyKey)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return resp.StatusCode, b, err
}

// callJSON expects status want and decodes the answer into out.
func (c *apiClient) callJSON(ctx context.Context, method, path string, body any, want int, out any) error {
	status, b, err := c.call(ctx, method, path, body, "")
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if status != want {
		return fmt.Errorf("%s %s: %s", method, path, describe(status, b))
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// describe names a failed answer by its status and the API's error message.
func describe(status int, body []byte) string {
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Code != "" {
		return fmt.Sprintf("%d %s: %s", status, e.Error.Code, e.Error.Message)
	}
	snippet := strings.TrimSpace(string(body))
	if len(snippet) > 200 {
		snippet = snippet[:200] + "…"
	}
	return fmt.Sprintf("%d %s", status, snippet)
}

// createAccount creates the account the bench's onboardings belong to.
func (c *apiClient) createAccount(ctx context.Context, name string) (string, error) {
	var a struct {
		ID string `json:"id"`
	}
	err := c.callJSON(ctx, http.MethodPost, "/api/v1/accounts", map[string]string{"name": name, "timezone": "UTC"}, http.StatusCreated, &a)
	return a.ID, err
}

// createOnboarding starts an onboarding of the plan for the account.
func (c *apiClient) createOnboarding(ctx context.Context, accountID, plan string) (string, error) {
	var o struct {
		ID string `json:"id"`
	}
	err := c.callJSON(ctx, http.MethodPost, "/api/v1/onboardings", map[string]string{"account_id": accountID, "plan": plan}, http.StatusCreated, &o)
	return o.ID, err
}

// onboardingDoc is the part of GET /api/v1/onboardings/{id} a simulated user reads.
type onboardingDoc struct {
	ID     string `json:"id"`
	Phases []struct {
		Tasks []struct {
			Key       string   `json:"key"`
			Status    string   `json:"status"`
			DependsOn []string `json:"depends_on"`
		} `json:"tasks"`
	} `json:"phases"`
}

// onboarding reads an onboarding with its tasks.
func (c *apiClient) onboarding(ctx context.Context, id string) (onboardingDoc, error) {
	var o onboardingDoc
	err := c.callJSON(ctx, http.MethodGet, "/api/v1/onboardings/"+url.PathEscape(id), nil, http.StatusOK, &o)
	return o, err
}

// complete completes a task: 200 is ok, 202 queued (no worker answered in time), any
// other answer failed.
func (c *apiClient) complete(ctx context.Context, onboardingID, task, idempotencyKey string) outcome {
	status, b, err := c.call(ctx, http.MethodPost, "/api/v1/onboardings/"+url.PathEscape(onboardingID)+"/tasks/"+url.PathEscape(task)+"/complete", nil, idempotencyKey)
	switch {
	case err != nil:
		return fail(err.Error())
	case status == http.StatusOK:
		return outcome{kind: kindOK}
	case status == http.StatusAccepted:
		return outcome{kind: kindQueued}
	}
	return fail(describe(status, b))
}
