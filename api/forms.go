package api

import (
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
)

// formState is a staff form as it was typed and what was refused in it: a page shows a
// refused form again with every value kept and the problem next to its field. Pages with
// several forms tell them apart by Name.
type formState struct {
	Name    string
	Values  map[string]string
	Problem *input.Error
}

// Has reports whether the refusal is about field (also "reminders.field" and the like).
func (f *formState) Has(field string) bool {
	if f == nil || f.Problem == nil {
		return false
	}
	p := f.Problem.Field
	return p == field || len(p) > len(field) && p[len(p)-len(field)-1] == '.' && p[len(p)-len(field):] == field
}

// Value is a field's value as typed.
func (f *formState) Value(field string) string {
	if f == nil {
		return ""
	}
	return f.Values[field]
}

// readForm keeps the named fields of the posted form as typed.
func readForm(c *gin.Context, name string, fields ...string) *formState {
	f := &formState{Name: name, Values: map[string]string{}}
	for _, k := range fields {
		f.Values[k] = c.PostForm(k)
	}
	return f
}

// refused records err on the form when it is a refusal of a value (an *input.Error);
// anything else is not the form's fault and is returned for the error page.
func (f *formState) refused(err error) (bool, error) {
	var ie *input.Error
	if errors.As(err, &ie) {
		f.Problem = ie
		return true, nil
	}
	return false, err
}
