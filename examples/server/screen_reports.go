package main

import (
	"bytes"
	"net/http"
	"time"

	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

// The reports screen, /bao-cao: the period report (rating.Build, as the
// press release reads) and Biểu số 06 (report.Compute) for a period and a
// grouping chosen in a form. A leader sees their own agency's dossiers; an
// administrator or a centre-wide leader every agency's, or one agency's
// chosen in the form. One agency's reports count the dossiers whose code
// is issued under it (the receiving agency) and the ratings of those
// dossiers (see reportScope).

type headCell struct {
	Text string
	Span int
}

type reportRow struct {
	Name   string
	Values []string
}

type reportsData struct {
	pageBase
	From, To  string
	By        []option
	Agencies  []option
	Scope     string
	Summary   string
	RowHeader string
	Groups    []headCell
	Heads     []string
	Rows      []reportRow
	Total     reportRow
}

var groupings = []struct {
	by   report.GroupBy
	key  string
	text string
}{
	{report.ByField, "field", "Theo lĩnh vực"},
	{report.ByLevel, "level", "Theo cấp"},
	{report.ByProcedure, "procedure", "Theo thủ tục"},
	{report.ByAgency, "agency", "Theo cơ quan"},
}

// reportsPage answers GET /bao-cao?tu=&den=&nhom=&co-quan=. The period
// defaults to this month so far.
func (s *server) reportsPage(w http.ResponseWriter, r *http.Request) {
	o := signedIn(r).officer
	q := r.URL.Query()
	data := reportsData{pageBase: s.base(r, "Báo cáo")}
	now := s.now().In(sla.ICT)
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, sla.ICT)
	to := sla.DateOf(now).AddDays(1).At(0, 0)
	var err error
	if v := q.Get("tu"); v != "" {
		if from, err = parseBound(v, false); err != nil {
			s.failScreen(w, r, invalidValue("Không đọc được ngày đầu kỳ (tu): hãy chọn một ngày."))
			return
		}
	}
	if v := q.Get("den"); v != "" {
		if to, err = parseBound(v, true); err != nil {
			s.failScreen(w, r, invalidValue("Không đọc được ngày cuối kỳ (den): hãy chọn một ngày."))
			return
		}
	}
	if !to.After(from) {
		s.failScreen(w, r, invalidValue("Ngày cuối kỳ phải không trước ngày đầu kỳ."))
		return
	}
	data.From, data.To = from.Format("2006-01-02"), to.Add(-time.Nanosecond).Format("2006-01-02")
	by, byKey := report.ByField, q.Get("nhom")
	found := byKey == ""
	for _, g := range groupings {
		if g.key == byKey {
			by, found = g.by, true
		}
		data.By = append(data.By, option{Value: g.key, Text: g.text, Selected: g.by == by})
	}
	if !found {
		s.failScreen(w, r, invalidValue("Cách nhóm (nhom) phải là field, level, procedure hoặc agency."))
		return
	}
	sc, err := s.reportScope(o, q.Get("co-quan"))
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	if o.seesAll() {
		data.Agencies = append(data.Agencies, option{Value: "", Text: "Toàn trung tâm", Selected: sc.agency == ""})
		for _, a := range s.agencies.all() {
			data.Agencies = append(data.Agencies, option{Value: a.ID, Text: a.Name, Selected: a.ID == sc.agency})
		}
	}
	data.Scope = "Toàn trung tâm (mọi cơ quan)"
	if sc.agency != "" {
		data.Scope = s.agencies.name(sc.agency)
	}

	ctx := r.Context()
	rep, err := rating.Build(ctx, s.cal, sc.dossiers, sc.ratings, from, to, s.now())
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		s.failScreen(w, r, err)
		return
	}
	data.Summary = buf.String()

	st, err := report.Compute(ctx, report.Query{Store: sc.dossiers, Catalog: s.catalog, Calendar: s.cal, Period: report.Period{From: from, To: to}, By: by})
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	data.RowHeader = by.RowHeader()
	for _, c := range report.Columns() {
		if n := len(data.Groups); n > 0 && data.Groups[n-1].Text == c[0] {
			data.Groups[n-1].Span++
		} else {
			data.Groups = append(data.Groups, headCell{Text: c[0], Span: 1})
		}
		data.Heads = append(data.Heads, c[1])
	}
	for _, row := range st.Rows {
		name := row.Name
		if by == report.ByAgency {
			name = s.agencies.name(row.Key)
		}
		data.Rows = append(data.Rows, reportRow{Name: name, Values: numbers(row.Values())})
	}
	data.Total = reportRow{Name: report.TotalLabel, Values: numbers(st.Total.Values())}
	s.screen(w, r, http.StatusOK, s.screens.reports, &data)
}

func numbers(vs []int) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = report.Number(v)
	}
	return out
}
