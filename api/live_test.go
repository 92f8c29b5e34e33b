package api_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// openStream opens an event stream with the client's session and returns its lines.
func openStream(t *testing.T, c *http.Client, url string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := make(chan string, 100)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	if first := <-lines; first != ": live" {
		t.Fatalf("stream opened with %q", first)
	}
	return lines
}

// waitChanged waits for a "changed" event, or fails after ten seconds.
func waitChanged(t *testing.T, lines <-chan string, what string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("%s: the stream closed", what)
			}
			if l == "event: changed" {
				return
			}
		case <-deadline:
			t.Fatalf("%s: no change announced within 10 s", what)
		}
	}
}

func TestPagesFollowChanges(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	contact := h.portalContact(tn, "dana@acme.example")
	staff := h.staffClient(tn, "casey@vendor.example", "csm")
	portal := openStream(t, contact, h.server.URL+"/portal/events")
	detail := openStream(t, staff, h.server.URL+"/staff/onboardings/"+id+"/events")
	list := openStream(t, staff, h.server.URL+"/staff/events")

	h.call("POST", "/api/v1/onboardings/"+id+"/tasks/welcome-pack/complete", tn.key, nil).expect(t, 200)
	waitChanged(t, portal, "the portal")
	waitChanged(t, detail, "the staff onboarding page")
	waitChanged(t, list, "the staff list")

	// Another workspace's changes reach none of them; its onboarding's stream is not found.
	other := h.newTenant("initech")
	theirs := h.createOnboarding(other, "standard-saas")["id"].(string)
	h.call("POST", "/api/v1/onboardings/"+theirs+"/tasks/welcome-pack/complete", other.key, nil).expect(t, 200)
	select {
	case l := <-portal:
		if l == "event: changed" {
			t.Error("the portal heard another workspace's change")
		}
	case <-time.After(time.Second):
	}
	if status, _, _ := fetch(t, staff, "GET", h.server.URL+"/staff/onboardings/"+theirs+"/events", nil); status != 404 {
		t.Errorf("another workspace's onboarding stream: %d, want 404", status)
	}
	if status, _, loc := fetch(t, browserless(t), "GET", h.server.URL+"/portal/events", nil); status != 303 || loc != "/portal/signed-out" {
		t.Errorf("a stream without a session: %d %q", status, loc)
	}
}
