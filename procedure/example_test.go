package procedure_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// A desk loads its catalogue file and looks up the version of a procedure
// in force on the day a dossier was received: a birth registration received
// at 15:30 is due at the end of the next working day.
func ExampleLoad() {
	f, err := os.Open("testdata/catalog.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	cat, err := procedure.Load(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	received := time.Date(2025, 9, 5, 15, 30, 0, 0, sla.ICT) // a Friday
	p, err := cat.Lookup("1.001193", received)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name, "—", p.Level)
	fmt.Println("Thời hạn:", p.Duration)
	due, err := sla.Default().Due(received, p.DurationFor(procedure.Direct))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Hẹn trả:", due.Format("Mon 2006-01-02 15:04"))
	fmt.Println("Bưu chính:", p.Allows(procedure.Postal))
	// Output:
	// Thủ tục đăng ký khai sinh — cấp xã
	// Thời hạn: trong ngày, sau 15 giờ chuyển sang ngày làm việc tiếp theo
	// Hẹn trả: Mon 2025-09-08 17:00
	// Bưu chính: true
}

// Certification of copies moved from the district to the commune with the
// two-tier local government of 2025-07-01; a dossier keeps the version in
// force on the day it was received.
func ExampleCatalog_Lookup() {
	cat := procedure.Sample()
	for _, day := range []string{"2025-06-30", "2025-07-01"} {
		d, _ := sla.ParseDate(day)
		p, err := cat.Lookup("2.000815", d.At(9, 0))
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: %s, %v, 4 tại chỗ: %v\n", day, p.Level, p.Channels, p.OnTheSpot)
	}
	_, err := cat.Lookup("9.999999", time.Now())
	fmt.Println(errors.Is(err, procedure.ErrNotFound))
	// Output:
	// 2025-06-30: cấp huyện, [trực tiếp], 4 tại chỗ: true
	// 2025-07-01: cấp xã, [trực tiếp], 4 tại chỗ: true
	// true
}

// A citizen types without diacritics; the exact phrase comes first.
func ExampleCatalog_Search() {
	cat := procedure.Sample()
	for _, p := range cat.Search("dang ky ket hon") {
		fmt.Println(p.Code, p.Name)
	}
	// Output:
	// 1.000894 Thủ tục đăng ký kết hôn
	// 2.000806 Thủ tục đăng ký kết hôn có yếu tố nước ngoài
}

// A file with mistakes loads nothing, and each error names the procedure
// and the field.
func ExampleLoad_errors() {
	_, err := procedure.Load(strings.NewReader(`{"procedures": [
		{"code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "field": {"name": "Hộ tịch"},
		 "level": "commune", "duration": "15 ngày lịch", "channels": ["direct"]},
		{"code": "1.000894", "name": "Thủ tục đăng ký kết hôn", "field": {"name": "Hộ tịch"},
		 "level": "commune", "duration": "trong ngày", "channels": ["direct"],
		 "fees": [{"name": "Lệ phí", "amount": -1}],
		 "steps": [{"responsible": "Công chức tư pháp - hộ tịch", "duration": "02 giờ làm việc"}]}
	]}`))
	fmt.Println(errors.Is(err, procedure.ErrInvalid))
	fmt.Println(err)
	// Output:
	// true
	// procedure: #0 (1.001193): duration: the processing time is not a published time limit: want a time limit such as "15 ngày làm việc", "04 giờ làm việc", "30 ngày", "03 tháng" or "trong ngày"
	// procedure: #1 (1.000894): fees[0].amount: -1 VND is negative
	// procedure: #1 (1.000894): steps[0].name: a step needs a name
}

// Old reports count online services in the levels of Decree 43/2011.
func ExampleOnlineLevel_Legacy() {
	cat := procedure.Sample()
	p, _ := cat.Lookup("1.004194", time.Date(2025, 9, 1, 9, 0, 0, 0, sla.ICT))
	fmt.Printf("%s: %s, mức độ %d\n", p.Name, p.OnlineLevel, p.OnlineLevel.Legacy())
	// Output:
	// Đăng ký tạm trú: toàn trình, mức độ 4
}
