// Command report prints the yearly report of a provincial Public
// Administrative Service Centre (Trung tâm Phục vụ hành chính công) in
// Vietnamese, as the provinces publish it: dossiers received by channel,
// resolved early, on time and late, and citizens' satisfaction, with exact
// shares.
//
// By default it reproduces a provincial centre's real report for 2020,
// as testdata/report2020.txt holds it:
//
//   - received: direct 51.198 (58,87%), online 34.696 (39,90%), postal 1.070
//     (1,23%), nearly five times the 17.600 of 2019;
//   - resolved: 84.772, of which 21.888 early (25,82%), 62.801 on time
//     (74,08%) and 83 late (0,10%);
//   - satisfaction: 9.807 very satisfied (95,66%), 445 satisfied (4,34%).
//
// The article says "over 1,078" postal dossiers, but that figure contradicts
// its own percentages: with 1.078 the shares would be 39,89% online and
// 1,24% postal, while its 39,90% and 1,23% both need 1.066 to 1.074 postal
// dossiers. The example uses 1.070, which gives every printed share of the
// article.
//
// Nothing in the output is typed in. The command runs the year through the
// library's public API, as a desk would live it, and the report is what
// rating.Build computes from the stores afterwards:
//
//  1. it receives each dossier through dossier.Service (dossier/memstore, the
//     shipped catalogue, the default calendar) at a random minute of desk
//     hours on a random working day, online ones having been filed up to a
//     day and a half earlier at any hour;
//  2. it resolves each at a time that gives it its outcome: early at a
//     working minute before the day its due time falls on, on time on that
//     day up to the due time, late one to eight working hours after it;
//  3. it hands the result back a few minutes later, and records a rating for
//     some of them on the desk's device;
//  4. it builds the report with rating.Build and prints it, then the
//     statutory form Biểu số 06/VPCP/KSTT by field, from report.Compute:
//     the press release's figures are the form's totals, and the command
//     checks that they agree.
//
// The events of all dossiers run in time order on one simulated clock
// (dossier.Config.Now), so every dossier's history is in order. Only the
// counts are fixed in advance: which dossier is early, late or still open,
// and which procedure it is for, is drawn from -seed. The dossiers still
// open at the end of the year are drawn from the last weeks' receipts and
// get procedures whose due time is in the next year, so they are in time.
// The 17.600 dossiers of the previous year are received and resolved the
// same way, so that the growth is computed too.
//
// The shipped catalogue holds today's texts of its procedures, in force
// from 1 July 2025 (after Decree 118/2025/NĐ-CP), and not those of 2020. The
// example takes the newest version of each procedure as in force for the
// whole of the year it runs, so that a 2020 dossier can be received under
// it.
//
// Flags:
//
//	-year 2020   the year of the report; the previous year gives the growth
//	-seed 1      the seed of the random draws; the counts do not depend on it
//	-scale 1     a fraction of the dossiers, for quick runs and tests
//	-json        write the press release as JSON instead of the text
//	-xlsx FILE   also write Biểu 06, the late dossiers and the cuts as an Excel workbook
//	-svg DIR     also write the charts (received and resolved per month, the
//	             on-time rate per field, satisfaction) as SVG files
//
// After the press release and Biểu 06 the text gives the analyses of the
// year: the steps of the control slip that made dossiers late, the time
// limits that could be cut, the channels, and the Decision 766/QĐ-TTg
// index. Two findings are planted in the simulation so that they can be
// seen found: the late dossiers are, where their channel allows, for
// 1.004222 (Đăng ký thường trú), whose second step (checking against the
// residence database) runs past its own due time; and 1.001776 has only
// early dossiers, resolved within two of its ten working days, so that the
// cuts propose 2 days.
//
// With -scale s below 1, each group of counts (channels, outcomes, ratings)
// is the one closest to s times the article's whose shares are still
// exactly the article's, so the report prints the article's percentages at
// any scale. The counts then stray from s times the article's where a share
// needs it: at -scale 0.01 the run has 975 dossiers rather than 870, since
// one late dossier shows as 0,10% only among about 950 to 1.050 resolved,
// and 346 ratings rather than 103, the fewest near that which give 95,66%
// and 4,34%.
//
//	go run ./examples/report
//	go run ./examples/report -scale 0.01 -json
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/motcua/motcua/rating"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	year := fs.Int("year", 2020, "the year of the report")
	seed := fs.Uint64("seed", 1, "the seed of the random draws")
	scale := fs.Float64("scale", 1, "the fraction of the article's dossiers to run, such as 0.01")
	asJSON := fs.Bool("json", false, "write JSON instead of text")
	xlsxFile := fs.String("xlsx", "", "also write Biểu 06 and the analyses as an Excel workbook to this `file`")
	svgDir := fs.String("svg", "", "also write the charts as SVG files into this `folder`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *year < 2000 || *year > 2099 {
		return fmt.Errorf("-year %d: dossier codes carry two-digit years, 2000–2099", *year)
	}
	if !(*scale > 0 && *scale <= 1) {
		return fmt.Errorf("-scale %v: want a fraction in (0, 1]", *scale)
	}
	r, err := simulate(context.Background(), *year, *seed, *scale)
	if err != nil {
		return err
	}
	if err := writeFiles(r, *xlsxFile, *svgDir); err != nil {
		return err
	}
	if *asJSON {
		return r.release.WriteJSON(out)
	}
	return writeText(out, r)
}

