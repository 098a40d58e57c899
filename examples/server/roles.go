package main

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/motcua/motcua/dossier"
)

// A role is a duty an officer has at the desk. An officer holds one or more.
type role uint8

const (
	// roleOneStop is "cán bộ một cửa": the counter, where dossiers come in
	// and results go out.
	roleOneStop role = 1 << iota
	// roleSpecialist is "chuyên viên xử lý": handles the steps after the
	// counter.
	roleSpecialist
	// roleLeader is "lãnh đạo": a specialist who also decides on delays and
	// stops, and reads the reports.
	roleLeader
	// roleAdmin is "quản trị": the accounts, and every agency's reports;
	// no action on a dossier unless the officer holds another role too.
	roleAdmin
)

// roleNames are the roles in the order they are listed, with the keys the
// command line and the database use and their Vietnamese names.
var roleNames = []struct {
	role role
	key  string
	name string
}{
	{roleOneStop, "one-stop", "cán bộ một cửa"},
	{roleSpecialist, "specialist", "chuyên viên xử lý"},
	{roleLeader, "leader", "lãnh đạo"},
	{roleAdmin, "admin", "quản trị"},
}

// roles is a set of roles.
type roles uint8

func (rs roles) has(r role) bool { return rs&roles(r) != 0 }

// keys writes the set as the database keeps it: "one-stop,specialist".
func (rs roles) keys() string {
	var out []string
	for _, n := range roleNames {
		if rs.has(n.role) {
			out = append(out, n.key)
		}
	}
	return strings.Join(out, ",")
}

// String names the roles in Vietnamese: "cán bộ một cửa, lãnh đạo".
func (rs roles) String() string {
	var out []string
	for _, n := range roleNames {
		if rs.has(n.role) {
			out = append(out, n.name)
		}
	}
	if len(out) == 0 {
		return "không có vai trò"
	}
	return strings.Join(out, ", ")
}

