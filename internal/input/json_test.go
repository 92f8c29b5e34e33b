package input

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// body is shaped like the API's request bodies: optional strings, a required one, a
// number and a list.
type body struct {
	Name     *string  `json:"name"`
	Email    *string  `json:"email"`
	Plain    string   `json:"plain"`
	Count    int      `json:"count"`
	Tags     []string `json:"tags"`
	internal string
}

func TestDecodeJSON(t *testing.T) {
	var b body
	if err := DecodeJSON([]byte("{\"name\":\" Cafe\\u0301 \",\"plain\":\"\\u200bx\",\"count\":2}"), &b); err != nil {
		t.Fatal(err)
	}
	if *b.Name != "Café" || b.Plain != "x" || b.Count != 2 {
		t.Errorf("decoded %+v", b)
	}
	for in, want := range map[string]string{
		"":                                       "body is empty",
		"{":                                      "not valid JSON",
		"[1]":                                    "JSON object",
		`{"name":"a"} {}`:                        "single JSON object",
		`{"name":5}`:                             "name: must be a string",
		`{"count":2.5}`:                          "count: must be a whole number, not 2.5",
		`{"count":"2"}`:                          "count: must be a number, not a string",
		`{"colour":"red"}`:                       "colour: unknown field",
		`{"name":"a","name":"b"}`:                "name: given twice",
		`{"tags":[{"a":1,"a":2}]}`:               "a: given twice",
		`{"name":"\u202e"}`:                      "name: must be plain text, without bidirectional",
		"{\"name\":\"\xff\"}":                    "body is not valid UTF-8",
		`{"` + strings.Repeat("k", 500) + `":1}`: `"…: unknown field`,
	} {
		err := DecodeJSON([]byte(in), &body{})
		if err == nil || !strings.Contains(err.Error(), want) || len(err.Error()) > 200 {
			t.Errorf("DecodeJSON(%.40q) = %v; want an error mentioning %q", in, err, want)
		}
	}
}

// FuzzDecodeJSON: any bytes either give an *Error with a short message, or a body whose
// every string is clean text.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"name":"Acme","email":"a@b.example","count":1,"tags":["x"]}`, `{"name":"a","name":"b"}`,
		`{"name":"\u202e"}`, "{\"name\":\"\xff\"}", `[]`, `{"x":{"a":1,"a":2}}`, `{"name":null}`, `{"name":1}`,
		`{"name":"a"} {"name":"b"}`, `{"tags":[[[[[]]]]]}`, `{"plain":"\u0000"}`, strings.Repeat("[", 5000), `{"Name":"a","nAme":"b"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var b body
		err := DecodeJSON(in, &b)
		if err != nil {
			if _, ok := err.(*Error); !ok || len(err.Error()) > 300 {
				t.Fatalf("DecodeJSON(%q) = %T %q", in, err, err)
			}
			return
		}
		v := reflect.ValueOf(b)
		for i := range v.NumField() {
			f := v.Field(i)
			if f.Kind() == reflect.Pointer && !f.IsNil() {
				f = f.Elem()
			}
			if f.Kind() == reflect.String && v.Type().Field(i).IsExported() {
				if clean, err := Text("f", f.String()); err != nil || clean != f.String() {
					t.Fatalf("field %s = %q was not cleaned", v.Type().Field(i).Name, f.String())
				}
			}
		}
	})
}

func TestCursor(t *testing.T) {
	c := Cursor{CreatedAt: time.Unix(1700000000, 123000).UTC(), ID: "3f2504e0-4f89-41d3-9a0c-0305e82c3301"}
	got, ok := ParseCursor(c.String())
	if !ok || !got.CreatedAt.Equal(c.CreatedAt) || got.ID != c.ID {
		t.Errorf("ParseCursor(String()) = %+v, %v", got, ok)
	}
	for _, bad := range []string{"", "x", "MTIzLm5vdC1hbi1pZA", "!!!"} {
		if _, ok := ParseCursor(bad); ok {
			t.Errorf("ParseCursor(%q) accepted", bad)
		}
	}
}

// FuzzCursor: a cursor is either refused or reads back as the position it was made from.
func FuzzCursor(f *testing.F) {
	f.Add(Cursor{CreatedAt: time.Unix(1700000000, 0).UTC(), ID: "3f2504e0-4f89-41d3-9a0c-0305e82c3301"}.String())
	f.Add("MTIzLm5vdC1hbi1pZA")
	f.Fuzz(func(t *testing.T, s string) {
		cur, ok := ParseCursor(s)
		if !ok {
			return
		}
		again, ok := ParseCursor(cur.String())
		if !ok || !again.CreatedAt.Equal(cur.CreatedAt) || again.ID != cur.ID {
			t.Fatalf("cursor %q: %+v, then %+v", s, cur, again)
		}
	})
}
