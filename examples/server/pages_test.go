package main

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

var styleRE = regexp.MustCompile(`(?s)<style>(.*?)</style>`)

// checkPage checks what every HTML page must be: UTF-8 HTML in NFC, no
// script, and a Content-Security-Policy that allows exactly its one inline
// style sheet by hash.
func checkPage(t *testing.T, r reply) {
	t.Helper()
	assert.Equal(t, "text/html; charset=utf-8", r.header.Get("Content-Type"))
	body := r.String()
	assert.True(t, norm.NFC.IsNormalString(body), "the page is not NFC")
	assert.NotContains(t, strings.ToLower(body), "<script")
	csp := r.header.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'none'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"} {
		assert.Contains(t, csp, d)
	}
	styles := styleRE.FindAllStringSubmatch(body, -1)
	require.Len(t, styles, 1)
	sum := sha256.Sum256([]byte(styles[0][1]))
	assert.Contains(t, csp, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	assert.NotContains(t, body, "style=", "inline style attributes are not allowed by the policy")
}

const nastyName = `Lý "<script>alert('x')</script>" Thị & Nở`

func TestReceipt(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	tok := d.officerToken("binh.tran", "Trần <b>Thị</b> Bình", byOneStop)
	r := d.as(tok, "POST", "/api/v1/dossiers", anIntake(nastyName))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	code := r.json(t)["code"].(string)

	r = d.officer("GET", "/dossiers/"+code+"/receipt", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	checkPage(t, r)
	body := r.String()
	for _, want := range []string{
		"Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc",
		"Mẫu số 01",
		code,
		"Đăng ký thành lập hộ kinh doanh",
		"03 ngày làm việc",
		"09 giờ 00 phút, Thứ Hai, ngày 06/10/2025",
		"09 giờ 00 phút, Thứ Năm, ngày 09/10/2025",
		"dịch vụ bưu chính công ích",
		"001099012345",
		"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
		"Trần &lt;b&gt;Thị&lt;/b&gt; Bình (binh.tran)",
		"Bộ phận tiếp nhận và trả kết quả",
		"ngày 06 tháng 10 năm 2025",
	} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, "<b>Thị")

	requireProblem(t, d.officer("GET", "/dossiers/000.00.01.H26-251006-0999/receipt", nil), http.StatusNotFound)
}

func TestLookupPage(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code, secret := d.receiveWithSecret(anIntake(nastyName))
	lookup := "/tra-cuu?ma=" + url.QueryEscape(code) + "&secret=" + secret

	r := d.public("GET", "/tra-cuu", nil)
	require.Equal(t, http.StatusOK, r.status)
	checkPage(t, r)
	assert.Contains(t, r.String(), `<form method="get" action="/tra-cuu">`)

	r = d.public("GET", lookup, nil)
	require.Equal(t, http.StatusOK, r.status)
	checkPage(t, r)
	assert.Contains(t, r.String(), "Được tiếp nhận")
	assert.Contains(t, r.String(), "Lý S. T. N.", "masked")
	assert.NotContains(t, r.String(), "Gửi đánh giá", "no rating before the result is ready")

	r = d.public("GET", "/tra-cuu?ma="+url.QueryEscape(`"><script>x</script>`), nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
	checkPage(t, r)
	assert.Contains(t, r.String(), "&#34;&gt;&lt;script&gt;")

	r = d.public("GET", "/tra-cuu?ma=000.00.01.H26-251006-0999", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Contains(t, r.String(), "Không tìm thấy hồ sơ")

	// Rating through the form, without JavaScript: post, then redirect.
	form := func(v url.Values) reply {
		return d.request("POST", "/tra-cuu", []byte(v.Encode()), false, "Content-Type", "application/x-www-form-urlencoded")
	}
	r = form(url.Values{"ma": {code}, "secret": {secret}, "level": {"2"}})
	assert.Equal(t, http.StatusConflict, r.status, "not ready yet")
	checkPage(t, r)
	assert.Contains(t, r.String(), "Chỉ có thể đánh giá khi hồ sơ đã có kết quả")

	require.Equal(t, http.StatusOK, d.officer("POST", "/api/v1/dossiers/"+code+"/resolve", nil).status)
	r = d.public("GET", lookup, nil)
	assert.Contains(t, r.String(), "Gửi đánh giá")
	assert.Contains(t, r.String(), `<form method="post" action="/tra-cuu">`)
	for _, level := range []string{"Rất hài lòng", "Hài lòng", "Không hài lòng"} {
		assert.Contains(t, r.String(), level)
	}

	assert.Equal(t, http.StatusBadRequest, form(url.Values{"ma": {code}, "secret": {secret}, "level": {"7"}}).status)
	r = form(url.Values{"ma": {code}, "level": {"2"}})
	assert.Equal(t, http.StatusNotFound, r.status, "no secret")
	r = form(url.Values{"ma": {code}, "secret": {secret}, "level": {"2"}, "comment": {"Tốt <i>lắm</i>"}})
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	loc := r.header.Get("Location")
	assert.Contains(t, loc, "da-danh-gia=1")
	r = d.public("GET", loc, nil)
	assert.Contains(t, r.String(), "Cảm ơn ông/bà đã đánh giá")
	assert.NotContains(t, r.String(), "Gửi đánh giá")

	r = form(url.Values{"ma": {code}, "secret": {secret}, "level": {"1"}})
	assert.Equal(t, http.StatusConflict, r.status)
	assert.Contains(t, r.String(), "chỉ được đánh giá một lần")

	// A form posted from another site is refused.
	r = d.request("POST", "/tra-cuu", []byte(url.Values{"ma": {code}, "level": {"3"}}.Encode()), false,
		"Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	requireProblem(t, r, http.StatusForbidden)
	// And the form wants a form.
	r = d.request("POST", "/tra-cuu", `{"ma":"x"}`, false)
	assert.Equal(t, http.StatusUnsupportedMediaType, r.status)
}

// TestVietnameseNFC: the Vietnamese the server writes (problems, statuses,
// the report, the pages) is NFC, as other systems compare text in NFC.
func TestVietnameseNFC(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code, secret := d.receiveWithSecret(anIntake("Nguyễn Văn An"))
	for _, r := range []reply{
		d.officer("GET", "/api/v1/dossiers/"+code, nil),
		d.public("GET", "/api/v1/public/dossiers/"+code+"?secret="+secret, nil),
		d.officer("GET", "/api/v1/reports/summary?format=text", nil),
		d.officer("POST", "/api/v1/dossiers/"+code+"/return", nil),
		d.officer("POST", "/api/v1/dossiers", `{"x":1}`),
		d.public("GET", "/api/v1/nothing", nil),
		d.public("GET", "/tra-cuu?ma="+code+"&secret="+secret, nil),
		d.officer("GET", "/dossiers/"+code+"/receipt", nil),
	} {
		assert.True(t, norm.NFC.IsNormalString(r.String()), "%s", r.body)
	}
	for _, p := range []*problem{errUnauthorized, errInternal, errUnavailable, errTooLarge, errMediaType, errNoRoute,
		errMethod, errCrossOrigin, errDossierNotFound, errBadCode, errConflict, errDuplicateRating, errNotReady} {
		assert.True(t, norm.NFC.IsNormalString(p.Title+p.Detail), "%s", p.Title)
	}
}

func TestDong(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "Miễn phí", 8000: "8.000 đồng", 1500000: "1.500.000 đồng", 100: "100 đồng", 123456: "123.456 đồng"} {
		assert.Equal(t, want, dong(n))
	}
}
