// Package templates embeds Onboard's HTML page templates (portal/, staff/), email
// templates (email/) and YAML plan templates (plans/) into the binary.
package templates

import "embed"

// FS holds every template file, rooted at this folder: "portal/…", "staff/…",
// "email/…" and "plans/…".
//
//go:embed portal staff plans
var FS embed.FS
