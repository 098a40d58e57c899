package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/dossier"
)

// A dossier's version is its entity tag: the number of events in its
// history, which every action raises by one. GET /api/v1/dossiers/{code}
// sends it as ETag, and an action sent with If-Match: "<version>" acts only
// on that version, so that an officer never acts on a dossier that changed
// under their eyes (RFC 9110, §13.1.1).

// etag writes a version as an entity tag.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

var errStale = &problem{
	Type: problemType("stale"), Title: "Hồ sơ đã thay đổi", Status: http.StatusPreconditionFailed,
	Detail: "Hồ sơ đã được cập nhật sau khi anh/chị mở nó (If-Match không còn đúng). Hãy tải lại hồ sơ, xem thay đổi rồi thao tác lại.",
}

// ifMatch checks the request's If-Match against the dossier's version now:
// nil without the header, 412 when it names another version, 400 when it
// does not read. The action that follows appends at the version it reads,
// so a change between this check and it is still refused (409).
func (s *server) ifMatch(ctx context.Context, r *http.Request, c dossier.Code) error {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return nil
	}
	if h == "*" {
		return nil // any version: the dossier exists, or the action says it does not
	}
	want, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || want < 1 {
		return invalidValue(fmt.Sprintf("Không đọc được If-Match «%s»: hãy gửi phiên bản hồ sơ đã xem, như \"3\".", truncateRunes(h, 40)))
	}
	d, err := s.svc.Get(ctx, c)
	if err != nil {
		return err
	}
	if d.Version != want {
		return errStale
	}
	return nil
}

func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
