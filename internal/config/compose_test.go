package config

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The compose file and the Dockerfile live at the repository root and must stay in step with
// the variables this package reads.
const (
	composePath    = "../../docker-compose.yml"
	dockerfilePath = "../../Dockerfile"
)

// onboardServices are the compose services that run the onboard binary, with their subcommand.
var onboardServices = map[string]string{"api": "api", "worker": "worker", "migrate": "migrate"}

func loadCompose(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(composePath)
	if err != nil {
		t.Fatalf("read %s: %v", composePath, err)
	}
	var doc map[string]any
	// Decoding into map[string]any resolves anchors, aliases and `<<:` merge keys.
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("parse %s: %v", composePath, err)
	}
	services, ok := doc["services"].(map[string]any)
	if !ok {
		t.Fatalf("%s: no services mapping", composePath)
	}
	return services
}

func service(t *testing.T, services map[string]any, name string) map[string]any {
	t.Helper()
	s, ok := services[name].(map[string]any)
	if !ok {
		t.Fatalf("docker-compose.yml: service %q is missing or not a mapping", name)
	}
	return s
}

// serviceEnv returns a service's environment whether written as a mapping or as a list of
// KEY=VALUE (or bare KEY, passed through from the host: empty here).
func serviceEnv(t *testing.T, name string, svc map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch env := svc["environment"].(type) {
	case nil:
	case map[string]any:
		for k, v := range env {
			if v == nil {
				out[k] = ""
			} else {
				out[k] = fmt.Sprint(v)
			}
		}
	case []any:
		for _, item := range env {
			s, ok := item.(string)
			if !ok {
				t.Fatalf("service %s: environment entry %v is not a string", name, item)
			}
			k, v, _ := strings.Cut(s, "=")
			out[k] = v
		}
	default:
		t.Fatalf("service %s: environment is a %T, want a mapping or a list", name, env)
	}
	return out
}

// serviceCommand returns a service's command as a list, whether written as a string or a list.
func serviceCommand(t *testing.T, name string, svc map[string]any) []string {
	t.Helper()
	switch c := svc["command"].(type) {
	case string:
		return strings.Fields(c)
	case []any:
		out := make([]string, len(c))
		for i, v := range c {
			out[i] = fmt.Sprint(v)
		}
		return out
	default:
		t.Fatalf("service %s: command is a %T, want a string or a list", name, c)
		return nil
	}
}

func TestComposeServices(t *testing.T) {
	services := loadCompose(t)
	for _, name := range []string{"postgres", "temporal", "temporal-ui", "api", "worker", "migrate"} {
		service(t, services, name)
	}
	for name, sub := range onboardServices {
		if got := serviceCommand(t, name, service(t, services, name)); !slices.Equal(got, []string{sub}) {
			t.Errorf("service %s: command = %q, want [%q]", name, got, sub)
		}
	}
}

func TestComposeEnvMatchesConfig(t *testing.T) {
	services := loadCompose(t)
	ours := func(k string) bool {
		return strings.HasPrefix(k, "ONBOARD_") || k == "DATABASE_URL" || k == "TEMPORAL_ADDRESS" || k == "TEMPORAL_NAMESPACE"
	}
	for name := range onboardServices {
		env := serviceEnv(t, name, service(t, services, name))
		for k := range env {
			if ours(k) && !slices.Contains(Env, k) {
				t.Errorf("service %s sets %s, which config does not read (config.Env)", name, k)
			}
		}
		// The same rule as the binary: api and worker need Postgres and Temporal, migrate only Postgres.
		needTemporal := name != "migrate"
		lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
		c, err := FromLookup(lookup)
		if err != nil {
			t.Errorf("service %s: config rejects its environment: %v", name, err)
			continue
		}
		if err := c.RequireExternal(true, needTemporal); err != nil {
			t.Errorf("service %s: %v", name, err)
		}
		if err := c.RequireSecret(); needTemporal && err != nil {
			t.Errorf("service %s: %v", name, err)
		}
		if env["DATABASE_URL"] == "" {
			t.Errorf("service %s: DATABASE_URL not set", name)
		}
		if needTemporal && env["TEMPORAL_ADDRESS"] == "" {
			t.Errorf("service %s: TEMPORAL_ADDRESS not set", name)
		}
	}
}

func TestComposeAPIConfig(t *testing.T) {
	env := serviceEnv(t, "api", service(t, loadCompose(t), "api"))
	c, err := FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatalf("config rejects the api service's environment: %v", err)
	}
	if c.DatabaseURL == "" || c.TemporalAddress == "" {
		t.Fatalf("api config lacks external services: %+v", c)
	}
	if _, port, _ := strings.Cut(c.HTTPAddr, ":"); port != "8080" {
		t.Errorf("api listens on %q, but the compose file and the Dockerfile expose 8080", c.HTTPAddr)
	}
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(dockerfilePath)
	if err != nil {
		t.Fatalf("read %s: %v", dockerfilePath, err)
	}
	s := string(b)
	if !regexp.MustCompile(`(?m)go build\b[^\n]*\./cmd/onboard\b`).MatchString(s) {
		t.Error("Dockerfile does not build ./cmd/onboard")
	}
	if !regexp.MustCompile(`(?m)^ENTRYPOINT\s+\S`).MatchString(s) {
		t.Error("Dockerfile has no ENTRYPOINT")
	}
	if !regexp.MustCompile(`(?m)^USER\s+\S`).MatchString(s) && !strings.Contains(s, ":nonroot") {
		t.Error("Dockerfile runtime stage does not run as a non-root user")
	}
	if !regexp.MustCompile(`(?m)^EXPOSE\s+8080\b`).MatchString(s) {
		t.Error("Dockerfile does not EXPOSE 8080")
	}
}
