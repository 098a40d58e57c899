package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
)

// TestReceiveScreen walks the receiving screen: a search without
// diacritics finds the procedure; its form lists its papers and channels;
// a preview shows the due time and records nothing; a missing mandatory
// paper is refused; receiving opens the receipt, headed by the officer's
// agency.
func TestReceiveScreen(t *testing.T) {
	t.Parallel()
	d := newDesk(t, twoAgencies)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	b := d.signIn("an.nguyen")

	r := b.get("/tiep-nhan?q=" + url.QueryEscape("dang ky thanh lap ho kinh doanh"))
	require.Equal(t, http.StatusOK, r.status)
	checkPage(t, r)
	assert.Contains(t, r.String(), `<a href="/tiep-nhan?thu-tuc=1.001612">Đăng ký thành lập hộ kinh doanh</a>`)
	assert.Contains(t, b.get("/tiep-nhan?q="+url.QueryEscape("đăng ký kết hôn")).String(), "Thủ tục đăng ký kết hôn")
	assert.Contains(t, b.get("/tiep-nhan?q=xyzzy").String(), "Không tìm thấy thủ tục nào khớp «xyzzy»")

	r = b.get("/tiep-nhan?thu-tuc=1.001612")
	require.Equal(t, http.StatusOK, r.status)
	checkPage(t, r)
	body := r.String()
	assert.Contains(t, body, "Giấy đề nghị đăng ký hộ kinh doanh")
	assert.Contains(t, body, "<strong>bắt buộc</strong>")
	assert.Contains(t, body, `<option value="postal">Dịch vụ bưu chính công ích</option>`)
	assert.Contains(t, body, "Xem trước hạn trả kết quả")
	assert.NotContains(t, body, `id="do-receive"`, "no receipt before the preview")
	assert.Equal(t, http.StatusNotFound, b.get("/tiep-nhan?thu-tuc=9.999999").status)

	form := url.Values{"thu-tuc": {"1.001612"}, "ho-ten": {"Trần Thị Mai"}, "so-dinh-danh": {"001199000111"},
		"kenh-nop": {"direct"}, "kenh-tra": {"postal"}, "giay-to": {"0"}, "buoc": {"xem-truoc"}}
	r = b.post("/tiep-nhan", form)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	checkPage(t, r)
	assert.Contains(t, r.String(), `<span id="due">09 giờ 00 phút, Thứ Năm, ngày 09/10/2025</span>`)
	assert.Contains(t, r.String(), `id="do-receive"`)
	assert.Contains(t, r.String(), `value="Trần Thị Mai"`, "the fields are kept")
	assert.Empty(t, queueLines(t, b.get("/")), "a preview records nothing")

	missing := cloneValues(form)
	missing.Del("giay-to")
	missing.Set("buoc", "tiep-nhan")
	r = b.post("/tiep-nhan", missing)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.String(), "chưa đủ giấy tờ bắt buộc")
	assert.Contains(t, r.String(), "«Giấy đề nghị đăng ký hộ kinh doanh»")

	noName := cloneValues(form)
	noName.Set("ho-ten", " ")
	assert.Equal(t, http.StatusBadRequest, b.post("/tiep-nhan", noName).status)
	wrongChannel := cloneValues(form)
	wrongChannel.Set("kenh-nop", "fax")
	assert.Equal(t, http.StatusBadRequest, b.post("/tiep-nhan", wrongChannel).status)

	form.Set("buoc", "tiep-nhan")
	r = b.post("/tiep-nhan", form)
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	loc := r.header.Get("Location")
	require.Regexp(t, `^/ho-so/000\.00\.01\.H26-251006-0001/mau-01$`, loc)
	r = b.get(loc)
	require.Equal(t, http.StatusOK, r.status, "the receipt opens in the browser with the session")
	checkPage(t, r)
	assert.Contains(t, r.String(), "Trung tâm Phục vụ hành chính công thành phố Hà Nội", "the receiving agency heads it")
	assert.Contains(t, r.String(), "Nguyễn Văn An (an.nguyen)")
	assert.Contains(t, r.String(), "Trần Thị Mai")

	// The other agency's officer issues codes under theirs.
	d.addOfficer("tuphap", "Cán Bộ Tư Pháp", byOneStop, ofAgency("000.00.12.H26"))
	ob := d.signIn("tuphap")
	r = ob.post("/tiep-nhan", form)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Contains(t, r.header.Get("Location"), "/ho-so/000.00.12.H26-251006-0001/mau-01")
	assert.Contains(t, ob.get(r.header.Get("Location")).String(), "Sở Tư pháp thành phố Hà Nội")

	// A specialist may not receive.
	d.addOfficer("cuong.le", "Lê Văn Cường", bySpecialist)
	sb := d.signIn("cuong.le")
	assert.NotContains(t, sb.get("/").String(), `href="/tiep-nhan"`, "no link to the screen")
	r = sb.get("/tiep-nhan")
	assert.Equal(t, http.StatusForbidden, r.status)
	checkPage(t, r)
	assert.Contains(t, r.String(), "dành cho cán bộ một cửa")
	assert.Equal(t, http.StatusForbidden, sb.post("/tiep-nhan", form).status)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestOnTheSpot: a procedure done "4 tại chỗ" is received, resolved and
