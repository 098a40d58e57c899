package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The browser tests drive a real headless Chromium through the DevTools
// protocol (chromedp). They skip, saying why, when no Chromium is installed;
// with MOTCUA_REQUIRE_BROWSER set (as .ci/run sets it) a missing browser
// fails them instead. MOTCUA_BROWSER may name the browser's executable.

// findBrowser returns the path of a Chromium to drive.
func findBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MOTCUA_BROWSER"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "no Chromium found (chromium, chromium-browser, google-chrome or $MOTCUA_BROWSER): " +
		"install it with apt-get install chromium to run the browser tests"
	if os.Getenv("MOTCUA_REQUIRE_BROWSER") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// A chromium is a headless browser for one test, with a new empty profile,
// and a folder for its screenshots and printouts: under the system's
// temporary folder, never in the repository, removed when the test passes
// and kept, and named, when it fails.
type chromium struct {
	t    *testing.T
	ctx  context.Context
	dir  string
	shot int
}

func newChromium(t *testing.T) *chromium {
	t.Helper()
	exe := findBrowser(t)
	dir, err := os.MkdirTemp("", "motcua-browser-")
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("screenshots and printouts kept in %s", dir)
			return
		}
		// Chromium's children may still write in the profile for a moment
		// after it stops.
		for range 50 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	profile := filepath.Join(dir, "profile")
	require.NoError(t, os.Mkdir(profile, 0o700))
	// The machine may have no network beyond loopback: nothing that calls
	// home, nothing over QUIC.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first run starts the browser, and must not have a timeout of its
	// own, which would stop the browser with it; the steps each get one.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium (%s): %v", exe, err)
	}
	return &chromium{t: t, ctx: ctx, dir: dir}
}

// stepTimeout bounds each step of a browser test.
const stepTimeout = 30 * time.Second

// step runs one action, failing the test with what it was doing and a
// screenshot of the page.
func step[T any](c *chromium, what string, a chromedp.Action[T]) T {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		c.screenshot("failed")
		c.t.Fatalf("%s: %v (screenshots in %s)", what, err, c.dir)
	}
	return v
}

// do runs steps in order.
func (c *chromium) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	step(c, what, chromedp.Steps(steps...))
}

// load runs an action that loads a page (a click on a link or a button, a
// form submitted) and waits for the page to load: it listens for the load
// before the action, so that none is missed.
func load[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.WaitEvent(page.LoadEventFired, nil, a)(ctx, t)
		return chromedp.Void{}, err
	}
}

// screenshot saves the page as NN-name.png in the test's folder.
func (c *chromium) screenshot(name string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		c.t.Logf("screenshot %s: %v", name, err)
		return
	}
	c.shot++
	_ = os.WriteFile(filepath.Join(c.dir, fmt.Sprintf("%02d-%s.png", c.shot, name)), png, 0o600)
}

// text returns the visible text of the first element the CSS selector
// names.
func (c *chromium) text(sel string) string {
	c.t.Helper()
	return step(c, "reading "+sel, chromedp.Text(chromedp.CSS(sel)))
}

func (c *chromium) location() string {
	c.t.Helper()
	return step(c, "location", chromedp.Location())
}

// eval evaluates a JavaScript expression through the DevTools protocol (the
// pages themselves run none).
func eval[T any](c *chromium, expr string) T {
	c.t.Helper()
	return step(c, "evaluating "+expr, chromedp.Evaluate[T](expr))
}

// actions returns the actions offered on the dossier screen.
func (c *chromium) actions() []string {
	c.t.Helper()
	return eval[[]string](c, `Array.from(document.querySelectorAll('form[id^="action-"]')).map(f => f.id.slice(7))`)
}

// counts returns the queue's count under each filter.
func (c *chromium) counts() map[string]string {
	c.t.Helper()
	return eval[map[string]string](c, `Object.fromEntries(Array.from(document.querySelectorAll('.filters a')).map(a => [a.firstChild.textContent.trim(), a.querySelector('.count').textContent]))`)
}

func (c *chromium) signIn(base, username string) {
	c.t.Helper()
	c.do("signing in as "+username,
		(chromedp.Navigate(base + "/")),
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		load(chromedp.Submit(chromedp.ID("sign-in"))),
		chromedp.WaitVisible(chromedp.ID("officer")),
	)
}

func (c *chromium) signOut() {
	c.t.Helper()
	c.do("signing out", load(chromedp.Click(chromedp.ID("sign-out"))), chromedp.WaitVisible(chromedp.ID("sign-in")))
	assert.Contains(c.t, c.text("#notice"), "Ông/bà đã đăng xuất.")
}

