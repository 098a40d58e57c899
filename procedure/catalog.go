package procedure

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/motcua/motcua/sla"
)

// A Catalog is a set of procedures with their versions, looked up by code
// and date and searched by Vietnamese text. It is immutable once built by
// NewCatalog or Load and safe for concurrent use by any number of
// goroutines; an amended catalogue is a new Catalog built from the amended
// file.
type Catalog struct {
	procs   []Procedure          // every version, by code, then effective date
	byCode  map[string][]version // each code's versions, by effective date
	sources []Source
	index   searchIndex
}

// A version is one entry of byCode: the days it is in force, inclusive, as
// day numbers (see dayOf), and its position in procs.
type version struct {
	from, to int64
	at       int
}

// NewCatalog builds a catalogue from ps, which may hold several versions of
// a code. It brings every text to NFC, then applies Procedure.Validate to
// each version and rejects versions of one code whose effective periods
// overlap: the same rules as Load. The errors are *ValidationError values,
// joined, whose Index is the position in ps; a catalogue with any error is
// not built. NewCatalog keeps copies, so ps can be reused.
func NewCatalog(ps ...Procedure) (*Catalog, error) {
	var errs []error
	procs := make([]Procedure, len(ps))
	for i := range ps {
		procs[i] = normalize(ps[i])
		if err := procs[i].validate(false); err != nil {
			errs = append(errs, atIndex(err, i))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return assemble(procs, nil, nil)
}

// assemble builds the catalogue from normalized, valid versions, checking
// that the versions of each code do not overlap. texts holds the searchText
// of each of procs, or is nil.
func assemble(procs []Procedure, texts []searchText, sources []Source) (*Catalog, error) {
	var errs []error

	order := make([]int, len(procs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(procs[a].Code, procs[b].Code), cmp.Compare(startDay(procs[a]), startDay(procs[b])))
	})
	c := &Catalog{
		procs:   make([]Procedure, len(procs)),
		byCode:  make(map[string][]version),
		sources: slices.Clone(sources),
	}
	var sorted []searchText
	if texts != nil {
		sorted = make([]searchText, len(texts))
	}
	for k, i := range order {
		p := procs[i]
		c.procs[k] = p
		if texts != nil {
			sorted[k] = texts[i]
		}
		vs := c.byCode[p.Code]
		if n := len(vs); n > 0 && vs[n-1].to >= startDay(p) {
			prev := c.procs[vs[n-1].at]
			errs = append(errs, &ValidationError{
				Code: p.Code, Index: i, Field: "effectiveFrom",
				Reason: fmt.Sprintf("the version in force %s overlaps the version #%d in force %s", period(p), order[vs[n-1].at], period(prev)),
			})
		}
		c.byCode[p.Code] = append(vs, version{from: startDay(p), to: endDay(p), at: k})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c.index = newSearchIndex(c, sorted)
	return c, nil
}

// atIndex sets the Index of every *ValidationError joined in err.
func atIndex(err error, i int) error {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		var ve *ValidationError
		if errors.As(e, &ve) {
			ve.Index = i
		}
	}
	return err
}

func startDay(p Procedure) int64 {
	if p.EffectiveFrom.IsZero() {
		return math.MinInt64
	}
	return dayNumber(p.EffectiveFrom)
}

func endDay(p Procedure) int64 {
	if p.EffectiveTo.IsZero() {
		return math.MaxInt64
	}
	return dayNumber(p.EffectiveTo)
}

// period writes the effective period of p, such as "from 2025-07-01" or
// "from 2016-01-01 to 2025-06-30".
func period(p Procedure) string {
	switch {
	case p.EffectiveFrom.IsZero() && p.EffectiveTo.IsZero():
		return "at all times"
	case p.EffectiveTo.IsZero():
		return "from " + p.EffectiveFrom.String()
	case p.EffectiveFrom.IsZero():
		return "until " + p.EffectiveTo.String()
	}
	return "from " + p.EffectiveFrom.String() + " to " + p.EffectiveTo.String()
}

// Lookup returns the version of the procedure code in force on the civil
// date (ICT) of at: a dossier keeps the version in force on the day it was
// received. The error wraps ErrNotFound when the code is unknown or no
// version is in force on that date. It does not allocate when it finds one.
func (c *Catalog) Lookup(code string, at time.Time) (Procedure, error) {
	vs, ok := c.byCode[code]
	if !ok {
		return Procedure{}, fmt.Errorf("%w: no procedure %q in the catalogue", ErrNotFound, code)
	}
	d := dayOf(at)
	for _, v := range vs {
		if v.from <= d && d <= v.to {
			return c.procs[v.at], nil
		}
	}
	return Procedure{}, fmt.Errorf("%w: no version of %s in force on %s", ErrNotFound, code, sla.DateOf(at))
}

// Versions returns every version of code, oldest first; nil if the code is
// unknown.
func (c *Catalog) Versions(code string) []Procedure {
	vs := c.byCode[code]
	if len(vs) == 0 {
		return nil
	}
	out := make([]Procedure, len(vs))
	for i, v := range vs {
		out[i] = c.procs[v.at]
	}
	return out
}

// All yields every version in the catalogue, by code and then by effective
// date.
func (c *Catalog) All() iter.Seq[Procedure] {
	return func(yield func(Procedure) bool) {
		for _, p := range c.procs {
			if !yield(p) {
				return
			}
		}
	}
}

// Len returns the number of versions in the catalogue.
func (c *Catalog) Len() int { return len(c.procs) }

// Sources returns the sources the catalogue file names; nil for a catalogue
// built by NewCatalog.
func (c *Catalog) Sources() []Source { return slices.Clone(c.sources) }
