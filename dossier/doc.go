// Package dossier runs the dossiers (hồ sơ) of a one-stop desk: their codes,
// their lifecycle, the desk's actions on them and their storage.
//
// # Codes
//
// A Code is the national portal's <agency e-ID>-<yyMMdd>-<NNNN>, such as
// 000.00.01.H26-250127-0042; the sequence restarts every day for each agency
// and grows past four digits after 9999. ParseCode reads one back.
//
// # Lifecycle
//
// Status is a state machine whose values are the portal's status codes 1 to
// 10. Its transitions are one table (see transitions in status.go):
//
//	submitted online ──accept──▶ received ──transfer──▶ in progress ──resolve──▶ resolved ──return──▶ returned
//	        │                       │  ▲                     │  ▲
//	        └──refuse──▶ refused ◀──┘  └───── supplement ────┘  └── pay ── awaiting payment
//	                                       awaiting supplement
//
// and, until the result is ready, withdraw (at the applicant's request) or
// stop. Every change appends an Event with who, when and why; events are
// never rewritten. An action the lifecycle forbids returns an error matching
// ErrInvalidTransition and changes nothing.
//
// # The desk's service
//
// A Service takes a Store, a procedure.Catalog, an sla.Calendar, the agency
// e-ID and a clock. Receive takes a complete dossier in: it issues the code,
// starts the clock and sets the due time from the procedure version in force
// (its online processing time for online dossiers). The other actions are
// Submit and Accept (online filing, then receipt; receipt opens the control
// slip, form 05, with the desk's row for the procedure's first step),
// Transfer (the next row, with that step's own due time), RequestSupplement and
// Supplement (the clock pauses, then resumes with the due time pushed back,
// or restarts, as the procedure says), RequestPayment and Pay, Reschedule
// (a later appointment with an apology; the original due time stays),
// Resolve, Return, Refuse, Withdraw and Stop.
//
// Each action reads the dossier, checks it, and writes it back only if no
// one else wrote it in between: of two officers acting at once, one succeeds
// and the other gets ErrConflict.
//
// # Timeliness and summaries
//
// Dossier.Timeliness judges a finished dossier against its original due time
// (extended by pauses); more than one supplement request makes it late, as
// the national index counts it. Summarize counts a period's dossiers the way
// provinces report them.
//
// # Stores
//
// Store is the storage interface: Create, Get, Update with optimistic
// concurrency, List (an iterator, ordered by receipt) and NextSequence. The
// memstore package keeps dossiers in memory; every Store must pass the
// storetest conformance suite.
package dossier