// act opens the dossier screen, submits the action's form, and returns the
// notice it was recorded with.
func (c *chromium) act(dossierURL, action string, before ...chromedp.Action[chromedp.Void]) string {
	c.t.Helper()
	steps := append([]chromedp.Action[chromedp.Void]{(chromedp.Navigate(dossierURL))}, before...)
	steps = append(steps, load(chromedp.Submit(chromedp.ID("action-"+action))), chromedp.WaitVisible(chromedp.ID("notice")))
	c.do(action, steps...)
	c.screenshot(action)
	return c.text("#notice")
}

// TestBrowser is the desk as its officers use it, in a real Chromium: a
// one-stop officer signs in, receives a dossier through the preview and
// prints its receipt to PDF; a specialist signs in, takes the dossier and
// marks its result ready; the one-stop officer returns it; each signs out.
// At each step it checks what a person would see: the texts, the buttons
// each role has and has not, the queue's counts, and that the style sheet
// the CSP allows by its hash is applied.
func TestBrowser(t *testing.T) {
	t.Parallel()
	c := newChromium(t)
	d := newDesk(t)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	d.addOfficer("cuong.le", "Lê Văn Cường", bySpecialist)
	base := d.http.URL

	// Signing in.
	c.do("opening the desk", (chromedp.Navigate(base + "/")), chromedp.WaitVisible(chromedp.ID("sign-in")))
	assert.Equal(t, "Đăng nhập", c.text("h1"))
	assert.Equal(t, base+"/dang-nhap?tiep=%2F", c.location())
	c.signIn(base, "an.nguyen")
	c.screenshot("queue-empty")
	assert.Equal(t, "Nguyễn Văn An (an.nguyen)", c.text("#officer"))
	assert.Equal(t, "cán bộ một cửa", c.text("#roles"))
	assert.Equal(t, "Không có hồ sơ nào.", c.text("#count"))
	assert.Equal(t, "rgb(122, 31, 31)", eval[string](c, `getComputedStyle(document.querySelector('.bar')).backgroundColor`),
		"the style sheet is applied under the CSP")
	assert.Equal(t, []string{"Hàng đợi", "Tiếp nhận", "Tài khoản"},
		eval[[]string](c, `Array.from(document.querySelectorAll('.bar nav a')).map(a => a.textContent)`), "no reports for a one-stop officer")

	// Receiving: a search without diacritics, the checklist, the preview.
	c.do("searching the procedure",
		load(chromedp.Click(chromedp.CSS(`a[href="/tiep-nhan"]`))),
		chromedp.SendKeys(chromedp.ID("q"), "dang ky thanh lap ho kinh doanh"),
		load(chromedp.Submit(chromedp.ID("q"))),
		load(chromedp.Click(chromedp.CSS(`a[href="/tiep-nhan?thu-tuc=1.001612"]`))),
		chromedp.WaitVisible(chromedp.ID("receive")),
	)
	assert.Equal(t, "Đăng ký thành lập hộ kinh doanh", c.text("#procedure"))
	c.do("filling the form",
		chromedp.Click(chromedp.CSS(`input[name="giay-to"][value="0"]`)),
		chromedp.SendKeys(chromedp.ID("ho-ten"), "Trần Thị Mai"),
		chromedp.SendKeys(chromedp.ID("so-dinh-danh"), "001199000111"),
		chromedp.SendKeys(chromedp.ID("dia-chi"), "5 Lý Thái Tổ, Hoàn Kiếm, Hà Nội"),
		chromedp.SetValue(chromedp.ID("kenh-tra"), "postal"),
		load(chromedp.Click(chromedp.CSS(`button[value="xem-truoc"]`))),
		chromedp.WaitVisible(chromedp.ID("preview")),
	)
	c.screenshot("preview")
	assert.Equal(t, "09 giờ 00 phút, Thứ Năm, ngày 09/10/2025", c.text("#due"))
	c.do("receiving", load(chromedp.Click(chromedp.ID("do-receive"))), chromedp.WaitVisible(chromedp.CSS(".sign")))
	c.screenshot("receipt")
	loc := c.location()
	require.True(t, strings.HasPrefix(loc, base+"/ho-so/000.00.01.H26-251006-"), loc)
	code := strings.TrimSuffix(strings.TrimPrefix(loc, base+"/ho-so/"), "/mau-01")
	receipt := c.text("body")
	for _, want := range []string{code, "Trần Thị Mai", "Bộ phận tiếp nhận và trả kết quả",
		"09 giờ 00 phút, Thứ Năm, ngày 09/10/2025", "Nguyễn Văn An (an.nguyen)", "dịch vụ bưu chính công ích"} {
		assert.Contains(t, receipt, want)
	}
	assert.Contains(t, strings.ToLower(receipt), "giấy tiếp nhận hồ sơ và hẹn trả kết quả")
	pdf := step(c, "printing the receipt", chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	require.NoError(t, os.WriteFile(filepath.Join(c.dir, "receipt.pdf"), pdf, 0o600))
	assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")), "a PDF")
	assert.Greater(t, len(pdf), 5000)

	// The queue holds it, as the officer's; the dossier offers the
	// counter's actions only.
	dossierURL := base + "/ho-so/" + code
	c.do("queue", (chromedp.Navigate(base + "/")), chromedp.WaitVisible(chromedp.CSS(".queue")))
	c.screenshot("queue")
	assert.Equal(t, map[string]string{"Tất cả": "1", "Của tôi": "1", "Đến hạn hôm nay": "0", "Quá hạn": "0", "Chờ bổ sung": "0", "Chờ nộp phí, lệ phí": "0"}, c.counts())
	assert.Equal(t, "còn 3 ngày làm việc", c.text("td.left"))
	c.do("opening the dossier", load(chromedp.Click(chromedp.CSS(`a[href="/ho-so/`+code+`"]`))), chromedp.WaitVisible(chromedp.ID("summary")))
	c.screenshot("dossier-one-stop")
	assert.Equal(t, "Được tiếp nhận", c.text("#status"))
	assert.Equal(t, []string{"refuse", "request-supplement", "withdraw"}, c.actions())
	assert.Contains(t, c.text("#forms"), "Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
	c.signOut()

	// The specialist: none of the counter's actions; takes the dossier and
	// marks its result ready.
	c.signIn(base, "cuong.le")
	assert.Equal(t, map[string]string{"Tất cả": "1", "Của tôi": "0", "Đến hạn hôm nay": "0", "Quá hạn": "0", "Chờ bổ sung": "0", "Chờ nộp phí, lệ phí": "0"}, c.counts())
	c.do("opening the dossier", (chromedp.Navigate(dossierURL)), chromedp.WaitVisible(chromedp.ID("summary")))
	assert.Equal(t, []string{"request-supplement", "request-payment", "transfer", "resolve"}, c.actions())
	assert.Zero(t, eval[int](c, `document.querySelectorAll('#forms a').length`), "no printing for a specialist")
	assert.Equal(t, "Đã chuyển bước xử lý.", c.act(dossierURL, "transfer", chromedp.SetValue(chromedp.ID("to-transfer"), "cuong.le")))
	assert.Contains(t, c.text("#slip"), "Lê Văn Cường (cuong.le)")
	c.do("queue", (chromedp.Navigate(base + "/")), chromedp.WaitVisible(chromedp.CSS(".queue")))
	assert.Equal(t, "1", c.counts()["Của tôi"])
	assert.Equal(t, "Đã ghi nhận đã có kết quả.", c.act(dossierURL, "resolve"))
	assert.Equal(t, "Đã xử lý xong", c.text("#status"))
	assert.Empty(t, c.actions(), "returning is the counter's")
	c.signOut()

	// Back at the counter: return the result.
	c.signIn(base, "an.nguyen")
	assert.Equal(t, "Đã có kết quả", c.text("td.left"))
	c.do("opening the dossier", (chromedp.Navigate(dossierURL)), chromedp.WaitVisible(chromedp.ID("summary")))
	assert.Equal(t, []string{"return"}, c.actions())
	assert.Equal(t, "Đã trả kết quả.", c.act(dossierURL, "return"))
	assert.Equal(t, "Đã trả kết quả", c.text("#status"))
	history := c.text("#history")
	for _, want := range []string{"Tiếp nhận", "Chuyển", "Trả kết quả", "Nguyễn Văn An (an.nguyen)", "Lê Văn Cường (cuong.le)"} {
		assert.Contains(t, history, want)
	}
	c.do("queue", (chromedp.Navigate(base + "/")), chromedp.WaitVisible(chromedp.ID("count")))
	assert.Equal(t, "Không có hồ sơ nào.", c.text("#count"))
	c.signOut()

	// Signed out, the desk asks to sign in again.
	c.do("after signing out", (chromedp.Navigate(dossierURL)), chromedp.WaitVisible(chromedp.ID("sign-in")))
	assert.Equal(t, base+"/dang-nhap?tiep="+url.QueryEscape("/ho-so/"+code), c.location())
}
