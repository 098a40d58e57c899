// Package report computes the statutory statistics of a period: Biểu số
// 06/VPCP/KSTT of Circular 01/2020/TT-VPCP, the table of the results of
// handling administrative procedures that every agency reports each
// period, by field (lĩnh vực), by level, by procedure or by agency. Its
// analyses say why dossiers were late, which time limits can be cut, how
// dossiers came in, and the service-quality index of Decision 766/QĐ-TTg.
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
// # Why dossiers are late
//
// Late takes the period's late dossiers (resolved in it and late, as
// Compute counts them) and groups them by procedure, by receiving agency
// and by step of the control slip (phiếu kiểm soát quá trình giải quyết hồ
// sơ, form 06 of Circular 03/2025/TT-VPCP). Each group has its share of
// the group's resolved dossiers and the median and 90th percentile of the
// overrun in working hours. A step is to blame when its handover came
// after its own due time; it lost the working time between the two. A late
// dossier with no late step is put, whole, on NoStep.
//
// # Time limits that can be cut
//
// Cuts compares, for each procedure with enough resolved dossiers (30 by
// default), the working time they used, pauses out, with the legal limit,
// in the limit's unit, and proposes a shorter limit where 90% of them
// finished within half of it: the 90th percentile rounded up to a whole
// day or hour. Percentiles throughout the package are nearest-rank.
//
// # Channels
//
// Channels gives the shares of the dossiers received in the period filed
// online, split by the procedure's online level (toàn trình and một phần,
// Decree 42/2022/NĐ-CP, with the old levels 4 and 3), filed by the public
// postal service (Decision 45/2016/QĐ-TTg) and returned by post, and the
// shares of the catalogue's procedures offered online or done "4 tại chỗ".
//
// # The service-quality index of Decision 766/QĐ-TTg
//
// Quality computes the index of Decision 766/QĐ-TTg (2022) with the six
// groups the national public service portal shows, 100 points: transparency
// 18, progress 20, online services 12, online payment 10, digitisation 22,
// satisfaction 18. The Decision's own text has five groups: publicity 18,
// progress 20, digitisation 22, online services 22, satisfaction 18; the
// portal splits online payment off online services. A ratio earns its
// group's points in proportion up to a threshold and full marks from it on
// (FullMarksAt, 80%, unless said otherwise):
//   - transparency: the evaluator's points for publicity (up to 12), and 6
//     for the share of dossiers synced to the national portal (an input);
//   - progress: the dossiers resolved in time plus those being handled and
//     in time at the period's end, out of all resolved or being handled in
//     the period, a dossier with more than one supplement request counting
//     as late. Withdrawn, stopped and refused dossiers have no result to be
//     timely and are left out. This is not Biểu 06's on-time rate, (early +
//     on time) ÷ resolved, which the index reports beside it as OnTimeRate;
//   - online services: the share of dossiers received online, full marks
//     from 50% (OnlineFullMarksAt);
//   - online payment: the share of dossiers paid online, an input, since
//     dossiers do not record how fees were paid;
//   - digitisation: the evaluator's points (up to 22);
//   - satisfaction: the share of ratings satisfied or very satisfied, an
//     input from the ratings' tally, full marks from 90%
//     (SatisfiedFullMarksAt).
//
// # Months
//
// ByMonth counts each calendar month of a period as Compute counts a
// period, in one pass over the facts, for the charts of package
// dossier/report/chart.
//
// # Speed
//
// Compute and the analyses read dossier.Facts, not whole dossiers, from a
// Store that is a dossier.FactStore (memstore and sqlstore are); from any
// other Store they list the dossiers and take their facts. Each makes one
// pass over the facts and looks each procedure version up in the catalogue
// once. Late then reads in full only the late dossiers, for their control
// slips, and Cuts only the dossiers that paused, for their pauses, 512 in
// each Store.List (dossier.Filter.Codes) rather than a Store.Get each. Analyze
// computes the statistics and every analysis but ByMonth in a single
// pass, for a report that shows them all.
//
// # Output
//
// A Statistics writes itself as the form: WriteText (Vietnamese, aligned,
// numbers as 51.198), WriteCSV (UTF-8 with a byte-order mark, so that
// Excel reads the Vietnamese headers), and JSON. Package
// dossier/report/xlsx writes the form and the analyses as an Excel
// workbook, package dossier/report/chart draws charts as SVG.
package report
