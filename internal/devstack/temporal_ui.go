package devstack

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
)

// startUI starts the Temporal Web UI on port and waits until it answers.
// The UI server exits the whole process when it cannot listen, so the port
// is checked (again) right before it starts.
func (t *Temporal) startUI(ctx context.Context, o TemporalOptions, port int) error {
	if err := checkPortFree(o.IP, port, o.UIPortEnv); err != nil {
		return err
	}
	ui := uiserver.NewServer(uioptions.WithConfigProvider(&uiconfig.Config{
		Host:                o.IP,
		Port:                port,
		TemporalGRPCAddress: t.address,
		EnableUI:            true,
		DefaultNamespace:    o.Namespace,
		CORS:                uiconfig.CORS{CookieInsecure: true},
		HideLogs:            true,
		DisableNewsFetch:    true,
	}))
	done := make(chan error, 1)
	go func() { done <- ui.Start() }()
	t.ui = ui
	t.uiURL = "http://" + hostPort(o.IP, port)
	return waitHTTP(ctx, t.uiURL+"/healthz", done)
}

// waitHTTP polls url until it answers 200, done delivers, or 30s pass.
func waitHTTP(ctx context.Context, url string, done <-chan error) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", strconv.Itoa(resp.StatusCode))
		}
		select {
		case startErr := <-done:
			return fmt.Errorf("%w before answering: %v", errUIExited, startErr)
		case <-ctx.Done():
			return fmt.Errorf("%s not answering: %w (last error: %v)", url, ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
