package procedure

import (
	"fmt"
	"slices"
	"time"

	"github.com/motcua/motcua/internal/civil"
	"github.com/motcua/motcua/sla"
)

// A Procedure is one version of an administrative procedure (thủ tục hành
// chính) as the national database publishes it: what it is called, who
// resolves it, how long that may take, how a citizen may file it and what it
// costs. A code can have several versions with non-overlapping effective
// periods; a Catalog holds them all and Lookup picks the one in force.
//
// A Procedure returned by a Catalog shares its slices with the catalogue:
// treat them as read-only, and call Clone for a copy to change.
type Procedure struct {
	// Code is the code the national database of administrative procedures
	// gives, such as "1.001193", with an optional provincial suffix, such as
	// "1.000948.H38". It is an opaque identifier, validated by shape only.
	Code string
	// Name is the Vietnamese name, NFC with full diacritics, such as
	// "Thủ tục đăng ký khai sinh".
	Name string
	// Field is the domain (lĩnh vực) the procedure belongs to.
	Field Field
	// Level is the tier of government that resolves the procedure.
	Level Level
	// Agency is the implementing agency (cơ quan thực hiện), such as
	// "Ủy ban nhân dân cấp xã".
	Agency string
	// Duration is the published processing time (thời hạn giải quyết),
	// counted from the receipt of a complete, valid dossier. It is the limit
	// of every channel that publishes none of its own.
	Duration sla.Duration
	// DirectDuration is the processing time of a dossier filed at the
	// counter, where the procedure publishes one for that channel. The
	// national portal publishes a limit per channel, and one channel's may be
	// shorter or longer than another's. The zero Duration means Duration
	// applies; [Procedure.DurationFor] applies the rule.
	DirectDuration sla.Duration
	// OnlineDuration is the processing time of a dossier filed online, where
	// the procedure publishes one; the zero Duration means Duration applies.
	OnlineDuration sla.Duration
	// PostalDuration is the processing time of a dossier filed by post, where
	// the procedure publishes one; the zero Duration means Duration applies.
	PostalDuration sla.Duration
	// Supplement says what a supplement request does to the clock. The zero
	// value, PauseClock, is what the law prescribes.
	Supplement SupplementRegime
	// Channels are the ways a dossier may be filed and its result returned
	// (cách thức thực hiện), in the national portal's codes. The submission
	// and return channels of a dossier are chosen separately, each from this
	// list: Decision 45/2016/QĐ-TTg lets a citizen file at the counter and
	// receive the result by post, or the other way round.
	Channels []Channel
	// OnlineLevel is the level of the online public service under Decree
	// 42/2022/NĐ-CP.
	OnlineLevel OnlineLevel
	// OnTheSpot marks a procedure done "4 tại chỗ": received, appraised,
	// approved and returned at the desk itself.
	OnTheSpot bool
	// Fees are the fees and charges (phí, lệ phí). A free procedure has none.
	Fees []Fee
	// Documents are the papers a dossier is made of (thành phần hồ sơ).
	Documents []Document
	// Steps are the internal steps of processing, each with its share of the
	// time: the rows of the handover control slip (form 06 of Thông tư
	// 03/2025/TT-VPCP, form 05 of Thông tư 01/2018/TT-VPCP).
	Steps []Step
	// LegalBasis lists the legal documents the procedure rests on (căn cứ
	// pháp lý), such as "Luật Hộ tịch số 60/2014/QH13".
	LegalBasis []string
	// EffectiveFrom is the first day this version is in force. The zero Date
	// means it has been in force for as long as the catalogue knows.
	EffectiveFrom sla.Date
	// EffectiveTo is the last day this version is in force, inclusive. The
	// zero Date means it is still in force.
	EffectiveTo sla.Date
}

// A Field is the domain (lĩnh vực) of a procedure, such as "Hộ tịch".
type Field struct {
	// Code is the field's code in the national database, if known. It may
	// be empty.
	Code string
	// Name is the Vietnamese name of the field.
	Name string
}

