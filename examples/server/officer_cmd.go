package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// The first administrator, made on the first start on an empty database.
const (
	firstAdmin     = "admin"
	firstAdminName = "Quản trị hệ thống"
)

// start readies a new server's database before it serves: the work queue's
// index is brought in line with the store, and on the first start (no
// account at all) the administrator is made and its generated password
// printed once to stderr, in plain words. MOTCUA_OFFICER_TOKEN, when set,
// becomes that administrator's first API token; on any later start it is
// ignored, with a warning.
func (s *server) start(ctx context.Context, token string, stderr io.Writer) error {
	n, err := s.desk.rebuildQueue(ctx, s.store)
	if err != nil {
		return fmt.Errorf("indexing the work queue: %w", err)
	}
	if n > 0 {
		s.log.Info("work queue indexed", "rows", n)
	}
	pw, err := newPassword()
	if err != nil {
		return err
	}
	hash, err := hashPassword(ctx, pw)
	if err != nil {
		return err
	}
	now := s.now()
	adm := &officer{Username: firstAdmin, FullName: firstAdminName, Agency: s.agencies.first().ID, Roles: byAdmin, Password: hash, Created: now}
	made, err := s.desk.addFirstOfficer(ctx, adm)
	if err != nil {
		return fmt.Errorf("making the first administrator: %w", err)
	}
	if made {
		if token != "" {
			if err := s.desk.addToken(ctx, adm.Username, "MOTCUA_OFFICER_TOKEN", token, now); err != nil {
				return err
			}
		}
		fmt.Fprintf(stderr, `
First start: the administrator account was made (tài khoản quản trị).
  username: %s
  password: %s
Sign in at /dang-nhap, then change the password on the account page, /tai-khoan.
This password is shown only this once.

`, adm.Username, pw)
		s.log.Info("first administrator made", "username", adm.Username, "bootstrap_token", token != "")
		return nil
	}
	if token != "" {
		if _, err := s.desk.tokenOfficer(ctx, token, now); errors.Is(err, errNoSession) {
			s.log.Warn("MOTCUA_OFFICER_TOKEN is ignored: it becomes the administrator's token on the first start only; make tokens on the account page")
		}
	}
	return nil
}

