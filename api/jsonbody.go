package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
)

// decodeJSON reads the request body into dst, strictly: one JSON object, no unknown or
// repeated fields, and every string field through input.Text (valid UTF-8, NFC, no control
// or bidi characters, trimmed). Every failure says what was wrong and, where it can, which
// field. The Content-Type is not checked, so a plain `curl -d '{...}'` works.
func decodeJSON(c *gin.Context, dst any) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return err // *http.MaxBytesError: 413
	}
	return decodeBody(body, dst)
}

// decodeBody is decodeJSON on bytes already read.
func decodeBody(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("body is empty: send a JSON object")
	}
	if err := checkKeys(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return badRequest("body must hold a single JSON object")
	}
	return cleanStrings(dst)
}

// checkKeys refuses invalid UTF-8 and an object that names a field twice: encoding/json
// would keep the last one, silently. Syntax errors are left to the decoder, which says
// them better.
func checkKeys(body []byte) error {
	if !utf8.Valid(body) {
		return badRequest("body is not valid UTF-8")
	}
	err := checkValue(json.NewDecoder(bytes.NewReader(body)))
	var dup *duplicateKey
	if errors.As(err, &dup) {
		return badRequest("%s: given twice", fieldName(dup.key))
	}
	return nil
}

type duplicateKey struct{ key string }

func (d *duplicateKey) Error() string { return "duplicate key " + d.key }

// checkValue reads one JSON value from dec, looking into objects and arrays for repeated
// keys. (encoding/json bounds the nesting depth.)
func checkValue(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	delim, ok := tok.(json.Delim)
	if !ok || (delim != '{' && delim != '[') {
		return nil
	}
	seen := map[string]bool{}
	for dec.More() {
		if delim == '{' {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			if seen[key] {
				return &duplicateKey{key}
			}
			seen[key] = true
		}
		if err := checkValue(dec); err != nil {
			return err
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

// cleanStrings runs every string and *string field of the struct dst points to through
// input.Text, naming fields by their JSON names.
func cleanStrings(dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	v = v.Elem()
	for i := range v.NumField() {
		f, name := v.Field(i), jsonName(v.Type().Field(i))
		if f.Kind() == reflect.Pointer && !f.IsNil() {
			f = f.Elem()
		}
		if f.Kind() != reflect.String || !f.CanSet() {
			continue
		}
		clean, err := input.Text(name, f.String())
		if err != nil {
			return err
		}
		f.SetString(clean)
	}
	return nil
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return err
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("body is not valid JSON")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("body must be a JSON object")
		}
		return badRequest("%s: must be a %s, not a %s", typ.Field, jsonType(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badRequest("%s: unknown field", fieldName(field))
	}
	return badRequest("body is not valid JSON")
}

// fieldName shows a field name a client sent: as it is when it looks like one, quoted
// and cut short otherwise.
func fieldName(name string) string {
	if len(name) > 0 && len(name) <= 40 && strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == "" {
		return name
	}
	return input.Quote(name)
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "int", "int64", "int32", "float64", "uint":
		return "number"
	case "bool":
		return "boolean"
	case "slice":
		return "array"
	}
	return fmt.Sprint(kind)
}
