package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/dossier"
)

// An agency is a desk hosted by the centre: its e-ID, which the codes of
// the dossiers it receives are issued under, and its name, which heads its
// receipts.
type agency struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// An agencyList is the agencies a server hosts, in the order of the file;
// the first is the default (the first administrator's).
type agencyList struct {
	list []agency
}

func newAgencyList(as []agency) (*agencyList, error) {
	if len(as) == 0 {
		return nil, errors.New("no agency")
	}
	seen := map[string]bool{}
	l := &agencyList{}
	for i, a := range as {
		a.ID = strings.TrimSpace(a.ID)
		a.Name = norm.NFC.String(strings.Join(strings.Fields(a.Name), " "))
		switch {
		case !dossier.ValidAgency(a.ID):
			return nil, fmt.Errorf("agency %d: %q is not an agency e-ID such as 000.00.01.H26", i+1, a.ID)
		case a.Name == "":
			return nil, fmt.Errorf("agency %s: no name", a.ID)
		case checkText("name", a.Name, maxText) != nil:
			return nil, fmt.Errorf("agency %s: the name is too long or holds invisible characters", a.ID)
		case seen[a.ID]:
			return nil, fmt.Errorf("agency %s is listed twice", a.ID)
		}
		seen[a.ID] = true
		l.list = append(l.list, a)
	}
	return l, nil
}

// loadAgencies reads the file of -agencies: a JSON array of agencies,
//
//	[{"id": "000.00.01.H26", "name": "Trung tâm Phục vụ hành chính công thành phố Hà Nội"},
//	 {"id": "000.00.12.H26", "name": "Sở Tư pháp thành phố Hà Nội"}]
func loadAgencies(path string) (*agencyList, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var as []agency
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&as); err != nil {
		return nil, fmt.Errorf("-agencies %s: want a JSON array of {\"id\", \"name\"}: %w", path, err)
	}
	l, err := newAgencyList(as)
	if err != nil {
		return nil, fmt.Errorf("-agencies %s: %w", path, err)
	}
	return l, nil
}

func (l *agencyList) byID(id string) (agency, bool) {
	for _, a := range l.list {
		if a.ID == id {
			return a, true
		}
	}
	return agency{}, false
}

// first is the default agency.
func (l *agencyList) first() agency { return l.list[0] }

// all returns the agencies in the order of the file.
func (l *agencyList) all() []agency { return l.list }

// name returns the name of the agency with the e-ID, or the e-ID itself for
// one the list no longer has.
func (l *agencyList) name(id string) string {
	if a, ok := l.byID(id); ok {
		return a.Name
	}
	return id
}
