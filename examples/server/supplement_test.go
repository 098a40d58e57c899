package main

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A supplement request may say by when to bring what is missing: the
// public view, the lookup page and form 02 tell the applicant, and the
// time must come after the request.
func TestSupplementBy(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code, secret := d.receiveWithSecret(anIntake("Nguyễn Văn An"))
	const missing = "Bản sao hợp đồng thuê địa điểm kinh doanh, có chứng thực"
	ask := func(due string) reply {
		return d.officer("POST", "/api/v1/dossiers/"+code+"/request-supplement", map[string]string{"reason": missing, "due": due})
	}
	p := requireProblem(t, ask("2025-10-06 08:00"), http.StatusBadRequest)
	assert.Contains(t, p["detail"], "Hạn bổ sung (due) phải sau thời điểm yêu cầu bổ sung")
	requireProblem(t, ask("thứ Hai tuần sau"), http.StatusBadRequest)

	r := ask("2025-10-13 17:00")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	v := d.public("GET", lookupPath(code, secret), nil).json(t)
	s := v["supplement"].(map[string]any)
	assert.Equal(t, missing, s["reason"])
	assert.Equal(t, "2025-10-13T17:00:00+07:00", s["by"])
	assert.Contains(t, v["next"], "Hạn bổ sung: 17 giờ 00 phút, Thứ Hai, ngày 13/10/2025.")

	page := d.public("GET", "/tra-cuu?ma="+code+"&secret="+url.QueryEscape(secret), nil)
	assert.Contains(t, page.String(), "<dt>Hạn bổ sung</dt><dd><strong>17:00, Thứ Hai, 13/10/2025</strong></dd>")
	form := d.officer("GET", "/ho-so/"+code+"/mau-02", nil)
	require.Equal(t, http.StatusOK, form.status)
	assert.Contains(t, form.String(), "Thời hạn bổ sung, hoàn thiện hồ sơ: <strong>trước 17 giờ 00 phút, Thứ Hai, ngày 13/10/2025</strong>")

	// Without it, nothing is said of a time.
	other, otherSecret := d.receiveWithSecret(anIntake("Trần Thị Bình"))
	r = d.officer("POST", "/api/v1/dossiers/"+other+"/request-supplement", map[string]string{"reason": missing})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	v = d.public("GET", lookupPath(other, otherSecret), nil).json(t)
	assert.NotContains(t, v["supplement"], "by")
	assert.NotContains(t, v["next"], "Hạn bổ sung")
	assert.NotContains(t, d.officer("GET", "/ho-so/"+other+"/mau-02", nil).String(), "Thời hạn bổ sung")
}
