package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/dossier/report/chart"
	"github.com/motcua/motcua/dossier/report/xlsx"
)

// writeText writes the press release, Biểu 06 and the analyses.
func writeText(out io.Writer, r result) error {
	w := bufio.NewWriter(out)
	if err := r.release.WriteText(w); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if err := r.form.WriteText(w); err != nil {
		return err
	}
	late := r.analyses.Late
	fmt.Fprintf(w, "\nHỒ SƠ QUÁ HẠN THEO BƯỚC XỬ LÝ (%s hồ sơ quá hạn)\n", report.Number(late.Total.Late))
	for i, g := range late.Steps {
		if i == 5 {
			break
		}
		for _, st := range g.Steps {
			fmt.Fprintf(w, "- %s, bước «%s»: %s hồ sơ, chậm %s làm việc\n", st.Procedure, st.Step, report.Number(st.Late), report.Hours(st.Lost))
		}
	}
	fmt.Fprintln(w, "\nĐỀ XUẤT CẮT GIẢM THỜI HẠN GIẢI QUYẾT")
	proposed := 0
	for _, c := range r.analyses.Cuts {
		if c.Proposes() {
			fmt.Fprintf(w, "- %s\n", c)
			proposed++
		}
	}
	if proposed == 0 {
		fmt.Fprintln(w, "- Không có thủ tục nào đủ điều kiện.")
	}
	fmt.Fprintln(w)
	if err := r.analyses.Channels.WriteText(w); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if err := r.analyses.Quality.WriteText(w); err != nil {
		return err
	}
	return w.Flush()
}

// writeFiles writes the workbook to xlsxFile and the charts into svgDir,
// each when named.
func writeFiles(r result, xlsxFile, svgDir string) error {
	if xlsxFile != "" {
		if err := create(xlsxFile, func(w io.Writer) error {
			return xlsx.Write(w, r.form, r.analyses.Late, r.analyses.Cuts)
		}); err != nil {
			return err
		}
	}
	if svgDir == "" {
		return nil
	}
	if err := os.MkdirAll(svgDir, 0o755); err != nil {
		return err
	}
	vs, sat, uns := r.release.Ratings()
	charts := []struct {
		name string
		draw func(io.Writer) error
	}{
		{"tiep-nhan-theo-thang.svg", func(w io.Writer) error { return chart.ReceivedByMonth(w, r.months) }},
		{"giai-quyet-theo-thang.svg", func(w io.Writer) error { return chart.ResolvedByMonth(w, r.months) }},
		{"dung-han-theo-linh-vuc.svg", func(w io.Writer) error { return chart.OnTime(w, r.form) }},
		{"hai-long.svg", func(w io.Writer) error {
			return chart.Satisfaction(w, float64(vs.Share)/100, float64(sat.Share)/100, float64(uns.Share)/100) // hundredths of a percent
		}},
	}
	for _, c := range charts {
		if err := create(filepath.Join(svgDir, c.name), c.draw); err != nil {
			return err
		}
	}
	return nil
}

// create writes a file with write, removing it if writing fails, so that
// no half-written file is left.
func create(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}
