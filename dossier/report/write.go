package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/motcua/motcua/sla"
)

// The form's number and title (Biểu số 06/VPCP/KSTT, Circular
// 01/2020/TT-VPCP).
const (
	FormNumber = "Biểu số 06/VPCP/KSTT"
	FormTitle  = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
)

// String writes the period as reports print it, with its last day
// inclusive: "từ 01/04/2025 đến hết 30/04/2025".
func (p Period) String() string {
	return fmt.Sprintf("từ %s đến hết %s", p.From.In(sla.ICT).Format("02/01/2006"), p.To.In(sla.ICT).Add(-1).Format("02/01/2006"))
}

// The form's columns, and the three columns the library adds so that each
// row balances: dossiers withdrawn, stopped or refused after receipt.

// A column is one column of the form: its group header, its own header,
// and its value in a row.
type column struct {
	group, head string
	value       func(Counts) int
}

var columns = []column{
	{"Số hồ sơ nhận giải quyết", "Tổng số", Counts.Total},
	{"Số hồ sơ nhận giải quyết", "Trực tuyến", func(c Counts) int { return c.Online }},
	{"Số hồ sơ nhận giải quyết", "Trực tiếp, dịch vụ bưu chính", func(c Counts) int { return c.DirectOrPostal }},
	{"Số hồ sơ nhận giải quyết", "Kỳ trước chuyển qua", func(c Counts) int { return c.CarriedOver }},
	{"Đã giải quyết", "Tổng số", func(c Counts) int { return c.Resolved }},
	{"Đã giải quyết", "Trước hạn", func(c Counts) int { return c.Early }},
	{"Đã giải quyết", "Đúng hạn", func(c Counts) int { return c.OnTime }},
	{"Đã giải quyết", "Quá hạn", func(c Counts) int { return c.Late }},
	{"Đang giải quyết", "Tổng số", func(c Counts) int { return c.Pending }},
	{"Đang giải quyết", "Trong hạn", func(c Counts) int { return c.PendingInTime }},
	{"Đang giải quyết", "Quá hạn", func(c Counts) int { return c.PendingOverdue }},
	{"Kết thúc không có kết quả", "Rút hồ sơ", func(c Counts) int { return c.Withdrawn }},
	{"Kết thúc không có kết quả", "Dừng xử lý", func(c Counts) int { return c.Stopped }},
	{"Kết thúc không có kết quả", "Từ chối", func(c Counts) int { return c.Refused }},
}

// Columns returns the form's column headers, each as its group and its own
// header ("Đã giải quyết", "Trước hạn"), in the order the writers print
// them after STT and the row's name; Values gives a row's numbers in the
// same order.
func Columns() [][2]string {
	out := make([][2]string, len(columns))
	for i, c := range columns {
		out[i] = [2]string{c.group, c.head}
	}
	return out
}

// ResultsHeader is the form's header over the resolved and the pending
// groups: "Kết quả giải quyết".
const ResultsHeader = "Kết quả giải quyết"

// A ColumnGroup is a header of the form that spans columns: its Name over
// Columns consecutive columns of Columns, and Super, where the form has
// one, over it and its neighbours with the same Super.
type ColumnGroup struct {
	Super   string // ResultsHeader over "Đã giải quyết" and "Đang giải quyết"; "" elsewhere
	Name    string
	Columns int
}

// ColumnGroups returns the form's column groups in the order of Columns,
// for writers that merge header cells: "Số hồ sơ nhận giải quyết" over 4
// columns, then "Đã giải quyết" over 4 and "Đang giải quyết" over 3, both
// under ResultsHeader, then the columns the library adds.
func ColumnGroups() []ColumnGroup {
	var out []ColumnGroup
	for _, c := range columns {
		if n := len(out); n > 0 && out[n-1].Name == c.group {
			out[n-1].Columns++
			continue
		}
		g := ColumnGroup{Name: c.group, Columns: 1}
		if c.group == "Đã giải quyết" || c.group == "Đang giải quyết" {
			g.Super = ResultsHeader
		}
		out = append(out, g)
	}
	return out
}

// Values returns c's numbers in the order of Columns.
func (c Counts) Values() []int {
	out := make([]int, len(columns))
	for i, col := range columns {
		out[i] = col.value(c)
	}
	return out
}

// RowHeader returns what the form calls a row for the grouping: "Lĩnh
// vực", "Cấp", "Thủ tục" or "Cơ quan".
func (g GroupBy) RowHeader() string {
	if g.valid() {
		return groupNames[g].vi
	}
	return ""
}

