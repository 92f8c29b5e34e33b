package notify

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// SlackMessage says a message as Block Kit: the preview text and the blocks, both with
// the names in them escaped (an account called "<!channel>" pings nobody). Staff
// messages link to the dashboard (Link) and to the workflow in the Temporal Web UI.
func SlackMessage(m Message, subject string) (string, []slack.Block) {
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn("*"+escape(subject)+"*"+lead(m)), nil, nil),
	}
	switch {
	case m.ActionRef != "" && len(m.Tasks) > 0:
		blocks = append(blocks, taskSections(m)...)
	case len(m.Tasks) > 0:
		lines := make([]string, len(m.Tasks))
		for i, t := range m.Tasks {
			lines[i] = "• " + link(t.Title, t.URL) + taskNote(t)
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n")), nil, nil))
	}
	if len(m.Onboardings) > 0 {
		lines := make([]string, len(m.Onboardings))
		for i, o := range m.Onboardings {
			lines[i] = fmt.Sprintf("• %s: %s, %d%% done%s", link(o.AccountName, o.URL), escape(o.Health), o.Progress, counts(o))
			if o.Note != "" {
				lines[i] += " · " + escape(o.Note)
			}
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n")), nil, nil))
	}
	var buttons []slack.BlockElement
	if m.Link != "" {
		b := slack.NewButtonBlockElement("open", "open", plain(orDefault(m.LinkLabel, "Open in Onboard")))
		b.URL, b.Style = m.Link, slack.StylePrimary
		buttons = append(buttons, b)
	}
	if m.WorkflowURL != "" {
		b := slack.NewButtonBlockElement("workflow", "workflow", plain("Workflow in Temporal"))
		b.URL = m.WorkflowURL
		buttons = append(buttons, b)
	}
	if m.ActionRef != "" && len(m.Tasks) > 0 {
		value := m.ActionRef + "/"
		for i, t := range m.Tasks { // as many tasks as Slack's 2,000 characters a value hold
			if len(value)+len(t.Key)+1 > maxButtonValue {
				break
			}
			if i > 0 {
				value += ","
			}
			value += t.Key
		}
		buttons = append(buttons, slack.NewButtonBlockElement(ActionSnooze, value, plain("Snooze 2 days")))
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock("links", buttons...))
	}
	return escape(subject), blocks
}

// The action ids of Slack buttons that change an onboarding. A button's value is the
// message's ActionRef, "/", and the task key ("Mark done") or the comma-separated keys
// ("Snooze 2 days").
const (
	ActionComplete = "onboard_complete"
	ActionSnooze   = "onboard_snooze"
)

// maxButtonValue is the longest value Slack takes on a button.
const maxButtonValue = 2000

// maxTaskSections is how many tasks get a section (and a button) of their own; Slack
// allows 50 blocks a message. The rest are listed in one section.
const maxTaskSections = 20

// taskSections gives each task a section of its own with a "Mark done" button when it
// can be completed now.
func taskSections(m Message) []slack.Block {
	var blocks []slack.Block
	var rest []string
	for i, t := range m.Tasks {
		text := "• " + link(t.Title, t.URL) + taskNote(t)
		if i >= maxTaskSections {
			rest = append(rest, text)
			continue
		}
		var done *slack.Accessory
		if t.Completable {
			b := slack.NewButtonBlockElement(ActionComplete+":"+t.Key, m.ActionRef+"/"+t.Key, plain("Mark done"))
			done = slack.NewAccessory(b)
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, done, slack.SectionBlockOptionBlockID("task:"+t.Key)))
	}
	if len(rest) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(strings.Join(rest, "\n")), nil, nil))
	}
	return blocks
}

func lead(m Message) string {
	switch {
	case m.Reason != "":
		return "\n" + escape(m.AccountName) + " needs you: " + escape(m.Reason) + "."
	case m.Kind == KindGoLive:
		return "\nEvery task needed for go-live is done."
	case m.Kind == KindVendorReminder && m.ActionRef == "":
		return "\nYour team's tasks for " + escape(m.AccountName) + ":"
	}
	return ""
}

func taskNote(t TaskLine) string {
	var parts []string
	if t.Due != "" {
		if t.Overdue {
			parts = append(parts, "was due "+escape(t.Due))
		} else {
			parts = append(parts, "due "+escape(t.Due))
		}
	}
	if t.Blocked != "" {
		parts = append(parts, "blocked: "+escape(t.Blocked))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

func counts(o OnboardingLine) string {
	s := ""
	if o.Overdue > 0 {
		s += fmt.Sprintf(", %d overdue", o.Overdue)
	}
	if o.Blocked > 0 {
		s += fmt.Sprintf(", %d blocked", o.Blocked)
	}
	return s
}

func link(text, url string) string {
	if url == "" {
		return escape(text)
	}
	return "<" + url + "|" + escape(text) + ">"
}

// escape makes text safe in Slack's mrkdwn: &, < and > are control characters there.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
