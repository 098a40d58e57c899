package dossier_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// A household business registration (3 working days) received on the
// Friday before Tết 2026 is due after the holiday. An officer asks for a
// missing paper; the clock stops until it arrives.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, time.February, 13, 10, 0, 0, 0, sla.ICT)
	svc, _ := dossier.NewService(dossier.Config{
		Store:   memstore.New(),
		Catalog: procedure.Sample(),
		Agency:  "000.00.01.H26",
		Now:     func() time.Time { return now },
	})

	d, _ := svc.Receive(ctx, dossier.Intake{
		Procedure: "1.001612",
		Applicant: dossier.Applicant{Name: "Lê Văn Cường", IDNumber: "001090012345"},
		Channel:   procedure.Direct,
		Actor:     "Bộ phận một cửa",
	})
	fmt.Println(d.Code, d.Status(), d.Due().Format("02/01/2006 15:04"))

	now = time.Date(2026, time.February, 23, 9, 0, 0, 0, sla.ICT)
	d, _ = svc.RequestSupplement(ctx, d.Code, "Công chức tư pháp", "Thiếu bản sao giấy tờ pháp lý của cá nhân")
	fmt.Println(d.Status(), d.Status().Portal())

	now = time.Date(2026, time.February, 24, 9, 0, 0, 0, sla.ICT)
	d, _ = svc.Supplement(ctx, d.Code, "Bộ phận một cửa")
	fmt.Println(d.Status(), d.Due().Format("02/01/2006 15:04"))

	_, err := svc.Return(ctx, d.Code, "Bộ phận một cửa")
	fmt.Println(errors.Is(err, dossier.ErrInvalidTransition), err)

	// The history is the record: the dossier as it stood during the pause.
	paused := d.AsOf(time.Date(2026, time.February, 23, 15, 0, 0, 0, sla.ICT))
	fmt.Println(paused.Status(), len(paused.Events), "events")
	// Output:
	// 000.00.01.H26-260213-0001 Được tiếp nhận 25/02/2026 10:00
	// Yêu cầu bổ sung giấy tờ 5
	// Đang xử lý 26/02/2026 10:00
	// true dossier: invalid transition: cannot return a dossier that is in progress
	// Yêu cầu bổ sung giấy tờ 2 events
}

func ExampleParseCode() {
	c, err := dossier.ParseCode("000.00.01.H26-250127-0042")
	fmt.Println(c.Agency, c.Date, c.Seq, err)
	_, err = dossier.ParseCode("000.00.01.H26-250230-0042")
	fmt.Println(err)
	// Output:
	// 000.00.01.H26 2025-01-27 42 <nil>
	// dossier: invalid code "000.00.01.H26-250230-0042": no such date 250230
}
