package astro

import "math"

// term is one periodic term A·cos(B + C·τ) of a VSOP87 series, with A in
// units of 1e-8 radian (longitude) or 1e-8 AU (radius).
type term struct{ a, b, c float64 }

// The Earth's heliocentric longitude, VSOP87 (version D, ecliptic and
// equinox of date), truncated as printed in Meeus appendix III and further to
// the terms that matter at the 0.1" level (terms of L0 below 50e-8 rad ≈
// 0.1" are dropped). The truncation keeps the apparent longitude within
// about 1" of the full theory, i.e. the time of a solar term within about
// 25 s, far below the uncertainty of DeltaT.
var (
	earthL0 = []term{
		{175347046, 0, 0},
		{3341656, 4.6692568, 6283.0758500},
		{34894, 4.6261, 12566.1517},
		{3497, 2.7441, 5753.3849},
		{3418, 2.8289, 3.5231},
		{3136, 3.6277, 77713.7715},
		{2676, 4.4181, 7860.4194},
		{2343, 6.1352, 3930.2097},
		{1324, 0.7425, 11506.7698},
		{1273, 2.0371, 529.6910},
		{1199, 1.1096, 1577.3435},
		{990, 5.233, 5884.927},
		{902, 2.045, 26.298},
		{857, 3.508, 398.149},
		{780, 1.179, 5223.694},
		{753, 2.533, 5507.553},
		{505, 4.583, 18849.228},
		{492, 4.205, 775.523},
		{357, 2.920, 0.067},
		{317, 5.849, 11790.629},
		{284, 1.899, 796.298},
		{271, 0.315, 10977.079},
		{243, 0.345, 5486.778},
		{206, 4.806, 2544.314},
		{205, 1.869, 5573.143},
		{202, 2.458, 6069.777},
		{156, 0.833, 213.299},
		{132, 3.411, 2942.463},
		{126, 1.083, 20.775},
		{115, 0.645, 0.980},
		{103, 0.636, 4694.003},
		{102, 0.976, 15720.839},
		{102, 4.267, 7.114},
		{99, 6.21, 2146.17},
		{98, 0.68, 155.42},
		{86, 5.98, 161000.69},
		{85, 1.30, 6275.96},
		{85, 3.67, 71430.70},
		{80, 1.81, 17260.15},
		{79, 3.04, 12036.46},
		{75, 1.76, 5088.63},
		{74, 3.50, 3154.69},
		{74, 4.68, 801.82},
		{70, 0.83, 9437.76},
		{62, 3.98, 8827.39},
		{61, 1.82, 7084.90},
		{57, 2.78, 6286.60},
		{56, 4.39, 14143.50},
		{56, 3.47, 6279.55},
		{52, 0.19, 12139.55},
	}
	earthL1 = []term{
		{628331966747, 0, 0},
		{206059, 2.678235, 6283.075850},
		{4303, 2.6351, 12566.1517},
		{425, 1.590, 3.523},
		{119, 5.796, 26.298},
		{109, 2.966, 1577.344},
		{93, 2.59, 18849.23},
		{72, 1.14, 529.69},
		{68, 1.87, 398.15},
		{67, 4.41, 5507.55},
		{59, 2.89, 5223.69},
		{56, 2.17, 155.42},
		{45, 0.40, 796.30},
		{36, 0.47, 775.52},
		{29, 2.65, 7.11},
		{21, 5.34, 0.98},
		{19, 1.85, 5486.78},
		{19, 4.97, 213.30},
		{17, 2.99, 6275.96},
		{16, 0.03, 2544.31},
	}
	earthL2 = []term{
		{52919, 0, 0},
		{8720, 1.0721, 6283.0758},
		{309, 0.867, 12566.152},
		{27, 0.05, 3.52},
		{16, 5.19, 26.30},
		{16, 3.68, 155.42},
		{10, 0.76, 18849.23},
		{9, 2.06, 77713.77},
		{7, 0.83, 775.52},
		{5, 4.66, 1577.34},
	}
	earthL3 = []term{
		{289, 5.844, 6283.076},
		{35, 0, 0},
		{17, 5.49, 12566.15},
		{3, 5.20, 155.42},
	}
	earthL4 = []term{
		{114, 3.142, 0},
		{8, 4.13, 6283.08},
		{1, 3.84, 12566.15},
	}
	earthL5 = []term{
		{1, 3.14, 0},
	}

	// Radius vector: only the terms that change the aberration by more
	// than 0.01".
	earthR0 = []term{
		{100013989, 0, 0},
		{1670700, 3.0984635, 6283.0758500},
		{13956, 3.05525, 12566.15170},
	}
	earthR1 = []term{
		{103019, 1.107490, 6283.075850},
	}
)

func series(ts []term, tau float64) float64 {
	var s float64
	for _, t := range ts {
		s += t.a * math.Cos(t.b+t.c*tau)
	}
	return s
}

// SunLongitude returns the Sun's apparent geocentric longitude in degrees,
// in [0, 360), at the Julian Ephemeris Day jde (TT), following Meeus ch. 25
// "higher accuracy": the Earth's heliocentric longitude from VSOP87 plus 180°,
// the conversion to the FK5 frame, nutation in longitude and aberration.
func SunLongitude(jde float64) float64 {
	tau := (jde - j2000) / 365250 // Julian millennia
	l := (series(earthL0, tau) +
		tau*(series(earthL1, tau)+
			tau*(series(earthL2, tau)+
				tau*(series(earthL3, tau)+
					tau*(series(earthL4, tau)+
						tau*series(earthL5, tau)))))) / 1e8
	r := (series(earthR0, tau) + tau*series(earthR1, tau)) / 1e8

	theta := l*180/math.Pi + 180 // geometric geocentric longitude, degrees
	theta -= 0.09033 / 3600      // VSOP87 dynamical ecliptic to FK5 (25.9)

	t := tau * 10 // Julian centuries
	theta += nutationLongitude(t) / 3600
	theta -= 20.4898 / r / 3600 // annual aberration (25.10)
	return norm360(theta)
}

// nutationLongitude returns the nutation in longitude Δψ in arcseconds, to
// about 0.5", by the four largest terms of Meeus ch. 22.
func nutationLongitude(t float64) float64 {
	om := rad(125.04452 - 1934.136261*t) // Moon's ascending node
	ls := rad(280.4665 + 36000.7698*t)   // Sun's mean longitude
	lm := rad(218.3165 + 481267.8813*t)  // Moon's mean longitude
	return -17.20*math.Sin(om) - 1.32*math.Sin(2*ls) - 0.23*math.Sin(2*lm) + 0.21*math.Sin(2*om)
}
