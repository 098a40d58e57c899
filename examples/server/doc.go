// Command server is a one-stop desk (bộ phận một cửa) as an HTTP service,
// built only on motcua's public packages and the standard library. Its
// officers sign in, each with their agency and roles, and receive dossiers,
// walk them through their lifecycle on their screens and print the receipt
// the applicant takes home; citizens look dossiers up and rate them; leaders
// read the period's reports the way provinces publish them.
//
//	go run ./examples/server
//
// listens on :8080 and keeps its data in the SQLite file motcua.db in the
// working directory, which it creates and migrates; it loads the sample
// catalogue shipped with motcua and the default working calendar. On the
// first start on an empty database it makes the administrator's account
// and prints its generated password once, in plain words, on standard
// error:
//
//	First start: the administrator account was made (tài khoản quản trị).
//	  username: admin
//	  password: k7hq-2mpz-w9xr-4tbn
//
// Sign in with it at http://localhost:8080/dang-nhap, change the password on
// the account page (/tai-khoan), and add the officers there or with the
// command line below.
//
// # Flags and environment
//
//	-addr ADDR          where to listen (default :8080)
//	-db DSN             sqlite:PATH (default sqlite:motcua.db), postgres://user:pass@host/db,
//	                    or memory (nothing kept after exit)
//	-catalog FILE       a procedure catalogue in the JSON format of package procedure
//	-agency E-ID        the one agency's e-ID, which dossier codes are issued under
//	                    (default 000.00.01.H26)
//	-agency-name NAME   its name at the head of receipts (default "Bộ phận tiếp nhận và trả kết quả")
//	-agencies FILE      the agencies a centre hosts, instead of -agency and -agency-name:
//	                    [{"id": "000.00.01.H26", "name": "Trung tâm Phục vụ hành chính công"},
//	                     {"id": "000.00.12.H26", "name": "Sở Tư pháp"}]; the first is the default
//	-behind-tls         a proxy in front serves the pages over TLS: session cookies are Secure
//
// MOTCUA_OFFICER_TOKEN, if set (at least 16 characters), becomes the first
// administrator's API token when the first start makes that account, so
// that a script can read the reports at once; on any later start it is
// ignored, with a warning, and tokens are made on the account page. Logs are JSON lines (log/slog) on standard error, one per
// request with its ID, which the response carries in X-Request-ID, the
// client's address, the status and an outcome: ok; client_gone, a warning
// logged with status 499, when the client closed the connection before its
// answer was out; write_timeout, an error logged with status 503, when the
// answer took longer than the 60 s the server gives it and was lost.
//
// On SIGINT or SIGTERM the server stops listening, lets the requests in
// flight finish (for up to 30 s), and only then closes the store.
//
// # Accounts
//
// Officers' accounts live in the server's database, SQLite or PostgreSQL,
// in tables of its own (desk_officers, desk_sessions, desk_tokens,
// desk_signin_failures, desk_queue) that migrations of its own create at
// start, each once, in one transaction; with -db memory, in an SQLite
// database in memory. Each account has a username (a–z, 0–9, '.', '_', '-'),
// a full name, an agency, roles, a password hash and a disabled flag. The
// command line manages them on the same database, without the web:
//
//	go run ./examples/server officer add -username an.nguyen -name "Nguyễn Văn An" -roles one-stop [-agency E-ID] [-centre-wide]
//	go run ./examples/server officer passwd -username an.nguyen     a new password; their sessions end
//	go run ./examples/server officer disable -username an.nguyen    their sessions end, their tokens are refused
//	go run ./examples/server officer enable -username an.nguyen
//	go run ./examples/server officer token -username an.nguyen      prints a new API token
//	go run ./examples/server officer list
//
// each with -db DSN (default sqlite:motcua.db); add takes -agencies FILE to
// check the agency against, and add and passwd print a generated password
// or read one from standard input with -password-stdin. An administrator
// does the same on the account page.
//
// Passwords are hashed with argon2id: 64 MiB of memory, one pass, two lanes,
// a 16-byte salt, a 32-byte key, in the PHC string format (a hash of other
// parameters still verifies, and is made again at the next sign-in). A new
// password has at least 10 characters.
//
// Signing in (/dang-nhap) sets a session cookie: HttpOnly, SameSite=Lax,
// Path=/, and Secure, as __Host-motcua_session, when the request came over
// TLS or -behind-tls is set. The server keeps the session (its SHA-256),
// so signing out, a new password and disabling the account end it at once;
// a session also ends after 30 minutes without a request, and 12 hours
// after sign-in. Every form that changes something carries the session's
// CSRF token in a hidden field, csrf, checked before anything else; the
// API, used with the cookie, wants it in the header X-CSRF-Token. After 5
// failed sign-ins in a row for one username (existing or not), the 5th and
// every attempt within the wait answer 429 Too Many Requests with
// Retry-After and the wait in the page, without checking the password: 1
// minute, doubled with each further failure, at most 15 minutes; a
// successful sign-in, or an hour without failures, forgets them.
//
// Programs send "Authorization: Bearer <token>" with a token made on the
// account page (or with officer token): shown once, kept as its SHA-256,
// revoked on the account page. The officer of the token or session is the
// actor of every event, written "Nguyễn Văn An (an.nguyen)"; a request that
// sends "actor" is refused with a 400 that says why.
//
// # Roles and agencies
//
// Each action is allowed to roles by one table (rules, in roles.go):
//
//	one-stop officer (cán bộ một cửa)   receive; accept or refuse an online dossier; request a
//	                                    supplement at intake (while the dossier is Received, not yet
//	                                    transferred); record a supplement, a payment, a withdrawal;
//	                                    return the result; print the receipt and the forms; receive,
//	                                    resolve and return at once a procedure done "4 tại chỗ"
//	specialist (chuyên viên xử lý)      transfer; request a supplement (at any step); request
//	                                    payment; mark the result ready
//	leader (lãnh đạo)                   all a specialist may; reschedule with an apology; stop;
//	                                    the reports of their agency
//	administrator (quản trị)            accounts; every agency's reports; no dossier action
//
// A forbidden action is a 403 problem (or page) that names who may, and its
// button is not shown. Each agency has a dossier.Service of its own, so a
// dossier's code is issued under its receiving officer's agency. An officer
// sees the dossiers of their agency (the agency of the code): lists,
// screens, the queue and reports show only those, and another agency's
// dossier is a 404, as one that does not exist. An administrator, and a
// leader whose account is centre-wide, see every agency's. A report limited
// to an agency counts the dossiers received under it and their ratings.
//
// # Screens
//
// Server-rendered HTML in Vietnamese, without JavaScript:
//
//	GET  /dang-nhap, POST /dang-nhap, POST /dang-xuat    sign in, sign out
//	GET  /?loc=&trang=&co-quan=        the work queue: the open dossiers (online filings to accept,
//	                                   dossiers being handled or paused, results to return) by legal
//	                                   due time, with the working time left ("còn 3 giờ làm việc") or
//	                                   overdue ("quá hạn 2 ngày làm việc"), 50 a page, and the count
//	                                   under each filter, loc: cua-toi (the officer holds the open
//	                                   step), den-han-hom-nay, qua-han, cho-bo-sung, cho-nop-phi
//	GET  /tiep-nhan?q=&thu-tuc=        receive: find the procedure, with or without diacritics; its
//	POST /tiep-nhan                    papers as a checklist, the applicant, the channels; a preview
//	                                   of the due time; then the receipt opens, ready to print
//	GET  /ho-so/{code}, POST           the dossier: summary, history, control slip, the actions the
//	                                   officer may take, links to the printed forms (/ho-so/{code}/mau-0N)
//	GET  /bao-cao?tu=&den=&nhom=&co-quan=   the period report and Biểu 06
//	GET  /tai-khoan, POST              password, API tokens; an administrator's accounts
//
// The queue is ordered and counted from an index the server keeps beside
// the dossiers (desk_queue), written after each of its writes and brought in
// line with the store at start; its pages read the dossiers themselves.
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
//	POST /api/v1/dossiers                          one-stop officer: receive a dossier → 201
//	GET  /api/v1/dossiers/{code}                   officer: the whole dossier with its events
//	GET  /api/v1/dossiers?from=&to=&status=&procedure=&channel=&limit=&cursor=
//	                                               officer: a page of dossiers by time of receipt
//	POST /api/v1/dossiers/{code}/{action}          officer: accept, transfer, request-supplement,
//	                                               supplement, request-payment, pay, reschedule,
//	                                               resolve, return, refuse, withdraw, stop, as the
//	                                               officer's roles allow
//	GET  /api/v1/public/dossiers/{code}            a citizen's lookup, the name masked
//	POST /api/v1/public/dossiers/{code}/rating     {"level":1|2|3,"comment":…} once the result is ready
//	GET  /api/v1/reports/summary?from=&to=&format=text&agency=
//	                                               leader, administrator: the period report, JSON or
//	                                               Vietnamese text
//	GET  /dossiers/{code}/receipt                  one-stop officer: the printable receipt (HTML),
//	                                               headed by the receiving agency's name
//	GET  /tra-cuu                                  the citizens' lookup and rating page (HTML)
//
// A dossier is received with
//
//	{"procedure": "1.001612",
//	 "applicant": {"name": "Nguyễn Văn An", "idNumber": "001099012345", "phone": "0912345678",
//	               "email": "an@example.vn", "address": "12 Hàng Bạc, Hoàn Kiếm, Hà Nội"},
//	 "channel": "direct", "returnChannel": "postal"}
//
// and an action takes {"reason", "to", "due"} as it needs: transfer wants
// "to", the receiving unit, or an officer's username, recorded as the
// officer ("Lê Văn Cường (cuong.le)") so that the dossier is in their queue;
// request-supplement, refuse and stop want "reason"; reschedule wants
// "reason" and "due", a time in working hours after the current
// appointment; withdraw and request-payment take an optional "reason"; the
// others take no field, and no body at all will do. A field an action does
// not take is an error.
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
// (the same number of months when the period is whole months).
//
// # Errors and security
//
// Errors are application/problem+json (RFC 9457) with type, title, status,
// detail (in Vietnamese), instance and requestId: 400 for malformed JSON,
// unknown fields, invalid values, a bad code, or a query parameter that the
// route does not take, that is given twice or that does not parse (a «;»
// does not separate parameters), or "actor"; 401 for a missing, wrong or
// revoked token or an ended session; 403 for an action the officer's roles
// do not allow, a form posted from another site or without its CSRF token;
// 404, also for another agency's dossier; 405; 409 for an
// action the lifecycle forbids, a dossier changed by someone else in the
// meantime, a rating before the result is ready or a second rating; 413 for
// a body over 1 MiB; 415 for a body that is not JSON. A panic is logged and
// answered with a 500 that tells nothing, and the server goes on.
//
// Tokens and session cookies are looked up by their SHA-256, and CSRF
// tokens compared in constant time. Officer answers are not cached
// (Cache-Control: no-store). The HTML pages escape
// every value (html/template), work without JavaScript, and are sent with a
// Content-Security-Policy that allows only their own inline style sheet, by
// its hash, and forms posted to the server itself.
package main
