// Command server is a one-stop desk (bộ phận một cửa) as an HTTP service,
// built only on motcua's public packages and the standard library. It
// receives dossiers, walks them through their lifecycle, lets citizens look
// them up and rate them, prints the receipt the applicant takes home, and
// reports a period the way provinces do.
//
//	go run ./examples/server
//
// listens on :8080 and keeps its data in the SQLite file motcua.db in the
// working directory, which it creates and migrates; it loads the sample
// catalogue shipped with motcua and the default working calendar.
//
// # Flags and environment
//
//	-addr ADDR          where to listen (default :8080)
//	-db DSN             sqlite:PATH (default sqlite:motcua.db), postgres://user:pass@host/db,
//	                    or memory (nothing kept after exit)
//	-catalog FILE       a procedure catalogue in the JSON format of package procedure
//	-agency E-ID        the agency e-ID dossier codes are issued under (default 000.00.01.H26)
//	-agency-name NAME   the desk's name at the head of receipts
//
// The sync to the national public service portal (see Syncing with the
// portal below):
//
//	-portal-url URL           turn the sync on: post every change to URL, with the bearer token in
//	                          MOTCUA_PORTAL_TOKEN (required with it)
//	-portal-timeout D         how long one post may take before it counts as failed (default 30s)
//	-portal-lease D           how long the changes this server takes are its own; those of a server
//	                          that died come back after it (default 5m; more than -portal-timeout)
//	-portal-backoff D         the wait before the first retry of a failed change, doubled at each
//	                          failure, with jitter (default 1s)
//	-portal-max-backoff D     the longest wait between retries (default 1024 × -portal-backoff, at most 15m)
//	-portal-attempts N        failed deliveries that make a change a dead letter (default 20)
//
// Tests set them low (a 300 ms timeout, 2 s leases, backoff from 50 ms to
// 800 ms) so that a run with faults takes seconds.
//
// MOTCUA_OFFICER_TOKEN is the officers' bearer token, at least 16
// characters. Without it the server makes a random one and logs it once,
// at start. Logs are JSON lines (log/slog) on standard error, one per
// request with its ID, which the response carries in X-Request-ID, the
// client's address, the status and an outcome: ok; client_gone, a warning
// logged with status 499, when the client closed the connection before its
// answer was out; write_timeout, an error logged with status 503, when the
// answer took longer than the 60 s the server gives it and was lost.
//
// On SIGINT or SIGTERM the server stops listening, lets the requests in
// flight finish (for up to 30 s), stops the sync (the changes it holds go
// back to the outbox), and only then closes the store.
//
// # API
//
// Requests and answers are JSON; times are RFC 3339 in Vietnam's time,
// 2025-10-06T09:00:00+07:00. Where a request takes a time, it also takes
// "2025-10-06 09:00" (ICT); a period's bounds take dates, and a date as the
// end of a period includes that day.
//
//	GET  /healthz                                  {"status":"ok"} once the store answers
//	GET  /api/v1/procedures?q=dang ky ket hon      search the catalogue, with or without diacritics
//	GET  /api/v1/procedures/{code}?at=2025-10-06   one procedure, the version in force on the date
//	GET  /api/v1/due?received=…&duration=…         the due time of a published time limit
//	POST /api/v1/dossiers                          officer: receive a dossier → 201
//	GET  /api/v1/dossiers/{code}                   officer: the whole dossier with its events
//	GET  /api/v1/dossiers?from=&to=&status=&procedure=&channel=&limit=&cursor=
//	                                               officer: a page of dossiers by time of receipt
//	POST /api/v1/dossiers/{code}/{action}          officer: transfer, request-supplement, supplement,
//	                                               request-payment, pay, reschedule, resolve, return,
//	                                               refuse, withdraw, stop
//	GET  /api/v1/public/dossiers/{code}            a citizen's lookup, the name masked
//	POST /api/v1/public/dossiers/{code}/rating     {"level":1|2|3,"comment":…} once the result is ready
//	GET  /api/v1/reports/summary?from=&to=&format=text
//	                                               officer: the period report, JSON or Vietnamese text
//	GET  /api/v1/portal/dead-letters?limit=        officer: the changes the portal kept refusing
//	POST /api/v1/portal/dead-letters/{code}/{event}/retry
//	                                               officer: send a dead letter again
//	GET  /dossiers/{code}/receipt                  officer: the printable receipt (HTML)
//	GET  /tra-cuu                                  the citizens' lookup and rating page (HTML)
//
// A dossier is received with
//
//	{"procedure": "1.001612",
//	 "applicant": {"name": "Nguyễn Văn An", "idNumber": "001099012345", "phone": "0912345678",
//	               "email": "an@example.vn", "address": "12 Hàng Bạc, Hoàn Kiếm, Hà Nội"},
//	 "channel": "direct", "returnChannel": "postal", "actor": "Trần Thị Bình"}
//
// and an action takes {"actor", "reason", "to", "due"} as it needs: transfer
// wants "to"; request-supplement, refuse and stop want "reason"; reschedule
// wants "reason" and "due", a time in working hours after the current
// appointment; withdraw and request-payment take an optional "reason"; the
// others take no field but "actor", and no body at all will do.
// A field an action does not take is an error. Without "actor", the event is
// recorded as the desk's ("Cán bộ một cửa").
//
// A status is written three ways: "status" for programs ("in-progress"),
// "statusCode" as the national portal numbers it (4) and "statusText" as it
// names it ("Đang xử lý"). The list's status filter takes either of the
// first two.
//
// The list is ordered by time of receipt, then code; "next" is an opaque
// cursor for the following page, absent on the last.
//
// The public lookup shows the code, the procedure, the status, the times of
// receipt, appointment and result, and the applicant's name with every word
// but the family name cut to its initial ("Nguyễn V. A."); never the ID
// number, phone, e-mail or address.
//
// The summary report counts the dossiers received in [from, to) and the
// ratings given in it; from defaults to 1 January of this year, to to the end
// of today. Its growth compares with the period of the same length before
// (the same number of months when the period is whole months). Its JSON
// ends with portalSynced: of the dossiers received in the period
// ("received"), how many the national portal has whole, every change
// acknowledged ("count"), and their share in percent ("share"):
// "portalSynced": {"received": 120, "count": 117, "share": 97.5}.
//
// # Syncing with the portal
//
// The store records, in the transaction of every receipt and action, one
// outbox entry per event (dossier.Outbox). With -portal-url, a
// portal.Syncer delivers them in the background: each change as the
// portal's HoSoDongBoDVC record of the dossier as it stood after the event,
// posted by portal.HTTPSender in batches, at least once and in order per
// dossier, with the key "CODE#EVENT" by which the portal knows a change it
// has already had. A post the portal refuses is split until the changes
// that fail on their own are found, and a post with no answer within
// -portal-timeout counts a failure for each of its changes; failed changes
// are retried with backoff, and after -portal-attempts failures become
// dead letters, which hold back their own dossier's later changes and no
// other's. Several servers on one
// PostgreSQL database share the work; a server killed mid-send loses
// nothing, and its changes come back after -portal-lease. Without
// -portal-url the outbox still records every change, so that the portal
// gets them all once the sync is turned on. A database from an earlier
// release starts with an empty outbox: the changes made before are taken
// as known to the portal (package sqlstore shows the SQL that queues
// them).
//
// In the officer's JSON of a dossier (GET /api/v1/dossiers/{code}), each
// event carries "portal": {"delivered": true|false, "state", "stateText",
// and for a failing change "attempts", "lastError" and "retryAt"}, where
// state is delivered (the portal has it), pending (it waits its turn or is
// being sent), retrying (it failed and is sent again at retryAt), dead (a
// dead letter) or held (it waits behind its dossier's dead letter).
//
// The dead letters are listed by dossier code, each with its key, code,
// event, attempts, last error, how many of the dossier's later changes
// wait behind it ("behind") and the path that retries it; "more" says the
// list went past limit (100 by default, at most 1,000). A retry makes the
// change ready at once with its attempts counted afresh, and answers 404
// for a change that is not a dead letter.
//
// # Errors and security
//
// Errors are application/problem+json (RFC 9457) with type, title, status,
// detail (in Vietnamese), instance and requestId: 400 for malformed JSON,
// unknown fields, invalid values, a bad code, or a query parameter that the
// route does not take, that is given twice or that does not parse (a «;»
// does not separate parameters); 401 for a missing or wrong
// token; 403 for a form posted from another site; 404; 405; 409 for an
// action the lifecycle forbids, a dossier changed by someone else in the
// meantime, a rating before the result is ready or a second rating; 413 for
// a body over 1 MiB; 415 for a body that is not JSON. A panic is logged and
// answered with a 500 that tells nothing, and the server goes on.
//
// The token is compared as a SHA-256 digest in constant time. Officer
// answers are not cached (Cache-Control: no-store). The HTML pages escape
// every value (html/template), work without JavaScript, and are sent with a
// Content-Security-Policy that allows only their own inline style sheet, by
// its hash, and forms posted to the server itself.
package main
