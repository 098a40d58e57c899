package dossier

import "fmt"

// A Status is where a dossier stands in its lifecycle. Its values are the
// national portal's status codes for dossiers (TrangThaiHoSo, 1 to 10), so
// Portal is the identity; the zero Status is unset.
type Status uint8

const (
	// Submitted is "Mới đăng ký": filed online and not yet checked. The clock
	// has not started.
	Submitted Status = iota + 1
	// Received is "Được tiếp nhận": a complete, valid dossier was received
	// and the clock runs.
	Received
	// Refused is "Không được tiếp nhận": refused at intake, with reasons
	// (form 03).
	Refused
	// InProgress is "Đang xử lý": being processed, passed from step to step.
	InProgress
	// AwaitingSupplement is "Yêu cầu bổ sung giấy tờ": the applicant must
	// complete the dossier (form 02); the clock is paused.
	AwaitingSupplement
	// AwaitingPayment is "Yêu cầu thực hiện nghĩa vụ tài chính": the
	// applicant must pay; the clock is paused, as the time is the
	// applicant's, not the agency's.
	AwaitingPayment
	// Withdrawn is "Công dân yêu cầu rút hồ sơ": withdrawn at the applicant's
	// request before the result was ready.
	Withdrawn
	// Stopped is "Dừng xử lý": processing stopped by the agency.
	Stopped
	// Resolved is "Đã xử lý xong": the result is ready.
	Resolved
	// Returned is "Đã trả kết quả": the result was handed to the applicant.
	Returned
)

// Portal returns the national portal's status code, 1 to 10.
func (s Status) Portal() int { return int(s) }

