package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/dossier/report/xlsx"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// analysisQuery reads the period of an analysis from the request, over the
// dossiers the officer may report on (reportScope).
func (s *server) analysisQuery(w http.ResponseWriter, r *http.Request) (report.Query, bool) {
	p, ok := s.period(w, r)
	if !ok {
		return report.Query{}, false
	}
	sc, ok := s.requestScope(w, r)
	if !ok {
		return report.Query{}, false
	}
	return report.Query{Store: sc.dossiers, Catalog: s.catalog, Calendar: s.cal, Period: p}, true
}

// attachment names the file a download is saved as.
func attachment(w http.ResponseWriter, r *http.Request, name string, p report.Period) {
	switch r.URL.Query().Get("format") {
	case "csv", "xlsx":
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-%s.%s"`, name,
			p.From.In(sla.ICT).Format("20060102"), p.To.In(sla.ICT).Add(-1).Format("20060102"), r.URL.Query().Get("format")))
	}
}

// indented writes v as indented JSON.
func indented(v any) func(io.Writer) error {
	return func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
}

// workbook writes Biểu 06 of the period with an analysis on a sheet of its
// own: a workbook always opens on the form.
func (s *server) workbook(r *http.Request, q report.Query, late *report.LateAnalysis, cuts []report.Cut) func(io.Writer) error {
	return func(w io.Writer) error {
		q.By = report.ByField
		st, err := report.Compute(r.Context(), q)
		if err != nil {
			return err
		}
		return xlsx.Write(w, st, late, cuts)
	}
}

// late is report.Late: the period's late dossiers by procedure, agency and
// step of the control slip.
func (s *server) late(w http.ResponseWriter, r *http.Request) {
	q, ok := s.analysisQuery(w, r)
	if !ok {
		return
	}
	a, err := report.Late(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	attachment(w, r, "ho-so-qua-han", q.Period)
	s.render(w, r, map[string]rendering{
		"json": {jsonType, indented(a)},
		"xlsx": {xlsxType, s.workbook(r, q, a, nil)},
	}, "json", "xlsx")
}

// cuts is report.Cuts: the time limits that could be cut, with their
// evidence.
func (s *server) cuts(w http.ResponseWriter, r *http.Request) {
	q, ok := s.analysisQuery(w, r)
	if !ok {
		return
	}
	cs, err := report.Cuts(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	attachment(w, r, "de-xuat-cat-giam", q.Period)
	s.render(w, r, map[string]rendering{
		"json": {jsonType, indented(cs)},
		"text": {textType, func(w io.Writer) error {
			for _, c := range cs {
				if _, err := fmt.Fprintln(w, c); err != nil {
					return err
				}
			}
			return nil
		}},
		"xlsx": {xlsxType, s.workbook(r, q, nil, cs)},
	}, "json", "text", "xlsx")
}

// online is report.Channels: the online share by service level, the postal
// shares and the procedures done on the spot.
func (s *server) online(w http.ResponseWriter, r *http.Request) {
	q, ok := s.analysisQuery(w, r)
	if !ok {
		return
	}
	c, err := report.Channels(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, map[string]rendering{"json": {jsonType, indented(c)}, "text": {textType, c.WriteText}}, "json", "text")
}

// index is report.Quality: the Decision 766/QĐ-TTg index, with the
// satisfaction share from the period's ratings. Publicity, digitisation and
// online payment are the evaluator's and are left at nothing here.
func (s *server) index(w http.ResponseWriter, r *http.Request) {
	q, ok := s.analysisQuery(w, r)
	if !ok {
		return
	}
	sc, ok := s.requestScope(w, r)
	if !ok {
		return
	}
	in := report.QualityInput{}
	for x, err := range sc.ratings.List(r.Context(), q.Period.From, q.Period.To) {
		if err != nil {
			s.fail(w, r, err)
			return
		}
		in.Satisfied.Whole++
		if x.Level != rating.Unsatisfied {
			in.Satisfied.Part++
		}
	}
	x, err := report.Quality(r.Context(), q, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, map[string]rendering{"json": {jsonType, indented(x)}, "text": {textType, x.WriteText}}, "json", "text")
}
