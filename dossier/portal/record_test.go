package portal_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/portal"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// household is a household business registration (1.001612, 3 working
// days) filed online on Monday 8 September 2025 by a business whose result
// goes back by post: accepted, transferred, paused for a supplement for a
// working day, resolved and returned.
func household(t *testing.T) *dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	d := newDesk(t)
	applicant := citizen
	applicant.Organisation = "Hộ kinh doanh Bích Ngọc"
	x, err := d.at(-20).Submit(ctx, dossier.Intake{Procedure: "1.001612", Applicant: applicant, ReturnChannel: procedure.Postal, Actor: "công dân"})
	require.NoError(t, err)
	steps := []struct {
		at  time.Time
		act func(c dossier.Code) (*dossier.Dossier, error)
	}{
		{hm(8, 8, 30), func(c dossier.Code) (*dossier.Dossier, error) { return d.Accept(ctx, c, "Bộ phận một cửa") }},
		{hm(8, 10, 0), func(c dossier.Code) (*dossier.Dossier, error) {
			return d.Transfer(ctx, c, "Bộ phận một cửa", "Phòng Kinh tế")
		}},
		{hm(9, 9, 0), func(c dossier.Code) (*dossier.Dossier, error) {
			return d.RequestSupplement(ctx, c, "Phòng Kinh tế", "Thiếu bản sao văn bản ủy quyền")
		}},
		{hm(10, 9, 0), func(c dossier.Code) (*dossier.Dossier, error) { return d.Supplement(ctx, c, "Bộ phận một cửa") }},
		{hm(11, 15, 0), func(c dossier.Code) (*dossier.Dossier, error) { return d.Resolve(ctx, c, "Phòng Kinh tế") }},
		{hm(12, 8, 0), func(c dossier.Code) (*dossier.Dossier, error) { return d.Return(ctx, c, "Bộ phận một cửa") }},
	}
	for _, s := range steps {
		d.mu.Lock()
		d.now = s.at
		d.mu.Unlock()
		x, err = s.act(x.Code)
		require.NoError(t, err)
	}
	return x
}

// hm is day/09/2025 at hour:minute, ICT.
func hm(day, hour, minute int) time.Time {
	return time.Date(2025, time.September, day, hour, minute, 0, 0, sla.ICT)
}

