package auth

import (
	"bytes"
	"strings"
	"testing"
)

func TestTokensAreRandomAndHashStable(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) < 40 {
		t.Fatalf("tokens not random or too short: %q %q", a, b)
	}
	if !bytes.Equal(Hash(a), Hash(a)) || bytes.Equal(Hash(a), Hash(b)) {
		t.Fatal("hash not stable or collides")
	}
}

func TestAPIKey(t *testing.T) {
	key, display := NewAPIKey()
	if !strings.HasPrefix(key, "onb_") || !strings.HasPrefix(key, display) || len(display) != 10 {
		t.Fatalf("bad key %q display %q", key, display)
	}
}

func TestParseBearer(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"Bearer abc", "abc", true},
		{"bearer  abc ", "abc", true},
		{"Basic abc", "", false},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := ParseBearer(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseBearer(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if CheckPassword(h, "correct horse") != nil {
		t.Fatal("right password refused")
	}
	if CheckPassword(h, "wrong") == nil || CheckPassword("", "") == nil {
		t.Fatal("wrong password accepted")
	}
	if !Equal("x", "x") || Equal("x", "y") {
		t.Fatal("Equal wrong")
	}
}

func TestDeriveToken(t *testing.T) {
	a := DeriveToken("server-secret-of-at-least-32-chars!", "invite:1")
	if a != DeriveToken("server-secret-of-at-least-32-chars!", "invite:1") {
		t.Error("DeriveToken is not stable")
	}
	if a == DeriveToken("server-secret-of-at-least-32-chars!", "invite:2") || a == DeriveToken("another-secret-of-at-least-32-chars", "invite:1") {
		t.Error("DeriveToken ignores its purpose or secret")
	}
	if len(a) != 43 || strings.ContainsAny(a, "+/=") {
		t.Errorf("token %q is not 256 bits of URL-safe base64", a)
	}
}