// returned in one step at the desk, each event recorded with its time; a
// procedure that is not offers no such step.
func TestOnTheSpot(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	b := d.signIn("an.nguyen")
	form := url.Values{"thu-tuc": {"2.000815"}, "ho-ten": {"Đặng Thu Hà"}, "kenh-nop": {"direct"}, "kenh-tra": {"direct"}, "giay-to": {"0"}, "buoc": {"xem-truoc"}}
	r := b.post("/tiep-nhan", form)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Contains(t, r.String(), `id="do-on-the-spot"`)
	assert.Contains(t, r.String(), "Tiếp nhận, giải quyết và trả kết quả tại chỗ")

	form.Set("buoc", "tai-cho")
	r = b.post("/tiep-nhan", form)
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	code := strings.TrimSuffix(strings.TrimPrefix(r.header.Get("Location"), "/ho-so/"), "/mau-01")
	got := d.officer("GET", "/api/v1/dossiers/"+code, nil).json(t)
	assert.Equal(t, "returned", got["status"])
	var kinds []string
	for _, e := range got["events"].([]any) {
		ev := e.(map[string]any)
		kinds = append(kinds, ev["kind"].(string))
		assert.Equal(t, "Nguyễn Văn An (an.nguyen)", ev["actor"])
		assert.NotEmpty(t, ev["at"])
	}
	assert.Equal(t, []string{"receive", "resolve", "return"}, kinds)
	assert.Equal(t, "on-time", got["timeliness"], "resolved on the day it is due")

	r = b.post("/tiep-nhan", url.Values{"thu-tuc": {"1.001612"}, "ho-ten": {"A"}, "giay-to": {"0"}, "buoc": {"xem-truoc"}})
	assert.NotContains(t, r.String(), `id="do-on-the-spot"`)
	r = b.post("/tiep-nhan", url.Values{"thu-tuc": {"1.001612"}, "ho-ten": {"A"}, "giay-to": {"0"}, "buoc": {"tai-cho"}})
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.String(), "không giải quyết tại chỗ")
}

var actionFormRE = regexp.MustCompile(`id="action-([a-z-]+)"`)

func actionsOn(r reply) []string {
	var out []string
	for _, m := range actionFormRE.FindAllStringSubmatch(r.String(), -1) {
		out = append(out, m[1])
	}
	return out
}

