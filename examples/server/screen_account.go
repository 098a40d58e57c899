package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// The account screen, /tai-khoan: an officer changes their password and
// makes or revokes their API tokens; an administrator also adds officers,
// sets their roles, resets their passwords and disables or enables them.
// A new token or password is shown once, in the answer to the form that
// made it, and never again: the server keeps only its hash.

type tokenRow struct {
	ID, Name, Created, Used string
}

type roleCheck struct {
	Key, Name string
	Checked   bool
}

type officerRow struct {
	Username, FullName, Agency string
	Roles                      string
	CentreWide, Disabled, Self bool
	RoleChecks                 []roleCheck
}

type accountData struct {
	pageBase
	Tokens         []tokenRow
	NewToken       string
	NewPassword    string
	NewPasswordFor string
	Officers       []officerRow
	Agencies       []option
	RoleChecks     []roleCheck
}

func (s *server) accountPage(w http.ResponseWriter, r *http.Request) {
	data := accountData{pageBase: s.base(r, "Tài khoản")}
	s.showAccount(w, r, http.StatusOK, &data)
}

// showAccount fills the lists of the account screen and renders it.
func (s *server) showAccount(w http.ResponseWriter, r *http.Request, status int, data *accountData) {
	o := signedIn(r).officer
	ctx := r.Context()
	toks, err := s.desk.tokens(ctx, o.Username)
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	for _, t := range toks {
		row := tokenRow{ID: t.ID, Name: t.Name, Created: dateTime(t.Created), Used: dateTime(t.Used)}
		if row.Used == "" {
			row.Used = "chưa dùng"
		}
		data.Tokens = append(data.Tokens, row)
	}
	if o.may(dutyAccounts, 0) {
		all, err := s.desk.officers(ctx)
		if err != nil {
			s.failScreen(w, r, err)
			return
		}
		for _, x := range all {
			data.Officers = append(data.Officers, officerRow{
				Username: x.Username, FullName: x.FullName, Agency: s.agencies.name(x.Agency), Roles: x.Roles.String(),
				CentreWide: x.CentreWide, Disabled: x.Disabled, Self: x.Username == o.Username, RoleChecks: roleChecks(x.Roles),
			})
		}
		for _, a := range s.agencies.all() {
			data.Agencies = append(data.Agencies, option{Value: a.ID, Text: a.Name + " (" + a.ID + ")", Selected: a.ID == o.Agency})
		}
		data.RoleChecks = roleChecks(0)
	}
	s.screen(w, r, status, s.screens.account, data)
}

func roleChecks(rs roles) []roleCheck {
	out := make([]roleCheck, len(roleNames))
	for i, n := range roleNames {
		out[i] = roleCheck{Key: n.key, Name: n.name, Checked: rs.has(n.role)}
	}
	return out
}

// accountForm answers the account screen's forms, by their field viec.
func (s *server) accountForm(w http.ResponseWriter, r *http.Request) {
	p := signedIn(r)
	o := p.officer
	ctx := r.Context()
	form := r.PostForm
	data := accountData{pageBase: s.base(r, "Tài khoản")}
	var err error
	switch viec := form.Get("viec"); viec {
	case "doi-mat-khau":
		err = s.changePassword(r, o, p.session)
		if err == nil {
			data.Notice = "Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc."
		}
	case "tao-ma":
		name := strings.Join(strings.Fields(form.Get("ten")), " ")
		if name == "" {
			name = "Mã truy cập"
		}
		if err = checkText("tên mã truy cập", name, maxTokenName); err == nil {
			data.NewToken, err = s.desk.newToken(ctx, o.Username, name, s.now())
		}
		if err == nil {
			data.Notice = "Đã tạo mã truy cập «" + name + "». Hãy chép mã dưới đây ngay: mã chỉ hiện một lần."
		}
	case "thu-hoi-ma":
		err = s.desk.revokeToken(ctx, o.Username, form.Get("ma"), s.now())
		if errors.Is(err, errNoSession) {
			err = notFound("Không có mã truy cập này trong tài khoản.")
		}
		if err == nil {
			data.Notice = "Đã thu hồi mã truy cập. Chương trình dùng mã này sẽ bị từ chối từ bây giờ."
		}
	case "them-can-bo", "dat-lai-mat-khau", "khoa", "mo-khoa", "doi-vai-tro":
		if !o.may(dutyAccounts, 0) {
			s.failScreen(w, r, forbidden(o, dutyAccounts))
			return
		}
		err = s.manageOfficer(r, o, viec, &data)
	default:
		err = invalidValue("Biểu mẫu không hợp lệ.")
	}
	if err != nil {
		pr := s.problemOf(r, err)
		data.Error = pr.Detail
		s.showAccount(w, r, pr.Status, &data)
		return
	}
	s.showAccount(w, r, http.StatusOK, &data)
}

