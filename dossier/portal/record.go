package portal

import (
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// TimeLayout is how the portal writes times, yyyyMMddHHmmss in ICT, as
// time.Format reads it.
const TimeLayout = "20060102150405"

// A Dossier is the portal's sync record of a dossier (HoSoDongBoDVC). Its
// fields carry the portal's own names, which are also their JSON names, so
// that each reads as the portal's documentation and public
// implementations name it; the package documentation maps each to the
// dossier. Codes that the public implementations send as JSON strings
// ("2") are ints here, written as strings.
type Dossier struct {
	MaHoSo       string // the dossier's code
	MaTTHC       string // the procedure's code
	TenTTHC      string // the procedure's name
	MaLinhVuc    string // the field's code
	TenLinhVuc   string // the field's name
	KenhThucHien int    `json:",string"` // the filing channel: 1 direct, 2 online, 3 postal
	ChuHoSo      string // the applicant's name
	// LoaiDoiTuong is the kind of applicant: 1 a citizen, 2 a business.
	LoaiDoiTuong    int `json:",string"`
	MaDoiTuong      string
	SoGiayToChuHoSo string // the applicant's identity paper number
	SoDienThoai     string
	Email           string
	TrichYeuHoSo    string // the summary
	NgayNopHoSo     string // filed
	NgayTiepNhan    string // received
	NgayHenTra      string // the current appointment
	NgayKetThucXuLy string // processing ended
	NgayTra         string // the result returned
	NgayTuChoi      string // refused
	TrangThaiHoSo   int    `json:",string"` // the status code, 1 to 10
	// HinhThuc is how the result goes back: 1 by post, 0 otherwise.
	HinhThuc    int `json:",string"`
	ThongTinTra string
	DonViXuLy   string // the handling agency
	// NoiNopHoSo is where the dossier was filed: 2, the agency's own
	// one-stop system.
	NoiNopHoSo           int `json:",string"`
	GhiChu               string
	TaiLieuNop           []Document
	DanhSachLePhi        []Fee
	DanhSachHoSoBoSung   []Supplement
	DanhSachGiayToKetQua []Result
	// DuocThanhToanTrucTuyen is whether the fees were paid online: 0 no.
	DuocThanhToanTrucTuyen int `json:",string"`
	DinhDanhCHS            []Identity
	// QuaTrinhXuLy is the processing steps, the rows of the control slip.
	// Public implementations send them beside the record (in a list of
	// their own, to an endpoint of their own); they travel with it here so
	// that a change is whole, and a Sender for such a portal splits them
	// out.
	QuaTrinhXuLy []Step
}

// A Document is a paper filed with a dossier (TaiLieuNop).
type Document struct {
	TepDinhKemId      string
	TenTepDinhKem     string
	MaThanhPhanHoSo   string
	DuongDanTaiTepTin string
}

// A Fee is a fee or charge of the dossier (DanhSachLePhi).
type Fee struct {
	TenPhiLePhi  string // the fee's name
	MaPhiLePhi   string
	HinhThucThu  string
	Gia          int64 `json:",string"` // in đồng
	LoaiPhiLePhi int   `json:",string"`
}

// A Supplement is a supplement request and its answer
// (DanhSachHoSoBoSung).
type Supplement struct {
	HoSoBoSungId        int
	NguoiYeuCauBoSung   string // who asked
	NoiDungBoSung       string // what is missing
	NgayBoSung          string // when it was asked
	NguoiTiepNhanBoSung string // who received the supplement
	NgayTiepNhanBoSung  string // when it was received
	TrangThaiBoSung     bool   // whether it was received
	NgayHenTraTruoc     string // the appointment before the request
	NgayHenTraMoi       string // the appointment once supplemented
}

// A Result is a result paper (DanhSachGiayToKetQua).
type Result struct {
	TenGiayTo            string
	MaGiayToKetQua       string
	DuongDanTepTinKetQua string
}

// An Identity is an identity number of the applicant (DinhDanhCHS).
type Identity struct {
	// LoaiDinhDanh is the kind of number: 1 a 12-digit personal
	// identification number (căn cước), 2 a 9-digit identity card number.
	LoaiDinhDanh int `json:",string"`
	SoDinhDanh   string
}

// A Step is a processing step (QuaTrinhXuLy): a row of the control slip.
type Step struct {
	MaHoSo       string
	NguoiXuLy    string // who performs the step
	ChucDanh     string
	ThoiDiemXuLy string // when the dossier was handed over for it
	PhongBanXuLy string
	NoiDungXuLy  string // the step
	// TrangThai is the status the dossier entered with the step: 2 on
	// receipt, 4 on a transfer.
	TrangThai              int `json:",string"`
	NgayBatDau             string
	NgayKetThucTheoQuyDinh string // the step's own due time
}

// Codes of the record, from public implementations of the HoSoDongBoDVC
// record.
const (
	applicantCitizen  = 1 // LoaiDoiTuong
	applicantBusiness = 2
	returnByPost      = 1 // HinhThuc
	returnOtherwise   = 0
	filedLocally      = 2 // NoiNopHoSo: the agency's own one-stop system
	notPaidOnline     = 0 // DuocThanhToanTrucTuyen
	ordinaryFee       = 1 // LoaiPhiLePhi
	personalID        = 1 // LoaiDinhDanh: 12 digits
	identityCard      = 2 // LoaiDinhDanh: 9 digits
)

// Texts of steps whose procedure names none.
const (
	stepReceipt  = "Tiếp nhận hồ sơ"
	stepTransfer = "Chuyển xử lý hồ sơ"
)

// ErrRecord means a dossier cannot be written as a record: it has no
// events, or the catalogue has no version of its procedure. A Syncer buries
// such a change at once, since sending it again would fail again.
var ErrRecord = errors.New("portal: cannot write the record")

// Record writes d as the portal's sync record, as it stands now: the
// procedure's name, field, agency and fees from the version of cat that d
// was received under (see the package documentation for each field).
// Times are written in ICT as TimeLayout, and an unset time as "". It
// fails with ErrRecord for a nil dossier or catalogue, a dossier with no
// events, or a procedure version that cat does not hold.
func Record(d *dossier.Dossier, cat *procedure.Catalog) (Dossier, error) {
	if d == nil || cat == nil || len(d.Events) == 0 {
		return Dossier{}, fmt.Errorf("%w: no dossier, no catalogue or no history", ErrRecord)
	}
	p, err := cat.Lookup(d.Procedure, versionDay(d))
	if err != nil {
		return Dossier{}, fmt.Errorf("%w: %s: %w", ErrRecord, d.Code, err)
	}
	code := d.Code.String()
	r := Dossier{
		MaHoSo: code, MaTTHC: p.Code, TenTTHC: p.Name, MaLinhVuc: p.Field.Code, TenLinhVuc: p.Field.Name,
		KenhThucHien:    int(d.Channel),
		ChuHoSo:         d.Applicant.Name,
		LoaiDoiTuong:    applicantCitizen,
		SoGiayToChuHoSo: d.Applicant.IDNumber,
		SoDienThoai:     d.Applicant.Phone,
		Email:           d.Applicant.Email,
		TrichYeuHoSo:    p.Name,
		NgayNopHoSo:     stamp(d.SubmittedAt),
		NgayTiepNhan:    stamp(d.ReceivedAt()),
		NgayHenTra:      stamp(d.Due()),
		NgayKetThucXuLy: stamp(d.FinishedAt()),
		NgayTra:         stamp(d.ReturnedAt()),
		TrangThaiHoSo:   d.Status().Portal(),
		HinhThuc:        returnOtherwise,
		DonViXuLy:       p.Agency,
		NoiNopHoSo:      filedLocally,
		GhiChu:          d.Events[len(d.Events)-1].Reason,

		TaiLieuNop:             []Document{},
		DanhSachLePhi:          fees(p, d.Channel),
		DanhSachHoSoBoSung:     supplements(d),
		DanhSachGiayToKetQua:   []Result{},
		DuocThanhToanTrucTuyen: notPaidOnline,
		DinhDanhCHS:            identities(d.Applicant.IDNumber),
		QuaTrinhXuLy:           steps(code, d.Handovers()),
	}
	if d.Applicant.Organisation != "" {
		r.LoaiDoiTuong = applicantBusiness
	}
	if d.ReturnChannel == procedure.Postal {
		r.HinhThuc = returnByPost
	}
	if d.Status() == dossier.Refused {
		r.NgayTuChoi = stamp(d.FinishedAt())
	}
	return r, nil
}

// versionDay returns an instant on the effective date of the version d was
// received (or filed) under, or, for a version in force since before the
// catalogue begins, d's registration.
func versionDay(d *dossier.Dossier) time.Time {
	if v := d.ProcedureVersion(); !v.IsZero() {
		return v.At(12, 0)
	}
	return d.Events[0].At
}

// stamp writes t as the portal does; "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(sla.ICT).Format(TimeLayout)
}

