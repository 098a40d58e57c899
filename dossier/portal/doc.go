// Package portal sends every change of every dossier to the national public
// service portal (Cổng Dịch vụ công quốc gia), exactly as it happened and
// whatever fails on the way: Record writes a dossier as the portal's sync
// record, and a Syncer delivers a store's outbox to a Sender.
//
// No official specification of the portal's sync interface is published.
// The record follows the HoSoDongBoDVC record of public implementations of
// the sync (one-stop systems in service, OpenCPS among them); where a
// field has no source in motcua, the table below says what is sent.
//
// # The record
//
// Record(d, cat) writes a dossier as it stands; the procedure's name,
// field, agency and fees come from the version of cat that d was received
// under. Times are yyyyMMddHHmmss in ICT (TimeLayout), "" when unset.
// Codes the public implementations send as JSON strings are written as
// strings ("2"):
//
//	field                  from the dossier
//	MaHoSo                 Code
//	MaTTHC, TenTTHC        the procedure's code and name
//	MaLinhVuc, TenLinhVuc  the procedure's field: its code ("" when the catalogue has none) and name
//	KenhThucHien           Channel: 1 direct, 2 online, 3 postal
//	ChuHoSo                Applicant.Name
//	LoaiDoiTuong           1 a citizen; 2 a business, when Applicant.Organisation is set
//	MaDoiTuong             "": the applicant's portal account, which motcua does not know
//	SoGiayToChuHoSo        Applicant.IDNumber
//	SoDienThoai, Email     Applicant.Phone, Applicant.Email
//	TrichYeuHoSo           the procedure's name: motcua keeps no summary of its own
//	NgayNopHoSo            SubmittedAt
//	NgayTiepNhan           ReceivedAt; "" before receipt
//	NgayHenTra             Due, the current appointment (a reschedule moves it)
//	NgayKetThucXuLy        FinishedAt: the result ready, or the dossier refused, stopped or withdrawn
//	NgayTra                ReturnedAt
//	NgayTuChoi             FinishedAt of a refused dossier; "" otherwise
//	TrangThaiHoSo          Status().Portal(), 1 to 10
//	HinhThuc               1 when ReturnChannel is postal, 0 otherwise, as OpenCPS sends it
//	ThongTinTra            "", as the public implementations send it
//	DonViXuLy              the procedure's implementing agency (Procedure.Agency)
//	NoiNopHoSo             2: filed in the agency's own one-stop system, not on the portal
//	GhiChu                 the reason of the last event, if it has one (a refusal, a stop, a supplement request, an apology)
//	TaiLieuNop             []: motcua keeps no files
//	DanhSachLePhi          the version's fees for the dossier's channel: TenPhiLePhi the name, Gia the amount
//	                       in đồng, LoaiPhiLePhi 1 (an ordinary fee or charge); MaPhiLePhi and HinhThucThu ""
//	DanhSachHoSoBoSung     each supplement request: who asked, what is missing, when; who received the
//	                       supplement and when; the appointment before the request and after the supplement
//	DanhSachGiayToKetQua   []: motcua keeps no result files
//	DuocThanhToanTrucTuyen 0: motcua records no online payment
//	DinhDanhCHS            Applicant.IDNumber: type 1 for a 12-digit personal identification number,
//	                       2 for a 9-digit identity card; none for another number, such as a passport
//	QuaTrinhXuLy           the processing steps, one per row of the control slip (Handovers)
//
// Each processing step (QuaTrinhXuLy) is a row of the control slip, form 06
// of Circular 03/2025/TT-VPCP:
//
//	field                  from the handover
//	MaHoSo                 the dossier's code
//	NguoiXuLy              To: the officer or unit that performs the step
//	ChucDanh, PhongBanXuLy "": motcua records one name per officer or unit
//	ThoiDiemXuLy           At: when the dossier was handed over
//	NgayBatDau             At: the step starts then
//	NoiDungXuLy            Step, the procedure's step; "Tiếp nhận hồ sơ" or "Chuyển xử lý hồ sơ" when it names none
//	TrangThai              the status the dossier entered: 2 on receipt, 4 on a transfer
//	NgayKetThucTheoQuyDinh Due: the step's own due time
//
// # Delivering the outbox
//
// A store that is a dossier.Outbox records, in the same transaction as each
// create and append, one entry per event. A Syncer leases entries, builds
// one Change per event, with the dossier as it stood just after that event
// (its history replayed up to the event with dossier.Restore, so two events
// at one instant give two records), sends batches to a Sender, and
// acknowledges what the Sender took. Its guarantees:
//
//   - Complete: every committed event is delivered, or left as a dead
//     letter (or behind one) for an officer to see, and no uncommitted one
//     is: the outbox holds an entry exactly when its change is committed.
//   - At least once, idempotent by key: a change may be sent more than once
//     (a Syncer that crashes between the portal's answer and its
//     acknowledgement, a lease that ends during a send), and always with
//     the same Key, the dossier's code and the event's number
//     ("000.00.01.H26-250303-0001#3"). A change whose acknowledgement was
//     recorded is never sent again, by this Syncer or another, even after
//     a restart.
//   - In order per dossier: a dossier's event n+1 is sent only once n is
//     acknowledged. A batch holds at most one change per dossier, and
//     changes of many dossiers.
//   - All or nothing per batch: if Send fails, no change of the batch counts
//     as delivered. The batch is split in two and each half is sent again
//     at once, down to single changes, so that only a change that fails on
//     its own counts a failed attempt and one change the portal refuses
//     delays no other. A call that outlives SendTimeout with no answer
//     (the Sender's error is the deadline's) is not split: every change in
//     it counts an attempt.
//   - Retries with backoff: after failed attempt k a change waits between
//     half and all of MinBackoff·2^(k-1), capped at MaxBackoff; the first
//     retry waits at most MinBackoff.
//   - Dead letters: a change that has failed MaxAttempts times becomes a
//     dead letter, with its last error kept, and so does at once a change
//     whose record cannot be written (ErrRecord: sending it again would
//     fail again). A dead letter holds back its own dossier's later changes,
//     which would overtake it, and no other dossier's. An officer lists
//     them with the outbox's DeadLetters and sends one again with its Retry.
//   - One deliverer per change: Syncers sharing a store, in one process or
//     many, never send the same change at the same time; a lease lasts
//     LeaseTime, so the changes of a Syncer that crashed come back. A
//     Syncer that stops releases the changes it holds.
//
// Run delivers until its context ends; Drain delivers until only dead
// letters (and what waits behind them) are left, and returns.
//
// # Senders
//
// HTTPSender posts each batch as JSON to a URL with a bearer token, and
// counts any status but 2xx as a failure. The portal's transport differs by
// province (an integration platform in between, a token endpoint, one
// record per call, the steps to an endpoint of their own), so Sender is the
// extension point: a Sender of one's own posts the records as its portal
// wants them.
package portal