// TestDossierScreen: the dossier's summary, history and control slip; the
// buttons each role has and has not in each status; an action through its
// form, recorded by the officer; a form of a version that has changed
// since, which records nothing; a forbidden action refused with 403.
func TestDossierScreen(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	d.addOfficer("cuong.le", "Lê Văn Cường", bySpecialist)
	d.addOfficer("lanhdao", "Phạm Minh Đức", byLeader)
	d.addOfficer("admin", "Quản Trị", byAdmin)
	one, spec, lead, adm := d.signIn("an.nguyen"), d.signIn("cuong.le"), d.signIn("lanhdao"), d.signIn("admin")
	code := d.receive(anIntake("Nguyễn Thị Lan"))
	path := "/ho-so/" + code

	r := one.get(path)
	require.Equal(t, http.StatusOK, r.status)
	checkPage(t, r)
	for _, want := range []string{"Nguyễn Thị Lan", "001099012345", "Đăng ký thành lập hộ kinh doanh", "Được tiếp nhận",
		"còn 3 ngày làm việc", "09 giờ 00 phút, Thứ Năm, ngày 09/10/2025", "Tiếp nhận hồ sơ, trao giấy tiếp nhận và hẹn trả kết quả",
		"Hẹn trả: 09:00 09/10/2025", "Phiên bản thủ tục: có hiệu lực từ 01/07/2025", testActor,
		`href="/ho-so/` + code + `/mau-01"`, `href="/ho-so/` + code + `/mau-06"`} {
		assert.Contains(t, r.String(), want)
	}
	tests := []struct {
		name string
		b    *browser
		want []string
	}{
		{"one-stop at intake", one, []string{"refuse", "request-supplement", "withdraw"}},
		{"specialist", spec, []string{"request-supplement", "request-payment", "transfer", "resolve"}},
		{"leader", lead, []string{"request-supplement", "request-payment", "transfer", "resolve", "reschedule", "stop"}},
		{"administrator", adm, nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, actionsOn(tt.b.get(path)), tt.name)
	}
	assert.NotContains(t, spec.get(path).String(), "/mau-01", "only the counter prints")

	// The specialist takes the dossier: the one-stop officer's intake
	// request is gone; the history and the slip show the transfer.
	r = spec.post(path, url.Values{"action": {"transfer"}, "version": {"1"}, "to": {"cuong.le"}})
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	assert.Equal(t, path+"?da-ghi=transfer", r.header.Get("Location"))
	r = spec.get(r.header.Get("Location"))
	assert.Contains(t, r.String(), "Đã chuyển bước xử lý.")
	assert.Contains(t, r.String(), "Người nhận: Lê Văn Cường (cuong.le)")
	assert.Contains(t, r.String(), "<td>Lê Văn Cường (cuong.le)</td><td>Lê Văn Cường (cuong.le)</td>")
	assert.Equal(t, []string{"withdraw"}, actionsOn(one.get(path)))

	// A form of the dossier as it was is not recorded.
	r = spec.post(path, url.Values{"action": {"resolve"}, "version": {"1"}})
	assert.Equal(t, http.StatusConflict, r.status)
	assert.Contains(t, r.String(), "Hồ sơ vừa được người khác cập nhật")
	// Forbidden, and missing fields.
	r = one.post(path, url.Values{"action": {"resolve"}, "version": {"2"}})
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Contains(t, r.String(), "ghi nhận đã có kết quả dành cho chuyên viên xử lý, lãnh đạo")
	r = lead.post(path, url.Values{"action": {"reschedule"}, "version": {"2"}, "due": {"2025-10-11T09:00"}})
	assert.Equal(t, http.StatusBadRequest, r.status)
	r = lead.post(path, url.Values{"action": {"reschedule"}, "version": {"2"}, "reason": {"Cần xác minh"}, "due": {"2025-10-11T09:00"}})
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.String(), "trong giờ làm việc", "a Saturday")
	r = lead.post(path, url.Values{"action": {"reschedule"}, "version": {"2"}, "reason": {"Cần xác minh"}, "due": {"2025-10-14T10:00"}})
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	assert.Contains(t, one.get(path).String(), `href="/ho-so/`+code+`/mau-04"`, "the apology's form")
	assert.Equal(t, http.StatusBadRequest, lead.post(path, url.Values{"action": {"approve"}, "version": {"3"}}).status)

	r = spec.post(path, url.Values{"action": {"resolve"}, "version": {"3"}})
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	assert.Equal(t, []string{"return"}, actionsOn(one.get(path)))
	assert.Empty(t, actionsOn(spec.get(path)))
	r = one.post(path, url.Values{"action": {"return"}, "version": {"4"}})
	require.Equal(t, http.StatusSeeOther, r.status)
	r = one.get(path)
	assert.Contains(t, r.String(), "Đã trả kết quả")
	assert.Empty(t, actionsOn(r))

	// Not found, and not the officer's agency's.
	assert.Equal(t, http.StatusNotFound, one.get("/ho-so/000.00.01.H26-251006-0999").status)
	assert.Equal(t, http.StatusBadRequest, one.get("/ho-so/khong-phai-ma").status)
	d.addOfficer("tuphap", "Cán Bộ Tư Pháp", byOneStop, ofAgency("000.00.12.H26"))
	r = d.signIn("tuphap").get(path)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.NotContains(t, r.String(), "Nguyễn Thị Lan")
}