// officerCommand runs "server officer …", which manages the accounts on the
// database of -db without the web:
//
//	officer add     -username U -name "Full Name" -roles one-stop,specialist [-agency E-ID] [-centre-wide]
//	officer passwd  -username U
//	officer disable -username U
//	officer enable  -username U
//	officer token   -username U [-name LABEL]
//	officer revoke  -username U [-id ID]
//	officer list
//
// each with -db DSN (default sqlite:motcua.db) and, for add, -agencies FILE
// to check the agency against. add and passwd print a generated password,
// or read one line from standard input with -password-stdin; token prints
// a new API token alone on standard output; revoke revokes one token of the
// officer's (by the id the account page shows) or, without -id, all.
func officerCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: server officer add|passwd|disable|enable|token|revoke|list [-db DSN] [flags]")
		return flag.ErrHelp
	}
	cmd := args[0]
	fs := flag.NewFlagSet("server officer "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", defaultDB, "database: sqlite:PATH or postgres://user:pass@host/db")
	var username, name, roleKeys, agencyID, agenciesFile string
	var centreWide, fromStdin bool
	switch cmd {
	case "add":
		fs.StringVar(&username, "username", "", "the username, such as an.nguyen")
		fs.StringVar(&name, "name", "", "the full name, such as \"Nguyễn Văn An\"")
		fs.StringVar(&roleKeys, "roles", "", "roles separated by commas: one-stop, specialist, leader, admin")
		fs.StringVar(&agencyID, "agency", "", "the officer's agency e-ID (default: the first of -agencies, or "+defaultAgency+")")
		fs.StringVar(&agenciesFile, "agencies", "", "the server's -agencies file, to check the agency against")
		fs.BoolVar(&centreWide, "centre-wide", false, "a leader who sees every agency's dossiers and reports")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input instead of generating one")
	case "passwd":
		fs.StringVar(&username, "username", "", "the username")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input instead of generating one")
	case "disable", "enable":
		fs.StringVar(&username, "username", "", "the username")
	case "token":
		fs.StringVar(&username, "username", "", "the username")
		fs.StringVar(&name, "name", "dòng lệnh", "what the token is for, shown on the account page")
	case "revoke":
		fs.StringVar(&username, "username", "", "the username")
		fs.StringVar(&name, "id", "", "the token's id, as the account page shows it (default: every token of the officer)")
	case "list":
	default:
		return fmt.Errorf("unknown command %q: want add, passwd, disable, enable, token, revoke or list", cmd)
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *db == "memory" || *db == "memory:" {
		return errors.New("-db memory keeps nothing after the server exits: use the server's sqlite:PATH or postgres:// database")
	}
	username = normUsername(username)
	if cmd != "list" && username == "" {
		return errors.New("-username is required")
	}

	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	store, err := openBackend(openCtx, *db)
	cancel()
	if err != nil {
		return err
	}
	defer store.Close()
	desk := store.Desk()
	now := time.Now()

	password := func() (string, error) {
		if !fromStdin {
			return newPassword()
		}
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		pw := strings.TrimRight(line, "\r\n")
		if err := checkNewPassword(username, pw); err != nil {
			return "", errors.New(problemDetail(err))
		}
		return pw, nil
	}
	hashed := func() (pw, hash string, err error) {
		if pw, err = password(); err != nil {
			return "", "", err
		}
		hash, err = hashPassword(ctx, pw)
		return pw, hash, err
	}
	printPassword := func(pw string) {
		if !fromStdin {
			fmt.Fprintf(stdout, "password: %s\n", pw)
		}
	}

	switch cmd {
	case "add":
		// Without -agencies, any agency e-ID will do: the server's list is
		// not known here.
		one := cmp.Or(agencyID, defaultAgency)
		agencies, err := newAgencyList([]agency{{ID: one, Name: one}})
		if agenciesFile != "" {
			agencies, err = loadAgencies(agenciesFile)
		}
		if err != nil {
			return fmt.Errorf("-agency: %w", err)
		}
		if agencyID == "" {
			agencyID = agencies.first().ID
		}
		rs, err := parseRoles(roleKeys)
		if err != nil {
			return fmt.Errorf("-roles: %w", err)
		}
		o := &officer{Username: username, FullName: name, Agency: agencyID, Roles: rs, CentreWide: centreWide, Created: now}
		if err := checkOfficer(o, agencies); err != nil {
			return errors.New(problemDetail(err))
		}
		pw, hash, err := hashed()
		if err != nil {
			return err
		}
		o.Password = hash
		if err := desk.addOfficer(ctx, o); errors.Is(err, errOfficerExists) {
			return fmt.Errorf("the username %s is taken", o.Username)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %s, %s, roles %s\n", o.actor(), o.Agency, o.Roles.keys())
		printPassword(pw)
	case "passwd":
		if _, err := desk.officer(ctx, username); err != nil {
			return noOfficer(username, err)
		}
		pw, hash, err := hashed()
		if err != nil {
			return err
		}
		if err := desk.setPassword(ctx, username, hash, ""); err != nil {
			return noOfficer(username, err)
		}
		fmt.Fprintf(stdout, "new password for %s; their sessions have ended\n", username)
		printPassword(pw)
	case "disable", "enable":
		if err := desk.setDisabled(ctx, username, cmd == "disable"); err != nil {
			return noOfficer(username, err)
		}
		if cmd == "disable" {
			fmt.Fprintf(stdout, "disabled %s; their sessions have ended and their tokens are refused\n", username)
		} else {
			fmt.Fprintf(stdout, "enabled %s\n", username)
		}
	case "token":
		if _, err := desk.officer(ctx, username); err != nil {
			return noOfficer(username, err)
		}
		tok, err := desk.newToken(ctx, username, name, now)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, tok)
	case "revoke":
		if _, err := desk.officer(ctx, username); err != nil {
			return noOfficer(username, err)
		}
		ids := []string{name}
		if name == "" {
			toks, err := desk.tokens(ctx, username)
			if err != nil {
				return err
			}
			ids = ids[:0]
			for _, t := range toks {
				ids = append(ids, t.ID)
			}
		}
		for _, id := range ids {
			if err := desk.revokeToken(ctx, username, id, now); errors.Is(err, errNoSession) {
				return fmt.Errorf("%s has no token %s", username, id)
			} else if err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "revoked %d token(s) of %s\n", len(ids), username)
	case "list":
		all, err := desk.officers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tNAME\tAGENCY\tROLES\tCENTRE-WIDE\tDISABLED")
		for _, o := range all {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", o.Username, o.FullName, o.Agency, o.Roles.keys(), yesNo(o.CentreWide), yesNo(o.Disabled))
		}
		return tw.Flush()
	}
	return nil
}

func noOfficer(username string, err error) error {
	if errors.Is(err, errNoOfficer) {
		return fmt.Errorf("no officer %s", username)
	}
	return err
}

// problemDetail is the Vietnamese detail of a problem, or the error's text.
func problemDetail(err error) string {
	var p *problem
	if errors.As(err, &p) {
		return p.Detail
	}
	return err.Error()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