func (s *server) changePassword(r *http.Request, o *officer, sess *session) error {
	form := r.PostForm
	old, pw := form.Get("mat-khau-cu"), form.Get("mat-khau-moi")
	if len(old) > maxPassword {
		return invalidValue("Mật khẩu hiện tại không đúng.")
	}
	ok, _, err := verifyPassword(r.Context(), o.Password, old)
	if err != nil {
		return err
	}
	if !ok {
		return invalidValue("Mật khẩu hiện tại không đúng.")
	}
	if pw != form.Get("nhap-lai") {
		return invalidValue("Hai lần nhập mật khẩu mới không khớp nhau.")
	}
	if err := checkNewPassword(o.Username, pw); err != nil {
		return err
	}
	hash, err := hashPassword(r.Context(), pw)
	if err != nil {
		return err
	}
	return s.desk.setPassword(r.Context(), o.Username, hash, sess.id)
}

// manageOfficer does an administrator's work on the accounts.
func (s *server) manageOfficer(r *http.Request, self *officer, viec string, data *accountData) error {
	ctx := r.Context()
	form := r.PostForm
	username := normUsername(form.Get("ten-dang-nhap"))
	rolesOf := func() (roles, error) {
		rs, err := parseRoles(strings.Join(form["vai-tro"], ","))
		if err != nil {
			return 0, invalidValue("Hãy chọn ít nhất một vai trò.")
		}
		return rs, nil
	}
	switch viec {
	case "them-can-bo":
		rs, err := rolesOf()
		if err != nil {
			return err
		}
		o := &officer{Username: username, FullName: form.Get("ho-ten"), Agency: form.Get("co-quan"), Roles: rs,
			CentreWide: form.Get("toan-trung-tam") != "", Created: s.now()}
		if err := checkOfficer(o, s.agencies); err != nil {
			return err
		}
		pw, err := s.setNewPassword(r, o)
		if err != nil {
			return err
		}
		if err := s.desk.addOfficer(ctx, o); errors.Is(err, errOfficerExists) {
			return conflict("officer-exists", "Tên đăng nhập đã có", fmt.Sprintf("Đã có tài khoản %s.", o.Username))
		} else if err != nil {
			return err
		}
		data.NewPassword, data.NewPasswordFor = pw, o.Username
		data.Notice = fmt.Sprintf("Đã tạo tài khoản %s. Hãy trao mật khẩu dưới đây cho cán bộ: mật khẩu chỉ hiện một lần.", o.actor())
		return nil
	}
	o, err := s.desk.officer(ctx, username)
	if errors.Is(err, errNoOfficer) {
		return notFound(fmt.Sprintf("Không có tài khoản %s.", username))
	} else if err != nil {
		return err
	}
	switch viec {
	case "dat-lai-mat-khau":
		pw, err := s.setNewPassword(r, o)
		if err != nil {
			return err
		}
		if err := s.desk.setPassword(ctx, o.Username, o.Password, ""); err != nil {
			return err
		}
		data.NewPassword, data.NewPasswordFor = pw, o.Username
		data.Notice = fmt.Sprintf("Đã đặt lại mật khẩu của %s; các phiên đăng nhập của tài khoản đã kết thúc. Mật khẩu mới chỉ hiện một lần.", o.actor())
	case "khoa", "mo-khoa":
		disable := viec == "khoa"
		if disable && o.Username == self.Username {
			return invalidValue("Không thể tự khóa tài khoản của mình.")
		}
		if err := s.desk.setDisabled(ctx, o.Username, disable); err != nil {
			return err
		}
		data.Notice = "Đã mở khóa tài khoản " + o.actor() + "."
		if disable {
			data.Notice = "Đã khóa tài khoản " + o.actor() + "; các phiên đăng nhập của tài khoản đã kết thúc."
		}
	case "doi-vai-tro":
		rs, err := rolesOf()
		if err != nil {
			return err
		}
		o.Roles, o.CentreWide = rs, form.Get("toan-trung-tam") != ""
		if o.Username == self.Username && !rs.has(roleAdmin) {
			return invalidValue("Không thể tự bỏ vai trò quản trị của mình.")
		}
		if err := checkOfficer(o, s.agencies); err != nil {
			return err
		}
		if err := s.desk.setRoles(ctx, o.Username, o.Roles, o.CentreWide); err != nil {
			return err
		}
		data.Notice = fmt.Sprintf("Đã đổi vai trò của %s: %s.", o.actor(), o.Roles)
	}
	return nil
}

// setNewPassword makes a password for o and sets its hash on o.
func (s *server) setNewPassword(r *http.Request, o *officer) (string, error) {
	pw, err := newPassword()
	if err != nil {
		return "", err
	}
	if o.Password, err = hashPassword(r.Context(), pw); err != nil {
		return "", err
	}
	return pw, nil
}
