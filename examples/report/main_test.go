package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/rating"
)

// The shares the article printed (testdata/report2020.txt), which every
// scale keeps.
var articleShares = []string{
	"- Nộp trực tiếp: %s hồ sơ (58,87%%);",
	"- Nộp trực tuyến: %s hồ sơ (39,90%%);",
	"- Nộp qua dịch vụ bưu chính công ích: %s hồ sơ (1,23%%).",
	"- Trước hạn: %s hồ sơ (25,82%%);",
	"- Đúng hạn: %s hồ sơ (74,08%%);",
	"- Quá hạn: %s hồ sơ (0,10%%).",
	"- Rất hài lòng: %s lượt (95,66%%);",
	"- Hài lòng: %s lượt (4,34%%);",
}

// TestSmallScale runs the example at -scale 0.01: fewer dossiers, the
// article's shares.
func TestSmallScale(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run([]string{"-scale", "0.01"}, &out))
	text := out.String()
	assert.True(t, norm.NFC.IsNormalString(text), "Vietnamese text in NFC")
	for _, line := range articleShares {
		prefix, share, _ := strings.Cut(line, "%s")
		assert.Regexp(t, "(?m)^"+regexpQuote(prefix)+`[0-9.]+`+regexpQuote(strings.ReplaceAll(share, "%%", "%"))+"$", text)
	}
	assert.Contains(t, text, "Từ ngày 01/01/2020 đến ngày 31/12/2020\n")
	assert.Regexp(t, `(?m)^Đang giải quyết [0-9.]+ hồ sơ: trong hạn [0-9.]+, quá hạn 0\.$`, text)
}