// A Fee is one fee or charge of a procedure, in Vietnamese đồng.
type Fee struct {
	// Name says what the fee is, such as "Lệ phí đăng ký cư trú".
	Name string
	// Amount is in VND. It is never negative; 0 is a fee that is waived.
	Amount int64
	// Collected says when the fee is collected.
	Collected Collection
	// Channel restricts the fee to dossiers filed through one channel, for
	// fees that differ online and at the counter. The zero Channel means the
	// fee applies whatever the channel. A fee that two channels share and a
	// third does not is listed once for each of the two: 1.001612 charges
	// 50.000 đồng at the counter and 150.000 đồng online and by post.
	Channel Channel
	// Note is the published detail in Vietnamese, such as "đồng/trang; từ
	// trang thứ 3 trở lên 1.000 đồng/trang". It may be empty.
	Note string
}

// A Document is one paper in a dossier.
type Document struct {
	// Name is what the paper is, in Vietnamese.
	Name string
	// Originals is how many originals (bản chính) are required.
	Originals int
	// Copies is how many copies (bản sao) are required.
	Copies int
	// Mandatory reports whether every dossier needs it; an optional paper is
	// needed only in the cases its name describes.
	Mandatory bool
}

// A Step is one internal step of processing.
type Step struct {
	// Name says what the step does, in Vietnamese.
	Name string
	// Responsible is the role or unit that does it, such as "Công chức tư
	// pháp - hộ tịch".
	Responsible string
	// Duration is the time allocated to the step. Steps are counted in
	// working days or working hours; together they must fit in the
	// procedure's Duration.
	Duration sla.Duration
}

// A Source names where the data of a catalogue comes from.
type Source struct {
	// Title names the source, such as "Cổng Dịch vụ công quốc gia".
	Title string
	// URL locates it, if it has one.
	URL string
	// Note says what was taken from it and how far it was verified.
	Note string
}

// Allows reports whether a dossier of p may be filed or returned through ch.
// Postal handling, in particular, is allowed only where the procedure lists
// Postal among its Channels.
func (p Procedure) Allows(ch Channel) bool { return slices.Contains(p.Channels, ch) }

// DurationFor returns the processing time of a dossier filed through ch:
// the channel's own limit (DirectDuration, OnlineDuration or
// PostalDuration) when the procedure publishes one, and Duration otherwise.
func (p Procedure) DurationFor(ch Channel) sla.Duration {
	if d := p.ownDuration(ch); !d.IsZero() {
		return d
	}
	return p.Duration
}

// ownDuration returns the limit p publishes for ch alone; the zero Duration
// if it publishes none.
func (p Procedure) ownDuration(ch Channel) sla.Duration {
	switch ch {
	case Direct:
		return p.DirectDuration
	case Online:
		return p.OnlineDuration
	case Postal:
		return p.PostalDuration
	}
	return sla.Duration{}
}

// InForce reports whether this version is in force on the civil date (ICT)
// of t.
func (p Procedure) InForce(t time.Time) bool {
	d := dayOf(t)
	return (p.EffectiveFrom.IsZero() || d >= dayNumber(p.EffectiveFrom)) &&
		(p.EffectiveTo.IsZero() || d <= dayNumber(p.EffectiveTo))
}

// Clone returns a deep copy of p, whose slices can be changed without
// touching p.
func (p Procedure) Clone() Procedure {
	p.Channels = slices.Clone(p.Channels)
	p.Fees = slices.Clone(p.Fees)
	p.Documents = slices.Clone(p.Documents)
	p.Steps = slices.Clone(p.Steps)
	p.LegalBasis = slices.Clone(p.LegalBasis)
	return p
}

// String returns the code and name, such as "1.001193 Thủ tục đăng ký khai
// sinh".
func (p Procedure) String() string { return p.Code + " " + p.Name }

// dayOf returns the ICT civil day of t as a count of days since 1970-01-01,
// the same day sla.DateOf(t) names, without building a Date.
func dayOf(t time.Time) int64 {
	const ict = 7 * 3600
	return civil.FloorDiv(t.Unix()+ict, 86400)
}

// dayNumber returns the day count of d since 1970-01-01.
func dayNumber(d sla.Date) int64 { return int64(civil.Days(d.Year, int(d.Month), d.Day)) }

// A Channel is a way to file a dossier or receive its result, numbered as
// the national portal numbers them in the dossier records that one-stop
// systems send it (KenhThucHien).
type Channel uint8

const (
	// Direct is filing at the counter (trực tiếp), portal code 1.
	Direct Channel = 1
	// Online is filing on a public service portal (trực tuyến), code 2.
	Online Channel = 2
	// Postal is the public postal service (bưu chính công ích, BCCI;
	// Decision 45/2016/QĐ-TTg), code 3.
	Postal Channel = 3
)