func TestRecordKnownDossier(t *testing.T) {
	t.Parallel()
	x := household(t)
	r, err := portal.Record(x, procedure.Sample())
	require.NoError(t, err)

	tests := []struct {
		field     string
		got, want any
	}{
		{"MaHoSo", r.MaHoSo, "000.00.01.H26-250908-0001"},
		{"MaTTHC", r.MaTTHC, "1.001612"},
		{"TenTTHC", r.TenTTHC, "Đăng ký thành lập hộ kinh doanh"},
		{"MaLinhVuc", r.MaLinhVuc, ""},
		{"TenLinhVuc", r.TenLinhVuc, "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)"},
		{"KenhThucHien", r.KenhThucHien, 2},
		{"ChuHoSo", r.ChuHoSo, "Trần Thị Bích"},
		{"LoaiDoiTuong", r.LoaiDoiTuong, 2},
		{"MaDoiTuong", r.MaDoiTuong, ""},
		{"SoGiayToChuHoSo", r.SoGiayToChuHoSo, "001190012345"},
		{"SoDienThoai", r.SoDienThoai, "0987654321"},
		{"Email", r.Email, "bich@example.vn"},
		{"TrichYeuHoSo", r.TrichYeuHoSo, "Đăng ký thành lập hộ kinh doanh"},
		{"NgayNopHoSo", r.NgayNopHoSo, "20250908074000"},
		{"NgayTiepNhan", r.NgayTiepNhan, "20250908083000"},
		{"NgayHenTra", r.NgayHenTra, "20250912083000"},
		{"NgayKetThucXuLy", r.NgayKetThucXuLy, "20250911150000"},
		{"NgayTra", r.NgayTra, "20250912080000"},
		{"NgayTuChoi", r.NgayTuChoi, ""},
		{"TrangThaiHoSo", r.TrangThaiHoSo, 10},
		{"HinhThuc", r.HinhThuc, 1},
		{"ThongTinTra", r.ThongTinTra, ""},
		{"DonViXuLy", r.DonViXuLy, "Cơ quan đăng ký kinh doanh cấp xã"},
		{"NoiNopHoSo", r.NoiNopHoSo, 2},
		{"GhiChu", r.GhiChu, ""},
		{"TaiLieuNop", r.TaiLieuNop, []portal.Document{}},
		{"DanhSachLePhi", r.DanhSachLePhi, []portal.Fee{{TenPhiLePhi: "Lệ phí đăng ký hộ kinh doanh", Gia: 150000, LoaiPhiLePhi: 1}}},
		{"DanhSachHoSoBoSung", r.DanhSachHoSoBoSung, []portal.Supplement{{
			HoSoBoSungId: 1, NguoiYeuCauBoSung: "Phòng Kinh tế", NoiDungBoSung: "Thiếu bản sao văn bản ủy quyền", NgayBoSung: "20250909090000",
			NguoiTiepNhanBoSung: "Bộ phận một cửa", NgayTiepNhanBoSung: "20250910090000", TrangThaiBoSung: true,
			NgayHenTraTruoc: "20250911083000", NgayHenTraMoi: "20250912083000",
		}}},
		{"DanhSachGiayToKetQua", r.DanhSachGiayToKetQua, []portal.Result{}},
		{"DuocThanhToanTrucTuyen", r.DuocThanhToanTrucTuyen, 0},
		{"DinhDanhCHS", r.DinhDanhCHS, []portal.Identity{{LoaiDinhDanh: 1, SoDinhDanh: "001190012345"}}},
		{"QuaTrinhXuLy", r.QuaTrinhXuLy, []portal.Step{
			{
				MaHoSo: "000.00.01.H26-250908-0001", NguoiXuLy: "Bộ phận một cửa", ThoiDiemXuLy: "20250908083000",
				NoiDungXuLy: "Tiếp nhận hồ sơ, trao giấy tiếp nhận và hẹn trả kết quả", TrangThai: 2,
				NgayBatDau: "20250908083000", NgayKetThucTheoQuyDinh: "20250908140000",
			},
			{
				MaHoSo: "000.00.01.H26-250908-0001", NguoiXuLy: "Phòng Kinh tế", ThoiDiemXuLy: "20250908100000",
				NoiDungXuLy: "Kiểm tra điều kiện, cấp Giấy chứng nhận đăng ký hộ kinh doanh", TrangThai: 4,
				NgayBatDau: "20250908100000", NgayKetThucTheoQuyDinh: "20250911100000",
			},
		}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got, tt.field)
	}
	// The times are the dossier's own, as the portal writes them.
	assert.Equal(t, x.Due().Format(portal.TimeLayout), r.NgayHenTra, "NgayHenTra is the current appointment")
	assert.Equal(t, x.FinishedAt().Format(portal.TimeLayout), r.NgayKetThucXuLy, "NgayKetThucXuLy is the end of processing")
}

// A record follows the dossier's status, and only a refusal sets
// NgayTuChoi; GhiChu carries the last event's reason.
func TestRecordStatuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		act      func(d *desk, c dossier.Code) (*dossier.Dossier, error)
		status   int
		refused  bool
		finished bool
		note     string
	}{
		{"received", nil, 2, false, false, ""},
		{"in progress", func(d *desk, c dossier.Code) (*dossier.Dossier, error) {
			return d.Transfer(ctx, c, "Bộ phận một cửa", "Công an xã")
		}, 4, false, false, ""},
		{"supplement requested", func(d *desk, c dossier.Code) (*dossier.Dossier, error) {
			return d.RequestSupplement(ctx, c, "Công an xã", "Thiếu giấy tờ")
		}, 5, false, false, "Thiếu giấy tờ"},
		{"payment requested", func(d *desk, c dossier.Code) (*dossier.Dossier, error) {
			return d.RequestPayment(ctx, c, "Công an xã", "Lệ phí 20.000 đồng")
		}, 6, false, false, "Lệ phí 20.000 đồng"},
		{"withdrawn", func(d *desk, c dossier.Code) (*dossier.Dossier, error) {
			return d.Withdraw(ctx, c, "Bộ phận một cửa", "Công dân xin rút")
		}, 7, false, true, "Công dân xin rút"},
		{"stopped", func(d *desk, c dossier.Code) (*dossier.Dossier, error) {
			return d.Stop(ctx, c, "Công an xã", "Không đủ điều kiện")
		}, 8, false, true, "Không đủ điều kiện"},
		{"resolved", func(d *desk, c dossier.Code) (*dossier.Dossier, error) { return d.Resolve(ctx, c, "Công an xã") }, 9, false, true, ""},
		{"refused", func(d *desk, c dossier.Code) (*dossier.Dossier, error) {
			return d.Refuse(ctx, c, "Bộ phận một cửa", "Hồ sơ không hợp lệ")
		}, 3, true, true, "Hồ sơ không hợp lệ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDesk(t)
			x := d.receive(t)
			if tt.act != nil {
				var err error
				x, err = tt.act(d.at(90), x.Code)
				require.NoError(t, err)
			}
			r, err := portal.Record(x, procedure.Sample())
			require.NoError(t, err)
			assert.Equal(t, tt.status, r.TrangThaiHoSo)
			assert.Equal(t, x.Status().Portal(), r.TrangThaiHoSo)
			assert.Equal(t, tt.note, r.GhiChu)
			assert.Equal(t, 1, r.KenhThucHien)
			assert.Equal(t, 1, r.LoaiDoiTuong, "a citizen")
			assert.Equal(t, 0, r.HinhThuc, "the result goes back at the counter")
			if tt.finished {
				assert.Equal(t, "20250908093000", r.NgayKetThucXuLy)
			} else {
				assert.Empty(t, r.NgayKetThucXuLy)
			}
			if tt.refused {
				assert.Equal(t, "20250908093000", r.NgayTuChoi)
			} else {
				assert.Empty(t, r.NgayTuChoi)
			}
		})
	}
}

