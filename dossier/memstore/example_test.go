package memstore_test

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// A commune desk keeps its dossiers in memory: two temporary residence
// registrations received on a Monday morning, one resolved the next day,
// and the week's statistics.
func Example() {
	ctx := context.Background()
	store := memstore.New()
	now := time.Date(2025, time.September, 8, 8, 0, 0, 0, sla.ICT)
	svc, err := dossier.NewService(dossier.Config{
		Store: store, Catalog: procedure.Sample(), Agency: "000.00.01.H26",
		Now: func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var codes []dossier.Code
	for _, name := range []string{"Trần Văn Hùng", "Đỗ Thị Mai"} {
		d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.004194", Applicant: dossier.Applicant{Name: name}, Channel: procedure.Direct, Actor: "Bộ phận một cửa"})
		if err != nil {
			fmt.Println(err)
			return
		}
		codes = append(codes, d.Code)
	}
	now = now.Add(26 * time.Hour)
	if _, err := svc.Resolve(ctx, codes[0], "Công an xã"); err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range store.List(ctx, dossier.Filter{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.Code, d.Applicant.Name, d.Status())
	}
	week := report.Period{From: time.Date(2025, time.September, 8, 0, 0, 0, 0, sla.ICT), To: time.Date(2025, time.September, 15, 0, 0, 0, 0, sla.ICT)}
	st, err := report.Compute(ctx, report.Query{Store: store, Catalog: procedure.Sample(), Period: week})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("nhận:", st.Total.Total(), "đã giải quyết:", st.Total.Resolved, "trước hạn:", st.Total.Early, "đang giải quyết:", st.Total.Pending)
	// Output:
	// 000.00.01.H26-250908-0001 Trần Văn Hùng Đã xử lý xong
	// 000.00.01.H26-250908-0002 Đỗ Thị Mai Được tiếp nhận
	// nhận: 2 đã giải quyết: 1 trước hạn: 1 đang giải quyết: 1
}