var channelNames = [...]struct{ vi, text string }{
	Direct: {"trực tiếp", "direct"},
	Online: {"trực tuyến", "online"},
	Postal: {"dịch vụ bưu chính công ích", "postal"},
}

// Valid reports whether ch is one of Direct, Online and Postal.
func (ch Channel) Valid() bool { return ch >= Direct && ch <= Postal }

// String returns the Vietnamese name, such as "trực tuyến".
func (ch Channel) String() string {
	if !ch.Valid() {
		return fmt.Sprintf("Channel(%d)", uint8(ch))
	}
	return channelNames[ch].vi
}

// MarshalText writes ch as "direct", "online" or "postal": the catalogue's
// JSON uses names rather than the portal's numbers so that a file reads
// without a table; the number is uint8(ch).
func (ch Channel) MarshalText() ([]byte, error) {
	if !ch.Valid() {
		return nil, fmt.Errorf("procedure: invalid channel %d", uint8(ch))
	}
	return []byte(channelNames[ch].text), nil
}

// UnmarshalText reads "direct", "online" or "postal".
func (ch *Channel) UnmarshalText(b []byte) error {
	for c := Direct; c <= Postal; c++ {
		if string(b) == channelNames[c].text {
			*ch = c
			return nil
		}
	}
	return fmt.Errorf("procedure: unknown channel %q, want direct, online or postal", b)
}

// A Level is the tier of government that resolves a procedure. Since
// 2025-07-01 local government has two tiers, province and commune (Decree
// 118/2025/NĐ-CP); District remains for older versions and for systems that
// still run one.
type Level uint8

const (
	// Province is the provincial level (cấp tỉnh).
	Province Level = iota + 1
	// District is the district level (cấp huyện).
	District
	// Commune is the commune level (cấp xã).
	Commune
)

var levelNames = [...]struct{ vi, text string }{
	Province: {"cấp tỉnh", "province"},
	District: {"cấp huyện", "district"},
	Commune:  {"cấp xã", "commune"},
}

// Valid reports whether l is one of Province, District and Commune.
func (l Level) Valid() bool { return l >= Province && l <= Commune }

// String returns the Vietnamese name, such as "cấp xã".
func (l Level) String() string {
	if !l.Valid() {
		return fmt.Sprintf("Level(%d)", uint8(l))
	}
	return levelNames[l].vi
}

// MarshalText writes l as "province", "district" or "commune".
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("procedure: invalid level %d", uint8(l))
	}
	return []byte(levelNames[l].text), nil
}

// UnmarshalText reads "province", "district" or "commune".
func (l *Level) UnmarshalText(b []byte) error {
	for v := Province; v <= Commune; v++ {
		if string(b) == levelNames[v].text {
			*l = v
			return nil
		}
	}
	return fmt.Errorf("procedure: unknown level %q, want province, district or commune", b)
}

// An OnlineLevel is the level of an online public service under Decree
// 42/2022/NĐ-CP, which replaced the levels 1–4 of Decree 43/2011/NĐ-CP.
type OnlineLevel uint8

const (
	// NotOnline is a procedure offered with no online service; it has no
	// online channel.
	NotOnline OnlineLevel = iota
	// Partial is "dịch vụ công trực tuyến một phần": filed online, with at
	// least one step (payment, appraisal or return) done in person.
	Partial
	// Full is "dịch vụ công trực tuyến toàn trình": every step online, the
	// result returned electronically.
	Full
)

var onlineNames = [...]struct{ vi, text string }{
	NotOnline: {"không", "none"},
	Partial:   {"một phần", "partial"},
	Full:      {"toàn trình", "full"},
}

// Valid reports whether o is one of NotOnline, Partial and Full.
func (o OnlineLevel) Valid() bool { return o <= Full }

// String returns the Vietnamese name, such as "toàn trình".
func (o OnlineLevel) String() string {
	if !o.Valid() {
		return fmt.Sprintf("OnlineLevel(%d)", uint8(o))
	}
	return onlineNames[o].vi
}

