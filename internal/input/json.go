package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// refuseBody is an *Error about the body as a whole, or about a field it names itself.
func refuseBody(format string, args ...any) error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// DecodeJSON reads body into dst, strictly: one JSON object, no unknown or repeated
// fields, and every string field of dst (a pointer to a struct) through Text. Every
// failure is an *Error that says what was wrong and, where it can, names the field.
func DecodeJSON(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return refuseBody("body is empty: send a JSON object")
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
		return refuseBody("body must hold a single JSON object")
	}
	return cleanStrings(dst)
}

// checkKeys refuses invalid UTF-8 and an object that names a field twice: encoding/json
// would keep the last one, silently. Syntax errors are left to the decoder, which says
// them better.
func checkKeys(body []byte) error {
	if !utf8.Valid(body) {
		return refuseBody("body is not valid UTF-8")
	}
	err := checkValue(json.NewDecoder(bytes.NewReader(body)), 0)
	var dup *duplicateKey
	if errors.As(err, &tooDeep{}) {
		return refuseBody("body nests objects or arrays more than %d deep", MaxJSONDepth)
	}
	if errors.As(err, &dup) {
		return refuseBody("%s: given twice", fieldName(dup.key))
	}
	return nil
}

type duplicateKey struct{ key string }

func (d *duplicateKey) Error() string { return "duplicate key " + d.key }

// MaxJSONDepth is how deeply a request body may nest objects and arrays; the API's bodies
// nest two levels at most.
const MaxJSONDepth = 32

type tooDeep struct{}

func (tooDeep) Error() string { return "too deep" }

// checkValue reads one JSON value from dec, looking into objects and arrays for repeated
// keys, and refuses nesting deeper than MaxJSONDepth (Decoder.Token has no limit of its
// own, and a megabyte of "[" would recurse a million times). Keys are compared as
// encoding/json matches fields, ignoring case.
func checkValue(dec *json.Decoder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	delim, ok := tok.(json.Delim)
	if !ok || (delim != '{' && delim != '[') {
		return nil
	}
	if depth >= MaxJSONDepth {
		return tooDeep{}
	}
	seen := map[string]bool{}
	for dec.More() {
		if delim == '{' {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			if folded := strings.ToLower(key); seen[folded] {
				return &duplicateKey{key}
			} else {
				seen[folded] = true
			}
		}
		if err := checkValue(dec, depth+1); err != nil {
			return err
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

// cleanStrings runs every string and *string field of the struct dst points to through
// Text, naming fields by their JSON names.
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
		clean, err := Text(name, f.String())
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
	switch {
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return refuseBody("body is not valid JSON")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return refuseBody("body must be a JSON object")
		}
		want := jsonType(typ.Type.Kind().String())
		if n, ok := strings.CutPrefix(typ.Value, "number "); ok && want == "number" {
			return refuseBody("%s: must be a whole number, not %s", typ.Field, n) // 9.5 or 1e3 for an int
		}
		return refuseBody("%s: must be a %s, not a %s", typ.Field, want, typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return refuseBody("%s: unknown field", fieldName(field))
	}
	return refuseBody("body is not valid JSON")
}

// fieldName shows a field name a client sent: as it is when it looks like one, quoted
// and cut short otherwise.
func fieldName(name string) string {
	if len(name) > 0 && len(name) <= 40 && strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == "" {
		return name
	}
	return Quote(name)
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
