package onboarding

import (
	"strings"
	"testing"
)

func TestCheckAnswers(t *testing.T) {
	fields := []Field{
		{Key: "name", Type: FieldText, Required: true},
		{Key: "goal", Type: FieldTextarea},
		{Key: "email", Type: FieldEmail, Required: true},
		{Key: "site", Type: FieldURL},
		{Key: "users", Type: FieldNumber},
		{Key: "day", Type: FieldDate},
		{Key: "idp", Type: FieldSelect, Options: []string{"Okta", "Entra ID"}},
		{Key: "terms", Type: FieldCheckbox, Required: true},
		{Key: "news", Type: FieldCheckbox},
	}
	kept, problems := CheckAnswers(fields, map[string]string{"name": "  Dana ", "email": "Dana@Acme.Example", "site": "https://acme.example",
		"users": "1,200", "day": "2026-03-01", "idp": "Okta", "terms": "on", "extra": "dropped"}, false)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := map[string]string{"name": "Dana", "email": "dana@acme.example", "site": "https://acme.example", "users": "1,200",
		"day": "2026-03-01", "idp": "Okta", "terms": "true", "news": "false"}
	for k, v := range want {
		if kept[k] != v {
			t.Errorf("kept[%s] = %q, want %q", k, kept[k], v)
		}
	}
	if _, ok := kept["extra"]; ok || len(kept) != len(want) {
		t.Errorf("kept %v", kept)
	}

	_, problems = CheckAnswers(fields, map[string]string{"name": "\u200b", "email": "not mail", "site": "javascript:alert(1)",
		"users": "many", "day": "31/01/2026", "idp": "Google", "goal": strings.Repeat("x", MaxLongAnswer+1)}, false)
	for _, k := range []string{"name", "email", "site", "users", "day", "idp", "terms", "goal"} {
		if problems[k] == "" {
			t.Errorf("no problem with %s", k)
		}
	}
	// A draft may leave required fields empty, but not hold a wrong answer.
	if _, problems := CheckAnswers(fields, map[string]string{"email": "bad"}, true); len(problems) != 1 || problems["email"] == "" {
		t.Errorf("draft problems: %v", problems)
	}
	if _, problems := CheckAnswers(fields, map[string]string{"name": "a\u202eb"}, true); problems["name"] == "" {
		t.Error("a bidi override in an answer passed")
	}
}