// Legacy returns the level 1–4 of Decree 43/2011/NĐ-CP that old reports
// use: Full is 4 (every step online, the result returned online or by post)
// and Partial is 3 (filed online, the fee paid and the result collected in
// person), the levels Decree 42/2022/NĐ-CP replaced. NotOnline is 2: level 2
// meant that the information and the forms are online, and every procedure
// published in the national database has both, so level 1 (information
// only) no longer describes a catalogued procedure.
func (o OnlineLevel) Legacy() int {
	switch o {
	case Full:
		return 4
	case Partial:
		return 3
	}
	return 2
}

// MarshalText writes o as "none", "partial" or "full".
func (o OnlineLevel) MarshalText() ([]byte, error) {
	if !o.Valid() {
		return nil, fmt.Errorf("procedure: invalid online level %d", uint8(o))
	}
	return []byte(onlineNames[o].text), nil
}

// UnmarshalText reads "none", "partial" or "full".
func (o *OnlineLevel) UnmarshalText(b []byte) error {
	for v := NotOnline; v <= Full; v++ {
		if string(b) == onlineNames[v].text {
			*o = v
			return nil
		}
	}
	return fmt.Errorf("procedure: unknown online level %q, want none, partial or full", b)
}

// A SupplementRegime says what happens to the clock when the applicant is
// asked to supplement a dossier (form 02 of Thông tư 03/2025/TT-VPCP).
type SupplementRegime uint8

const (
	// PauseClock stops the clock while the applicant supplements the
	// dossier and pushes the due date back by the working time paused: the
	// time the applicant takes is not the agency's processing time under the
	// one-stop rules (Decree 61/2018/NĐ-CP; Decree 118/2025/NĐ-CP from
	// 2025-07-01). It is the zero value and the default.
	PauseClock SupplementRegime = iota
	// RestartClock counts the full processing time again from the receipt
	// of the supplement, as some systems in service do. It is an opt-in.
	RestartClock
)

var supplementNames = [...]struct{ vi, text string }{
	PauseClock:   {"tạm dừng tính thời gian", "pause"},
	RestartClock: {"tính lại từ đầu", "restart"},
}

// Valid reports whether r is PauseClock or RestartClock.
func (r SupplementRegime) Valid() bool { return r <= RestartClock }

// String returns the Vietnamese description.
func (r SupplementRegime) String() string {
	if !r.Valid() {
		return fmt.Sprintf("SupplementRegime(%d)", uint8(r))
	}
	return supplementNames[r].vi
}

// MarshalText writes r as "pause" or "restart".
func (r SupplementRegime) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, fmt.Errorf("procedure: invalid supplement regime %d", uint8(r))
	}
	return []byte(supplementNames[r].text), nil
}

// UnmarshalText reads "pause" or "restart".
func (r *SupplementRegime) UnmarshalText(b []byte) error {
	for v := PauseClock; v <= RestartClock; v++ {
		if string(b) == supplementNames[v].text {
			*r = v
			return nil
		}
	}
	return fmt.Errorf("procedure: unknown supplement regime %q, want pause or restart", b)
}

// A Collection says when a fee is collected.
type Collection uint8

const (
	// AtReceipt collects the fee when the dossier is received (the zero
	// value and the usual case).
	AtReceipt Collection = iota
	// AtReturn collects the fee when the result is returned.
	AtReturn
)

var collectionNames = [...]struct{ vi, text string }{
	AtReceipt: {"khi nộp hồ sơ", "receipt"},
	AtReturn:  {"khi nhận kết quả", "return"},
}

// Valid reports whether c is AtReceipt or AtReturn.
func (c Collection) Valid() bool { return c <= AtReturn }

// String returns the Vietnamese description, such as "khi nộp hồ sơ".
func (c Collection) String() string {
	if !c.Valid() {
		return fmt.Sprintf("Collection(%d)", uint8(c))
	}
	return collectionNames[c].vi
}

// MarshalText writes c as "receipt" or "return".
func (c Collection) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("procedure: invalid fee collection %d", uint8(c))
	}
	return []byte(collectionNames[c].text), nil
}

// UnmarshalText reads "receipt" or "return".
func (c *Collection) UnmarshalText(b []byte) error {
	for v := AtReceipt; v <= AtReturn; v++ {
		if string(b) == collectionNames[v].text {
			*c = v
			return nil
		}
	}
	return fmt.Errorf("procedure: unknown fee collection %q, want receipt or return", b)
}
