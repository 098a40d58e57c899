// Package report computes the statutory statistics of a period: Biểu số
// 06/VPCP/KSTT of Circular 01/2020/TT-VPCP, the table of the results of
// handling administrative procedures that every agency reports each
// period, by field (lĩnh vực), by level, by procedure or by agency.
//
// # What a period counts
//
// Compute counts what happened within the period [From, To), from each
// dossier's history:
//   - carried over (kỳ trước chuyển qua): received before From and still
//     being handled at From;
//   - received in the period, online or at the counter and by post; a
//     dossier filed online before From and accepted in the period is
//     received in the period;
//   - resolved in the period (a result ready in it), judged early, on time
//     or late against the legal due time as sla.Calendar.Classify judges
//     it, a dossier with more than one supplement request being late;
//   - pending at To, in time or overdue as of To: a dossier whose clock is
//     stopped at To is in time unless its due time had passed when the
//     clock stopped;
//   - withdrawn, stopped or refused in the period, after receipt;
//   - and, outside the total, the dossiers filed online and refused before
//     receipt (không được tiếp nhận).
//
// Every dossier handled in the period is counted once, so each row
// balances: Total() == Resolved + Pending + Withdrawn + Stopped + Refused.
// A dossier whose result was ready before From is not counted, even if it
// is returned in the period.
//
// # Speed
//
// Compute reads dossier.Facts, not whole dossiers, from a Store that is a
// dossier.FactStore (memstore and sqlstore are); from any other Store it
// lists the dossiers and takes their facts.
//
// # Output
//
// A Statistics writes itself as the form: WriteText (Vietnamese, aligned,
// numbers as 51.198), WriteCSV (UTF-8 with a byte-order mark, so that
// Excel reads the Vietnamese headers), and JSON.
package report
