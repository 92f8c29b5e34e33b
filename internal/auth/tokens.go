// Package auth holds Onboard's credentials: random tokens and their hashes (magic
// links, sessions), API keys, staff passwords and CSRF tokens. Only hashes of secrets
// are ever stored.
package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// NewToken returns a random URL-safe token carrying 256 bits of entropy.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// DeriveToken returns the token a server secret gives for a purpose (a message's
// idempotency key, say): the same every time for the same pair, unguessable without the
// secret. A retried email therefore carries the very link its first attempt carried.
func DeriveToken(secret, purpose string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(purpose))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Hash returns the SHA-256 of a token; tokens are random, so no salt or stretching is needed.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Equal compares two secrets in constant time.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// APIKeyPrefix starts every API key so that leaked keys are easy to spot.
const APIKeyPrefix = "onb_"

// NewAPIKey returns a new API key and the short prefix shown in lists.
func NewAPIKey() (key, display string) {
	key = APIKeyPrefix + NewToken()
	return key, key[:len(APIKeyPrefix)+6]
}

// ParseBearer extracts the token from an "Authorization: Bearer <token>" header.
func ParseBearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// ErrBadPassword is returned for a wrong password.
var ErrBadPassword = errors.New("auth: wrong email or password")

// HashPassword returns a bcrypt hash of a password.
func HashPassword(password string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	return string(b), err
}

// CheckPassword reports whether password matches hash. An empty hash (an unknown user,
// or one without a password) never matches but costs the same bcrypt comparison, so
// the time taken does not tell whether an account exists.
func CheckPassword(hash, password string) error {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return ErrBadPassword
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return ErrBadPassword
	}
	return nil
}

// dummyHash is a bcrypt hash of a random password, made once, at the default cost.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte(NewToken()), bcrypt.DefaultCost)
	return h
})

// Sign returns a signature of fields for a purpose, for a link that acts without a
// sign-in (snoozing reminders from an email): only the server can make one, and changing
// any field breaks it.
func Sign(secret, purpose string, fields ...string) string {
	return DeriveToken(secret, purpose+"\x00"+strings.Join(fields, "\x00"))
}

// Verify reports whether sig is Sign's signature of the same purpose and fields.
func Verify(secret, sig, purpose string, fields ...string) bool {
	return Equal(sig, Sign(secret, purpose, fields...))
}
