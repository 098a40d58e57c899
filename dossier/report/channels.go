package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/motcua/motcua/procedure"
)

// ChannelShares are how a period's dossiers came in and went back, and how
// far the catalogue is online.
//
// The dossier shares are over the dossiers received in the period (Counts'
// Online + DirectOrPostal: those carried over from the period before are
// not counted again). The procedure shares are over the procedures of the
// catalogue in force on the period's last day, each code counted once.
type ChannelShares struct {
	Period Period `json:"period"`
	// Received counts the dossiers received in the period: the Whole of
	// the dossier shares.
	Received int `json:"received"`
	// Online is the share received online; OnlineFull and OnlinePartial
	// split it by the online service level of the procedure version the
	// dossier was received under (Decree 42/2022/NĐ-CP): "toàn trình" and
	// "một phần". Online dossiers of a procedure the catalogue does not
	// have are in Online only.
	Online        Share `json:"online"`
	OnlineFull    Share `json:"onlineFull"`
	OnlinePartial Share `json:"onlinePartial"`
	// Postal is the share filed by the public postal service (Decision
	// 45/2016/QĐ-TTg); ReturnByPost the share whose result goes back by
	// post (dossier.Facts.ReturnChannel), whatever the channel it came by.
	Postal       Share `json:"postal"`
	ReturnByPost Share `json:"returnByPost"`

	// Procedures counts the procedures in force on the period's last day:
	// the Whole of the procedure shares.
	Procedures int `json:"procedures"`
	// OnTheSpot is the share of them done "4 tại chỗ"; FullProcedures and
	// PartialProcedures the shares offered as full and partial online
	// services.
	OnTheSpot         Share `json:"onTheSpot"`
	FullProcedures    Share `json:"fullProcedures"`
	PartialProcedures Share `json:"partialProcedures"`
}

// Legacy returns the share received online at a level 1–4 of Decree
// 43/2011/NĐ-CP, for reports written the old way: level 4 is OnlineFull
// and level 3 OnlinePartial (procedure.OnlineLevel.Legacy); other levels
// accepted no dossier online, so their share is zero.
func (c *ChannelShares) Legacy(level int) Share {
	switch level {
	case procedure.Full.Legacy():
		return c.OnlineFull
	case procedure.Partial.Legacy():
		return c.OnlinePartial
	}
	return Share{Whole: c.Received}
}

// Channels measures the period's channels (see ChannelShares) in one pass
// over the dossiers' facts. Query.Catalog is required, for the online
// levels and the procedure shares; Query.By is ignored.
func Channels(ctx context.Context, q Query) (*ChannelShares, error) {
	if err := q.checkAnalysis(); err != nil {
		return nil, err
	}
	p, err := newChannelsPass(q, newGrouper(q))
	if err != nil {
		return nil, err
	}
	if err := run(ctx, q, nil, p); err != nil {
		return nil, err
	}
	return p.finish(), nil
}

// A channelsPass counts the dossiers received in the period by channel.
type channelsPass struct {
	q                                          Query
	g                                          *grouper
	online, full, partial, postal, byPost, all int
}

func newChannelsPass(q Query, g *grouper) (*channelsPass, error) {
	if q.Catalog == nil {
		return nil, fmt.Errorf("%w: Channels needs Query.Catalog for the online levels", ErrQuery)
	}
	return &channelsPass{q: q, g: g}, nil
}

func (p *channelsPass) add(j *judged) {
	f, c := &j.f, &j.c
	if c.Received() == 0 {
		return
	}
	p.all++
	p.postal += c.Postal
	if f.ReturnChannel == procedure.Postal {
		p.byPost++
	}
	if c.Online == 1 {
		p.online++
		if v, ok := p.g.procedure(f); ok {
			switch v.OnlineLevel {
			case procedure.Full:
				p.full++
			case procedure.Partial:
				p.partial++
			}
		}
	}
}

// finish adds the catalogue's shares.
func (p *channelsPass) finish() *ChannelShares {
	q, received := p.q, p.all
	s := &ChannelShares{
		Period: q.Period, Received: received,
		Online: Share{p.online, received}, OnlineFull: Share{p.full, received}, OnlinePartial: Share{p.partial, received},
		Postal: Share{p.postal, received}, ReturnByPost: Share{p.byPost, received},
	}
	last := q.Period.To.Add(-time.Nanosecond)
	var spot, fullP, partialP int
	for p := range q.Catalog.All() {
		if !p.InForce(last) {
			continue
		}
		s.Procedures++
		if p.OnTheSpot {
			spot++
		}
		switch p.OnlineLevel {
		case procedure.Full:
			fullP++
		case procedure.Partial:
			partialP++
		}
	}
	s.OnTheSpot, s.FullProcedures, s.PartialProcedures = Share{spot, s.Procedures}, Share{fullP, s.Procedures}, Share{partialP, s.Procedures}
	return s
}

// WriteText writes the shares in Vietnamese, each with what it is over.
func (c *ChannelShares) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Kênh tiếp nhận và trả kết quả: %s\n", c.Period)
	fmt.Fprintf(bw, "Trên %s hồ sơ tiếp nhận trong kỳ:\n", Number(c.Received))
	line := func(label string, s Share) { fmt.Fprintf(bw, "  %s: %s hồ sơ (%s)\n", label, Number(s.Part), s) }
	line("Trực tuyến", c.Online)
	line("  toàn trình (mức độ 4 cũ)", c.OnlineFull)
	line("  một phần (mức độ 3 cũ)", c.OnlinePartial)
	line("Qua dịch vụ bưu chính công ích", c.Postal)
	line("Trả kết quả qua bưu chính công ích", c.ReturnByPost)
	fmt.Fprintf(bw, "Trên %s thủ tục đang có hiệu lực:\n", Number(c.Procedures))
	proc := func(label string, s Share) { fmt.Fprintf(bw, "  %s: %s thủ tục (%s)\n", label, Number(s.Part), s) }
	proc("Dịch vụ công trực tuyến toàn trình", c.FullProcedures)
	proc("Dịch vụ công trực tuyến một phần", c.PartialProcedures)
	proc("Giải quyết theo hình thức 4 tại chỗ", c.OnTheSpot)
	return bw.Flush()
}
