package input

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"  Acme  ":               "Acme",
		"\u200b\ufeffAcme\u2060": "Acme",
		"Cafe\u0301":             "Café",
		"a\tb\nc\r\nd":           "a\tb\nc\r\nd",
		"\u200b \ufeff":          "",
		"":                       "",
	} {
		got, err := Text("name", in)
		if err != nil || got != want {
			t.Errorf("Text(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"a\x00b", "a\x07", "a\x7f", "a\u0085b", "a\u202eb", "a\u2066b", "\xff\xfe", "a\u200fb"} {
		_, err := Text("name", in)
		var e *Error
		if !errors.As(err, &e) || e.Field != "name" {
			t.Errorf("Text(%q) = %v; want an *Error naming the field", in, err)
		}
	}
}

func TestID(t *testing.T) {
	const id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
	for _, in := range []string{id, strings.ToUpper(id)} {
		if got, ok := ID(in); !ok || got != id {
			t.Errorf("ID(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "x", "{" + id + "}", "urn:uuid:" + id, strings.ReplaceAll(id, "-", ""), id + " ", "\x00"} {
		if _, ok := ID(in); ok {
			t.Errorf("ID(%q) accepted", in)
		}
	}
}

func TestDateAndEmail(t *testing.T) {
	if d, err := Date("start_date", "2026-02-28"); err != nil || d.Format("2006-01-02") != "2026-02-28" {
		t.Errorf("Date: %v %v", d, err)
	}
	for _, in := range []string{"2026-02-30", "0001-01-01", "0999-12-31", "26-1-1", "2026-1-1", "2026-01-01T00:00:00Z", ""} {
		if _, err := Date("start_date", in); err == nil || !strings.HasPrefix(err.Error(), "start_date: ") {
			t.Errorf("Date(%q) = %v", in, err)
		}
	}
	if e, err := Email("email", "Dana.W@Acme.Example"); err != nil || e != "dana.w@acme.example" {
		t.Errorf("Email: %q %v", e, err)
	}
	for _, in := range []string{"dana", "dana@acme", "Dana <dana@acme.example>", "dana@acme.example.", "@acme.example", strings.Repeat("a", 250) + "@b.example"} {
		if _, err := Email("email", in); err == nil {
			t.Errorf("Email(%q) accepted", in)
		}
	}
	if q := Quote(strings.Repeat("é", 10_000)); utf8.RuneCountInString(q) > maxQuoted+3 {
		t.Errorf("Quote is %d runes long", utf8.RuneCountInString(q))
	}
}

// FuzzText: whatever Text accepts comes back clean, and cleaning it again changes nothing.
func FuzzText(f *testing.F) {
	for _, s := range []string{"Acme", " \u200bA\u0301 ", "a\u202eb", "\xff", "a\tb", "\u0085", "ﬁ", "\u00e9\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Text("f", in)
		if err != nil {
			return
		}
		if !utf8.ValidString(out) || !norm.NFC.IsNormalString(out) {
			t.Fatalf("Text(%q) = %q: not valid NFC", in, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' || isBidiControl(r) {
				t.Fatalf("Text(%q) = %q holds %U", in, out, r)
			}
		}
		if out != strings.TrimFunc(out, isBlank) {
			t.Fatalf("Text(%q) = %q is not trimmed", in, out)
		}
		if again, err := Text("f", out); err != nil || again != out {
			t.Fatalf("Text is not idempotent on %q: %q, %v", out, again, err)
		}
	})
}

// FuzzID: an accepted id is canonical, and every spelling of it gives the same one.
func FuzzID(f *testing.F) {
	f.Add("3f2504e0-4f89-41d3-9a0c-0305e82c3301")
	f.Add("3F2504E0-4F89-41D3-9A0C-0305E82C3301")
	f.Add("{3f2504e0-4f89-41d3-9a0c-0305e82c3301}")
	f.Fuzz(func(t *testing.T, in string) {
		id, ok := ID(in)
		if !ok {
			return
		}
		if again, ok := ID(strings.ToUpper(in)); !ok || again != id || id != strings.ToLower(id) || len(id) != 36 {
			t.Fatalf("ID(%q) = %q; upper case gives %q", in, id, again)
		}
	})
}

// FuzzDate: an accepted date writes back as what was sent.
func FuzzDate(f *testing.F) {
	for _, s := range []string{"2026-01-31", "9999-12-31", "0001-01-01", "2026-02-29", "2026-13-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d, err := Date("d", in)
		if err == nil && d.Format("2006-01-02") != in {
			t.Fatalf("Date(%q) = %v", in, d)
		}
	})
}

// FuzzEmail: an accepted address is lower case, short enough, and accepted again as it is.
func FuzzEmail(f *testing.F) {
	for _, s := range []string{"a@b.example", "A@B.EXAMPLE", "\"a b\"@c.example", "a@b", "<a@b.example>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		e, err := Email("email", in)
		if err != nil {
			return
		}
		if e != strings.ToLower(e) || len(e) > MaxEmailLength || !strings.Contains(e, "@") {
			t.Fatalf("Email(%q) = %q", in, e)
		}
		if again, err := Email("email", e); err != nil || again != e {
			t.Fatalf("Email not stable on %q: %q, %v", e, again, err)
		}
	})
}
