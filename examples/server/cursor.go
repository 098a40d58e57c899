package main

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// A cursor marks the last dossier of a page: the next page starts after it
// in the order Store.List yields, by time of receipt and then by code. Clients
// get it as opaque text and hand it back unchanged.
type cursor struct {
	received time.Time // zero for a dossier not yet received
	code     dossier.Code
}

const cursorVersion = "1"

func cursorAfter(d *dossier.Dossier) cursor { return cursor{received: d.ReceivedAt(), code: d.Code} }

// String writes the cursor as unpadded base64url of "1|unix nanoseconds|code".
func (c cursor) String() string {
	ns := "-"
	if !c.received.IsZero() {
		ns = strconv.FormatInt(c.received.UnixNano(), 10)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(cursorVersion + "|" + ns + "|" + c.code.String()))
}

// parseCursor reads back what String wrote; anything else is false.
func parseCursor(s string) (cursor, bool) {
	if len(s) > 200 {
		return cursor{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, false
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 3 || parts[0] != cursorVersion {
		return cursor{}, false
	}
	var c cursor
	if parts[1] != "-" {
		ns, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil || ns <= 0 {
			return cursor{}, false
		}
		c.received = time.Unix(0, ns).In(sla.ICT)
	}
	if c.code, err = dossier.ParseCode(parts[2]); err != nil || c.code.IsZero() {
		return cursor{}, false
	}
	return c, true
}

// before reports whether the cursor's dossier comes before d in List order,
// so that d belongs on the next page.
// The order is dossier.Less's: by receipt time, not yet received first,
// then by code.
func (c cursor) before(d *dossier.Dossier) bool {
	if r := d.ReceivedAt(); !c.received.Equal(r) {
		return c.received.Before(r)
	}
	return c.code.Compare(d.Code) < 0
}
