package lunar_test

import (
	"fmt"
	"time"

	"github.com/motcua/motcua/sla/lunar"
)

// A one-stop desk plans its Tết closure: the five statutory days are placed
// around lunar 1/1, so the first question is on which Gregorian day Tết
// falls.
func ExampleToSolar() {
	y, m, d, err := lunar.ToSolar(lunar.Date{Year: 2025, Month: 1, Day: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format("Monday 2006-01-02"))
	// Output: Wednesday 2025-01-29
}

// Hùng Kings day (Giỗ Tổ Hùng Vương) is a public holiday on lunar 10/3. In
// 2009 it fell a day earlier in Vietnam than in the Chinese calendar.
func ExampleToSolar_hungKings() {
	y, m, d, err := lunar.ToSolar(lunar.Date{Year: 2009, Month: 3, Day: 10})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d-%02d-%02d\n", y, m, d)
	// Output: 2009-04-04
}

// Converting today's date, taken in Vietnam's civil time (UTC+7, no
// daylight saving time), not in the host's time zone.
func ExampleFromSolar() {
	vietnam := time.FixedZone("ICT", 7*60*60)
	now := time.Date(2025, time.July, 25, 9, 30, 0, 0, vietnam) // time.Now().In(vietnam) in real code
	d, err := lunar.FromSolar(now.Date())
	if err != nil {
		panic(err)
	}
	fmt.Println("Âm lịch:", d)
	// Output: Âm lịch: 1/6 nhuận/2025
}

// A lunar date that does not exist is reported with ErrInvalidDate.
func ExampleFromSolar_invalid() {
	_, err := lunar.FromSolar(2025, time.February, 30)
	fmt.Println(err)
	_, _, _, err = lunar.ToSolar(lunar.Date{Year: 2024, Month: 12, Day: 30})
	fmt.Println(err)
	// Output:
	// lunar: invalid date: solar 2025-02-30
	// lunar: invalid date: lunar 30/12/2024: the month has 29 days
}

func ExampleLeapMonth() {
	for _, y := range []int{2023, 2024, 2025} {
		m, err := lunar.LeapMonth(y)
		if err != nil {
			panic(err)
		}
		fmt.Println(y, m)
	}
	// Output:
	// 2023 2
	// 2024 0
	// 2025 6
}

func ExampleMonthDays() {
	n, err := lunar.MonthDays(2025, 6, true)
	if err != nil {
		panic(err)
	}
	fmt.Println(n)
	// Output: 29
}

func ExampleDate_String() {
	fmt.Println(lunar.Date{Year: 2009, Month: 3, Day: 10})
	fmt.Println(lunar.Date{Year: 2020, Month: 4, Day: 15, Leap: true})
	// Output:
	// 10/3/2009
	// 15/4 nhuận/2020
}
