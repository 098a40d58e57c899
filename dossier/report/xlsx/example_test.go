package xlsx_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/dossier/report/xlsx"
	"github.com/motcua/motcua/sla"
)

// Biểu 06 of a year as an Excel workbook, read back: the merged headers
// and the total row.
func ExampleWrite() {
	s := &report.Statistics{
		Period: report.Period{From: time.Date(2020, 1, 1, 0, 0, 0, 0, sla.ICT), To: time.Date(2021, 1, 1, 0, 0, 0, 0, sla.ICT)},
		By:     report.ByField,
		Rows: []report.Row{{Key: "HT", Name: "Hộ tịch", Counts: report.Counts{
			Online: 34696, DirectOrPostal: 52276, Postal: 1078,
			Resolved: 84772, Early: 21888, OnTime: 62801, Late: 83, Pending: 2200, PendingInTime: 2200,
		}}},
	}
	s.Total = s.Rows[0].Counts
	var buf bytes.Buffer
	if err := xlsx.Write(&buf, s, nil, nil); err != nil {
		panic(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	for _, cell := range []string{"C5", "G5", "G6", "K6", "H7", "B9", "C9"} {
		v, _ := f.GetCellValue(xlsx.SheetForm, cell)
		fmt.Printf("%s: %s\n", cell, v)
	}
	// Output:
	// C5: Số hồ sơ nhận giải quyết
	// G5: Kết quả giải quyết
	// G6: Đã giải quyết
	// K6: Đang giải quyết
	// H7: Trước hạn
	// B9: Tổng cộng
	// C9: 86,972
}
