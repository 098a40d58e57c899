package procedure

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/sla"
)

var (
	// ErrNotFound means no version of a procedure is in force on the date
	// asked, or the code is not in the catalogue at all.
	ErrNotFound = errors.New("procedure: not found")

	// ErrInvalid means a procedure or a catalogue file breaks a rule. Every
	// *ValidationError matches it with errors.Is.
	ErrInvalid = errors.New("procedure: invalid")
)

// A ValidationError names the procedure and the field that broke a rule.
// It matches ErrInvalid with errors.Is, and unwraps to the underlying
// cause when there is one, such as an *sla.ParseError for a processing time
// that does not read.
type ValidationError struct {
	// Code is the code of the procedure, as given; it may be empty or
	// malformed when the code itself is the problem.
	Code string
	// Index is the position of the procedure, from 0, in the catalogue file
	// or in the arguments of NewCatalog; -1 when the error is not tied to
	// one position (Procedure.Validate, or a file that is not JSON at all).
	Index int
	// Field is the JSON path of the field within the procedure, such as
	// "steps[2].name"; empty when the problem is the procedure as a whole.
	Field string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying cause, if any.
	Err error
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("procedure: ")
	switch {
	case e.Index >= 0 && e.Code != "":
		fmt.Fprintf(&b, "#%d (%s): ", e.Index, e.Code)
	case e.Index >= 0:
		fmt.Fprintf(&b, "#%d: ", e.Index)
	case e.Code != "":
		b.WriteString(e.Code + ": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the underlying cause.
func (e *ValidationError) Unwrap() error { return e.Err }

// codeShape is a national code (one digit, a dot, six digits, like the codes
// in testdata/catalog.json) with an optional provincial suffix that starts
// with a letter, such as ".H38" (the province part of an agency e-ID, as in
// 000.00.01.H26).
var codeShape = regexp.MustCompile(`^[1-9]\.[0-9]{6}(\.[A-Z][A-Z0-9]{1,5})?$`)

// ValidCode reports whether code has the shape of a procedure code, such
// as "1.001193" or "1.000948.H38".
func ValidCode(code string) bool { return codeShape.MatchString(code) }

// nominalDay is the working day that step and limit comparisons assume: the
// 8 working hours a day of the state sector, the most the Labor Code 2019
// (Art. 105) allows as normal working time. A calendar with another day
// length does not change which steps fit, only their due times.
const nominalDay = 8 * time.Hour

// Validate reports every rule p breaks, as *ValidationError values joined
// with errors.Join; nil if there are none. The rules:
//
//   - the code has the shape of a national code, with an optional
//     provincial suffix;
//   - the name is set, has no surrounding spaces, is NFC and has Vietnamese
//     diacritics (an all-ASCII name has lost them); the other texts are NFC;
//   - the field has a name; the level is valid;
//   - the processing time is set and valid, and so is each channel's own
//     limit that is set (DirectDuration, OnlineDuration, PostalDuration),
//     which must be for a channel the procedure allows;
//   - there is at least one channel, each valid and listed once;
//   - an online level other than NotOnline needs the online channel, and the
//     online channel needs an online level (Decree 42/2022/NĐ-CP: accepting
//     dossiers online is at least a partial online service);
//   - a procedure done on the spot has a limit at the counter of at most
//     one working day;
//   - fees have a name and are not negative; documents have a name and no
//     negative counts; steps have a name and a time in working days or hours;
//   - the steps' allocated time fits in the limit of every channel the
//     procedure allows, since the same steps serve them all (see below);
//   - the effective dates are real dates, and EffectiveTo is not before
//     EffectiveFrom.
//
// Steps are compared as working time, with 8-hour days. A limit counted in
// working days or hours holds its nominal working time (sla.Duration.Nominal).
// A limit counted on the calendar has no fixed working time, so the check
// uses the most it can hold: one working day for "trong ngày", n working
// days for n calendar days, and 31 per month. Steps that exceed that can
// never fit; steps within it may still not fit across a holiday, which only
// a calendar can tell.
//
// Validate does not normalize: NewCatalog and Load bring the texts to NFC
// before they validate, so a decomposed name read from a file is fixed
// rather than rejected, while one built in code is reported here.
func (p Procedure) Validate() error { return p.validate(true) }

// validate is Validate; checkNFC false skips the NFC checks for texts that
// normalize has just brought to NFC.
func (p Procedure) validate(checkNFC bool) error {
	var errs []error
	bad := func(field, reason string, cause error) {
		errs = append(errs, &ValidationError{Code: p.Code, Index: -1, Field: field, Reason: reason, Err: cause})
	}

	if !ValidCode(p.Code) {
		bad("code", fmt.Sprintf("%q is not a procedure code such as 1.001193 or 1.000948.H38", p.Code), nil)
	}
	switch {
	case strings.TrimSpace(p.Name) == "":
		bad("name", "a procedure needs a name", nil)
	case strings.TrimSpace(p.Name) != p.Name:
		bad("name", "has spaces around it", nil)
	case isASCII(p.Name):
		bad("name", fmt.Sprintf("%q has no Vietnamese diacritics; write it in full", p.Name), nil)
	}
	checkText := func(field, s string) {
		if !checkNFC {
			return
		}
		if !utf8.ValidString(s) {
			bad(field, "is not valid UTF-8", nil)
		} else if !norm.NFC.IsNormalString(s) {
			bad(field, "is not in Unicode NFC; normalize it (Load and NewCatalog do)", nil)
		}
	}
	checkText("name", p.Name)
	if strings.TrimSpace(p.Field.Name) == "" {
		bad("field.name", "a procedure needs a field (lĩnh vực)", nil)
	}
	checkText("field.name", p.Field.Name)
	if !p.Level.Valid() {
		bad("level", "want province, district or commune", nil)
	}
	checkText("agency", p.Agency)

	if err := p.Duration.Validate(); err != nil {
		bad("duration", "the processing time is "+reasonOf(err), err)
	}
	for ch := Direct; ch <= Postal; ch++ {
		d := p.ownDuration(ch)
		if d.IsZero() {
			continue
		}
		name := channelNames[ch].text
		if err := d.Validate(); err != nil {
			bad(durationField(ch), "the "+name+" processing time is "+reasonOf(err), err)
		} else if !p.Allows(ch) {
			bad(durationField(ch), "the procedure does not allow the "+name+" channel", nil)
		}
	}
	if !p.Supplement.Valid() {
		bad("supplement", "want pause or restart", nil)
	}

	if len(p.Channels) == 0 {
		bad("channels", "a procedure needs at least one channel", nil)
	}
	for i, ch := range p.Channels {
		f := fmt.Sprintf("channels[%d]", i)
		if !ch.Valid() {
			bad(f, fmt.Sprintf("%d is not a channel; want direct, online or postal", uint8(ch)), nil)
		} else if j := indexOf(p.Channels[:i], ch); j >= 0 {
			bad(f, fmt.Sprintf("%s is listed twice", ch), nil)
		}
	}
	switch {
	case !p.OnlineLevel.Valid():
		bad("onlineLevel", "want none, partial or full", nil)
	case p.OnlineLevel == Full && !p.Allows(Online):
		bad("onlineLevel", "a full online service (toàn trình) must allow the online channel", nil)
	case p.OnlineLevel == Partial && !p.Allows(Online):
		bad("onlineLevel", "a partial online service (một phần) must allow the online channel", nil)
	case p.OnlineLevel == NotOnline && p.Allows(Online):
		bad("onlineLevel", "the online channel is allowed, so the online service is partial or full", nil)
	}
	if p.OnTheSpot {
		// "4 tại chỗ" is done at the counter, so the direct limit is the one
		// that must fit in the day.
		d := p.DurationFor(Direct)
		if c, ok := capacity(d); ok && c > nominalDay {
			bad("onTheSpot", fmt.Sprintf("a procedure done on the spot cannot take %s", d), nil)
		}
	}

	for i, f := range p.Fees {
		at := fmt.Sprintf("fees[%d]", i)
		if strings.TrimSpace(f.Name) == "" {
			bad(at+".name", "a fee needs a name", nil)
		}
		checkText(at+".name", f.Name)
		checkText(at+".note", f.Note)
		if f.Amount < 0 {
			bad(at+".amount", fmt.Sprintf("%d VND is negative", f.Amount), nil)
		}
		if !f.Collected.Valid() {
			bad(at+".collected", "want receipt or return", nil)
		}
		if f.Channel != 0 && !f.Channel.Valid() {
			bad(at+".channel", fmt.Sprintf("%d is not a channel", uint8(f.Channel)), nil)
		} else if f.Channel != 0 && !p.Allows(f.Channel) {
			bad(at+".channel", fmt.Sprintf("the procedure does not allow the %s channel", f.Channel), nil)
		}
	}
	for i, d := range p.Documents {
		at := fmt.Sprintf("documents[%d]", i)
		if strings.TrimSpace(d.Name) == "" {
			bad(at+".name", "a document needs a name", nil)
		}
		checkText(at+".name", d.Name)
		if d.Originals < 0 {
			bad(at+".originals", fmt.Sprintf("%d is negative", d.Originals), nil)
		}
		if d.Copies < 0 {
			bad(at+".copies", fmt.Sprintf("%d is negative", d.Copies), nil)
		}
	}
	var allocated time.Duration
	stepsOK := true
	for i, s := range p.Steps {
		at := fmt.Sprintf("steps[%d]", i)
		if strings.TrimSpace(s.Name) == "" {
			bad(at+".name", "a step needs a name", nil)
		}
		checkText(at+".name", s.Name)
		checkText(at+".responsible", s.Responsible)
		if err := s.Duration.Validate(); err != nil {
			bad(at+".duration", "the step's time is "+reasonOf(err), err)
			stepsOK = false
			continue
		}
		n, ok := s.Duration.Nominal(nominalDay)
		if !ok {
			bad(at+".duration", fmt.Sprintf("%s: a step's time is allocated in working days or working hours", s.Duration), nil)
			stepsOK = false
			continue
		}
		allocated = satAdd(allocated, n)
	}
	// The same steps serve every channel: the first limit too short for
	// them is reported.
	for _, ch := range p.Channels {
		d := p.DurationFor(ch)
		if total, ok := capacity(d); ok && stepsOK && allocated > total {
			limit := "the processing time"
			if !p.ownDuration(ch).IsZero() {
				limit = "the " + channelNames[ch].text + " processing time"
			}
			bad("steps", fmt.Sprintf("the steps take %s of working time, more than %s %s allows", workingText(allocated), limit, d), nil)
			break
		}
	}
	for i, l := range p.LegalBasis {
		at := fmt.Sprintf("legalBasis[%d]", i)
		if strings.TrimSpace(l) == "" {
			bad(at, "is empty", nil)
		}
		checkText(at, l)
	}

	from, to := p.EffectiveFrom, p.EffectiveTo
	if !from.IsZero() && !from.Valid() {
		bad("effectiveFrom", fmt.Sprintf("%s is not a date", from), nil)
	}
	if !to.IsZero() && !to.Valid() {
		bad("effectiveTo", fmt.Sprintf("%s is not a date", to), nil)
	}
	if from.Valid() && to.Valid() && to.Before(from) {
		bad("effectiveTo", fmt.Sprintf("%s is before effectiveFrom %s", to, from), nil)
	}
	return errors.Join(errs...)
}

// capacity returns the most working time the limit d can hold, with
// nominalDay-long days; false for an invalid limit.
func capacity(d sla.Duration) (time.Duration, bool) {
	if d.Validate() != nil {
		return 0, false
	}
	if n, ok := d.Nominal(nominalDay); ok {
		return n, true
	}
	switch d.Unit() {
	case sla.UnitSameDay:
		return nominalDay, true
	case sla.UnitCalendarDays:
		return time.Duration(d.Count()) * nominalDay, true
	case sla.UnitMonths:
		// 100,000 months of 31 days would overflow a time.Duration.
		const month = 31 * nominalDay
		if d.Count() > math.MaxInt64/int(month) {
			return math.MaxInt64, true
		}
		return time.Duration(d.Count()) * month, true
	}
	return 0, false
}

// satAdd adds two non-negative durations, stopping at the largest one
// rather than overflowing.
func satAdd(a, b time.Duration) time.Duration {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// workingText writes an amount of working time in days and hours, such as
// "3 ngày 4 giờ làm việc".
func workingText(d time.Duration) string {
	days, hours := int(d/nominalDay), (d % nominalDay).Hours()
	h := strconv.FormatFloat(hours, 'f', -1, 64)
	switch {
	case days == 0:
		return h + " giờ làm việc"
	case hours == 0:
		return strconv.Itoa(days) + " ngày làm việc"
	}
	return strconv.Itoa(days) + " ngày " + h + " giờ làm việc"
}

// reasonOf turns an sla error into the tail of a sentence.
func reasonOf(err error) string {
	var pe *sla.ParseError
	if errors.As(err, &pe) {
		return "not a published time limit: " + pe.Reason
	}
	if errors.Is(err, sla.ErrInvalidDuration) {
		return strings.TrimPrefix(err.Error(), "sla: ")
	}
	return err.Error()
}

func indexOf(chs []Channel, ch Channel) int {
	for i, c := range chs {
		if c == ch {
			return i
		}
	}
	return -1
}

// plainNFC reports, faster than the general check, that s is certainly in
// NFC: it is made only of characters that are NFC on their own and compose
// with nothing that can follow them here, which covers precomposed
// Vietnamese. Latin up to U+02FF and Latin Extended Additional (U+1E00 to
// U+1EFF, ạ to ỹ) qualify, and so do the dashes and quotation marks of
// U+2010 to U+2027. False means "check properly", not "not NFC".
func plainNFC(s string) bool {
	for _, r := range s {
		if r >= 0x300 && (r < 0x1E00 || r > 0x1EFF) && (r < 0x2010 || r > 0x2027) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// normalize returns p with every Vietnamese text brought to NFC. Slices
// are copied, so the result shares nothing with p.
func normalize(p Procedure) Procedure {
	p = p.Clone()
	normalizeOwned(&p)
	return p
}

// normalizeOwned brings the texts of p to NFC in place, for a procedure
// whose slices nothing else holds, such as one just read from a file.
func normalizeOwned(p *Procedure) {
	nfc := func(s string) string {
		if plainNFC(s) || norm.NFC.IsNormalString(s) {
			return s
		}
		return norm.NFC.String(s)
	}
	p.Name = nfc(p.Name)
	p.Field.Name = nfc(p.Field.Name)
	p.Agency = nfc(p.Agency)
	for i := range p.Fees {
		p.Fees[i].Name = nfc(p.Fees[i].Name)
		p.Fees[i].Note = nfc(p.Fees[i].Note)
	}
	for i := range p.Documents {
		p.Documents[i].Name = nfc(p.Documents[i].Name)
	}
	for i := range p.Steps {
		p.Steps[i].Name = nfc(p.Steps[i].Name)
		p.Steps[i].Responsible = nfc(p.Steps[i].Responsible)
	}
	for i := range p.LegalBasis {
		p.LegalBasis[i] = nfc(p.LegalBasis[i])
	}
}
