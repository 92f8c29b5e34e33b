package onboarding

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/onboard-oss/onboard/internal/input"
)

// Longest answers, in characters.
const (
	MaxShortAnswer = 500
	MaxLongAnswer  = 10_000
)

// CheckAnswers checks a form's answers against its fields: required fields answered, each
// answer of its field's kind. It returns the answers as they are kept (trimmed, an email
// in lower case, a checkbox "true" or "false") and, per field key, what is wrong in words
// for the person filling the form. Answers to fields the form does not have are dropped.
// With draft set, missing required answers are no problem yet.
func CheckAnswers(fields []Field, answers map[string]string, draft bool) (map[string]string, map[string]string) {
	kept, problems := map[string]string{}, map[string]string{}
	for _, f := range fields {
		v, err := input.Text(f.Key, answers[f.Key])
		if err == nil {
			v, err = checkAnswer(f, v)
		}
		switch {
		case err != nil:
			problems[f.Key] = err.Error()
		case f.Required && !draft && f.Type == FieldCheckbox && v != "true":
			problems[f.Key] = "Tick this to go on."
		case f.Required && !draft && v == "":
			problems[f.Key] = "This is required."
		}
		if v != "" || f.Type == FieldCheckbox {
			kept[f.Key] = v
		}
	}
	return kept, problems
}

// problem is what is wrong with one answer, in the form's words.
type problem string

func (p problem) Error() string { return string(p) }

func checkAnswer(f Field, v string) (string, error) {
	if f.Type == FieldCheckbox {
		return strconv.FormatBool(v != "" && v != "false"), nil
	}
	if v == "" {
		return "", nil
	}
	switch f.Type {
	case FieldText, FieldTextarea:
		if max := maxAnswer(f.Type); utf8.RuneCountInString(v) > max {
			return v, problem(fmt.Sprintf("Keep it to %d characters.", max))
		}
	case FieldEmail:
		e, err := input.Email(f.Key, v)
		if err != nil {
			return v, problem("Enter an email address, like name@example.com.")
		}
		return e, nil
	case FieldURL:
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(v) > 2000 {
			return v, problem("Enter a web address starting with https://.")
		}
	case FieldNumber:
		if _, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64); err != nil || len(v) > 40 {
			return v, problem("Enter a number.")
		}
	case FieldDate:
		if _, err := input.Date(f.Key, v); err != nil {
			return v, problem("Enter a date, like 2026-01-31.")
		}
	case FieldSelect:
		if !slices.Contains(f.Options, v) {
			return v, problem("Choose one of the options.")
		}
	}
	return v, nil
}

func maxAnswer(t FieldType) int {
	if t == FieldTextarea {
		return MaxLongAnswer
	}
	return MaxShortAnswer
}
