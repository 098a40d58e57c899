package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/dossier"
)

// TestRulesTable reads the table of who may do what back: the issue's
// table, row by row, and its invariants.
func TestRulesTable(t *testing.T) {
	t.Parallel()
	want := map[duty]roles{
		dutyReceive: byOneStop, dutyAccept: byOneStop, dutyRefuse: byOneStop, dutySupplement: byOneStop,
		dutyPay: byOneStop, dutyReturn: byOneStop, dutyWithdraw: byOneStop, dutyPrint: byOneStop, dutyOnTheSpot: byOneStop,
		dutyTransfer: bySpecialist | byLeader, dutyRequestSupplement: bySpecialist | byLeader,
		dutyRequestPayment: bySpecialist | byLeader, dutyResolve: bySpecialist | byLeader,
		dutyReschedule: byLeader, dutyStop: byLeader,
		dutyReports: byLeader | byAdmin, dutyAccounts: byAdmin, dutyPortal: byAdmin,
	}
	require.Len(t, rules, len(want))
	for d, rs := range want {
		assert.Equal(t, rs, rules[d].roles, rules[d].text)
		assert.True(t, norm.NFC.IsNormalString(rules[d].text))
	}
	assert.Equal(t, byOneStop, rules[dutyRequestSupplement].atIntake, "a one-stop officer asks at intake")

	for d, r := range rules {
		if r.roles.has(roleSpecialist) {
			assert.True(t, r.roles.has(roleLeader), "a leader may do all a specialist may: %s", r.text)
		}
		if d != dutyReports && d != dutyAccounts && d != dutyPortal {
			assert.False(t, r.roles.has(roleAdmin), "an administrator has no dossier action: %s", r.text)
		}
	}
	// Every action of the API has its duty, and every such duty its action.
	for name := range actions {
		assert.Contains(t, actionDuties, name)
		assert.Contains(t, lifecycleKinds, name)
		assert.Contains(t, actionOrder, name)
	}
	assert.Len(t, actionDuties, len(actions))
}

var mayTests = []struct {
	name   string
	roles  roles
	duty   duty
	status dossier.Status
	want   bool
}{
	{"one-stop receives", byOneStop, dutyReceive, 0, true},
	{"specialist does not receive", bySpecialist, dutyReceive, 0, false},
	{"one-stop asks for a supplement at intake", byOneStop, dutyRequestSupplement, dossier.Received, true},
	{"one-stop not once transferred", byOneStop, dutyRequestSupplement, dossier.InProgress, false},
	{"specialist asks at intake", bySpecialist, dutyRequestSupplement, dossier.Received, true},
	{"specialist asks later", bySpecialist, dutyRequestSupplement, dossier.InProgress, true},
	{"one-stop does not transfer", byOneStop, dutyTransfer, dossier.Received, false},
	{"specialist transfers", bySpecialist, dutyTransfer, dossier.Received, true},
	{"specialist does not return", bySpecialist, dutyReturn, dossier.Resolved, false},
	{"one-stop returns", byOneStop, dutyReturn, dossier.Resolved, true},
	{"specialist does not reschedule", bySpecialist, dutyReschedule, dossier.InProgress, false},
	{"leader reschedules", byLeader, dutyReschedule, dossier.InProgress, true},
	{"leader resolves", byLeader, dutyResolve, dossier.InProgress, true},
	{"leader reads reports", byLeader, dutyReports, 0, true},
	{"specialist does not read reports", bySpecialist, dutyReports, 0, false},
	{"admin reads reports", byAdmin, dutyReports, 0, true},
	{"admin manages accounts", byAdmin, dutyAccounts, 0, true},
	{"admin does not receive", byAdmin, dutyReceive, 0, false},
	{"admin does not resolve", byAdmin, dutyResolve, dossier.InProgress, false},
	{"admin and one-stop receives", byAdmin | byOneStop, dutyReceive, 0, true},
	{"leader does not print", byLeader, dutyPrint, dossier.Received, false},
}

func TestMay(t *testing.T) {
	t.Parallel()
	for _, tt := range mayTests {
		t.Run(tt.name, func(t *testing.T) {
			o := &officer{Username: "x", Roles: tt.roles}
			assert.Equal(t, tt.want, o.may(tt.duty, tt.status))
		})
	}
}

func TestParseRoles(t *testing.T) {
	t.Parallel()
	rs, err := parseRoles(" one-stop, leader ,")
	require.NoError(t, err)
	assert.Equal(t, byOneStop|byLeader, rs)
	assert.Equal(t, "one-stop,leader", rs.keys())
	assert.Equal(t, "cán bộ một cửa, lãnh đạo", rs.String())
	for _, bad := range []string{"", ",", "boss", "one-stop,boss"} {
		_, err := parseRoles(bad)
		assert.Error(t, err, bad)
	}
}

func TestForbidden(t *testing.T) {
	t.Parallel()
	p := forbidden(&officer{Username: "an.nguyen", Roles: byOneStop}, dutyRequestSupplement)
	assert.Equal(t, 403, p.Status)
	assert.Equal(t, "Việc yêu cầu bổ sung hồ sơ dành cho chuyên viên xử lý, lãnh đạo và cán bộ một cửa (khi hồ sơ mới tiếp nhận, chưa chuyển xử lý); tài khoản an.nguyen có vai trò cán bộ một cửa.", p.Detail)
	assert.True(t, norm.NFC.IsNormalString(p.Detail))
}

func TestHolderOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Nguyễn Văn An (an.nguyen)":  "an.nguyen",
		"Phòng Kinh tế":              "",
		"Ban (Tư pháp)":              "",
		"(x)":                        "",
		"Lê (cuong.le) (giả) (le.c)": "le.c",
		"":                           "",
		"an.nguyen)":                 "",
	} {
		assert.Equal(t, want, holderOf(in), in)
	}
}

func FuzzHolderOf(f *testing.F) {
	for _, s := range []string{"Nguyễn Văn An (an.nguyen)", "(", ")", "()", "a (bcd)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if u := holderOf(s); u != "" && !validUsername(u) {
			t.Fatalf("holderOf(%q) = %q, not a username", s, u)
		}
	})
}
