// Package xlsx writes the statistics of package report, and its analyses,
// as an Excel workbook. It is the only package of motcua that imports
// excelize, so a program that does not write Excel files never compiles it.
//
// # The workbook
//
// Write makes up to three sheets:
//   - SheetForm, Biểu số 06/VPCP/KSTT of Circular 01/2020/TT-VPCP as the
//     form prints it: its number, title and period, three header rows with
//     merged cells (STT and the row's name merged down; "Số hồ sơ nhận giải
//     quyết" across its columns; "Kết quả giải quyết" across the resolved
//     and pending groups, "Đã giải quyết" and "Đang giải quyết" under it),
//     one row per field, level, procedure or agency, and the total row
//     "Tổng cộng". The columns are report.Columns, the merges
//     report.ColumnGroups, so the form is defined once;
//   - SheetLate, the late dossiers by step of the control slip, by
//     procedure and by agency (report.Late);
//   - SheetCuts, the time limits weighed and the cuts proposed
//     (report.Cuts).
//
// Counts, hours and days are numbers, not text, so that a spreadsheet can
// add them up; shares are numbers formatted as percentages. Each merged
// header's text is in the top-left cell of its merge.
package xlsx

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/sla"
)

// The sheets' names.
const (
	SheetForm = "Biểu 06"
	SheetLate = "Hồ sơ quá hạn"
	SheetCuts = "Cắt giảm thời hạn"
)

// The layout of SheetForm: the header's three rows, and the first row of
// data. Column A is STT, B the row's name, and the values of
// report.Columns follow from C.
const (
	HeaderRow = 5
	FirstRow  = HeaderRow + 3
)

// ErrNoStatistics means Write was given no statistics.
var ErrNoStatistics = errors.New("xlsx: no statistics to write")

