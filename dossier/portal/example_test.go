package portal_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/portal"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// A household business registration filed at the counter on a Monday
// morning, as the portal's sync record writes it.
func ExampleRecord() {
	ctx := context.Background()
	now := time.Date(2025, time.September, 8, 8, 30, 0, 0, sla.ICT)
	svc, _ := dossier.NewService(dossier.Config{
		Store: memstore.New(), Catalog: procedure.Sample(), Agency: "000.00.01.H26",
		Now: func() time.Time { return now },
	})
	d, err := svc.Receive(ctx, dossier.Intake{
		Procedure: "1.001612",
		Applicant: dossier.Applicant{Name: "Lê Văn Cường", IDNumber: "001090012345", Organisation: "Hộ kinh doanh Cường Thịnh"},
		Channel:   procedure.Direct, ReturnChannel: procedure.Postal,
		Actor: "Bộ phận một cửa",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := portal.Record(d, procedure.Sample())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.MaHoSo, r.MaTTHC, r.TenTTHC)
	fmt.Println("kênh", r.KenhThucHien, "đối tượng", r.LoaiDoiTuong, "trạng thái", r.TrangThaiHoSo, "trả qua bưu chính", r.HinhThuc)
	fmt.Println("tiếp nhận", r.NgayTiepNhan, "hẹn trả", r.NgayHenTra)
	fmt.Println("lệ phí", r.DanhSachLePhi[0].Gia)
	for _, s := range r.QuaTrinhXuLy {
		fmt.Println(s.TrangThai, s.NoiDungXuLy, "đến", s.NgayKetThucTheoQuyDinh)
	}
	b, _ := json.Marshal(r.DinhDanhCHS)
	fmt.Println(string(b))
	// Output:
	// 000.00.01.H26-250908-0001 1.001612 Đăng ký thành lập hộ kinh doanh
	// kênh 1 đối tượng 2 trạng thái 2 trả qua bưu chính 1
	// tiếp nhận 20250908083000 hẹn trả 20250911083000
	// lệ phí 50000
	// 2 Tiếp nhận hồ sơ, trao giấy tiếp nhận và hẹn trả kết quả đến 20250908140000
	// [{"LoaiDinhDanh":"1","SoDinhDanh":"001090012345"}]
}

// A commune desk receives two residence registrations and transfers the
// first; the Syncer delivers each change, one per event and in order per
// dossier, then Drain returns.
func ExampleSyncer_Drain() {
	ctx := context.Background()
	now := time.Date(2025, time.September, 8, 8, 0, 0, 0, sla.ICT)
	store := memstore.New()
	svc, _ := dossier.NewService(dossier.Config{
		Store: store, Catalog: procedure.Sample(), Agency: "000.00.01.H26",
		Now: func() time.Time { return now },
	})
	a, _ := svc.Receive(ctx, dossier.Intake{Procedure: "1.004222", Applicant: dossier.Applicant{Name: "Phạm Văn Đức"}, Channel: procedure.Direct, Actor: "Bộ phận một cửa"})
	svc.Receive(ctx, dossier.Intake{Procedure: "1.004222", Applicant: dossier.Applicant{Name: "Vũ Thị Hoa"}, Channel: procedure.Online, Actor: "Bộ phận một cửa"})
	now = now.Add(time.Hour)
	svc.Transfer(ctx, a.Code, "Bộ phận một cửa", "Công an xã")

	syncer, err := portal.NewSyncer(portal.Config{
		Store: store, Catalog: procedure.Sample(),
		Sender: portal.SenderFunc(func(ctx context.Context, batch []portal.Change) error {
			for _, c := range batch {
				fmt.Println(c.Key, c.Record.TrangThaiHoSo, c.Record.KenhThucHien)
			}
			return nil
		}),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := syncer.Drain(ctx); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 000.00.01.H26-250908-0001#1 2 1
	// 000.00.01.H26-250908-0002#1 2 2
	// 000.00.01.H26-250908-0001#2 4 1
}

// The portal keeps refusing one change: after MaxAttempts it is a dead
// letter, and the others go on. Once the cause is fixed, an officer retries
// it from the outbox.
func ExampleSyncer_deadLetter() {
	ctx := context.Background()
	now := time.Date(2025, time.September, 8, 8, 0, 0, 0, sla.ICT)
	store := memstore.New()
	svc, _ := dossier.NewService(dossier.Config{
		Store: store, Catalog: procedure.Sample(), Agency: "000.00.01.H26",
		Now: func() time.Time { return now },
	})
	for _, name := range []string{"Phạm Văn Đức", "Vũ Thị Hoa"} {
		svc.Receive(ctx, dossier.Intake{Procedure: "1.004222", Applicant: dossier.Applicant{Name: name}, Channel: procedure.Direct, Actor: "Bộ phận một cửa"})
	}
	refuse := true
	syncer, _ := portal.NewSyncer(portal.Config{
		Store: store, Catalog: procedure.Sample(), MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
		Sender: portal.SenderFunc(func(ctx context.Context, batch []portal.Change) error {
			for _, c := range batch {
				if refuse && c.Record.ChuHoSo == "Vũ Thị Hoa" {
					return errors.New("portal: 400 thiếu mã định danh")
				}
			}
			for _, c := range batch {
				fmt.Println("delivered", c.Key)
			}
			return nil
		}),
	})
	syncer.Drain(ctx)
	for e, err := range store.DeadLetters(ctx) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("dead letter", e.Code, e.Event, e.Attempts, e.LastError)
		refuse = false
		store.Retry(ctx, e.Code, e.Event)
	}
	syncer.Drain(ctx)
	// Output:
	// delivered 000.00.01.H26-250908-0001#1
	// dead letter 000.00.01.H26-250908-0002 1 3 portal: 400 thiếu mã định danh
	// delivered 000.00.01.H26-250908-0002#1
}

// An HTTPSender posts each batch to the portal (here a fake one) with its
// bearer token; any status but 2xx is a failure.
func ExampleHTTPSender() {
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var batch []portal.Change
		json.NewDecoder(r.Body).Decode(&batch)
		fmt.Println(r.Method, r.Header.Get("Authorization") == "Bearer token-của-tỉnh", len(batch), batch[0].Key)
		if batch[0].Event > 1 {
			http.Error(w, "hồ sơ không tồn tại", http.StatusNotFound)
		}
	}))
	defer fake.Close()
	s, err := portal.NewHTTPSender(portal.HTTPConfig{URL: fake.URL + "/dongbo", Token: "token-của-tỉnh"})
	if err != nil {
		fmt.Println(err)
		return
	}
	code, _ := dossier.ParseCode("000.00.01.H26-250908-0001")
	fmt.Println(s.Send(context.Background(), []portal.Change{{Key: portal.Key(code, 1), Code: code, Event: 1}}))
	fmt.Println(s.Send(context.Background(), []portal.Change{{Key: portal.Key(code, 2), Code: code, Event: 2}}))
	// Output:
	// POST true 1 000.00.01.H26-250908-0001#1
	// <nil>
	// POST true 1 000.00.01.H26-250908-0001#2
	// portal: the portal answered 404 Not Found: hồ sơ không tồn tại
}