var vi = message.NewPrinter(language.Vietnamese)

// Number writes n the Vietnamese way, with dots between thousands: 51.198.
func Number(n int) string { return vi.Sprintf("%d", n) }

// TotalLabel labels the total row.
const TotalLabel = "Tổng cộng"

// WriteText writes s as the form, in Vietnamese, with aligned columns.
func (s *Statistics) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s\n%s\nKỳ báo cáo: %s\n\n", FormNumber, FormTitle, s.Period)
	table := [][]string{{"STT", s.By.RowHeader()}}
	for _, c := range columns {
		table[0] = append(table[0], c.head)
	}
	for i, r := range s.Rows {
		table = append(table, cells(strconv.Itoa(i+1), r.Name, r.Counts))
	}
	table = append(table, cells("", TotalLabel, s.Total))
	widths := make([]int, len(table[0]))
	for _, row := range table {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	// The group headers over their columns.
	var groups strings.Builder
	groups.WriteString(strings.Repeat(" ", widths[0]+2+widths[1]))
	for i := 0; i < len(columns); {
		j, width := i, 0
		for ; j < len(columns) && columns[j].group == columns[i].group; j++ {
			width += widths[j+2] + 2
		}
		groups.WriteString("  " + pad(columns[i].group, width-2, false))
		i = j
	}
	fmt.Fprintln(bw, strings.TrimRight(groups.String(), " "))
	for _, row := range table {
		var line strings.Builder
		for i, cell := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			line.WriteString(pad(cell, widths[i], i >= 2))
		}
		fmt.Fprintln(bw, strings.TrimRight(line.String(), " "))
	}
	if s.Total.NotAccepted > 0 {
		fmt.Fprintf(bw, "\nKhông được tiếp nhận (nộp trực tuyến, từ chối trước khi tiếp nhận): %s\n", Number(s.Total.NotAccepted))
	}
	return bw.Flush()
}

func cells(stt, name string, c Counts) []string {
	row := []string{stt, name}
	for _, v := range c.Values() {
		row = append(row, Number(v))
	}
	return row
}

// pad pads s with spaces to width runes, on the left when right is set.
func pad(s string, width int, right bool) string {
	fill := strings.Repeat(" ", max(0, width-utf8.RuneCountInString(s)))
	if right {
		return fill + s
	}
	return s + fill
}

// WriteCSV writes s as CSV in UTF-8 with a byte-order mark, so that Excel
// reads the Vietnamese correctly: a header row whose cells join the form's
// group and column headers ("Đã giải quyết - Trước hạn"), a row per Row
// with its Key and Name, and the total row last. Numbers are plain
// integers, so that a spreadsheet can add them up.
func (s *Statistics) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := []string{"STT", "Mã", s.By.RowHeader()}
	for _, c := range columns {
		head = append(head, c.group+" - "+c.head)
	}
	head = append(head, "Không được tiếp nhận")
	if err := cw.Write(head); err != nil {
		return err
	}
	write := func(stt, key, name string, c Counts) error {
		rec := []string{stt, key, name}
		for _, v := range c.Values() {
			rec = append(rec, strconv.Itoa(v))
		}
		return cw.Write(append(rec, strconv.Itoa(c.NotAccepted)))
	}
	for i, r := range s.Rows {
		if err := write(strconv.Itoa(i+1), r.Key, r.Name, r.Counts); err != nil {
			return err
		}
	}
	if err := write("", "", TotalLabel, s.Total); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes s as JSON, with each count by its English name and the
// totals' balance fields (total, received) added to every row.
func (s *Statistics) WriteJSON(w io.Writer) error {
	type counts struct {
		Counts
		Total    int `json:"total"`
		Received int `json:"received"`
	}
	type row struct {
		Key  string `json:"key"`
		Name string `json:"name"`
		counts
	}
	out := struct {
		Period Period  `json:"period"`
		By     GroupBy `json:"by"`
		Rows   []row   `json:"rows"`
		Total  counts  `json:"total"`
	}{Period: s.Period, By: s.By, Rows: []row{}, Total: counts{s.Total, s.Total.Total(), s.Total.Received()}}
	for _, r := range s.Rows {
		out.Rows = append(out.Rows, row{r.Key, r.Name, counts{r.Counts, r.Total(), r.Received()}})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
