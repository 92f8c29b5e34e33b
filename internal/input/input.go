// Package input is the one definition of what Onboard accepts from people and clients:
// text (valid UTF-8, NFC, no control or bidi-override characters, trimmed), ids, dates
// and email addresses. The JSON decoder, form handlers and path parameters all use it,
// so the same value is accepted or refused the same way everywhere.
package input

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"
)

// Error is a value refused, naming the field in the client's terms (Field is empty when
// the message is about a whole request body, or names the field itself).
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Refuse returns an *Error for field.
func Refuse(field, format string, args ...any) error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Text normalises a value a person typed: it must be valid UTF-8 without control
// characters (other than tab and line breaks) or bidi overrides; it comes back in NFC,
// trimmed of spaces and of zero-width characters at either end. A value that is blank
// after trimming comes back empty: whether that is allowed is the field's business.
func Text(field, v string) (string, error) {
	if !utf8.ValidString(v) {
		return "", Refuse(field, "is not valid UTF-8 text")
	}
	for _, r := range v {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case unicode.IsControl(r): // C0, DEL and C1 (U+0085 included)
			return "", Refuse(field, "must be plain text, without control characters")
		case isBidiControl(r):
			return "", Refuse(field, "must be plain text, without bidirectional override characters")
		}
	}
	return strings.TrimFunc(norm.NFC.String(v), isBlank), nil
}

// isBidiControl reports the characters that reorder text for display (U+202A–U+202E,
// U+2066–U+2069, and the implicit marks): they can make a name read as something else.
func isBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}

// isBlank reports spaces and the invisible characters a value may not consist of.
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF || r == 0x180E
}

// ID returns an id in its canonical form (a UUID, lower case), or false for anything
// else: ids are compared the same everywhere whatever case a client sends.
func ID(v string) (string, bool) {
	if len(v) != 36 {
		return "", false
	}
	u, err := uuid.Parse(v)
	if err != nil {
		return "", false
	}
	return u.String(), true
}

// Date parses a calendar date written 2026-01-31 (as UTC midnight).
func Date(field, v string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, v)
	switch {
	case err != nil:
		return time.Time{}, Refuse(field, "%s is not a date in the form 2026-01-31", Quote(v))
	case d.Year() < 1000: // year 1 would read as "not given"; no onboarding is that old
		return time.Time{}, Refuse(field, "%s is out of range", v)
	}
	return d, nil
}

// MaxEmailLength is the longest address a mail server must accept.
const MaxEmailLength = 254

// Email returns an address in the form it is stored (lower case), or an error: one
// plain address, no display name, with a dot in its domain.
func Email(field, v string) (string, error) {
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Address != v || addr.Name != "" || len(v) > MaxEmailLength {
		return "", Refuse(field, "%s is not an email address", Quote(v))
	}
	at := strings.LastIndexByte(v, '@')
	if at < 1 || !strings.Contains(v[at+1:], ".") || strings.HasSuffix(v, ".") {
		return "", Refuse(field, "%s is not an email address", Quote(v))
	}
	return strings.ToLower(v), nil
}

// maxQuoted is how much of an offending value a message repeats.
const maxQuoted = 40

// Quote returns v quoted for a message, cut to a short prefix: a message names what was
// wrong without echoing a whole (possibly huge) value back.
func Quote(v string) string {
	r := []rune(v)
	if len(r) <= maxQuoted {
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("%q…", string(r[:maxQuoted]))
}
