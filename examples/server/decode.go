package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/rating"
)

// maxBody is the largest request body the server reads: 1 MiB, far more than
// any dossier's fields need.
const maxBody = 1 << 20

// readJSON decodes the JSON body of r into v. It wants the content type
// application/json, at most maxBody bytes, one JSON value with no field that
// v does not have, and nothing after it. With optional set, an empty body
// with no content type is an empty object: actions such as resolve take no
// fields.
func readJSON(w http.ResponseWriter, r *http.Request, v any, optional bool) error {
	if r.ContentLength > maxBody {
		return errTooLarge
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	ct := r.Header.Get("Content-Type")
	if ct == "" && optional {
		var b [1]byte
		if n, err := io.ReadFull(r.Body, b[:]); n == 0 && errors.Is(err, io.EOF) {
			return nil
		}
		return errMediaType
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return errMediaType
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return errMediaType
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var maxb *http.MaxBytesError
		if errors.As(err, &maxb) {
			return errTooLarge
		}
		return badRequest("malformed-json", "JSON không hợp lệ", "Sau đối tượng JSON còn dữ liệu thừa.")
	}
	return nil
}

// jsonProblem turns an error of encoding/json into the problem it means.
func jsonProblem(err error) error {
	var (
		syn  *json.SyntaxError
		typ  *json.UnmarshalTypeError
		maxb *http.MaxBytesError
		lvl  *rating.LevelError
	)
	switch {
	case errors.As(err, &maxb):
		return errTooLarge
	case errors.Is(err, io.EOF):
		return badRequest("malformed-json", "JSON không hợp lệ", "Nội dung yêu cầu trống: cần một đối tượng JSON.")
	case errors.As(err, &syn):
		return badRequest("malformed-json", "JSON không hợp lệ", fmt.Sprintf("Lỗi cú pháp JSON ở byte thứ %d.", syn.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed-json", "JSON không hợp lệ", "JSON bị cắt cụt.")
	case errors.As(err, &lvl):
		return invalidValue("Mức đánh giá (level) phải là 1, 2 hoặc 3.")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("malformed-json", "JSON không hợp lệ", "Nội dung yêu cầu phải là một đối tượng JSON.")
		}
		return invalidValue(fmt.Sprintf("Trường «%s» phải là %s.", typ.Field, jsonTypeName(typ.Type.Kind().String())))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return badRequest("unknown-field", "Trường không được hỗ trợ",
			fmt.Sprintf("Trường «%s» không được hỗ trợ.", strings.Trim(name, `"`)))
	}
	return badRequest("malformed-json", "JSON không hợp lệ", "Không đọc được nội dung JSON.")
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "một chuỗi"
	case "struct", "map":
		return "một đối tượng"
	case "slice", "array":
		return "một mảng"
	case "bool":
		return "true hoặc false"
	}
	return "một số"
}

// checkText reports a text field that is too long, or holds control
// characters or format characters (Unicode category Cf, such as U+200B
// zero width space or U+202E right-to-left override), which no name,
// address or reason needs: invisible, one would join or reorder words as
// they are shown and masked. The library refuses them too (dossier
// refuses them at intake); this check names the field.
func checkText(field, s string, maxRunes int) error {
	if utf8.RuneCountInString(s) > maxRunes {
		return invalidValue(fmt.Sprintf("Trường «%s» dài quá %d ký tự.", field, maxRunes))
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' || r == utf8.RuneError {
			return invalidValue(fmt.Sprintf("Trường «%s» chứa ký tự không hợp lệ.", field))
		}
		if unicode.Is(unicode.Cf, r) {
			return invalidValue(fmt.Sprintf("Trường «%s» chứa ký tự định dạng vô hình (%U), không được dùng.", field, r))
		}
	}
	return nil
}
