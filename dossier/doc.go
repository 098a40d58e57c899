// Package dossier runs the dossiers (hồ sơ) of a one-stop desk: their codes,
// their lifecycle, the desk's actions on them and their storage.
//
// # Codes
//
// A Code is the national portal's <agency e-ID>-<yyMMdd>-<NNNN>, such as
// 000.00.01.H26-250127-0042. The date is the day the dossier was
// registered: the day of receipt at the counter, or the day an online
// dossier was filed (its code is issued then, and kept when it is accepted
// later). The sequence restarts every day for each agency and grows past
// four digits after 9999. ParseCode reads one back.
//
// # The history is the record
//
// Every change is an Event with who, when and the facts it decided: the
// appointment and the legal due time of a receipt or a reschedule, the
// step and receiver of a transfer, the reason for a supplement request, a
// refusal, a stop or a withdrawal. [Dossier.Apply] is the one state machine:
// it turns each event into the dossier's state (Status, ReceivedAt, Due,
// OriginalDue, FinishedAt, ReturnedAt, Pauses, Handovers, all methods), for
// the Service, every Store and every reader alike, and refuses an event the
// lifecycle does not allow with ErrInvalidTransition, changing nothing.
// [Dossier.AsOf] gives the dossier as it stood at any instant. A history
// holds at most MaxEvents events.
//
// Status is a state machine whose values are the portal's status codes 1 to
// 10:
//
//	submitted online ──accept──▶ received ──transfer──▶ in progress ──resolve──▶ resolved ──return──▶ returned
//	        │                       │  ▲                     │  ▲
//	        └──refuse──▶ refused ◀──┘  └───── supplement ────┘  └── pay ── awaiting payment
//	                                       awaiting supplement
//
// and, until the result is ready, withdraw (at the applicant's request) or
// stop.
//
// # The desk's service
//
// A Service takes a Store, a procedure.Catalog, an sla.Calendar, the agency
// e-ID and a clock. Receive takes a complete dossier in: it issues the code,
// starts the clock and sets the due time from the procedure version in force
// (its time limit for the dossier's channel). The other actions are Submit
// and Accept (online filing, then receipt; receipt opens the control slip,
// form 06 of Circular 03/2025/TT-VPCP, with the desk's row for the
// procedure's first step), Transfer (the next row, with that step's own due
// time), RequestSupplement and Supplement (the clock pauses, then resumes
// with the due time pushed back, or restarts, as the procedure says; a
// pause after the legal due time moves nothing), RequestPayment and Pay,
// Reschedule (a later appointment, in working time, with an apology; the
// legal due time stays), Resolve, Return, Refuse, Withdraw and Stop.
//
// Each action reads the dossier, works out its event and appends it at the
// version it read: of two officers acting at once, one succeeds and the
// other gets ErrConflict. Texts are stored in Unicode NFC, and invisible
// characters in them are refused; times are kept to the microsecond, within
// 1900–2199.
//
// # Timeliness
//
// Dossier.Timeliness judges a dossier with a result against its legal due
// time (extended by pauses); more than one supplement request makes it
// late, as the national index counts it. A dossier refused, withdrawn or
// stopped has none. Period statistics (Biểu 06) are in package report.
//
// # Stores
//
// Store is the storage interface: Create (which draws the day's number in
// the same transaction, so numbers have no gaps), Get, Append with
// optimistic concurrency, and List, an iterator ordered by receipt. A
// FactStore also keeps each dossier's Facts for reports. An Outbox also
// records, in the same transaction as each change, one entry per event for
// the national portal, which package portal delivers: leased one dossier
// at a time and in order, acknowledged, retried or buried as a dead letter
// for an officer to retry. The memstore
// package keeps dossiers in memory and sqlstore in PostgreSQL or SQLite;
// every Store must pass the storetest conformance suite.
package dossier
