// Package rating measures how a one-stop desk serves citizens: their
// satisfaction ratings, the evaluation of how a dossier was handled, and
// the period report that provinces publish, with exact percentages printed
// the Vietnamese way. It builds on package dossier and imports nothing
// higher.
//
// # Satisfaction
//
// A citizen rates the handling of a dossier on three levels: VerySatisfied
// ("Rất hài lòng"), Satisfied ("Hài lòng") and Unsatisfied ("Không hài
// lòng"). A Rating names the dossier by its dossier.Code (optional: a kiosk
// may rate a visit), the level, an optional comment, when and where it was
// given. Rate takes a rating under the rules of rating, the same for every
// desk, portal and kiosk: a dossier that exists (else an error matching
// dossier.ErrNotFound), whose result is ready (Rateable; else ErrNotReady),
// rated once (else ErrDuplicate, and the first rating stays):
//
//	err := rating.Rate(ctx, svc, store, rating.Rating{Dossier: d.Code, Level: rating.VerySatisfied, At: time.Now()})
//
// It looks the dossier up with anything that has Get, such as a
// dossier.Store or a *dossier.Service, and keeps the rating in a Store.
// NewMemStore is the in-memory Store; rating/sqlrating keeps ratings in the
// SQL database beside the dossiers, and refuses a rating of a dossier it
// does not hold. Every Store must pass the ratingtest conformance suite.
// A level outside 1–3 or a rating from the future (more than ClockSkew
// ahead of the store's clock) is refused with an error matching ErrInvalid.
//
// # Exact percentages
//
// A Percent is hundredths of a percent, an integer, so nothing is lost to
// floating point. Shares splits a whole by largest-remainder rounding, so
// that the parts add up to exactly 100,00%; Ratio rounds a single figure.
// String prints with the decimal comma, using golang.org/x/text/message for
// Vietnamese:
//
//	rating.Shares(9807, 445) // 95,66%, 4,34%
//	rating.Shares(1, 1, 1)   // 33,34%, 33,33%, 33,33%: ties go to the earlier count
//
// A Tally counts ratings by level; its shares are over the ratings, not
// over the dossiers, as the provinces' reports take them.
//
// # The period report
//
// A Report holds the period's dossier counts, which are the totals of the
// statutory form Biểu 06 (report.Compute: received in the period by
// channel, resolved in it early, on time or late, pending at its end), the
// Tally of the ratings given in it and the number received in the period
// before, so the press release and the form always agree. Build makes one
// from the stores, NewReport from any sequences.
// WriteText prints it in Vietnamese as the provincial press releases do
// ("Tiếp nhận 86.964 hồ sơ … trực tiếp: 51.198 hồ sơ (58,87%)"), WriteJSON
// for machines. The command examples/report reproduces a real yearly report
// from dossiers it runs through dossier.Service.
//
// # Evaluation of handling
//
// Evaluate scores a finished dossier on the nine indicators of Decree
// 61/2018/NĐ-CP and Circular 01/2018/TT-VPCP, 2, 1 or 0 points each: the
// first three from the dossier itself (total time, time at each step of the
// control slip, the applicant's return visits), the other six from an
// Assessment. GradeOf grades the total out of 18.
package rating