// The fees are the procedure version's for the dossier's channel.
func TestRecordFees(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		procedure string
		channel   procedure.Channel
		want      []int64
	}{
		{"1.001612", procedure.Direct, []int64{50000}},
		{"1.001612", procedure.Online, []int64{150000}},
		{"1.001612", procedure.Postal, []int64{150000}},
		{"1.004222", procedure.Online, []int64{10000}},
		{"2.000635", procedure.Postal, []int64{8000}}, // one fee for every channel
		{"1.001193", procedure.Direct, nil},           // free
	}
	for _, tt := range tests {
		d := newDesk(t)
		x, err := d.Receive(ctx, dossier.Intake{Procedure: tt.procedure, Applicant: citizen, Channel: tt.channel, Actor: "Bộ phận một cửa"})
		require.NoError(t, err)
		r, err := portal.Record(x, procedure.Sample())
		require.NoError(t, err)
		var got []int64
		for _, f := range r.DanhSachLePhi {
			got = append(got, f.Gia)
			assert.NotEmpty(t, f.TenPhiLePhi)
		}
		assert.Equal(t, tt.want, got, "%s by %s", tt.procedure, tt.channel)
		assert.NotNil(t, r.DanhSachLePhi, "an empty list, not null")
	}
}

// A dossier keeps the procedure version it was received under: the record
// names that version's field, fees and agency, whatever the catalogue
// holds for today.
func TestRecordVersion(t *testing.T) {
	t.Parallel()
	old, err := procedure.Sample().Lookup("1.001612", monday)
	require.NoError(t, err)
	old = old.Clone()
	old.EffectiveTo = sla.Date{Year: 2025, Month: time.December, Day: 31}
	old.Field.Code = "G09-HKD"
	amended := old.Clone()
	amended.EffectiveFrom, amended.EffectiveTo = sla.Date{Year: 2026, Month: time.January, Day: 1}, sla.Date{}
	amended.Fees = []procedure.Fee{{Name: "Lệ phí đăng ký hộ kinh doanh", Amount: 100000}}
	amended.Agency = "Phòng Kinh tế"
	cat, err := procedure.NewCatalog(old, amended)
	require.NoError(t, err)

	d := newDesk(t)
	svc, err := dossier.NewService(dossier.Config{Store: d.store, Catalog: cat, Agency: agency, Now: d.clock})
	require.NoError(t, err)
	x, err := svc.Receive(context.Background(), dossier.Intake{Procedure: "1.001612", Applicant: citizen, Channel: procedure.Direct, Actor: "Bộ phận một cửa"})
	require.NoError(t, err)
	r, err := portal.Record(x, cat)
	require.NoError(t, err)
	assert.Equal(t, "G09-HKD", r.MaLinhVuc)
	assert.Equal(t, "Cơ quan đăng ký kinh doanh cấp xã", r.DonViXuLy)
	assert.Equal(t, []portal.Fee{{TenPhiLePhi: "Lệ phí đăng ký hộ kinh doanh", Gia: 50000, LoaiPhiLePhi: 1}}, r.DanhSachLePhi)
}

func TestRecordIdentities(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		id   string
		want []portal.Identity
	}{
		{"001190012345", []portal.Identity{{LoaiDinhDanh: 1, SoDinhDanh: "001190012345"}}},
		{"012345678", []portal.Identity{{LoaiDinhDanh: 2, SoDinhDanh: "012345678"}}},
		{"B1234567", []portal.Identity{}}, // a passport
		{"0011900123", []portal.Identity{}},
		{"", []portal.Identity{}},
	}
	d := newDesk(t)
	for _, tt := range tests {
		a := citizen
		a.IDNumber = tt.id
		x, err := d.Receive(ctx, dossier.Intake{Procedure: "1.004222", Applicant: a, Channel: procedure.Direct, Actor: "Bộ phận một cửa"})
		require.NoError(t, err)
		r, err := portal.Record(x, procedure.Sample())
		require.NoError(t, err)
		assert.Equal(t, tt.want, r.DinhDanhCHS, "%q", tt.id)
		assert.Equal(t, tt.id, r.SoGiayToChuHoSo)
	}
}

