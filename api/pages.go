package api

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/templates"
)

// pages holds one parsed template set per page: the audience's layout plus the page,
// so portal and staff pages can each define "content".
type pages struct {
	sets map[string]*template.Template
}

var pageFuncs = template.FuncMap{
	"date": func(t any) string { return formatDay(t, time.UTC, "Mon 2 Jan 2006") },
	// moment shows a moment to the minute, in UTC: "Mon 2 Jan 2006 15:04 UTC".
	"moment": func(t any) string { return formatDay(t, time.UTC, "Mon 2 Jan 2006 15:04 MST") },
	// day shows a moment as the calendar day it falls on in a time zone (the account's):
	// a task due at the end of a New York day is still due that day, not the next.
	"day": func(loc *time.Location, t any) string { return formatDay(t, loc, "Mon 2 Jan 2006") },
	// isoDay is the same day as a date input's value: 2026-03-31.
	"isoDay": func(loc *time.Location, t any) string { return formatDay(t, loc, time.DateOnly) },
	// fieldOf names one field of a form for the "problem" template.
	"fieldOf": func(f *formState, field string) formField { return formField{Form: f, Field: field} },
}

// formField is one field of a form, for the "problem" template.
type formField struct {
	Form  *formState
	Field string
}

func formatDay(t any, loc *time.Location, layout string) string {
	var v time.Time
	switch x := t.(type) {
	case time.Time:
		v = x
	case *time.Time:
		if x == nil {
			return "—"
		}
		v = *x
	default:
		return "—"
	}
	return v.In(loc).Format(layout)
}

// parsePages parses every page of templates/portal and templates/staff, each with its
// audience's layout, its audience's parts (templates/<audience>/parts) and the shared ones.
func parsePages() (*pages, error) {
	p := &pages{sets: map[string]*template.Template{}}
	for _, audience := range []string{"portal", "staff"} {
		files, err := fs.Glob(templates.FS, audience+"/*.html")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if path.Base(f) == "layout.html" {
				continue
			}
			patterns := []string{"shared/*.html", audience + "/layout.html", f}
			if parts, _ := fs.Glob(templates.FS, audience+"/parts/*.html"); len(parts) > 0 {
				patterns = append(patterns, audience+"/parts/*.html")
			}
			t, err := template.New("").Funcs(pageFuncs).ParseFS(templates.FS, patterns...)
			if err != nil {
				return nil, fmt.Errorf("api: parse %s: %w", f, err)
			}
			p.sets[strings.TrimSuffix(f, ".html")] = t
		}
	}
	if p.sets["portal/error"] == nil {
		return nil, fmt.Errorf("api: templates/portal/error.html is missing")
	}
	return p, nil
}

// view is what every page template receives.
type view struct {
	Title string
	CSRF  string
	User  string
	Data  any
	// Live is the event stream the page follows to update itself (see static/live.js).
	Live string
	// Brand is the workspace's name, colour and logo on portal pages of a signed-in
	// contact; nil shows Onboard's own.
	Brand *brand
}

// brand is how a workspace's portal looks.
type brand struct {
	Name, AccentColor, LogoURL string
}

func brandOf(ws store.Workspace) *brand {
	return &brand{Name: ws.Name, AccentColor: ws.AccentColor, LogoURL: ws.LogoURL}
}

type errorPage struct {
	Title   string
	Message string
}

// render writes a page; "error" is the shared error page.
func (p *pages) render(c *gin.Context, status int, name string, data any) {
	v, ok := data.(view)
	if !ok {
		v = view{Data: data}
		if e, isErr := data.(errorPage); isErr {
			v.Title = e.Title
		}
	}
	if name == "error" {
		name = "portal/error"
	}
	if b, ok := c.Get(ctxBrand); ok && v.Brand == nil {
		v.Brand = b.(*brand)
	}
	var buf bytes.Buffer
	if err := p.sets[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		c.String(500, "page could not be shown")
		_ = c.Error(err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// formText reads a form field through the one text normaliser (input.Text), at most max
// characters.
func formText(c *gin.Context, field string, max int) (string, error) {
	v, err := input.Text(field, c.PostForm(field))
	if err != nil {
		return "", err
	}
	return v, maxLength(field, v, max)
}

// liveJS is the pages' one script, read once at start-up.
var liveJS = func() []byte {
	b, err := fs.ReadFile(templates.FS, "static/live.js")
	if err != nil {
		panic("api: templates/static/live.js is missing: " + err.Error())
	}
	return b
}()
