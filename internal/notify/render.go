package notify

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	texttemplate "text/template"
)

// Rendered is a message as an email says it.
type Rendered struct {
	Subject string
	HTML    string
	Text    string
}

// Templates are the email templates of every kind, parsed once at start-up from
// templates/email: layout.html and layout.txt frame every message; <kind>.html defines
// its "body", <kind>.txt its "subject" and "text".
type Templates struct {
	html map[Kind]*htmltemplate.Template
	text map[Kind]*texttemplate.Template
}

// ParseTemplates parses the email templates under dir of fsys; a kind without both
// files, or a template that does not parse, is an error.
func ParseTemplates(fsys fs.FS, dir string) (*Templates, error) {
	t := &Templates{html: map[Kind]*htmltemplate.Template{}, text: map[Kind]*texttemplate.Template{}}
	for _, k := range Kinds {
		h, err := htmltemplate.ParseFS(fsys, dir+"/layout.html", dir+"/"+string(k)+".html")
		if err != nil {
			return nil, fmt.Errorf("notify: email template %s: %w", k, err)
		}
		x, err := texttemplate.ParseFS(fsys, dir+"/layout.txt", dir+"/"+string(k)+".txt")
		if err != nil {
			return nil, fmt.Errorf("notify: email template %s: %w", k, err)
		}
		t.html[k], t.text[k] = h, x
	}
	return t, nil
}

// Render says a message as an email: subject, HTML and plain text.
func (t *Templates) Render(m Message) (Rendered, error) {
	h, ok := t.html[m.Kind]
	if !ok {
		return Rendered{}, fmt.Errorf("notify: no email template for %q", m.Kind)
	}
	if m.Brand.AccentColor == "" {
		m.Brand.AccentColor = "#4f46e5"
	}
	var subject, html, text bytes.Buffer
	if err := t.text[m.Kind].ExecuteTemplate(&subject, "subject", m); err != nil {
		return Rendered{}, fmt.Errorf("notify: %s subject: %w", m.Kind, err)
	}
	if err := h.ExecuteTemplate(&html, "layout", m); err != nil {
		return Rendered{}, fmt.Errorf("notify: %s html: %w", m.Kind, err)
	}
	if err := t.text[m.Kind].ExecuteTemplate(&text, "layout", m); err != nil {
		return Rendered{}, fmt.Errorf("notify: %s text: %w", m.Kind, err)
	}
	return Rendered{Subject: oneLine(subject.String()), HTML: html.String(), Text: tidy(text.String())}, nil
}

// oneLine joins a subject's lines and spaces: a header cannot hold a line break.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// tidy trims trailing spaces and runs of blank lines that template actions leave behind.
func tidy(s string) string {
	var out []string
	blank := 0
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}
