package main

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// takes lets a request through to h only when its query string holds no
// parameter but those named, each at most once, and parses: a typo such as
// ?stauts=resolved, a parameter given twice, or a «;» between parameters
// (which url.Values has dropped since Go 1.17, taking the filter with it)
// would otherwise be ignored and the answer would look right. refuse answers
// with the problem, which names the parameter.
func takes(h http.HandlerFunc, refuse func(http.ResponseWriter, *http.Request, *problem), names ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if p := checkQuery(r.URL.RawQuery, names); p != nil {
			refuse(w, r, p)
			return
		}
		h(w, r)
	}
}

// checkQuery checks the parameters of a raw query string in order, so that
// the problem names the first one at fault.
func checkQuery(raw string, names []string) *problem {
	seen := make(map[string]bool)
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		key, _, _ := strings.Cut(part, "=")
		name, err := url.QueryUnescape(key)
		if err != nil {
			name = key
		}
		if _, err := url.ParseQuery(part); err != nil {
			return queryProblem(fmt.Sprintf("Không đọc được tham số «%s»: tham số phải được mã hóa URL đúng cách "+
				"và phân cách nhau bằng «&», không phải «;».", name))
		}
		switch {
		case !slices.Contains(names, name) && len(names) == 0:
			return queryProblem(fmt.Sprintf("Tham số «%s» không được hỗ trợ: địa chỉ này không nhận tham số nào.", name))
		case !slices.Contains(names, name):
			return queryProblem(fmt.Sprintf("Tham số «%s» không được hỗ trợ; địa chỉ này nhận các tham số: %s.",
				name, strings.Join(names, ", ")))
		case seen[name]:
			return queryProblem(fmt.Sprintf("Tham số «%s» chỉ được dùng một lần.", name))
		}
		seen[name] = true
	}
	return nil
}

func queryProblem(detail string) *problem {
	return badRequest("invalid-query", "Tham số truy vấn không hợp lệ", detail)
}