// report2020 holds the figures of the article (testdata/report2020.txt);
// they decide how many dossiers the simulation runs, never what it prints.
var report2020 = struct {
	channels   []int // direct, online, postal
	outcomes   []int // early, on time, late
	ratings    []int // very satisfied, satisfied, unsatisfied
	previous   int   // received in 2019
	unresolved int   // received and still open at the end of the year
}{
	channels:   []int{51198, 34696, 1070},
	outcomes:   []int{21888, 62801, 83},
	ratings:    []int{9807, 445, 0},
	previous:   17600,
	unresolved: (51198 + 34696 + 1070) - (21888 + 62801 + 83),
}

// plan is how many dossiers of each kind a run has.
type plan struct {
	channels []int
	outcomes []int
	ratings  []int
	previous int
}

// planFor scales the article's counts, keeping its shares (see the package
// doc): the outcomes first, as 0,10% late is the hardest share to keep;
// then the channels, at the scale the outcomes came to and with at least as
// many dossiers as are resolved; then the ratings, at most one a resolved
// dossier.
func planFor(scale float64) (plan, error) {
	a := report2020
	outcomes, err := fit(a.outcomes, scale, 1, 0)
	if err != nil {
		return plan{}, err
	}
	resolved := sum(outcomes)
	scale = float64(resolved) / float64(sum(a.outcomes))
	channels, err := fit(a.channels, scale, resolved, 0)
	if err != nil {
		return plan{}, err
	}
	ratings, err := fit(a.ratings, scale, 1, resolved)
	if err != nil {
		return plan{}, err
	}
	return plan{channels, outcomes, ratings, max(1, round(float64(a.previous)*scale))}, nil
}

// fit returns the counts closest to scale × target whose shares
// (rating.Shares) are those of target, with a total in [lo, hi] (hi 0: no
// bound). It looks at totals in order of their distance from scale × the
// target's total, and at each total at counts within two of the exact
// proportion, keeping the nearest to scale × target.
func fit(target []int, scale float64, lo, hi int) ([]int, error) {
	want := rating.Shares(target...)
	total := sum(target)
	centre := round(float64(total) * scale)
	limit := 10*centre + 10000
	for d := 0; d <= limit; d++ {
		for _, n := range []int{centre - d, centre + d} {
			if n < lo || (hi > 0 && n > hi) || n <= 0 {
				continue
			}
			if best := fitTotal(target, want, scale, n); best != nil {
				return best, nil
			}
			if d == 0 {
				break
			}
		}
	}
	return nil, fmt.Errorf("no counts near %v × %v keep the shares %v", scale, target, want)
}

// fitTotal returns the counts adding up to n with shares want, nearest to
// scale × target, or nil.
func fitTotal(target []int, want []rating.Percent, scale float64, n int) []int {
	total := sum(target)
	var best []int
	bestDist := 0.0
	k := make([]int, len(target))
	var try func(i, left int)
	try = func(i, left int) {
		if i == len(target)-1 {
			k[i] = left
			if !equal(rating.Shares(k...), want) {
				return
			}
			dist := 0.0
			for j, c := range k {
				dist += abs(float64(c) - scale*float64(target[j]))
			}
			if best == nil || dist < bestDist {
				best, bestDist = append([]int(nil), k...), dist
			}
			return
		}
		exact := n * target[i] / total
		for c := max(0, exact-2); c <= exact+2 && c <= left; c++ {
			k[i] = c
			try(i+1, left-c)
		}
	}
	try(0, n)
	return best
}

func equal(a, b []rating.Percent) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

func round(x float64) int { return int(x + 0.5) }

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
