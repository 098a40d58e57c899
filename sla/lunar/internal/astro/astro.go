// Package astro computes the new moons and the sun's apparent longitude
// that the Vietnamese lunar calendar is built from, and applies the
// calendar's rules to them.
//
// It is slow (hundreds of trigonometric terms per call) and is used only by
// the table generator (../gen) and by the tests of package lunar, which check
// the generated table against it. Package lunar itself never imports it.
//
// Sources:
//   - Jean Meeus, Astronomical Algorithms, 2nd ed. (1998): ch. 7 (Julian
//     day), ch. 22 (nutation), ch. 25 (solar coordinates), ch. 32 and
//     appendix III (VSOP87 series for the Earth), ch. 49 (phases of the Moon).
//   - F. Espenak and J. Meeus, "Polynomial expressions for Delta T" (NASA
//     Five Millennium Canon of Solar Eclipses, 2006), for TT − UT.
package astro

import (
	"math"

	"github.com/motcua/motcua/internal/civil"
)

const (
	// j2000 is the Julian Ephemeris Day of 2000-01-01 12:00 TT.
	j2000 = 2451545.0
	// unixJDN is the Julian Day Number of 1970-01-01.
	unixJDN = 2440588
)

// JDN returns the Julian Day Number of a proleptic Gregorian date: the
// Julian Day at noon UT of that day.
func JDN(year, month, day int) int {
	return civil.Days(year, month, day) + unixJDN
}

// FromJDN is the inverse of JDN.
func FromJDN(jdn int) (year, month, day int) {
	return civil.Date(jdn - unixJDN)
}

// DeltaT returns TT − UT in seconds for a decimal Gregorian year, from the
// Espenak–Meeus polynomials. They fit observations up to 2005; beyond that
// they are extrapolations whose uncertainty grows to several minutes by 2200,
// which is why a new moon within a few minutes of midnight is uncertain.
func DeltaT(year float64) float64 {
	y := year
	switch {
	case y < 1860:
		u := (y - 1820) / 100
		return -20 + 32*u*u
	case y < 1900:
		t := y - 1860
		return 7.62 + 0.5737*t - 0.251754*t*t + 0.01680668*t*t*t -
			0.0004473624*t*t*t*t + t*t*t*t*t/233174
	case y < 1920:
		t := y - 1900
		return -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t - 0.000197*t*t*t*t
	case y < 1941:
		t := y - 1920
		return 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case y < 1961:
		t := y - 1950
		return 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case y < 1986:
		t := y - 1975
		return 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case y < 2005:
		t := y - 2000
		return 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t +
			0.000651814*t*t*t*t + 0.00002373599*t*t*t*t*t
	case y < 2050:
		t := y - 2000
		return 62.92 + 0.32217*t + 0.005589*t*t
	case y < 2150:
		u := (y - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-y)
	default:
		u := (y - 1820) / 100
		return -20 + 32*u*u
	}
}

// decimalYear converts a Julian Day to a decimal Gregorian year, precise
// enough for DeltaT.
func decimalYear(jd float64) float64 {
	return 2000 + (jd-j2000)/365.2425
}

// TTToUT converts a Julian Ephemeris Day (TT) to a Julian Day (UT).
func TTToUT(jde float64) float64 {
	return jde - DeltaT(decimalYear(jde))/86400
}

// UTToTT converts a Julian Day (UT) to a Julian Ephemeris Day (TT).
func UTToTT(jd float64) float64 {
	return jd + DeltaT(decimalYear(jd))/86400
}

func rad(deg float64) float64 { return deg * math.Pi / 180 }

// norm360 reduces an angle in degrees to [0, 360).
func norm360(deg float64) float64 {
	deg = math.Mod(deg, 360)
	if deg < 0 {
		deg += 360
	}
	return deg
}

// NewMoon returns the Julian Ephemeris Day (TT) of the true new moon number k,
// counted from the new moon of 2000-01-06 (k = 0), by Meeus ch. 49: the mean
// phase (49.1), the periodic terms for a new moon and the 14 planetary
// corrections. Meeus gives the error against ELP-2000/82 as at most about
// 17 s between 1980 and 2020; the error of DeltaT dominates outside that span.
func NewMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries from J2000 (49.3)
	t2, t3, t4 := t*t, t*t*t, t*t*t*t

	jde := 2451550.09766 + 29.530588861*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4

	// Eccentricity of the Earth's orbit (47.6), which scales the terms in M.
	e := 1 - 0.002516*t - 0.0000074*t2
	m := rad(2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3)                      // Sun's mean anomaly
	mp := rad(201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4) // Moon's mean anomaly
	f := rad(160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4)  // Moon's argument of latitude
	om := rad(124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3)                    // longitude of the ascending node

	// Periodic terms for the new moon, in days.
	c := -0.40720*math.Sin(mp) +
		0.17241*e*math.Sin(m) +
		0.01608*math.Sin(2*mp) +
		0.01039*math.Sin(2*f) +
		0.00739*e*math.Sin(mp-m) -
		0.00514*e*math.Sin(mp+m) +
		0.00208*e*e*math.Sin(2*m) -
		0.00111*math.Sin(mp-2*f) -
		0.00057*math.Sin(mp+2*f) +
		0.00056*e*math.Sin(2*mp+m) -
		0.00042*math.Sin(3*mp) +
		0.00042*e*math.Sin(m+2*f) +
		0.00038*e*math.Sin(m-2*f) -
		0.00024*e*math.Sin(2*mp-m) -
		0.00017*math.Sin(om) -
		0.00007*math.Sin(mp+2*m) +
		0.00004*math.Sin(2*mp-2*f) +
		0.00004*math.Sin(3*m) +
		0.00003*math.Sin(mp+m-2*f) +
		0.00003*math.Sin(2*mp+2*f) -
		0.00003*math.Sin(mp+m+2*f) +
		0.00003*math.Sin(mp-m+2*f) -
		0.00002*math.Sin(mp-m-2*f) -
		0.00002*math.Sin(3*mp+m) +
		0.00002*math.Sin(4*mp)

	// Additional corrections from the planetary arguments A1..A14.
	a := [14]float64{
		299.77 + 0.107408*kf - 0.009173*t2,
		251.88 + 0.016321*kf,
		251.83 + 26.651886*kf,
		349.42 + 36.412478*kf,
		84.66 + 18.206239*kf,
		141.74 + 53.303771*kf,
		207.14 + 2.453732*kf,
		154.84 + 7.306860*kf,
		34.52 + 27.261239*kf,
		207.19 + 0.121824*kf,
		291.34 + 1.844379*kf,
		161.72 + 24.198154*kf,
		239.56 + 25.513099*kf,
		331.55 + 3.592518*kf,
	}
	coef := [14]float64{
		0.000325, 0.000165, 0.000164, 0.000126, 0.000110, 0.000062, 0.000060,
		0.000056, 0.000047, 0.000042, 0.000040, 0.000037, 0.000035, 0.000023,
	}
	for i := range a {
		c += coef[i] * math.Sin(rad(a[i]))
	}
	return jde + c
}

// NewMoonK returns the number k (as used by NewMoon) of the new moon nearest
// to the Julian Day jd.
func NewMoonK(jd float64) int {
	return int(math.Floor((jd-2451550.09766)/29.530588861 + 0.5))
}
