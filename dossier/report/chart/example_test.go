package chart_test

import (
	"fmt"
	"strings"

	"github.com/motcua/motcua/dossier/report/chart"
)

// The 2020 report's satisfaction, drawn as three bars.
func ExampleSatisfaction() {
	var svg strings.Builder
	if err := chart.Satisfaction(&svg, 95.66, 4.34, 0); err != nil {
		panic(err)
	}
	fmt.Println(strings.Count(svg.String(), `class="bar"`), "bars")
	fmt.Println(strings.Contains(svg.String(), ">95,66%<"))
	// Output:
	// 3 bars
	// true
}
