// Package templates embeds Onboard's HTML page templates (portal/, staff/, and the
// parts both share in shared/), its email templates (email/) and its YAML plan
// templates (plans/) into the binary.
package templates

import "embed"

// FS holds every template file, rooted at this folder: "portal/…", "staff/…",
// "shared/…" (parts every page uses), "email/…", "plans/…" and "static/…" (the pages'
// one script).
//
//go:embed portal staff shared email plans static
var FS embed.FS
