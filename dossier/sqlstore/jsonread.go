package sqlstore

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A jsonReader reads the JSON the store itself writes (flat objects of
// strings and integers, arrays of them), without reflection: List decodes
// four JSON values per dossier, and encoding/json took half of its time.
// Anything it does not expect is errSlowPath, and the caller decodes with
// encoding/json instead, so that it is never the judge of what is valid.
type jsonReader struct {
	b []byte
	i int
}

var errSlowPath = errors.New("sqlstore: not the JSON the store writes")

func (r *jsonReader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// eat consumes c, after white space, if it comes next.
func (r *jsonReader) eat(c byte) bool {
	r.space()
	if r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		return true
	}
	return false
}

func (r *jsonReader) expect(c byte) error {
	if !r.eat(c) {
		return errSlowPath
	}
	return nil
}

// end reports whether only white space is left.
func (r *jsonReader) end() error {
	r.space()
	if r.i != len(r.b) {
		return errSlowPath
	}
	return nil
}

// str reads a string. One with escapes goes through strconv.Unquote when
// its escapes are ones Go reads as JSON does, and is errSlowPath otherwise.
func (r *jsonReader) str() (string, error) {
	r.space()
	if r.i >= len(r.b) || r.b[r.i] != '"' {
		return "", errSlowPath
	}
	start, escaped := r.i, false
	for r.i++; r.i < len(r.b); r.i++ {
		switch c := r.b[r.i]; {
		case c == '\\':
			// The escapes JSON and Go share; \/ and \u (with its surrogate
			// pairs) are JSON's own, and Go has more that JSON refuses.
			escaped = true
			r.i++
			if r.i >= len(r.b) || !strings.ContainsRune(`"\\bfnrt`, rune(r.b[r.i])) {
				return "", errSlowPath
			}
		case c < 0x20:
			return "", errSlowPath
		case c >= utf8.RuneSelf:
			// encoding/json turns invalid UTF-8 into U+FFFD: let it.
			ch, size := utf8.DecodeRune(r.b[r.i:])
			if ch == utf8.RuneError && size == 1 {
				return "", errSlowPath
			}
			r.i += size - 1
		case c == '"':
			r.i++
			if !escaped {
				return string(r.b[start+1 : r.i-1]), nil
			}
			s, err := strconv.Unquote(string(r.b[start:r.i]))
			if err != nil {
				return "", errSlowPath
			}
			return s, nil
		}
	}
	return "", errSlowPath
}

// int reads an integer, or null (ok false).
func (r *jsonReader) int() (n int64, ok bool, err error) {
	r.space()
	if r.i+4 <= len(r.b) && string(r.b[r.i:r.i+4]) == "null" {
		r.i += 4
		return 0, false, nil
	}
	// JSON's integers: -?(0|[1-9][0-9]*), so no "01" nor "-0" that
	// strconv would take.
	start := r.i
	if r.i < len(r.b) && r.b[r.i] == '-' {
		r.i++
	}
	digits := r.i
	for r.i < len(r.b) && '0' <= r.b[r.i] && r.b[r.i] <= '9' {
		r.i++
	}
	if r.i == digits || r.b[digits] == '0' && (r.i > digits+1 || digits > start) {
		return 0, false, errSlowPath
	}
	n, err = strconv.ParseInt(string(r.b[start:r.i]), 10, 64)
	if err != nil {
		return 0, false, errSlowPath
	}
	return n, true, nil
}

// small reads an integer in 0–255, as kinds, statuses and timeliness are.
func (r *jsonReader) small() (uint8, error) {
	n, ok, err := r.int()
	if err != nil || !ok || n < 0 || n > 255 {
		return 0, errSlowPath
	}
	return uint8(n), nil
}

// array calls elem for each element of an array.
func (r *jsonReader) array(elem func() error) error {
	if err := r.expect('['); err != nil {
		return err
	}
	if r.eat(']') {
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		if r.eat(']') {
			return nil
		}
		if err := r.expect(','); err != nil {
			return err
		}
	}
}

// object calls field for each key of an object; field reads the value. The
// key is valid only during the call: switch on string(key), which does not
// copy it.
func (r *jsonReader) object(field func(key []byte) error) error {
	if err := r.expect('{'); err != nil {
		return err
	}
	if r.eat('}') {
		return nil
	}
	for {
		key, err := r.rawKey()
		if err != nil {
			return err
		}
		if err := r.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		if r.eat('}') {
			return nil
		}
		if err := r.expect(','); err != nil {
			return err
		}
	}
}

// rawKey reads a key with no escapes, as the store's keys are.
func (r *jsonReader) rawKey() ([]byte, error) {
	r.space()
	if r.i >= len(r.b) || r.b[r.i] != '"' {
		return nil, errSlowPath
	}
	start := r.i + 1
	for r.i = start; r.i < len(r.b); r.i++ {
		switch c := r.b[r.i]; {
		case c == '\\' || c < 0x20:
			return nil, errSlowPath
		case c == '"':
			r.i++
			return r.b[start : r.i-1], nil
		}
	}
	return nil, errSlowPath
}

// decodeJSON decodes b with fast, or with encoding/json into a fresh value
// when fast meets what it does not expect.
func decodeJSON[T any](b []byte, fast func(r *jsonReader, v *T) error) (T, error) {
	var v T
	r := &jsonReader{b: b}
	if err := fast(r, &v); err == nil {
		if err = r.end(); err == nil {
			return v, nil
		}
	}
	var slow T
	err := json.Unmarshal(b, &slow)
	return slow, err
}

// null consumes null, after white space, if it comes next.
func (r *jsonReader) null() bool {
	r.space()
	if r.i+4 <= len(r.b) && string(r.b[r.i:r.i+4]) == "null" {
		r.i += 4
		return true
	}
	return false
}
