package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

var twoAgencies = func(c *config) {
	c.Agencies = []agency{
		{ID: defaultAgency, Name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội"},
		{ID: "000.00.12.H26", Name: "Sở Tư pháp thành phố Hà Nội"},
	}
}

// queueRowRE reads the rows of the queue page: code, holder, time left.
var queueRowRE = regexp.MustCompile(`(?s)<tr[^>]*>\s*<td><a href="/ho-so/([^"]+)">.*?</td>\s*<td>.*?</td>\s*<td>.*?</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>.*?</td>\s*<td class="left">(.*?)</td>`)

type queueLine struct{ code, status, holder, left string }

func queueLines(t *testing.T, r reply) []queueLine {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	checkPage(t, r)
	var out []queueLine
	for _, m := range queueRowRE.FindAllStringSubmatch(r.String(), -1) {
		out = append(out, queueLine{m[1], m[2], m[3], m[4]})
	}
	return out
}

var countRE = regexp.MustCompile(`<a href="[^"]*"(?: class="active" aria-current="page")?>([^<]+) <span class="count">(\d+)</span></a>`)

func queueCounts(r reply) map[string]string {
	out := map[string]string{}
	for _, m := range countRE.FindAllStringSubmatch(r.String(), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestQueue fills a desk with dossiers in every state and checks the work
// queue an officer sees: the open dossiers of their agency, by legal due
// time, with the working time left or overdue, the count under each
// filter, each filter's rows; another agency's dossiers left out, except
// for an officer who sees all.
func TestQueue(t *testing.T) {
	t.Parallel()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		testQueue(t, newDesk(t, twoAgencies))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		testQueue(t, newDeskOn(t, postgresBackend(t), twoAgencies))
	})
}

func testQueue(t *testing.T, d *desk) {
	cuong := d.officerToken("cuong.le", "Lê Văn Cường", bySpecialist)
	other := d.officerToken("tuphap", "Cán Bộ Tư Pháp", byOneStop, ofAgency("000.00.12.H26"))
	d.addOfficer("giamdoc", "Giám Đốc Trung Tâm", byLeader, centreWide)
	act := func(tok, code, action string, body any) {
		t.Helper()
		r := d.as(tok, "POST", "/api/v1/dossiers/"+code+"/"+action, body)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", action, r.body)
	}
	receive := func(procedure, name string) string {
		t.Helper()
		in := anIntake(name)
		in["procedure"] = procedure
		in["returnChannel"] = "direct"
		return d.receive(in)
	}

	// Last week: due on Thursday 02/10 09:00, overdue now by two working days.
	d.clock.Set(time.Date(2025, 9, 29, 9, 0, 0, 0, sla.ICT))
	late := receive("1.001612", "Quá Hạn")
	d.clock.Set(monday0900)
	today := receive("2.000635", "Hạn Hôm Nay") // "trong ngày": 17:00 today
	fresh := receive("1.001612", "Mới Nhận")
	paused := receive("1.001612", "Chờ Bổ Sung")
	act(testToken, paused, "request-supplement", map[string]string{"reason": "Thiếu giấy ủy quyền"})
	paying := receive("1.001612", "Chờ Nộp Phí")
	act(testToken, paying, "request-payment", nil)
	ready := receive("1.001612", "Có Kết Quả")
	act(testToken, ready, "resolve", nil)
	returned := receive("1.001612", "Đã Trả")
	act(testToken, returned, "resolve", nil)
	act(testToken, returned, "return", nil)
	handed := receive("1.001612", "Đã Chuyển")
	act(cuong, handed, "transfer", map[string]string{"to": "cuong.le"})
	r := d.as(other, "POST", "/api/v1/dossiers", anIntake("Sở Khác"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	elsewhere := r.json(t)["code"].(string)

	b := d.signIn("canbo")
	page := b.get("/")
	assert.Equal(t, map[string]string{
		"Tất cả": "7", "Của tôi": "5", "Đến hạn hôm nay": "1", "Quá hạn": "1", "Chờ bổ sung": "1", "Chờ nộp phí, lệ phí": "1",
	}, queueCounts(page))
	lines := queueLines(t, page)
	var codes []string
	for _, l := range lines {
		codes = append(codes, l.code)
	}
	require.Len(t, codes, 7)
	assert.Equal(t, []string{late, today}, codes[:2], "by legal due time")
	assert.ElementsMatch(t, []string{fresh, paused, paying, ready, handed}, codes[2:])
	assert.NotContains(t, codes, returned)
	assert.NotContains(t, codes, elsewhere)
	byCode := map[string]queueLine{}
	for _, l := range lines {
		byCode[l.code] = l
	}
	assert.Equal(t, "quá hạn 2 ngày làm việc", byCode[late].left)
	assert.Equal(t, "còn 6 giờ 30 phút làm việc", byCode[today].left)
	assert.Equal(t, "còn 3 ngày làm việc", byCode[fresh].left)
	assert.Equal(t, "còn 3 ngày làm việc (đang tạm dừng)", byCode[paused].left)
	assert.Equal(t, "Đã có kết quả", byCode[ready].left)
	assert.Equal(t, testActor, byCode[fresh].holder)
	assert.Equal(t, "Lê Văn Cường (cuong.le)", byCode[handed].holder)
	assert.Equal(t, "", byCode[ready].holder, "no open step")
	assert.Contains(t, page.String(), `<tr class="late">`)

	for filter, want := range map[string][]string{
		"cua-toi":         {late, today, fresh, paused, paying},
		"den-han-hom-nay": {today},
		"qua-han":         {late},
		"cho-bo-sung":     {paused},
		"cho-nop-phi":     {paying},
	} {
		var got []string
		for _, l := range queueLines(t, b.get("/?loc="+filter)) {
			got = append(got, l.code)
		}
		assert.ElementsMatch(t, want, got, filter)
	}
	assert.Contains(t, b.get("/?loc=cho-nop-phi").String(), `class="active" aria-current="page">Chờ nộp phí, lệ phí`)

	// The specialist's own queue.
	sb := d.signIn("cuong.le")
	assert.Equal(t, "1", queueCounts(sb.get("/"))["Của tôi"])
	// Later that day the dossier due at 17:00 is overdue too.
	d.clock.Set(monday0900.Add(8*time.Hour + time.Minute))
	c := queueCounts(d.signIn("canbo").get("/"))
	assert.Equal(t, "2", c["Quá hạn"])
	assert.Equal(t, "0", c["Đến hạn hôm nay"])
	d.clock.Set(monday0900)
	b = d.signIn("canbo")

	// Another agency's officer sees its own; the centre-wide leader all, or
	// one agency chosen.
	ob := d.signIn("tuphap")
	ol := queueLines(t, ob.get("/"))
	require.Len(t, ol, 1)
	assert.Equal(t, elsewhere, ol[0].code)
	assert.Equal(t, http.StatusForbidden, ob.get("/?co-quan="+url.QueryEscape(defaultAgency)).status)
	gb := d.signIn("giamdoc")
	all := gb.get("/")
	assert.Equal(t, "8", queueCounts(all)["Tất cả"])
	assert.Contains(t, all.String(), `<option value="000.00.12.H26">Sở Tư pháp thành phố Hà Nội</option>`)
	assert.Len(t, queueLines(t, gb.get("/?co-quan=000.00.12.H26")), 1)
	assert.Equal(t, http.StatusBadRequest, gb.get("/?co-quan=000.00.99.H26").status)
	assert.Equal(t, http.StatusBadRequest, b.get("/?loc=tat-ca").status)
	assert.Equal(t, http.StatusBadRequest, b.get("/?trang=0").status)
	assert.Equal(t, http.StatusBadRequest, b.get("/?sort=due").status, "a parameter the queue does not take")
}

// TestQueuePages: a queue longer than a page is paged, 50 at a time, each
// dossier once, with links to the pages before and after.
func TestQueuePages(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	want := map[string]bool{}
	for i := range 2*queuePageSize + 7 {
		want[d.receive(anIntake(fmt.Sprintf("Người nộp %d", i)))] = true
	}
	b := d.signIn("canbo")
	seen := map[string]bool{}
	path := "/"
	for pages := 1; ; pages++ {
		r := b.get(path)
		lines := queueLines(t, r)
		if pages < 3 {
			assert.Len(t, lines, queuePageSize)
		} else {
			assert.Len(t, lines, 7)
		}
		assert.Contains(t, r.String(), fmt.Sprintf("Trang %d/3.", pages))
		for _, l := range lines {
			assert.False(t, seen[l.code], "%s twice", l.code)
			seen[l.code] = true
		}
		m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(r.String())
		if m == nil {
			assert.Equal(t, 3, pages)
			assert.Contains(t, r.String(), `rel="prev"`)
			break
		}
		path = strings.ReplaceAll(m[1], "&amp;", "&")
	}
	assert.Equal(t, want, seen)
}

// TestQueueRebuild: dossiers written without the server's index (by
// another program, or before a crash) are indexed at start, and a row left
// behind is mended, by the start or by the page that shows it.
func TestQueueRebuild(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	raw, err := dossier.NewService(dossier.Config{Store: d.store, Catalog: d.srv.catalog, Calendar: d.srv.cal, Agency: defaultAgency, Now: d.clock.Now})
	require.NoError(t, err)
	in := dossier.Intake{Procedure: "1.001612", Applicant: dossier.Applicant{Name: "Ngoài Chỉ Mục"}, Channel: procedure.Direct, Actor: testActor}
	unseen, err := raw.Receive(ctx, in)
	require.NoError(t, err)
	seenCode := d.receive(anIntake("Trong Chỉ Mục"))
	b := d.signIn("canbo")
	c, err := dossier.ParseCode(seenCode)
	require.NoError(t, err)
	_, err = raw.Resolve(ctx, c, testActor)
	require.NoError(t, err)
	_, err = raw.Return(ctx, c, testActor)
	require.NoError(t, err)

	pg := b.get("/")
	lines := queueLines(t, pg)
	require.Len(t, lines, 1, "the index knows only what the server wrote")
	assert.Equal(t, seenCode, lines[0].code)
	assert.Equal(t, "Đã trả kết quả", lines[0].status, "the page shows the record")
	lines = queueLines(t, b.get("/"))
	assert.Empty(t, lines, "and the page mended the row")

	n, err := d.store.Desk().rebuildQueue(ctx, d.store)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	lines = queueLines(t, b.get("/"))
	require.Len(t, lines, 1)
	assert.Equal(t, unseen.Code.String(), lines[0].code)
	n, err = d.store.Desk().rebuildQueue(ctx, d.store)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left to mend")
}

func TestWorkText(t *testing.T) {
	t.Parallel()
	day := 8 * time.Hour
	for d, want := range map[time.Duration]string{
		0: "1 phút", 30 * time.Second: "1 phút", 45 * time.Minute: "45 phút", 3 * time.Hour: "3 giờ",
		3*time.Hour + 20*time.Minute: "3 giờ 20 phút", day: "1 ngày", 2*day + 3*time.Hour: "2 ngày 3 giờ",
		2*day + 20*time.Minute: "2 ngày",
	} {
		assert.Equal(t, want, workText(d, day), "%v", d)
	}
}

// TestIndexer: entries are written in the background; a later version of a
// dossier wins over an earlier one, waiting or written; flush waits for
// what came before it; closing writes what is left.
func TestIndexer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := "sqlite:" + filepath.Join(t.TempDir(), "motcua.db")
	b, err := openBackend(ctx, path)
	require.NoError(t, err)
	ds := b.Desk()
	version := func(code string) int {
		var v int
		require.NoError(t, ds.db.QueryRowContext(ctx, `SELECT version FROM desk_queue WHERE code = $1`, code).Scan(&v))
		return v
	}
	e := queueEntry{code: "000.00.01.H26-251006-0001", agency: defaultAgency, version: 3, status: dossier.InProgress, legalDue: noDue}
	ds.indexer.put(e)
	e.version = 2
	ds.indexer.put(e)
	ds.flush()
	assert.Equal(t, 3, version(e.code), "the later version, though handed in first")
	ds.indexer.put(e)
	ds.flush()
	assert.Equal(t, 3, version(e.code), "an earlier version does not overwrite a later one")
	e.code, e.version = "000.00.01.H26-251006-0002", 1
	ds.indexer.put(e)
	require.NoError(t, b.Close())
	ds.indexer.put(e) // after the close: dropped, and flush does not wait for it
	ds.flush()

	b, err = openBackend(ctx, path)
	require.NoError(t, err)
	defer b.Close()
	ds = b.Desk()
	assert.Equal(t, 1, version(e.code), "written before the close")
}