// String returns the portal's Vietnamese name of s.
func (s Status) String() string {
	if s.Valid() {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", s)
}

// Valid reports whether s is one of the ten statuses.
func (s Status) Valid() bool { return s >= Submitted && s <= Returned }

// Open reports whether a dossier in status s is still being handled by the
// agency: received and neither finished nor ended.
func (s Status) Open() bool {
	switch s {
	case Received, InProgress, AwaitingSupplement, AwaitingPayment:
		return true
	}
	return false
}

// Ended reports whether processing has ended in s: the first of result
// ready, returned, refused, stopped or withdrawn.
func (s Status) Ended() bool {
	switch s {
	case Refused, Withdrawn, Stopped, Resolved, Returned:
		return true
	}
	return false
}

// HasResult reports whether a dossier in status s has its result: ready or
// returned. Only such a dossier is judged early, on time or late.
func (s Status) HasResult() bool { return s == Resolved || s == Returned }

var statusNames = [...]string{
	Submitted:          "Mới đăng ký",
	Received:           "Được tiếp nhận",
	Refused:            "Không được tiếp nhận",
	InProgress:         "Đang xử lý",
	AwaitingSupplement: "Yêu cầu bổ sung giấy tờ",
	AwaitingPayment:    "Yêu cầu thực hiện nghĩa vụ tài chính",
	Withdrawn:          "Công dân yêu cầu rút hồ sơ",
	Stopped:            "Dừng xử lý",
	Resolved:           "Đã xử lý xong",
	Returned:           "Đã trả kết quả",
}

// A Kind is what an Event did.
type Kind uint8

const (
	KindSubmit            Kind = iota + 1 // filed online
	KindReceive                           // received at the desk, or accepted after online checking
	KindRefuse                            // refused at intake (form 03)
	KindTransfer                          // handed to the next step (form 06, the control slip)
	KindRequestSupplement                 // supplement requested (form 02)
	KindSupplement                        // supplement received
	KindRequestPayment                    // payment requested
	KindPay                               // payment made
	KindReschedule                        // new appointment with an apology (form 04)
	KindResolve                           // result ready
	KindReturn                            // result returned
	KindWithdraw                          // withdrawn at the applicant's request
	KindStop                              // processing stopped
)

var kindNames = [...]string{
	KindSubmit:            "nộp trực tuyến",
	KindReceive:           "tiếp nhận",
	KindRefuse:            "từ chối tiếp nhận",
	KindTransfer:          "chuyển xử lý",
	KindRequestSupplement: "yêu cầu bổ sung",
	KindSupplement:        "nhận bổ sung",
	KindRequestPayment:    "yêu cầu nộp phí",
	KindPay:               "đã nộp phí",
	KindReschedule:        "hẹn lại ngày trả",
	KindResolve:           "có kết quả",
	KindReturn:            "trả kết quả",
	KindWithdraw:          "rút hồ sơ",
	KindStop:              "dừng xử lý",
}

// String returns the Vietnamese name of k.
func (k Kind) String() string {
	if k >= KindSubmit && k <= KindStop {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// transitions is the lifecycle, in one place: for each kind of event, the
// statuses it may start from and the status it leads to. A zero To keeps the
// status (a transfer between steps, a reschedule).
var transitions = map[Kind]struct {
	from []Status
	to   Status
}{
	KindSubmit:            {[]Status{0}, Submitted}, // 0: a new dossier
	KindReceive:           {[]Status{0, Submitted}, Received},
	KindRefuse:            {[]Status{Submitted, Received}, Refused},
	KindTransfer:          {[]Status{Received, InProgress}, InProgress},
	KindRequestSupplement: {[]Status{Received, InProgress}, AwaitingSupplement},
	KindSupplement:        {[]Status{AwaitingSupplement}, InProgress},
	KindRequestPayment:    {[]Status{Received, InProgress}, AwaitingPayment},
	KindPay:               {[]Status{AwaitingPayment}, InProgress},
	KindReschedule:        {[]Status{Received, InProgress, AwaitingSupplement, AwaitingPayment}, 0},
	KindResolve:           {[]Status{Received, InProgress}, Resolved},
	KindReturn:            {[]Status{Resolved}, Returned},
	// Withdrawal is possible until the result is ready.
	KindWithdraw: {[]Status{Submitted, Received, InProgress, AwaitingSupplement, AwaitingPayment}, Withdrawn},
	KindStop:     {[]Status{Received, InProgress, AwaitingSupplement, AwaitingPayment}, Stopped},
}

// next returns the status that an event of kind k leads to from status s, or
// a *TransitionError when the lifecycle does not allow it.
func next(s Status, k Kind) (Status, error) {
	t, ok := transitions[k]
	if ok {
		for _, from := range t.from {
			if from == s {
				if t.to == 0 {
					return s, nil
				}
				return t.to, nil
			}
		}
	}
	return 0, &TransitionError{From: s, To: t.to, Kind: k}
}

// A TransitionError reports an event the lifecycle does not allow. It
// matches ErrInvalidTransition.
type TransitionError struct {
	From, To Status
	Kind     Kind
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("dossier: invalid transition: cannot %s a dossier that is %s", verbs[e.Kind], english(e.From))
}

// Is makes a *TransitionError match ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// verbs and english name events and statuses in error messages, which are
// in English like every error of the library.
var verbs = map[Kind]string{
	KindSubmit:            "submit",
	KindReceive:           "receive",
	KindRefuse:            "refuse",
	KindTransfer:          "transfer",
	KindRequestSupplement: "request a supplement for",
	KindSupplement:        "supplement",
	KindRequestPayment:    "request payment for",
	KindPay:               "record a payment for",
	KindReschedule:        "reschedule",
	KindResolve:           "resolve",
	KindReturn:            "return",
	KindWithdraw:          "withdraw",
	KindStop:              "stop",
}

func english(s Status) string {
	switch s {
	case 0:
		return "new"
	case Submitted:
		return "submitted"
	case Received:
		return "received"
	case Refused:
		return "refused"
	case InProgress:
		return "in progress"
	case AwaitingSupplement:
		return "awaiting supplement"
	case AwaitingPayment:
		return "awaiting payment"
	case Withdrawn:
		return "withdrawn"
	case Stopped:
		return "stopped"
	case Resolved:
		return "resolved"
	case Returned:
		return "returned"
	}
	return s.String()
}