// fees returns the fees of p that apply to a dossier filed through ch.
func fees(p procedure.Procedure, ch procedure.Channel) []Fee {
	out := []Fee{}
	for _, f := range p.Fees {
		if f.Channel == 0 || f.Channel == ch {
			out = append(out, Fee{TenPhiLePhi: f.Name, Gia: f.Amount, LoaiPhiLePhi: ordinaryFee})
		}
	}
	return out
}

// supplements returns d's supplement requests, each with its answer once
// it came.
func supplements(d *dossier.Dossier) []Supplement {
	out := []Supplement{}
	var due time.Time
	for _, e := range d.Events {
		switch e.Kind {
		case dossier.KindRequestSupplement:
			out = append(out, Supplement{
				HoSoBoSungId: len(out) + 1, NguoiYeuCauBoSung: e.Actor, NoiDungBoSung: e.Reason,
				NgayBoSung: stamp(e.At), NgayHenTraTruoc: stamp(due),
			})
		case dossier.KindSupplement:
			if n := len(out); n > 0 && !out[n-1].TrangThaiBoSung {
				s := &out[n-1]
				s.NguoiTiepNhanBoSung, s.NgayTiepNhanBoSung, s.TrangThaiBoSung, s.NgayHenTraMoi = e.Actor, stamp(e.At), true, stamp(e.Due)
			}
		}
		if !e.Due.IsZero() {
			due = e.Due
		}
	}
	return out
}