// A dossier filed online and not yet received has no receipt, appointment
// or steps.
func TestRecordSubmitted(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	x, err := d.Submit(context.Background(), dossier.Intake{Procedure: "1.004222", Applicant: citizen, Actor: "công dân"})
	require.NoError(t, err)
	r, err := portal.Record(x, procedure.Sample())
	require.NoError(t, err)
	assert.Equal(t, 1, r.TrangThaiHoSo)
	assert.Equal(t, 2, r.KenhThucHien)
	assert.Equal(t, "20250908080000", r.NgayNopHoSo)
	for name, v := range map[string]string{"NgayTiepNhan": r.NgayTiepNhan, "NgayHenTra": r.NgayHenTra, "NgayKetThucXuLy": r.NgayKetThucXuLy, "NgayTra": r.NgayTra} {
		assert.Empty(t, v, name)
	}
	assert.Equal(t, []portal.Step{}, r.QuaTrinhXuLy)
}

func TestRecordErrors(t *testing.T) {
	t.Parallel()
	x := household(t)
	other, err := procedure.NewCatalog(procedure.Procedure{
		Code: "1.001193", Name: "Thủ tục đăng ký khai sinh", Level: procedure.Commune, Field: procedure.Field{Name: "Hộ tịch"},
		Duration: sla.WorkingDays(3), Channels: []procedure.Channel{procedure.Direct},
	})
	require.NoError(t, err)
	empty := x.Clone()
	empty.Events = nil
	tests := []struct {
		name string
		d    *dossier.Dossier
		cat  *procedure.Catalog
	}{
		{"no dossier", nil, procedure.Sample()},
		{"no catalogue", x, nil},
		{"no history", empty, procedure.Sample()},
		{"a procedure the catalogue lacks", x, other},
	}
	for _, tt := range tests {
		_, err := portal.Record(tt.d, tt.cat)
		assert.ErrorIs(t, err, portal.ErrRecord, tt.name)
	}
	_, err = portal.Record(x, other)
	assert.ErrorIs(t, err, procedure.ErrNotFound, "the catalogue's error is kept")
}

// The JSON of a record has exactly the portal's field names, codes as
// strings, and empty lists rather than null; it reads back as it was.
func TestRecordJSON(t *testing.T) {
	t.Parallel()
	r, err := portal.Record(household(t), procedure.Sample())
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	var names []string
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	want := []string{
		"ChuHoSo", "DanhSachGiayToKetQua", "DanhSachHoSoBoSung", "DanhSachLePhi", "DinhDanhCHS", "DonViXuLy",
		"DuocThanhToanTrucTuyen", "Email", "GhiChu", "HinhThuc", "KenhThucHien", "LoaiDoiTuong", "MaDoiTuong",
		"MaHoSo", "MaLinhVuc", "MaTTHC", "NgayHenTra", "NgayKetThucXuLy", "NgayNopHoSo", "NgayTiepNhan", "NgayTra",
		"NgayTuChoi", "NoiNopHoSo", "QuaTrinhXuLy", "SoDienThoai", "SoGiayToChuHoSo", "TaiLieuNop", "TenLinhVuc",
		"TenTTHC", "ThongTinTra", "TrangThaiHoSo", "TrichYeuHoSo",
	}
	assert.Equal(t, want, names)
	for _, k := range []string{"KenhThucHien", "LoaiDoiTuong", "TrangThaiHoSo", "HinhThuc", "NoiNopHoSo", "DuocThanhToanTrucTuyen"} {
		assert.IsType(t, "", m[k], "%s is a string, as the portal takes it", k)
	}
	assert.Equal(t, "2", m["KenhThucHien"])
	assert.Equal(t, "10", m["TrangThaiHoSo"])
	assert.Equal(t, []any{}, m["TaiLieuNop"])
	fee := m["DanhSachLePhi"].([]any)[0].(map[string]any)
	assert.Equal(t, "150000", fee["Gia"])
	step := m["QuaTrinhXuLy"].([]any)[1].(map[string]any)
	assert.Equal(t, "4", step["TrangThai"])

	var back portal.Dossier
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, r, back)
}