// Write writes the workbook (see the package doc) to w. The statistics are
// required; a nil late analysis or nil cuts leave their sheet out.
func Write(w io.Writer, s *report.Statistics, late *report.LateAnalysis, cuts []report.Cut) error {
	if s == nil {
		return ErrNoStatistics
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetForm); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	sheets := []*sheet{{f: f, name: SheetForm}}
	form(sheets[0], s, st)
	add := func(name string, write func(*sheet)) error {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		sh := &sheet{f: f, name: name}
		sheets = append(sheets, sh)
		write(sh)
		return nil
	}
	if late != nil {
		if err := add(SheetLate, func(sh *sheet) { lateSheet(sh, late, st) }); err != nil {
			return err
		}
	}
	if cuts != nil {
		if err := add(SheetCuts, func(sh *sheet) { cutsSheet(sh, cuts, st) }); err != nil {
			return err
		}
	}
	for _, sh := range sheets {
		if sh.err != nil {
			return fmt.Errorf("xlsx: sheet %s: %w", sh.name, sh.err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// A sheet writes cells and keeps the first error, so that layout code
// reads as a list of cells.
type sheet struct {
	f    *excelize.File
	name string
	err  error
}

func cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row) // col and row are ≥ 1 here
	return c
}

func (s *sheet) set(col, row int, v any) {
	if s.err == nil {
		s.err = s.f.SetCellValue(s.name, cell(col, row), v)
	}
}

func (s *sheet) merge(c1, r1, c2, r2 int) {
	if s.err == nil && (c1 != c2 || r1 != r2) {
		s.err = s.f.MergeCell(s.name, cell(c1, r1), cell(c2, r2))
	}
}

func (s *sheet) style(c1, r1, c2, r2, id int) {
	if s.err == nil {
		s.err = s.f.SetCellStyle(s.name, cell(c1, r1), cell(c2, r2), id)
	}
}

// styles gives the cells of row, from column A on, a style each.
func (s *sheet) styles(row int, ids []int) {
	for i, id := range ids {
		s.style(1+i, row, 1+i, row, id)
	}
}

func (s *sheet) width(from, to string, w float64) {
	if s.err == nil {
		s.err = s.f.SetColWidth(s.name, from, to, w)
	}
}

type styles struct{ title, header, text, number, decimal, percent, bold int }

func newStyles(f *excelize.File) (styles, error) {
	border := []excelize.Border{{Type: "left", Style: 1}, {Type: "right", Style: 1}, {Type: "top", Style: 1}, {Type: "bottom", Style: 1}}
	font := func(bold bool) *excelize.Font { return &excelize.Font{Family: "Times New Roman", Size: 12, Bold: bold} }
	var st styles
	for _, x := range []struct {
		id *int
		s  excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 13, Bold: true}}},
		{&st.header, excelize.Style{Font: font(true), Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&st.text, excelize.Style{Font: font(false), Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&st.number, excelize.Style{Font: font(false), Border: border, NumFmt: 3}},   // #,##0
		{&st.decimal, excelize.Style{Font: font(false), Border: border, NumFmt: 4}},  // #,##0.00
		{&st.percent, excelize.Style{Font: font(false), Border: border, NumFmt: 10}}, // 0.00%
		{&st.bold, excelize.Style{Font: font(true), Border: border, NumFmt: 3}},      // the total row
	} {
		id, err := f.NewStyle(&x.s)
		if err != nil {
			return st, fmt.Errorf("xlsx: %w", err)
		}
		*x.id = id
	}
	return st, nil
}

// form writes Biểu 06.
func form(sh *sheet, s *report.Statistics, st styles) {
	cols := report.Columns()
	last := 2 + len(cols)
	sh.set(1, 1, report.FormNumber)
	sh.set(1, 2, report.FormTitle)
	sh.set(1, 3, "Kỳ báo cáo: "+s.Period.String())
	sh.style(1, 1, 1, 3, st.title)

	top, mid, leaf := HeaderRow, HeaderRow+1, HeaderRow+2
	sh.set(1, top, "STT")
	sh.merge(1, top, 1, leaf)
	sh.set(2, top, s.By.RowHeader())
	sh.merge(2, top, 2, leaf)
	col := 3
	groups := report.ColumnGroups()
	for i := 0; i < len(groups); {
		g := groups[i]
		if g.Super == "" {
			sh.set(col, top, g.Name)
			sh.merge(col, top, col+g.Columns-1, mid)
			col += g.Columns
			i++
			continue
		}
		start := col
		for ; i < len(groups) && groups[i].Super == g.Super; i++ {
			sh.set(col, mid, groups[i].Name)
			sh.merge(col, mid, col+groups[i].Columns-1, mid)
			col += groups[i].Columns
		}
		sh.set(start, top, g.Super)
		sh.merge(start, top, col-1, top)
	}
	for i, c := range cols {
		sh.set(3+i, leaf, c[1])
	}
	sh.style(1, top, last, leaf, st.header)

	row := FirstRow
	values := func(c report.Counts) {
		for i, v := range c.Values() {
			sh.set(3+i, row, v)
		}
	}
	for i, r := range s.Rows {
		sh.set(1, row, i+1)
		sh.set(2, row, r.Name)
		values(r.Counts)
		sh.style(1, row, 1, row, st.number)
		sh.style(2, row, 2, row, st.text)
		sh.style(3, row, last, row, st.number)
		row++
	}
	sh.set(2, row, report.TotalLabel)
	values(s.Total)
	sh.style(1, row, 2, row, st.header)
	sh.style(3, row, last, row, st.bold)
	if s.Total.NotAccepted > 0 {
		sh.set(2, row+2, "Không được tiếp nhận (nộp trực tuyến, từ chối trước khi tiếp nhận)")
		sh.set(3, row+2, s.Total.NotAccepted)
	}
	sh.width("A", "A", 6)
	sh.width("B", "B", 36)
	sh.width("C", columnName(last), 12)
}

func columnName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

// The columns of SheetLate's tables.
var lateHeads = []string{"STT", "Mã", "Tên", "Đã giải quyết", "Quá hạn", "Tỷ lệ quá hạn",
	"Trung vị vượt hạn (giờ làm việc)", "Phân vị 90 vượt hạn (giờ làm việc)", "Giờ làm việc chậm tại các bước", "Các bước chậm nhất"}

// lateSheet writes the late analysis: by step (Mã the procedure's code,
// Tên the step), by procedure and by agency, then the total.
func lateSheet(sh *sheet, a *report.LateAnalysis, st styles) {
	sh.set(1, 1, "PHÂN TÍCH HỒ SƠ QUÁ HẠN")
	sh.set(1, 2, "Kỳ báo cáo: "+a.Period.String())
	sh.style(1, 1, 1, 2, st.title)
	row := 4
	for _, t := range []struct {
		title  string
		groups []report.LateGroup
	}{
		{"Theo bước của phiếu kiểm soát quá trình giải quyết hồ sơ (Mã: mã thủ tục; Tên: bước)", a.Steps},
		{"Theo thủ tục hành chính", a.ByProcedure},
		{"Theo cơ quan tiếp nhận", a.ByAgency},
		{"Toàn bộ", []report.LateGroup{a.Total}},
	} {
		sh.set(1, row, t.title)
		sh.style(1, row, 1, row, st.title)
		row++
		for i, h := range lateHeads {
			sh.set(1+i, row, h)
		}
		sh.style(1, row, len(lateHeads), row, st.header)
		row++
		for i, g := range t.groups {
			var lost float64
			var worst []string
			for j, s := range g.Steps {
				lost += s.Lost.Hours()
				if j < 3 {
					worst = append(worst, fmt.Sprintf("%s (%s): %s, %s hồ sơ", s.Step, s.Procedure, report.Hours(s.Lost), report.Number(s.Late)))
				}
			}
			for j, v := range []any{i + 1, g.Key, g.Name, g.Resolved, g.Late, g.Share().Ratio(),
				g.Median.Hours(), g.P90.Hours(), lost, strings.Join(worst, "; ")} {
				sh.set(1+j, row, v)
			}
			sh.styles(row, []int{st.number, st.text, st.text, st.number, st.number, st.percent, st.decimal, st.decimal, st.decimal, st.text})
			row++
		}
		row++
	}
	sh.width("A", "A", 6)
	sh.width("B", "B", 16)
	sh.width("C", "C", 40)
	sh.width("D", "I", 14)
	sh.width("J", "J", 70)
}

// The columns of SheetCuts.
var cutHeads = []string{"STT", "Mã thủ tục", "Tên thủ tục", "Thời hạn quy định", "Đơn vị", "Số hồ sơ đã giải quyết",
	"Trung vị", "Phân vị 90", "Tối đa", "Phân vị đề xuất (%)", "Thời gian tại phân vị", "Thời hạn đề xuất", "Diễn giải"}

func cutsSheet(sh *sheet, cuts []report.Cut, st styles) {
	sh.set(1, 1, "ĐỀ XUẤT CẮT GIẢM THỜI HẠN GIẢI QUYẾT")
	sh.set(1, 2, "Thời gian đã dùng tính từ khi tiếp nhận đến khi có kết quả, không kể thời gian tạm dừng, theo đơn vị của thời hạn")
	sh.style(1, 1, 1, 2, st.title)
	for i, h := range cutHeads {
		sh.set(1+i, 4, h)
	}
	sh.style(1, 4, len(cutHeads), 4, st.header)
	for i, c := range cuts {
		row := 5 + i
		unit := "ngày làm việc"
		if c.Limit.Unit() == sla.UnitWorkingHours {
			unit = "giờ làm việc"
		}
		var proposed any = ""
		if c.Proposes() {
			proposed = c.Proposed.Count()
		}
		for j, v := range []any{i + 1, c.Procedure, c.Name, c.Limit.Count(), unit, c.Resolved,
			c.Median, c.P90, c.Max, c.Percentile, c.Basis, proposed, c.String()} {
			sh.set(1+j, row, v)
		}
		sh.styles(row, []int{st.number, st.text, st.text, st.number, st.text, st.number,
			st.decimal, st.decimal, st.decimal, st.number, st.decimal, st.number, st.text})
	}
	sh.width("A", "A", 6)
	sh.width("B", "B", 14)
	sh.width("C", "C", 40)
	sh.width("D", "L", 12)
	sh.width("M", "M", 70)
}