// TestSmallScaleJSON checks the counts behind the shares, and that they are
// about a hundredth of the article's.
func TestSmallScaleJSON(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run([]string{"-scale", "0.01", "-json", "-seed", "42"}, &out))
	var r struct {
		Received struct {
			Total     int `json:"total"`
			Previous  int `json:"previous"`
			ByChannel []struct {
				Count int     `json:"count"`
				Share float64 `json:"share"`
			} `json:"byChannel"`
		} `json:"received"`
		Resolved struct {
			Total int `json:"total"`
			Late  struct {
				Count int     `json:"count"`
				Share float64 `json:"share"`
			} `json:"late"`
		} `json:"resolved"`
		Satisfaction struct {
			Total int `json:"total"`
		} `json:"satisfaction"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &r))
	assert.InDelta(t, 870, r.Received.Total, 300, "about a hundredth of 86.964")
	assert.LessOrEqual(t, r.Resolved.Total, r.Received.Total)
	assert.LessOrEqual(t, r.Satisfaction.Total, r.Resolved.Total)
	assert.Equal(t, 1, r.Resolved.Late.Count)
	assert.Equal(t, 0.10, r.Resolved.Late.Share)
	require.Len(t, r.Received.ByChannel, 3)
	assert.Equal(t, []float64{58.87, 39.90, 1.23}, []float64{r.Received.ByChannel[0].Share, r.Received.ByChannel[1].Share, r.Received.ByChannel[2].Share})
	assert.Positive(t, r.Received.Previous)
}

// The seed changes which dossier is which, never the press release's
// counts (the form's rows by field depend on the procedures drawn).
func TestSeedKeepsCounts(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	require.NoError(t, run([]string{"-scale", "0.01", "-seed", "1"}, &a))
	require.NoError(t, run([]string{"-scale", "0.01", "-seed", "2"}, &b))
	release := func(s string) string { r, _, _ := strings.Cut(s, "Biểu số 06"); return r }
	assert.Equal(t, release(a.String()), release(b.String()))
	assert.NotEqual(t, a.String(), release(a.String()), "the form follows the press release")
}

// The form's total row is the press release's figures.
func TestFormAgreesWithRelease(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run([]string{"-scale", "0.01"}, &out))
	text := out.String()
	assert.Contains(t, text, "Biểu số 06/VPCP/KSTT\nTÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH\nKỳ báo cáo: từ 01/01/2020 đến hết 31/12/2020\n")
	assert.Regexp(t, `(?m)^Tiếp nhận 975 hồ sơ`, text)
	assert.Regexp(t, `(?m)^Đã giải quyết 949 hồ sơ`, text)
	assert.Regexp(t, `(?m)^\s+Tổng cộng\s+975\s+389\s+586\s+0\s+949\s+245\s+703\s+1\s+26\s+26\s+0\s+0\s+0\s+0$`, text)
}

func TestOtherYear(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run([]string{"-scale", "0.01", "-year", "2025"}, &out))
	assert.Contains(t, out.String(), "Từ ngày 01/01/2025 đến ngày 31/12/2025\n")
	assert.Contains(t, out.String(), "(58,87%)")
}

func TestFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"scale zero", []string{"-scale", "0"}},
		{"scale above one", []string{"-scale", "2"}},
		{"scale NaN", []string{"-scale", "NaN"}},
		{"year out of code range", []string{"-year", "1999"}},
		{"stray argument", []string{"now"}},
		{"unknown flag", []string{"-month", "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Error(t, run(tt.args, &bytes.Buffer{}))
		})
	}
}

// TestPlan checks that the scaled counts keep the article's shares, and
// that scale 1 is the article itself.
func TestPlan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		scale float64
	}{
		{"article", 1},
		{"half", 0.5},
		{"tenth", 0.1},
		{"hundredth", 0.01},
		{"thousandth", 0.001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := planFor(tt.scale)
			require.NoError(t, err)
			a := report2020
			assert.Equal(t, rating.Shares(a.channels...), rating.Shares(p.channels...))
			assert.Equal(t, rating.Shares(a.outcomes...), rating.Shares(p.outcomes...))
			assert.Equal(t, rating.Shares(a.ratings...), rating.Shares(p.ratings...))
			assert.GreaterOrEqual(t, sum(p.channels), sum(p.outcomes))
			assert.LessOrEqual(t, sum(p.ratings), sum(p.outcomes))
			if tt.scale == 1 {
				assert.Equal(t, plan{a.channels, a.outcomes, a.ratings, a.previous}, p)
			}
		})
	}
}

func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// The analyses find what the simulation planted: the slow second step of
// 1.004222 first among the late dossiers' steps, and a cut of 1.001776's
// ten days to two.
func TestAnalysesFindPlanted(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run([]string{"-scale", "0.05"}, &out))
	text := out.String()
	_, late, ok := strings.Cut(text, "HỒ SƠ QUÁ HẠN THEO BƯỚC XỬ LÝ")
	require.True(t, ok)
	first := strings.SplitN(strings.TrimSpace(late), "\n", 3)[1]
	assert.True(t, strings.HasPrefix(first, "- 1.004222, bước «Kiểm tra, xác minh, đối chiếu với Cơ sở dữ liệu về cư trú»"), first)
	assert.Contains(t, text, "- 1.001776: 90% xong trong ")
	assert.Regexp(t, `- 1\.001776: 90% xong trong 1,[0-9] ngày làm việc / thời hạn 10 ngày → đề xuất 2 ngày`, text)
	assert.Contains(t, text, "Quyết định 766/QĐ-TTg")
}

// -xlsx and -svg write the workbook and the charts.
func TestFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	book := filepath.Join(dir, "bieu06.xlsx")
	require.NoError(t, run([]string{"-scale", "0.01", "-xlsx", book, "-svg", filepath.Join(dir, "svg")}, io.Discard))
	b, err := os.ReadFile(book)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(b, []byte("PK")), "an Excel workbook is a zip")
	for _, name := range []string{"tiep-nhan-theo-thang.svg", "giai-quyet-theo-thang.svg", "dung-han-theo-linh-vuc.svg", "hai-long.svg"} {
		svg, err := os.ReadFile(filepath.Join(dir, "svg", name))
		require.NoError(t, err, name)
		assert.Contains(t, string(svg), "<svg", name)
	}
	assert.Error(t, run([]string{"-scale", "0.01", "-xlsx", filepath.Join(dir, "no", "such", "folder.xlsx")}, io.Discard))
}