// parseRoles reads role keys separated by commas. An empty list is an error:
// an account with no role could only sign in and look.
func parseRoles(s string) (roles, error) {
	var rs roles
	for k := range strings.SplitSeq(s, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		found := false
		for _, n := range roleNames {
			if n.key == k {
				rs |= roles(n.role)
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown role %q: the roles are one-stop, specialist, leader and admin", k)
		}
	}
	if rs == 0 {
		return 0, fmt.Errorf("no role: give one or more of one-stop, specialist, leader and admin")
	}
	return rs, nil
}

// A duty is something an officer may be allowed to do: an action of the
// lifecycle on a dossier, or a part of the desk.
type duty uint8

const (
	dutyReceive duty = iota + 1
	dutyAccept
	dutyRefuse
	dutyRequestSupplement
	dutySupplement
	dutyPay
	dutyReturn
	dutyWithdraw
	dutyPrint
	dutyOnTheSpot
	dutyTransfer
	dutyRequestPayment
	dutyResolve
	dutyReschedule
	dutyStop
	dutyReports
	dutyAccounts
	dutyPortal
)

const (
	byOneStop    = roles(roleOneStop)
	bySpecialist = roles(roleSpecialist)
	byLeader     = roles(roleLeader)
	byAdmin      = roles(roleAdmin)
)

// A rule says who may do a duty: the roles that may always (as the
// lifecycle allows), and the roles that may only at intake, while the
// dossier is Received and not yet transferred.
type rule struct {
	text     string // what the duty is, in Vietnamese, for buttons and refusals
	roles    roles
	atIntake roles
}

// rules is who may do what at the desk. It is the one place that says so:
// handlers ask it (officer.may), pages show only the buttons it allows,
// and a test reads it back.
//
//	duty                 one-stop  specialist  leader  admin
//	receive                 ✓
//	accept (online)         ✓
//	refuse                  ✓
//	request-supplement   at intake     ✓          ✓
//	supplement              ✓
//	pay                     ✓
//	return                  ✓
//	withdraw                ✓
//	print (receipt, forms)  ✓
//	on the spot ("4 tại chỗ": receive, resolve and return at the desk)
//	                        ✓
//	transfer                           ✓          ✓
//	request-payment                    ✓          ✓
//	resolve                            ✓          ✓
//	reschedule                                    ✓
//	stop                                          ✓
//	reports (own agency)                          ✓       ✓ (every agency)
//	accounts                                              ✓
//	the portal's dead letters                             ✓
//
// A supplement request "at intake" is the counter's: a one-stop officer may
// ask for what is missing while the dossier is Received, before anyone has
// transferred it; once it is with the specialists (In progress), only they
// and leaders may. A leader may do everything a specialist may.
//
// Which dossiers an officer sees is the other half (officer.sees): those
// of the officer's agency, or every agency's for an administrator and a
// centre-wide leader.
var rules = map[duty]rule{
	dutyReceive:           {text: "tiếp nhận hồ sơ", roles: byOneStop},
	dutyAccept:            {text: "tiếp nhận hồ sơ trực tuyến", roles: byOneStop},
	dutyRefuse:            {text: "từ chối tiếp nhận hồ sơ", roles: byOneStop},
	dutyRequestSupplement: {text: "yêu cầu bổ sung hồ sơ", roles: bySpecialist | byLeader, atIntake: byOneStop},
	dutySupplement:        {text: "ghi nhận hồ sơ đã bổ sung", roles: byOneStop},
	dutyPay:               {text: "ghi nhận đã nộp phí, lệ phí", roles: byOneStop},
	dutyReturn:            {text: "trả kết quả", roles: byOneStop},
	dutyWithdraw:          {text: "ghi nhận rút hồ sơ", roles: byOneStop},
	dutyPrint:             {text: "in giấy tiếp nhận và các biểu mẫu", roles: byOneStop},
	dutyOnTheSpot:         {text: "giải quyết và trả kết quả tại chỗ", roles: byOneStop},
	dutyTransfer:          {text: "chuyển bước xử lý", roles: bySpecialist | byLeader},
	dutyRequestPayment:    {text: "yêu cầu thực hiện nghĩa vụ tài chính", roles: bySpecialist | byLeader},
	dutyResolve:           {text: "ghi nhận đã có kết quả", roles: bySpecialist | byLeader},
	dutyReschedule:        {text: "gia hạn, hẹn lại ngày trả kết quả", roles: byLeader},
	dutyStop:              {text: "dừng xử lý hồ sơ", roles: byLeader},
	dutyReports:           {text: "xem báo cáo", roles: byLeader | byAdmin},
	dutyAccounts:          {text: "quản lý tài khoản", roles: byAdmin},
	// The sync to the national portal is the system's work: looking at the
	// changes the portal kept refusing, and sending them again.
	dutyPortal: {text: "xử lý các thay đổi Cổng dịch vụ công từ chối", roles: byAdmin},
}

// actionDuties is the duty of each action of the API
// (POST /api/v1/dossiers/{code}/{action}) and of the dossier page.
var actionDuties = map[string]duty{
	"accept":             dutyAccept,
	"refuse":             dutyRefuse,
	"request-supplement": dutyRequestSupplement,
	"supplement":         dutySupplement,
	"pay":                dutyPay,
	"return":             dutyReturn,
	"withdraw":           dutyWithdraw,
	"transfer":           dutyTransfer,
	"request-payment":    dutyRequestPayment,
	"resolve":            dutyResolve,
	"reschedule":         dutyReschedule,
	"stop":               dutyStop,
}

// may reports whether the officer may do the duty to a dossier in status st
// (zero for a duty that concerns no dossier).
func (o *officer) may(d duty, st dossier.Status) bool {
	r := rules[d]
	return o.Roles&r.roles != 0 || st == dossier.Received && o.Roles&r.atIntake != 0
}

// forbidden is the 403 for a duty the officer may not do.
func forbidden(o *officer, d duty) *problem {
	r := rules[d]
	var who []string
	if r.roles != 0 {
		who = append(who, r.roles.String())
	}
	if r.atIntake != 0 {
		who = append(who, r.atIntake.String()+" (khi hồ sơ mới tiếp nhận, chưa chuyển xử lý)")
	}
	return &problem{
		Type: problemType("forbidden"), Title: "Không được phép", Status: http.StatusForbidden,
		Detail: fmt.Sprintf("Việc %s dành cho %s; tài khoản %s có vai trò %s.",
			r.text, strings.Join(who, " và "), o.Username, o.Roles),
	}
}
