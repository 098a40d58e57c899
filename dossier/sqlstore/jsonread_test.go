package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// The columns as the dialects write them: encoding/json's compact form
// (SQLite keeps it as written; its json_array writes the events) and
// PostgreSQL's jsonb, with a space after ':' and ',' and keys reordered.
var jsonSeeds = []string{
	`{"name":"Nguyễn Văn An","idNumber":"001099000123","phone":"0912345678"}`,
	`{"name": "Nguyễn \"An\"\\ \n", "email": "an@example.vn", "address": "12 Lý Thường Kiệt"}`,
	`[[1,1740963600123456,2,"cán bộ A",0,2,0,"","","Tiếp nhận",1740970800000000,1741150800000000,1741150800000000,"2024-07-01","03 ngày làm việc",1,null],` +
		`[2,1740963600123457,5,"B",2,5,1500,"thiếu bản sao \"giấy khai sinh\"","","",null,null,null,null,"",0,1741582800000000]]`,
	`[[1, -1000000, 1, "x", 0, 1, 0, "y", "z", "", null, null, null, null, "", 0, null]]`,
	`[[1,1,4,"",2,4,0,"","\u0022Phòng\u0022 \ud83d\ude00","",null,null,null,null,"",0,null]]`,
	`[[1,-9223372036854775808,1,"",0,1,9223372036854775807,"","","",null,null,null,null,"",0,null]]`,
	`[[1,99999999999999999999,1,"",0,1,0,"","","",null,null,null,null,"",0,null]]`,
	`[]`, `{}`, `null`, `[[01,1,1,"",0,1,0,"","","",null,null,null,null,"",0,null]]`, `[[1,1,1,"",0,1,0,"","","",null,null,null,null,"",0,7,null]]`,
	`[[1,null,1,"",0,1,0,"","","",null,null,null,null,"",0,null]]`, `[[1,1,1,"",0,1,0,"","","",null,null,null,"2024-07-01","",null,null]]`,
	`{"Name":"case"}`, `{"name":"\a"}`, "{\"name\":\"\xff\"}",
}

// The fast readers agree with encoding/json whenever they accept the input;
// what they do not accept goes to encoding/json anyway.
func FuzzJSONReaders(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		agree(t, b, readApplicant)
		agree(t, b, readEvents)
	})
}

func TestJSONReaders(t *testing.T) {
	t.Parallel()
	for _, s := range jsonSeeds {
		agree(t, []byte(s), readApplicant)
		agree(t, []byte(s), readEvents)
	}
	// The store's own columns take the fast path.
	for _, s := range jsonSeeds[:4] {
		b := []byte(s)
		fast := func(read func(*jsonReader) error) bool {
			r := &jsonReader{b: b}
			return read(r) == nil && r.end() == nil
		}
		var (
			a  dossier.Applicant
			es []eventRow
		)
		assert.True(t, fast(func(r *jsonReader) error { return readApplicant(r, &a) }) ||
			fast(func(r *jsonReader) error { return readEvents(r, &es) }), s)
	}
}

func agree[T any](t *testing.T, b []byte, read func(*jsonReader, *T) error) {
	t.Helper()
	var fast T
	r := &jsonReader{b: b}
	if read(r, &fast) != nil || r.end() != nil {
		return
	}
	var slow T
	require.NoError(t, json.Unmarshal(b, &slow), "the fast reader took %q", b)
	if v := reflect.ValueOf(slow); v.Kind() == reflect.Slice && v.Len() == 0 && reflect.ValueOf(fast).Len() == 0 {
		return // nil or empty: the callers treat both as none
	}
	assert.Equal(t, slow, fast, "%q", b)
}

// The JSON that each dialect gives back for a stored dossier takes the fast
// path: a change of either that sent it to encoding/json would only slow
// List down, so a test has to notice it.
func TestJSONReadersTakeTheDatabasesJSON(t *testing.T) {
	t.Parallel()
	dsns := map[string]string{"SQLite": "sqlite:" + t.TempDir() + "/j.db"}
	if dsn := os.Getenv("MOTCUA_TEST_POSTGRES"); dsn != "" {
		dsns["PostgreSQL"] = dsn
	}
	for name, dsn := range dsns {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, dsn)
			require.NoError(t, err)
			defer s.Close()
			if s.dialect == PostgreSQL {
				// A schema of its own, on one connection.
				s.db.SetMaxOpenConns(1)
				schema := fmt.Sprintf("sqlstore_json_%d", time.Now().UnixNano())
				_, err := s.db.Exec(`CREATE SCHEMA ` + schema + `; SET search_path = ` + schema)
				require.NoError(t, err)
				defer s.db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			}
			require.NoError(t, s.Migrate(ctx))
			at := time.Date(2025, 3, 3, 8, 0, 0, 0, sla.ICT)
			d := &dossier.Dossier{
				ID: uuid.Must(uuid.NewV7()), Code: dossier.Code{Agency: "000.00.01.H26", Date: sla.DateOf(at)},
				Applicant: dossier.Applicant{Name: `Nguyễn "An"`, IDNumber: "001099000123", Phone: "0912", Email: "a@b.vn", Address: "Hà Nội", Organisation: "UBND"},
			}
			due := at.Add(72 * time.Hour)
			for _, e := range []dossier.Event{
				{At: at, Kind: dossier.KindReceive, Actor: "một cửa", Reason: "dòng 1\ndòng \"2\"\t\\", Step: "Tiếp nhận", StepDue: at.Add(time.Hour),
					Due: due, LegalDue: due, ProcedureVersion: sla.Date{Year: 2024, Month: 7, Day: 1}, Limit: sla.WorkingDays(3), Regime: procedure.RestartClock},
				{At: at.Add(time.Minute), Kind: dossier.KindTransfer, Actor: "một cửa", Receiver: "Phòng Tư pháp", ClockSkew: time.Second},
				{At: at.Add(time.Hour), Kind: dossier.KindRequestSupplement, Actor: "B", Reason: "thiếu giấy tờ", SupplementBy: at.Add(7 * 24 * time.Hour)},
			} {
				require.NoError(t, d.Apply(e))
			}
			require.NoError(t, s.Create(ctx, d))
			var applicant, events []byte
			require.NoError(t, s.db.QueryRow(`SELECT applicant, events FROM (`+s.q.selectDossier+`) x`).Scan(&applicant, &events))
			fast := func(b []byte, read func(*jsonReader) error) {
				r := &jsonReader{b: b}
				assert.True(t, read(r) == nil && r.end() == nil, "%s", b)
			}
			fast(applicant, func(r *jsonReader) error { var a dossier.Applicant; return readApplicant(r, &a) })
			fast(events, func(r *jsonReader) error { var v []eventRow; return readEvents(r, &v) })
		})
	}
}