// TestAcceptOnline: an online filing waits in the queue for a one-stop
// officer to accept or refuse it.
func TestAcceptOnline(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	svc := d.srv.services[defaultAgency]
	sub, err := svc.Submit(context.Background(), dossier.Intake{Procedure: "1.001612", Applicant: dossier.Applicant{Name: "Nộp Trực Tuyến"}, Channel: 2, Actor: "Nộp Trực Tuyến"})
	require.NoError(t, err)
	code := sub.Code.String()
	b := d.signIn("an.nguyen")
	lines := queueLines(t, b.get("/"))
	require.Len(t, lines, 1)
	assert.Equal(t, "Chờ tiếp nhận", lines[0].left)
	assert.Equal(t, []string{"accept", "refuse", "withdraw"}, actionsOn(b.get("/ho-so/"+code)))
	r := b.post("/ho-so/"+code, url.Values{"action": {"accept"}, "version": {"1"}})
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	got := d.officer("GET", "/api/v1/dossiers/"+code, nil).json(t)
	assert.Equal(t, "received", got["status"])
	assert.Equal(t, "Nguyễn Văn An (an.nguyen)", got["events"].([]any)[1].(map[string]any)["actor"])
	p := requireProblem(t, d.officer("POST", "/api/v1/dossiers/"+code+"/accept", nil), http.StatusConflict)
	assert.Equal(t, "urn:motcua:problem:invalid-transition", p["type"])
}

// TestReportsScreen: a leader reads their agency's reports; an
// administrator the centre's or one agency's; the others may not.
func TestReportsScreen(t *testing.T) {
	t.Parallel()
	d := newDesk(t, twoAgencies)
	d.addOfficer("lanhdao", "Phạm Minh Đức", byLeader)
	d.addOfficer("admin", "Quản Trị", byAdmin)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	other := d.officerToken("tuphap", "Cán Bộ Tư Pháp", byOneStop|byLeader, ofAgency("000.00.12.H26"))
	d.receive(anIntake("Một"))
	d.receive(anIntake("Hai"))
	require.Equal(t, http.StatusCreated, d.as(other, "POST", "/api/v1/dossiers", anIntake("Ba")).status)
	d.clock.Set(monday0900.Add(time.Hour))

	received := regexp.MustCompile(`Tiếp nhận (\d+) hồ sơ`)
	r := d.signIn("lanhdao").get("/bao-cao")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	checkPage(t, r)
	assert.Equal(t, "2", received.FindStringSubmatch(r.String())[1], "the leader's agency")
	assert.Contains(t, r.String(), "Phạm vi: Trung tâm Phục vụ hành chính công thành phố Hà Nội.")
	assert.Contains(t, r.String(), "Biểu số 06/VPCP/KSTT")
	assert.Contains(t, r.String(), `<th colspan="4">Số hồ sơ nhận giải quyết</th>`)
	assert.NotContains(t, r.String(), `id="co-quan"`)
	assert.Equal(t, http.StatusForbidden, d.signIn("lanhdao").get("/bao-cao?co-quan=000.00.12.H26").status)

	ab := d.signIn("admin")
	r = ab.get("/bao-cao?tu=2025-10-01&den=2025-10-31&nhom=agency")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "3", received.FindStringSubmatch(r.String())[1], "the whole centre")
	assert.Contains(t, r.String(), "<td>Sở Tư pháp thành phố Hà Nội</td>", "rows by agency, named")
	r = ab.get("/bao-cao?tu=2025-10-01&den=2025-10-31&co-quan=000.00.12.H26")
	assert.Equal(t, "1", received.FindStringSubmatch(r.String())[1])
	assert.Equal(t, http.StatusBadRequest, ab.get("/bao-cao?tu=2025-10-31&den=2025-10-01").status)
	assert.Equal(t, http.StatusBadRequest, ab.get("/bao-cao?nhom=month").status)

	r = d.signIn("an.nguyen").get("/bao-cao")
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Contains(t, r.String(), "xem báo cáo dành cho lãnh đạo, quản trị")

	// The API's reports keep to the same scope.
	lead := d.officerToken("lanhdao2", "Lãnh Đạo Hai", byLeader)
	rep := d.as(lead, "GET", "/api/v1/reports/statistics?from=2025-10-01&to=2025-10-31", nil)
	require.Equal(t, http.StatusOK, rep.status, "%s", rep.body)
	assert.Equal(t, float64(2), rep.json(t)["total"].(map[string]any)["directOrPostal"])
	requireProblem(t, d.as(lead, "GET", "/api/v1/reports/summary?agency=000.00.12.H26", nil), http.StatusForbidden)
	rep = d.as(other, "GET", "/api/v1/reports/summary?from=2025-10-01&to=2025-10-31", nil)
	assert.Equal(t, float64(1), rep.json(t)["received"].(map[string]any)["total"])
	requireProblem(t, d.as(d.officerToken("motcua1", "Một Cửa", byOneStop), "GET", "/api/v1/reports/summary", nil), http.StatusForbidden)
}

