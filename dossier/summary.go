package dossier

import (
	"iter"
	"time"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// A Summary counts dossiers the way provinces report a period.
type Summary struct {
	Received  int                       // dossiers received (the clock started)
	ByChannel map[procedure.Channel]int // received, by submission channel
	Resolved  int                       // result ready or returned: Early + OnTime + Late
	Early     int
	OnTime    int
	Late      int
	Open      int // received and still being handled: InTime + Overdue
	InTime    int
	Overdue   int
	Refused   int
	Withdrawn int
	Stopped   int
}

// OnTimeRate returns (early + on time) ÷ resolved, or 0 with nothing
// resolved.
func (s Summary) OnTimeRate() float64 {
	if s.Resolved == 0 {
		return 0
	}
	return float64(s.Early+s.OnTime) / float64(s.Resolved)
}

// Summarize counts the dossiers by their status now: received ones by
// channel, resolved ones by timeliness (see Dossier.Timeliness), open ones as
// in time or overdue at asOf, and the refused, withdrawn and stopped. An open
// dossier whose clock is stopped is judged at the moment it stopped.
func Summarize(cal *sla.Calendar, asOf time.Time, ds iter.Seq[*Dossier]) Summary {
	s := Summary{ByChannel: map[procedure.Channel]int{}}
	for d := range ds {
		if !d.ReceivedAt().IsZero() {
			s.Received++
			s.ByChannel[d.Channel]++
		}
		switch {
		case d.Status() == Resolved || d.Status() == Returned:
			s.Resolved++
			switch t, _ := d.Timeliness(cal); t {
			case sla.Early:
				s.Early++
			case sla.OnTime:
				s.OnTime++
			default:
				s.Late++
			}
		case d.Status().Open():
			s.Open++
			if d.Facts().OverdueAt(asOf) {
				s.Overdue++
			} else {
				s.InTime++
			}
		case d.Status() == Refused:
			s.Refused++
		case d.Status() == Withdrawn:
			s.Withdrawn++
		case d.Status() == Stopped:
			s.Stopped++
		}
	}
	return s
}