// identities returns the applicant's identity number as the portal types
// it: a 12-digit personal identification number or a 9-digit identity
// card; none for any other number (a passport), which the public
// implementations give no type.
func identities(id string) []Identity {
	out := []Identity{}
	if !digitsOnly(id) {
		return out
	}
	switch len(id) {
	case 12:
		out = append(out, Identity{LoaiDinhDanh: personalID, SoDinhDanh: id})
	case 9:
		out = append(out, Identity{LoaiDinhDanh: identityCard, SoDinhDanh: id})
	}
	return out
}

func digitsOnly(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// steps returns the control slip's rows as processing steps.
func steps(code string, hs []dossier.Handover) []Step {
	out := make([]Step, 0, len(hs))
	for i, h := range hs {
		s := Step{
			MaHoSo: code, NguoiXuLy: h.To, ThoiDiemXuLy: stamp(h.At), NoiDungXuLy: h.Step,
			TrangThai: dossier.InProgress.Portal(), NgayBatDau: stamp(h.At), NgayKetThucTheoQuyDinh: stamp(h.Due),
		}
		if i == 0 {
			s.TrangThai = dossier.Received.Portal()
		}
		if s.NoiDungXuLy == "" {
			s.NoiDungXuLy = stepTransfer
			if i == 0 {
				s.NoiDungXuLy = stepReceipt
			}
		}
		out = append(out, s)
	}
	return out
}