// TestAccountAdmin: an administrator adds an officer (the password shown
// once), changes their roles, resets their password and disables them,
// which ends their session at once; an officer who is not may do none of
// it, and sees no such form.
func TestAccountAdmin(t *testing.T) {
	t.Parallel()
	d := newDesk(t, twoAgencies)
	d.addOfficer("admin", "Quản Trị", byAdmin)
	ab := d.signIn("admin")
	r := ab.get("/tai-khoan")
	checkPage(t, r)
	assert.Contains(t, r.String(), `id="add-officer"`)

	r = ab.post("/tai-khoan", url.Values{"viec": {"them-can-bo"}, "ten-dang-nhap": {"Mai.Tran"}, "ho-ten": {"  Trần  Thị Mai "},
		"co-quan": {"000.00.12.H26"}, "vai-tro": {"one-stop", "specialist"}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	pw := regexp.MustCompile(`id="new-password">([^<]+)<`).FindStringSubmatch(r.String())
	require.NotNil(t, pw)
	assert.Contains(t, r.String(), "Đã tạo tài khoản Trần Thị Mai (mai.tran)")
	assert.NotContains(t, ab.get("/tai-khoan").String(), pw[1], "shown once")
	mb := signInAt(t, d.http.URL, "mai.tran", pw[1])
	assert.Contains(t, mb.get("/").String(), "Sở Tư pháp thành phố Hà Nội")
	assert.NotContains(t, mb.get("/tai-khoan").String(), `id="add-officer"`)

	for _, bad := range []url.Values{
		{"viec": {"them-can-bo"}, "ten-dang-nhap": {"mai.tran"}, "ho-ten": {"X"}, "co-quan": {defaultAgency}, "vai-tro": {"one-stop"}},
		{"viec": {"them-can-bo"}, "ten-dang-nhap": {"Mai Trần"}, "ho-ten": {"X"}, "co-quan": {defaultAgency}, "vai-tro": {"one-stop"}},
		{"viec": {"them-can-bo"}, "ten-dang-nhap": {"x.y"}, "ho-ten": {"X"}, "co-quan": {"000.00.99.H26"}, "vai-tro": {"one-stop"}},
		{"viec": {"them-can-bo"}, "ten-dang-nhap": {"x.y"}, "ho-ten": {"X"}, "co-quan": {defaultAgency}},
		{"viec": {"them-can-bo"}, "ten-dang-nhap": {"x.y"}, "ho-ten": {"X"}, "co-quan": {defaultAgency}, "vai-tro": {"specialist"}, "toan-trung-tam": {"1"}},
		{"viec": {"khoa"}, "ten-dang-nhap": {"admin"}},
		{"viec": {"doi-vai-tro"}, "ten-dang-nhap": {"admin"}, "vai-tro": {"leader"}},
	} {
		r := ab.post("/tai-khoan", bad)
		assert.GreaterOrEqual(t, r.status, 400, "%v", bad)
		assert.Contains(t, r.String(), `id="error"`, "%v", bad)
	}

	r = ab.post("/tai-khoan", url.Values{"viec": {"doi-vai-tro"}, "ten-dang-nhap": {"mai.tran"}, "vai-tro": {"leader"}, "toan-trung-tam": {"1"}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Contains(t, r.String(), "Đã đổi vai trò của Trần Thị Mai (mai.tran): lãnh đạo.")
	assert.Contains(t, mb.get("/").String(), `href="/bao-cao"`, "the new role, at once")

	r = ab.post("/tai-khoan", url.Values{"viec": {"dat-lai-mat-khau"}, "ten-dang-nhap": {"mai.tran"}})
	require.Equal(t, http.StatusOK, r.status)
	pw2 := regexp.MustCompile(`id="new-password">([^<]+)<`).FindStringSubmatch(r.String())
	require.NotNil(t, pw2)
	assert.Equal(t, http.StatusSeeOther, mb.get("/").status, "a reset ends the sessions")
	mb = signInAt(t, d.http.URL, "mai.tran", pw2[1])

	r = ab.post("/tai-khoan", url.Values{"viec": {"khoa"}, "ten-dang-nhap": {"mai.tran"}})
	require.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, r.String(), "Đã khóa tài khoản")
	assert.Equal(t, http.StatusSeeOther, mb.get("/").status, "disabling ends the session at once")
	r = ab.post("/tai-khoan", url.Values{"viec": {"mo-khoa"}, "ten-dang-nhap": {"mai.tran"}})
	require.Equal(t, http.StatusOK, r.status)
	signInAt(t, d.http.URL, "mai.tran", pw2[1])

	// Not an administrator.
	cb := d.signIn("canbo")
	r = cb.post("/tai-khoan", url.Values{"viec": {"khoa"}, "ten-dang-nhap": {"mai.tran"}})
	assert.Equal(t, http.StatusForbidden, r.status)
	assert.Equal(t, http.StatusBadRequest, cb.post("/tai-khoan", url.Values{"viec": {"bay"}}).status)
}

// TestScreensNeedSignIn: every screen sends a browser that is not signed
// in to the sign-in page, and comes back after.
func TestScreensNeedSignIn(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	for _, path := range []string{"/", "/tiep-nhan", "/ho-so/000.00.01.H26-251006-0001", "/bao-cao", "/tai-khoan?x=1"} {
		r := d.public("GET", path, nil)
		assert.Equal(t, http.StatusSeeOther, r.status, path)
		assert.Equal(t, "/dang-nhap?tiep="+url.QueryEscape(path), r.header.Get("Location"), path)
	}
	r := d.request("POST", "/ho-so/000.00.01.H26-251006-0001", []byte("action=resolve"), false, "Content-Type", "application/x-www-form-urlencoded")
	assert.Equal(t, http.StatusSeeOther, r.status)
	b := d.newBrowser()
	r = b.post("/dang-nhap", url.Values{"username": {"canbo"}, "password": {testPassword}, "tiep": {"/bao-cao"}})
	assert.Equal(t, "/bao-cao", r.header.Get("Location"))
}

// A receipt sent twice from the screen (a double click, a reload of the
// answer) is received once: the form's key opens the dossier the first
// made. The key with other fields is refused on a screen, and a preview
// renders a fresh key.
func TestReceiveScreenTwice(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	b := d.signIn("an.nguyen")
	form := url.Values{"thu-tuc": {"1.001612"}, "ho-ten": {"Trần Thị Mai"}, "kenh-nop": {"direct"}, "kenh-tra": {"postal"},
		"giay-to": {"0"}, "buoc": {"xem-truoc"}}
	keyOf := func(r reply) string {
		m := regexp.MustCompile(`name="ma-gui" value="([^"]+)"`).FindStringSubmatch(r.String())
		require.NotNil(t, m, "the form carries its key")
		return m[1]
	}
	preview := b.post("/tiep-nhan", form)
	require.Equal(t, http.StatusOK, preview.status, "%s", preview.body)
	key := keyOf(preview)
	assert.NotEqual(t, key, keyOf(b.post("/tiep-nhan", form)), "every rendering has its own key")

	form.Set("buoc", "tiep-nhan")
	form.Set("ma-gui", key)
	first := b.post("/tiep-nhan", form)
	require.Equal(t, http.StatusSeeOther, first.status, "%s", first.body)
	again := b.post("/tiep-nhan", form)
	require.Equal(t, http.StatusSeeOther, again.status, "%s", again.body)
	assert.Equal(t, first.header.Get("Location"), again.header.Get("Location"))
	assert.Equal(t, 1, countDossiers(t, d.store))

	other := cloneValues(form)
	other.Set("ho-ten", "Lê Văn Tám")
	r := b.post("/tiep-nhan", other)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status)
	checkPage(t, r)
	assert.Contains(t, r.String(), "đã được gửi một lần với nội dung khác")
	assert.Equal(t, 1, countDossiers(t, d.store))

	// Without the key (an old page), every receipt acts.
	form.Del("ma-gui")
	require.Equal(t, http.StatusSeeOther, b.post("/tiep-nhan", form).status)
	assert.Equal(t, 2, countDossiers(t, d.store))
}
