package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

// A problem is an error response in the format of RFC 9457 (Problem Details
// for HTTP APIs), with its title and detail in Vietnamese for the officers
// and citizens who read them.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"requestId,omitempty"`

	allow      string // the Allow header of a 405
	retryAfter string // the Retry-After header of a 503, in seconds
	bare       bool   // no instance nor request ID: the same answer whatever was asked
}

func (p *problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

// problemType names a kind of problem. RFC 9457 wants a URI; these are URNs
// that no client should try to fetch.
func problemType(slug string) string { return "urn:motcua:problem:" + slug }

// The problems the API answers with. Each constructor takes the detail,
// a sentence in Vietnamese.
func badRequest(slug, title, detail string) *problem {
	return &problem{Type: problemType(slug), Title: title, Status: http.StatusBadRequest, Detail: detail}
}

func invalidValue(detail string) *problem {
	return badRequest("invalid-value", "Giá trị không hợp lệ", detail)
}

func notFound(detail string) *problem {
	return &problem{Type: problemType("not-found"), Title: "Không tìm thấy", Status: http.StatusNotFound, Detail: detail}
}

func conflict(slug, title, detail string) *problem {
	return &problem{Type: problemType(slug), Title: title, Status: http.StatusConflict, Detail: detail}
}

var (
	errUnauthorized = &problem{
		Type: problemType("unauthorized"), Title: "Chưa xác thực", Status: http.StatusUnauthorized,
		Detail: "Thao tác này dành cho cán bộ: cần gửi mã truy cập hợp lệ trong tiêu đề Authorization.",
	}
	errInternal = &problem{
		Type: problemType("internal"), Title: "Lỗi máy chủ", Status: http.StatusInternalServerError,
		Detail: "Máy chủ gặp lỗi khi xử lý yêu cầu. Xin thử lại sau; nếu lỗi còn lặp lại, hãy báo cho quản trị viên kèm mã yêu cầu.",
	}
	errUnavailable = &problem{
		Type: problemType("unavailable"), Title: "Dịch vụ tạm ngừng", Status: http.StatusServiceUnavailable,
		Detail: "Cơ sở dữ liệu chưa sẵn sàng.",
	}
	errTooLarge = &problem{
		Type: problemType("too-large"), Title: "Nội dung quá lớn", Status: http.StatusRequestEntityTooLarge,
		Detail: "Nội dung yêu cầu vượt quá giới hạn 1 MiB.",
	}
	errMediaType = &problem{
		Type: problemType("unsupported-media-type"), Title: "Kiểu nội dung không được hỗ trợ", Status: http.StatusUnsupportedMediaType,
		Detail: "Nội dung yêu cầu phải là JSON, với tiêu đề Content-Type: application/json.",
	}
	errNoRoute = &problem{
		Type: problemType("not-found"), Title: "Không tìm thấy", Status: http.StatusNotFound,
		Detail: "Không có tài nguyên nào ở địa chỉ này.",
	}
	errMethod = &problem{
		Type: problemType("method-not-allowed"), Title: "Phương thức không được hỗ trợ", Status: http.StatusMethodNotAllowed,
		Detail: "Địa chỉ này không nhận phương thức HTTP đã dùng.",
	}
	errCrossOrigin = &problem{
		Type: problemType("cross-origin"), Title: "Yêu cầu bị từ chối", Status: http.StatusForbidden,
		Detail: "Yêu cầu gửi từ một trang web khác không được chấp nhận.",
	}
	errDossierNotFound = notFound("Không tìm thấy hồ sơ có mã này.")
	errBadCode         = badRequest("invalid-code", "Mã hồ sơ không hợp lệ",
		"Mã hồ sơ có dạng <mã cơ quan>-<yyMMdd>-<số thứ tự>, ví dụ 000.00.01.H26-250127-0042.")
	errConflict = conflict("conflict", "Xung đột cập nhật",
		"Hồ sơ vừa được người khác cập nhật. Hãy tải lại hồ sơ rồi thử lại.")
	errDuplicateRating = conflict("duplicate-rating", "Hồ sơ đã được đánh giá",
		"Mỗi hồ sơ chỉ được đánh giá một lần, và hồ sơ này đã được đánh giá.")
	errNotReady = conflict("not-ready", "Hồ sơ chưa có kết quả",
		"Chỉ có thể đánh giá khi hồ sơ đã có kết quả giải quyết.")
)

// writeProblem writes p as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, p *problem) {
	out := *p
	if !p.bare {
		out.Instance = r.URL.Path
		out.RequestID = requestID(r.Context())
	}
	h := w.Header()
	if p.retryAfter != "" {
		h.Set("Retry-After", p.retryAfter)
	}
	h.Set("Content-Type", "application/problem+json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if p.allow != "" {
		h.Set("Allow", p.allow)
	}
	if p.Status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="motcua"`)
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(out)
}

// fail answers a request that failed with err: a *problem as it is, the
// library's errors as the problems they mean, and anything else as a 500 that
// says nothing of the cause, which is logged instead.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := s.problemFor(err)
	if p.Status >= 500 {
		logFailure(r, "request failed", err)
	}
	writeProblem(w, r, p)
}

// logFailure logs the error that a request failed with, unless its client
// has gone: then the error is only the store's answer to the cancelled
// request, and the request's own line says what happened.
func logFailure(r *http.Request, msg string, err error) {
	if r.Context().Err() == nil {
		logger(r.Context()).Error(msg, "err", err)
	}
}

func (s *server) problemFor(err error) *problem {
	var (
		p    *problem
		te   *dossier.TransitionError
		pe   *sla.ParseError
		maxb *http.MaxBytesError
	)
	switch {
	case errors.As(err, &p):
		return p
	case storeUnavailable(err):
		return errStoreDown
	case errors.As(err, &maxb):
		return errTooLarge
	case errors.As(err, &te):
		return conflict("invalid-transition", "Thao tác không hợp lệ ở trạng thái hiện tại",
			fmt.Sprintf("Không thể thực hiện «%s» với hồ sơ đang ở trạng thái «%s».", te.Kind, statusText(te.From)))
	case errors.Is(err, dossier.ErrInvalidCode):
		return errBadCode
	case errors.Is(err, dossier.ErrNotFound):
		return errDossierNotFound
	case errors.Is(err, dossier.ErrConflict), errors.Is(err, dossier.ErrExists):
		return errConflict
	case errors.Is(err, rating.ErrDuplicate):
		return errDuplicateRating
	case errors.Is(err, rating.ErrNotReady):
		return errNotReady
	case errors.Is(err, rating.ErrInvalid):
		return invalidValue("Đánh giá không hợp lệ: mức đánh giá phải là 1, 2 hoặc 3.")
	case errors.Is(err, procedure.ErrNotFound):
		return notFound("Không tìm thấy thủ tục có mã này.")
	case errors.As(err, &pe):
		return invalidValue(fmt.Sprintf("Không đọc được «%s».", pe.Input))
	case errors.Is(err, dossier.ErrInvalid):
		return invalidValue("Dữ liệu của thao tác không hợp lệ.")
	}
	return errInternal
}

func statusText(st dossier.Status) string {
	if st == 0 {
		return "chưa tạo"
	}
	return st.String()
}
