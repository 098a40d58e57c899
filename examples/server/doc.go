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
//	-public-url URL     the absolute address citizens reach /tra-cuu at, for the receipt's
//	                    QR code (default http://localhost:8080)
//	-place NAME         the place name the printed forms are dated at ("Hà Nội, ngày …");
//	                    left as dots by default
//	-trusted-proxy LIST addresses or CIDR prefixes of reverse proxies, comma-separated, whose
//	                    X-Forwarded-For (its last hop) or X-Real-IP names the client for the
//	                    rate limits; by default no header is believed
//	-max-conns N        the most connections open at once (default 900)
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
// MOTCUA_OFFICER_TOKEN, if set (at least 16 characters), becomes the first
// administrator's API token when the first start makes that account, so
// that a script can read the reports at once; on any later start it is
// ignored, with a warning, and tokens are made on the account page. Logs
// are JSON lines (log/slog) on standard error, one per request with its ID, which the response carries in X-Request-ID, the
// client's address, the status and an outcome: ok; client_gone, a warning
// logged with status 499, when the client closed the connection before its
// answer was out; write_timeout, an error logged with status 503, when the
// answer took longer than the 60 s the server gives it and was lost.
//
// On SIGINT or SIGTERM the server stops listening, lets the requests in
// flight finish (for up to 30 s), stops the sync (the changes it holds go
// back to the outbox), and only then closes the store.
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
//	go run ./examples/server officer revoke -username an.nguyen     revokes their tokens (-id ID: one)
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
// API, used with the cookie, wants a JSON body (which no other site's page
// can send) or the token in the header X-CSRF-Token. After 5
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
// The receiving form carries a key of its own (ma-gui), fresh at each
// rendering, so that a receipt sent twice (a double click, a reload) opens
// the dossier the first made rather than receiving a second (see Safe
// retries); the dossier screen's actions carry the version shown, and one
// on a dossier that changed since is refused.
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
//	GET  /healthz                                  {"status":"ok"} once the store answers a read and a write
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
//	GET  /api/v1/public/dossiers/{code}?secret=S   a citizen's lookup, with the dossier's lookup secret
//	POST /api/v1/public/dossiers/{code}/rating     {"level":1|2|3,"comment":…,"secret":S} once the result
//	                                               is ready (the secret may be ?secret=S instead)
//	GET  /api/v1/reports/summary?from=&to=&format=text&agency=
//	                                               leader, administrator: the period report, JSON or
//	                                               Vietnamese text (and statistics, late, cuts, online,
//	                                               index), limited to the leader's agency
//	GET  /api/v1/portal/dead-letters?limit=        administrator: the changes the portal kept refusing
//	POST /api/v1/portal/dead-letters/{code}/{event}/retry
//	                                               administrator: send a dead letter again
//	GET  /dossiers/{code}/receipt                  one-stop officer: the printable receipt, form 01 (HTML),
//	                                               headed by the receiving agency's name
//	GET  /ho-so/{code}/mau-01 … /mau-06            one-stop officer: the printed forms 01–06 of a dossier
//	GET  /so-theo-doi?from=&to=                    one-stop officer: form 07, the tracking book of a period
//	GET  /tra-cuu?ma=CODE&secret=S                 the citizens' lookup and rating page (HTML)
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
// appointment; request-supplement takes an optional "due" too, the time the
// applicant is asked to supplement by (after now), which the citizens'
// lookup and form 02 show; withdraw and request-payment take an optional
// "reason"; the others take no field, and no body at all will do. A field
// an action does not take is an error.
//
// A status is written three ways: "status" for programs ("in-progress"),
// "statusCode" as the national portal numbers it (4) and "statusText" as it
// names it ("Đang xử lý"). The list's status filter takes either of the
// first two.
//
// The list is ordered by time of receipt, then code; "next" is an opaque
// cursor for the following page, absent on the last.
//
// A received dossier's answer carries its "secret" and "lookupUrl" (the
// address of its lookup with both code and secret, which the receipt's QR
// code holds).
//
// # Safe retries
//
// GET /api/v1/dossiers/{code} and every action send the dossier's version,
// the number of events in its history, as ETag ("3"). An action sent with
// If-Match: "3" acts only on that version: if the dossier changed since the
// officer saw it, the answer is 412 and nothing is written. The officers'
// screens send the version they showed.
//
// POST /api/v1/dossiers and every action take an Idempotency-Key header (1–255
// visible ASCII characters, such as a UUID; bare or quoted), which is the
// officer's own. A request sent again with the same key, path, body,
// Content-Type and If-Match gets the first answer again, with
// Idempotent-Replayed: true, and no second dossier or event. The same key
// with another request is a 422; while the first request is still running,
// a retry gets 409 with Retry-After: 1. Only the answers the request itself
// decides are kept: a success, and 400, 412, 413, 415 and 422. The others
// depend on what may change before a retry (the store's health, the
// officer's roles and scope, the dossier's status) and free the key: 5xx
// (nothing was written), 401, 403, 404, 408, 409, 425 and 429. Keys live in the table desk_idempotency, so they survive a restart,
// and are kept 24 hours. A request with a key runs to its end even when its
// client goes away, and its answer is recorded on its own claim of the key
// (tried again in the background for a minute if the database refuses). A
// request that never answered (the process died during it) holds its key
// for 2 minutes, after which the key runs again: the one case in which a
// retry may act twice is a crash between the store's commit and the
// recording of its answer.
//
// # Citizens: the lookup secret
//
// Dossier codes are sequential, so the code alone opens nothing. Every
// dossier has a lookup secret (mã tra cứu): 10 characters of the alphabet
// 23456789ABCDEFGHJKMNPQRSTUVWXYZ (no 0, O, 1, I or L), about 49.5 bits,
// printed on the receipt beside a QR code of its lookup address and again
// at every reprint. Input is read in either case, with spaces or hyphens
// between groups. The secret is not stored: it is the first 64 bits of
// HMAC-SHA256, under the server's lookup key of 256 random bits, of the
// dossier's code and ID. As HMAC-SHA256 is a pseudo-random function, a
// secret cannot be told from random bits, nor derived from the code, the ID
// or other secrets, without the key; and a reprint needs no table of
// secrets, nothing is written at registration, and there is no such table
// to leak. The key is kept in the database, in the server's own table
// server_settings (name, value), made on first start; every instance on
// one database shares it, a backup keeps it, and deleting its row changes
// every secret.
//
// The public lookup, the page /tra-cuu and the rating want the code and the
// secret. A missing or wrong secret answers exactly as an unknown code does:
// 404 with the same body, byte for byte (that problem carries no instance
// and no requestId; the X-Request-ID header still names the request), the
// same headers, after the same work (one read of the store, one MAC, one
// comparison in constant time), and no sooner than 20 ms after the
// request began: reading a dossier that exists costs the store some tens
// of microseconds more than finding none, which the floor hides. A right
// lookup answers at once. A malformed code is still a 400, which tells
// nothing of any dossier.
//
// The lookup shows the code, the procedure, the status, the times of
// receipt, appointment and result, how the result will be returned
// ("returnChannel", "returnChannelText"), and what the applicant needs to
// act: "supplement" (what to bring, when it was asked and, if the officer
// gave one, by when, "by", while the dossier awaits it), "payment", "refusal", "stop" and "withdrawal" (their
// reasons), "apology" (the new appointment after a reschedule, with its
// reason and the appointment it replaced), and "next", one Vietnamese
// sentence saying what to do now, with the time to supplement by when
// there is one. A refused dossier has no appointment
// ("due" is absent), on the page and on every form. "rateable" is true once
// the result is ready and until the dossier is rated; "rated" says that it
// was. The applicant's name has every word but the family name cut to its
// initial ("Nguyễn V. A."); the ID number, phone, e-mail, address and the
// officers' names are never shown.
//
// A rating has three levels, which the page explains:
//
//	1 Rất hài lòng     clear, kind guidance; the dossier resolved on or before the appointment;
//	                   no coming back
//	2 Hài lòng         resolved, with something to improve (waiting, guidance, manners)
//	3 Không hài lòng   late, several trips, unclear guidance or poor manners
//
// # Rate limits
//
// The public routes are limited per client address (golang.org/x/time/rate
// token buckets), an IPv6 address by its /64:
//
//	lookups (API and page)   30 at once, then one every 2 s
//	failed lookups           10 at once, then one a minute: a lookup or rating whose code is
//	                         unknown or whose secret is wrong or missing; once they are spent,
//	                         every lookup and rating of the address waits, the right ones too
//	ratings                  5 at once, then one every 5 minutes
//
// Past a limit the answer is 429 with Retry-After, in seconds. A walk over
// sequential codes thus learns nothing and is answered 429 from its 11th
// failure on, then gets one try a minute. Behind a reverse proxy, start the
// server with -trusted-proxy naming it: only then is the client the last hop
// of X-Forwarded-For (or X-Real-IP). The limiter forgets an address once
// all its buckets have refilled (25 minutes idle), when it is no different
// from a new one, and keeps at most 65,536 addresses, forgetting the one seen
// longest ago (about 430 bytes each, 27 MiB at most).
//
// # Printed forms
//
// The forms of Thông tư 03/2025/TT-VPCP print from a browser (A4 portrait,
// margins 20 mm top and bottom, 30 mm left, 15 mm right, Times New Roman or
// the metric-compatible Liberation Serif or Tinos, 13 pt, in the layout of
// Nghị định 30/2020/NĐ-CP: the agency on the left with "Số: …", the
// national name and motto on the right with the place and date, the form's
// number, the signature blocks). They are a one-stop officer's, signed in
// or with a token, as the receipt is, and a dossier's forms only for an
// officer who sees the dossier; each is headed by the dossier's agency, and
// the tracking book by the officer's, with the dossiers they see.
//
//	/ho-so/{code}/mau-01   Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with the lookup secret and QR
//	/ho-so/{code}/mau-02   Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, with the latest request
//	/ho-so/{code}/mau-03   Phiếu từ chối tiếp nhận giải quyết hồ sơ, with its reasons
//	/ho-so/{code}/mau-04   Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết
//	/ho-so/{code}/mau-05   Thông báo dừng giải quyết hồ sơ (status «Dừng xử lý»)
//	/ho-so/{code}/mau-06   Phiếu kiểm soát quá trình giải quyết hồ sơ: every handover, its result
//	                       against its step's due time, and the return of the result
//	/so-theo-doi?from=&to= Sổ theo dõi hồ sơ: the dossiers received in the period (today by
//	                       default), at most 2,000
//
// Every form of a dossier answers, even before the event it records: the
// form is then printed with dots to fill in by hand, and says so on screen.
// Form 01 reprints the appointment made at receipt; a refused dossier's
// form 01 gives none. The receipt's number is the dossier's sequence of the
// day, its entry in the day's tracking book; forms 02–05 leave "Số: …" to
// the agency's register. Forms 01–05 fit one page; 06 and 07 go on over
// pages with their table header repeated, their tables set in 12 and 9 pt to
// fit the portrait page. The forms' policy allows images from data: URLs
// (img-src data:), for the QR code.
//
// # Under faults
//
// /healthz answers 503 with Retry-After unless the store answers a read and
// takes a write: an upsert of one row of server_settings, made at most once
// a second whatever the traffic. So a database that reads but cannot write
// (a read-only file, a full disk, a standby) is reported unhealthy.
//
// A request the database cannot serve now answers 503 with Retry-After: 5,
// not 500: a connection refused, lost or timed out (a net.Error,
// driver.ErrBadConn, an unexpected EOF), a closed store, PostgreSQL shutting
// down, starting, out of connections or read-only (SQLSTATE classes 08 and
// 57P, 53300, 25006), SQLite busy, read-only or full. Errors are recognised
// by their standard types and methods, without importing a driver.
//
// At most -max-conns connections (900) are open at once, well under the
// process's descriptors; at the cap a new connection closes the one idle
// longest (a keep-alive connection between requests, or one that has sent
// nothing), or, when every one is busy, is closed itself. Idle keep-alive
// connections are closed after 15 s. So idle connections, however many,
// never keep /healthz from answering.
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
// does not separate parameters), or "actor"; 401 for a missing, wrong or
// revoked token or an ended session; 403 for an action the officer's roles
// do not allow, a form posted from another site or without its CSRF token;
// 404, also for another agency's dossier; 405; 409 for an
// action the lifecycle forbids, a dossier changed by someone else in the
// meantime, a rating before the result is ready or a second rating; 413 for
// a body over 1 MiB; 415 for a body that is not JSON; 429 past a rate limit;
// 503 when the store cannot serve. A panic is logged and answered with a 500
// that tells nothing, and the server goes on.
//
// Tokens and session cookies are looked up by their SHA-256, and CSRF
// tokens compared in constant time. Officer answers are not cached
// (Cache-Control: no-store). The HTML pages escape
// every value (html/template), work without JavaScript, and are sent with a
// Content-Security-Policy that allows only their own inline style sheet, by
// its hash, forms posted to the server itself, and, on the printed forms,
// images from data: URLs.
package main
