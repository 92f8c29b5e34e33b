// Package templates embeds Onboard's HTML page templates (portal/, staff/, and the
// parts both share in shared/) and its YAML plan templates (plans/) into the binary.
package templates

import "embed"

// FS holds every template file, rooted at this folder: "portal/…", "staff/…",
// "shared/…" (parts every page uses) and "plans/…".
//
//go:embed portal staff shared plans
var FS embed.FS
