package xlsx_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/dossier/report/internal/simulate"
	"github.com/motcua/motcua/dossier/report/xlsx"
)

var year = sync.OnceValues(func() (*simulate.Year, error) { return simulate.Run(context.Background()) })

// analyses runs the year and its analyses (Analyze gives what Compute,
// Late and Cuts give, as report's tests check).
func analyses(t *testing.T) (*report.Statistics, *report.LateAnalysis, []report.Cut) {
	y, err := year()
	require.NoError(t, err)
	ctx := context.Background()
	q := report.Query{Store: y.Store, Catalog: y.Catalog, Calendar: y.Calendar, Period: report.Period{From: y.From, To: y.To}}
	a, err := report.Analyze(ctx, q, report.QualityInput{})
	require.NoError(t, err)
	return a.Statistics, a.Late, a.Cuts
}

func open(t *testing.T, st *report.Statistics, late *report.LateAnalysis, cuts []report.Cut) *excelize.File {
	var buf bytes.Buffer
	require.NoError(t, xlsx.Write(&buf, st, late, cuts))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

func get(t *testing.T, f *excelize.File, sheet, cell string) string {
	v, err := f.GetCellValue(sheet, cell)
	require.NoError(t, err)
	return v
}

// number reads a cell that must hold a number, not text.
func number(t *testing.T, f *excelize.File, sheet, cell string) float64 {
	typ, err := f.GetCellType(sheet, cell)
	require.NoError(t, err)
	assert.Contains(t, []excelize.CellType{excelize.CellTypeNumber, excelize.CellTypeUnset}, typ, "%s!%s is a number", sheet, cell)
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	x, err := strconv.ParseFloat(v, 64)
	require.NoError(t, err, "%s!%s = %q", sheet, cell, v)
	return x
}

func name(col, row int) string {
	c, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		panic(err)
	}
	return c
}

func TestForm(t *testing.T) {
	t.Parallel()
	st, late, cuts := analyses(t)
	f := open(t, st, late, cuts)
	assert.Equal(t, []string{xlsx.SheetForm, xlsx.SheetLate, xlsx.SheetCuts}, f.GetSheetList())
	const s = xlsx.SheetForm
	assert.Equal(t, "Biểu số 06/VPCP/KSTT", get(t, f, s, "A1"))
	assert.Equal(t, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", get(t, f, s, "A2"))
	assert.Equal(t, "Kỳ báo cáo: từ 01/01/2025 đến hết 31/12/2025", get(t, f, s, "A3"))

	// The header as the form prints it.
	for cell, want := range map[string]string{
		"A5": "STT", "B5": "Lĩnh vực",
		"C5": "Số hồ sơ nhận giải quyết", "G5": "Kết quả giải quyết", "N5": "Kết thúc không có kết quả",
		"G6": "Đã giải quyết", "K6": "Đang giải quyết",
		"C7": "Tổng số", "D7": "Trực tuyến", "E7": "Trực tiếp, dịch vụ bưu chính", "F7": "Kỳ trước chuyển qua",
		"G7": "Tổng số", "H7": "Trước hạn", "I7": "Đúng hạn", "J7": "Quá hạn",
		"K7": "Tổng số", "L7": "Trong hạn", "M7": "Quá hạn",
	} {
		assert.Equal(t, want, get(t, f, s, cell), cell)
	}
	for i, c := range report.Columns() {
		assert.Equal(t, c[1], get(t, f, s, name(3+i, xlsx.HeaderRow+2)), "leaf header %d", i)
	}
	merges, err := f.GetMergeCells(s)
	require.NoError(t, err)
	got := map[string]string{}
	for _, m := range merges {
		got[m.GetStartAxis()+":"+m.GetEndAxis()] = m.GetCellValue()
		assert.Equal(t, get(t, f, s, m.GetStartAxis()), m.GetCellValue(), "the text is in the top-left cell")
	}
	assert.Equal(t, map[string]string{
		"A5:A7": "STT", "B5:B7": "Lĩnh vực",
		"C5:F6": "Số hồ sơ nhận giải quyết",
		"G5:M5": "Kết quả giải quyết", "G6:J6": "Đã giải quyết", "K6:M6": "Đang giải quyết",
		"N5:P6": "Kết thúc không có kết quả",
	}, got)

	// One row per field, then the total, in numbers, equal to Compute's.
	require.Len(t, st.Rows, 3)
	sum := make([]float64, len(report.Columns()))
	for i, r := range st.Rows {
		row := xlsx.FirstRow + i
		assert.Equal(t, strconv.Itoa(i+1), get(t, f, s, name(1, row)))
		assert.Equal(t, r.Name, get(t, f, s, name(2, row)))
		for j, v := range r.Values() {
			x := number(t, f, s, name(3+j, row))
			assert.Equal(t, float64(v), x, "%s, column %d", r.Name, j)
			sum[j] += x
		}
	}
	total := xlsx.FirstRow + len(st.Rows)
	assert.Equal(t, "Tổng cộng", get(t, f, s, name(2, total)))
	for j, v := range st.Total.Values() {
		x := number(t, f, s, name(3+j, total))
		assert.Equal(t, float64(v), x, "total, column %d", j)
		assert.Equal(t, sum[j], x, "the total adds up the rows, column %d", j)
	}
	assert.Equal(t, 1250.0, number(t, f, s, name(3, total)))
}

func TestAnalysesSheets(t *testing.T) {
	t.Parallel()
	st, late, cuts := analyses(t)
	f := open(t, st, late, cuts)
	const l = xlsx.SheetLate
	assert.Equal(t, "Mã", get(t, f, l, "B5"))
	assert.Equal(t, simulate.LandCode, get(t, f, l, "B6"), "the slow step ranks first")
	assert.Equal(t, simulate.SlowStep, get(t, f, l, "C6"))
	assert.Equal(t, float64(late.Steps[0].Late), number(t, f, l, "E6"))
	assert.InDelta(t, late.Steps[0].Share().Ratio(), number(t, f, l, "F6"), 1e-12)
	assert.Equal(t, 8.0, number(t, f, l, "G6"), "median overrun in working hours")
	assert.Equal(t, late.Steps[0].Steps[0].Lost.Hours(), number(t, f, l, "I6"))

	const c = xlsx.SheetCuts
	rows, err := f.GetRows(c)
	require.NoError(t, err)
	found := false
	for i, r := range rows {
		if len(r) > 1 && r[1] == simulate.GenerousCode {
			found = true
			assert.Equal(t, 2.0, number(t, f, c, name(12, i+1)), "proposed")
			assert.Equal(t, 10.0, number(t, f, c, name(4, i+1)), "the limit")
			assert.Equal(t, "1.001776: 90% xong trong 1,9 ngày làm việc / thời hạn 10 ngày → đề xuất 2 ngày", r[12])
		}
	}
	assert.True(t, found, "the generous procedure is on the cuts sheet")
}

func TestWriteLeavesOut(t *testing.T) {
	t.Parallel()
	st, _, _ := analyses(t)
	f := open(t, st, nil, nil)
	assert.Equal(t, []string{xlsx.SheetForm}, f.GetSheetList())
	f = open(t, st, nil, []report.Cut{})
	assert.Equal(t, []string{xlsx.SheetForm, xlsx.SheetCuts}, f.GetSheetList(), "no cuts to propose is a sheet with its header")

	var buf bytes.Buffer
	assert.ErrorIs(t, xlsx.Write(&buf, nil, nil, nil), xlsx.ErrNoStatistics)
	assert.Error(t, xlsx.Write(failingWriter{}, st, nil, nil))
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
