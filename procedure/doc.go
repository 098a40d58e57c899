// Package procedure is the catalogue of administrative procedures (thủ tục
// hành chính) that a one-stop desk offers: what each procedure is called,
// who resolves it, how long that may take, the channels a citizen may use,
// what it costs, which papers make a dossier and how the work is split into
// steps. Procedures are amended over time, so the catalogue keeps versions
// and a dossier keeps the version in force on the day it was received.
//
// # Procedures
//
// A Procedure is one version of a procedure of the national database,
// named by its national code ("1.001193", optionally with a provincial
// suffix such as "1.000948.H38"). Its processing time is an sla.Duration
// written as published ("15 ngày làm việc", "trong ngày, sau 15 giờ chuyển
// sang ngày làm việc tiếp theo"), so a dossier's due date comes from
// sla.Calendar.Due:
//
//	p, err := cat.Lookup("1.001193", received)
//	due, err := cal.Due(received, p.DurationFor(procedure.Online))
//
// Channels use the national portal's numbers: Direct (1), Online (2) and
// Postal (3, the public postal service). OnlineLevel is the level of the
// online service under Decree 42/2022/NĐ-CP, with Legacy giving the levels
// 1–4 of old reports. The portal publishes a processing time per channel,
// so a procedure may have its own limit for one channel
// ([Procedure.DirectDuration], [Procedure.OnlineDuration],
// [Procedure.PostalDuration]), and a fee may apply to one channel only
// ([Fee.Channel]). A supplement request pauses the clock (PauseClock, the
// default) unless the procedure opts in to RestartClock.
//
// # Catalogues
//
// A Catalog is built by NewCatalog from values or by Load from a file, is
// immutable and safe for concurrent use. Lookup finds the version in force
// on a date (ICT) without allocating; Versions and All list them; Search
// finds procedures by Vietnamese text with or without diacritics:
//
//	cat.Search("dang ky ket hon") // Thủ tục đăng ký kết hôn, then the rest
//
// Sample returns the catalogue that ships with motcua: 22 versions of 20
// real procedures from the national portal.
//
// # Validation
//
// Procedure.Validate checks one version; NewCatalog and Load check every
// version and that the versions of a code do not overlap in time. Each
// problem is a *ValidationError naming the procedure (its position and
// code) and the field, such as "steps[2].duration"; all of them match
// ErrInvalid with errors.Is. A catalogue with any problem is not built.
// Texts are brought to Unicode NFC on loading, since text pasted from
// documents often arrives decomposed; Validate reports text that is not NFC
// in a Procedure built in code.
//
// # File format
//
// A catalogue file is a JSON object with a list of sources and a list of
// procedures, one element per version. Unknown fields are an error. (The
// comments below explain the fields; they are not part of the format.)
//
//	{
//	  "sources": [
//	    {"title": "Cổng Dịch vụ công quốc gia", "url": "https://dichvucong.gov.vn/…", "note": "what was taken from it"}
//	  ],
//	  "procedures": [
//	    {
//	      "code": "1.001612",                       // required: national code
//	      "name": "Đăng ký thành lập hộ kinh doanh", // required: NFC, with diacritics
//	      "field": {"code": "", "name": "…"},       // required name; code optional
//	      "level": "commune",                       // province | district | commune
//	      "agency": "Cơ quan đăng ký kinh doanh cấp xã",
//	      "duration": "03 ngày làm việc",           // required: published text
//	      "directDuration": "02 ngày làm việc",     // optional: a channel's own limit,
//	      "onlineDuration": "02 ngày làm việc",     // where it differs from duration
//	      "postalDuration": "05 ngày làm việc",
//	      "supplement": "restart",                  // optional: pause (default) | restart
//	      "channels": ["direct", "online", "postal"],
//	      "onlineLevel": "partial",                 // none (default) | partial | full
//	      "onTheSpot": false,                       // "4 tại chỗ"
//	      "fees": [{"name": "Lệ phí …", "amount": 50000, "collected": "receipt",
//	                "channel": "direct", "note": "…"}], // collected: receipt (default) | return; channel optional
//	      "documents": [{"name": "…", "originals": 1, "copies": 0, "mandatory": true}],
//	      "steps": [{"name": "…", "responsible": "…", "duration": "04 giờ làm việc"}],
//	      "legalBasis": ["Nghị định số 168/2025/NĐ-CP"],
//	      "effectiveFrom": "2025-07-01",            // optional, inclusive
//	      "effectiveTo": "2025-06-30"               // optional, inclusive last day
//	    }
//	  ]
//	}
//
// The national portal publishes a processing time per channel: duration is
// the one of every channel that has none of its own, and directDuration,
// onlineDuration and postalDuration override it for one channel, shorter or
// longer ([Procedure.DurationFor]). Files written before the direct and postal
// fields existed load unchanged: onlineDuration keeps its meaning.
//
// Processing times are read by sla.ParseDuration and written back by
// sla.Duration.String, so "15 ngay lam viec" loads and is written as
// "15 ngày làm việc". Enumerations are written as the English words above
// rather than the portal's numbers, so that a file reads without a table.
// WriteJSON writes this format, sorted by code and date, and Load reads
// back an equal catalogue.
package procedure
