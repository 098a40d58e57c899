package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// A desk keeps its dossiers in an SQLite file: it opens and migrates the
// store, receives a temporary residence registration, and reads it back
// after closing and opening the file again.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "motcua-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	dsn := "sqlite:" + filepath.Join(dir, "motcua.db")

	store, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := store.Migrate(ctx); err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2025, time.September, 8, 8, 0, 0, 0, sla.ICT)
	svc, err := dossier.NewService(dossier.Config{
		Store: store, Catalog: procedure.Sample(), Agency: "000.00.01.H26",
		Now: func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.004194", Applicant: dossier.Applicant{Name: "Trần Văn Hùng"}, Channel: procedure.Direct, Actor: "Bộ phận một cửa"})
	if err != nil {
		fmt.Println(err)
		return
	}
	store.Close()

	again, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer again.Close()
	got, err := again.Get(ctx, d.Code)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.Code, got.Status(), got.Due().Format("15:04 02/01/2006"))
	fmt.Println(len(got.Events), "event:", got.Events[0].Kind, "by", got.Events[0].Actor)
	// Output:
	// 000.00.01.H26-250908-0001 Được tiếp nhận 08:00 11/09/2025
	// 1 event: tiếp nhận by Bộ phận một cửa
}
