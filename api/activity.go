package api

import (
	"cmp"
	"encoding/json"
	"strings"
	"time"

	"github.com/onboard-oss/onboard/internal/store"
)

// activityShown is how many audit events the staff onboarding page lists.
const activityShown = 50

// activityLine is one line of the activity log: who did what, when, and why if they said.
type activityLine struct {
	At     time.Time
	Who    string
	What   string
	Detail string
}

// activityVerbs says each audit action in words; the subject (a task) follows.
var activityVerbs = map[string]string{
	"task.start": "started", "task.complete": "finished", "task.skip": "chose to skip", "task.block": "reported a blocker on",
	"task.unblock": "unblocked", "task.reopen": "reopened", "task.snooze": "put off reminders about",
	"task.due_date": "moved the due date of", "task.assign": "assigned", "onboarding.pause": "paused the onboarding",
	"onboarding.resume": "resumed the onboarding", "onboarding.cancel": "cancelled the onboarding",
	"onboarding.target_go_live": "moved the target go-live", "onboarding.start_date": "moved the start date",
}

// activityLines puts audit events into words, naming tasks by their titles and
// assignees by people's names ("contact:<id>" or "staff:<id>" to a name).
func activityLines(events []store.Activity, tasks []store.OnboardingTask, people map[string]string) []activityLine {
	titles := map[string]string{}
	for _, t := range tasks {
		titles[t.Key] = t.Title
	}
	out := make([]activityLine, 0, len(events))
	for _, e := range events {
		l := activityLine{At: e.CreatedAt, Who: actorWords(e)}
		action, refused := strings.CutSuffix(e.Action, ".rejected")
		verb, ok := activityVerbs[action]
		if !ok {
			verb = action
		}
		if refused {
			verb = "was refused: " + verb
		}
		var subjects []string
		for _, key := range strings.Split(e.Subject, ",") {
			if key != "" {
				subjects = append(subjects, cmp.Or(titles[key], key))
			}
		}
		l.What = strings.TrimSpace(verb + " " + strings.Join(subjects, ", "))
		var detail struct {
			Reason   string  `json:"reason"`
			Error    string  `json:"error"`
			Day      string  `json:"day"`
			Assignee *string `json:"assignee"`
			TimeZone string  `json:"time_zone"`
		}
		_ = json.Unmarshal(e.Detail, &detail)
		switch {
		case action == "task.assign" && detail.Assignee != nil:
			l.Detail = "to everyone on its side"
			if *detail.Assignee != "" {
				l.Detail = "to " + cmp.Or(people[*detail.Assignee], "someone no longer here")
			}
			if detail.TimeZone != "" {
				l.Detail += ", reminded in " + detail.TimeZone + " working hours"
			}
		case detail.Error != "":
			l.Detail = detail.Error
		case detail.Reason != "":
			l.Detail = detail.Reason
		case detail.Day != "":
			l.Detail = "to " + detail.Day
		}
		out = append(out, l)
	}
	return out
}

// actorWords names who acted: the person's name, else what kind of actor it was.
func actorWords(e store.Activity) string {
	if e.ActorName != "" {
		return e.ActorName
	}
	kind, _, _ := strings.Cut(e.Actor, ":")
	switch kind {
	case "api-key":
		return "An integration (API key)"
	case "email-link":
		return "The customer, from a reminder email"
	case "staff":
		return "A former staff member"
	case "contact":
		return "A former contact"
	}
	return e.Actor
}
