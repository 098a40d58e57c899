package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/portal"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
)

// syncOptions are the command line's settings of the sync to the national
// portal. The durations and counts left at zero take portal.Config's
// defaults.
type syncOptions struct {
	url                    string
	timeout, lease         time.Duration
	minBackoff, maxBackoff time.Duration
	attempts               int
}

// register declares the sync's flags on fs.
func (o *syncOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.url, "portal-url", "", "the national portal's sync URL: set, every change is posted to it (with MOTCUA_PORTAL_TOKEN)")
	fs.DurationVar(&o.timeout, "portal-timeout", portal.DefaultSendTimeout, "how long one post to the portal may take")
	fs.DurationVar(&o.lease, "portal-lease", 0, "how long the changes this server takes from the outbox are its own (default 5m, and more than -portal-timeout)")
	fs.DurationVar(&o.minBackoff, "portal-backoff", portal.DefaultMinBackoff, "the wait before the first retry of a failed change, doubled at each failure")
	fs.DurationVar(&o.maxBackoff, "portal-max-backoff", 0, "the longest wait between two retries (default 1024 × -portal-backoff, at most 15m)")
	fs.IntVar(&o.attempts, "portal-attempts", portal.DefaultMaxAttempts, "failed deliveries that make a change a dead letter")
}

// portalTokenEnv holds the portal's bearer token.
const portalTokenEnv = "MOTCUA_PORTAL_TOKEN"

// startSync starts the background delivery of the store's outbox to the
// portal when -portal-url is set, and returns the function that stops it:
// it waits until the Syncer has released what it holds, so that it runs
// before the store closes. Without -portal-url it returns a stop that does
// nothing; the outbox still records every change, and the portal gets them
// all once the sync is turned on.
func startSync(o syncOptions, getenv func(string) string, store backend, cat *procedure.Catalog, log *slog.Logger) (stop func(), err error) {
	token := strings.TrimSpace(getenv(portalTokenEnv))
	if o.url == "" {
		if token != "" {
			log.Warn(portalTokenEnv + " is set but -portal-url is not: the sync to the national portal is off")
		}
		return func() {}, nil
	}
	if token == "" {
		return nil, fmt.Errorf("-portal-url needs the portal's token in %s", portalTokenEnv)
	}
	sender, err := portal.NewHTTPSender(portal.HTTPConfig{URL: o.url, Token: token, Client: &http.Client{
		Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second, ForceAttemptHTTP2: true,
		},
	}})
	if err != nil {
		return nil, fmt.Errorf("-portal-url: %w", err)
	}
	syncer, err := portal.NewSyncer(portal.Config{
		Store: store, Catalog: cat, Sender: sender,
		MaxAttempts: o.attempts, MinBackoff: o.minBackoff, MaxBackoff: o.maxBackoff,
		SendTimeout: o.timeout, LeaseTime: o.lease, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("the sync to the national portal: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = syncer.Run(ctx) // it returns when ctx ends, and logs its failures
	}()
	log.Info("syncing with the national portal", "portal", sender.String(), "send_timeout", o.timeout.String())
	return func() {
		cancel()
		<-done
		log.Info("sync to the national portal stopped")
	}, nil
}

// outbox returns the store's outbox, or a problem if it keeps none.
func (s *server) outbox() (dossier.Outbox, error) {
	if o, ok := s.store.(dossier.Outbox); ok {
		return o, nil
	}
	return nil, &problem{Type: problemType("no-outbox"), Title: "Không có hàng đợi đồng bộ", Status: http.StatusNotImplemented,
		Detail: "Kho dữ liệu của máy chủ không ghi lại các thay đổi để gửi lên Cổng Dịch vụ công quốc gia."}
}

// An eventPortal is where an event stands with the national portal, as the
// outbox says: delivered (the portal has it), pending (it waits its turn or
// is being sent), retrying (it failed and is sent again at retryAt), dead
// (a dead letter: it failed too often and waits for an officer's retry) or
// held (it waits behind its dossier's dead letter).
type eventPortal struct {
	Delivered bool   `json:"delivered"`
	State     string `json:"state"`
	StateText string `json:"stateText"`
	Attempts  int    `json:"attempts,omitempty"`
	LastError string `json:"lastError,omitempty"`
	RetryAt   stamp  `json:"retryAt,omitzero"`
}

// portalStates names the states of eventPortal in Vietnamese.
var portalStates = map[string]string{
	"delivered": "Đã gửi lên Cổng Dịch vụ công quốc gia",
	"pending":   "Chờ gửi",
	"retrying":  "Gửi không thành công, sẽ gửi lại",
	"dead":      "Gửi không thành công, chờ cán bộ xử lý",
	"held":      "Chờ sau một thay đổi gửi không thành công",
}

func newEventPortal(state string) *eventPortal {
	return &eventPortal{Delivered: state == "delivered", State: state, StateText: portalStates[state]}
}

// portalView sets on each event of v where it stands with the portal.
func (s *server) portalView(ctx context.Context, d *dossier.Dossier, v *dossierView) error {
	o, err := s.outbox()
	if err != nil {
		return err
	}
	entries, err := o.Pending(ctx, d.Code)
	if err != nil {
		return err
	}
	held := map[int]dossier.OutboxEntry{}
	for _, e := range entries {
		held[e.Event] = e
	}
	dead := len(entries) > 0 && entries[0].Dead
	for i := range v.Events {
		e, ok := held[i+1]
		switch {
		case !ok:
			v.Events[i].Portal = newEventPortal("delivered")
		case e.Dead:
			p := newEventPortal("dead")
			p.Attempts, p.LastError = e.Attempts, e.LastError
			v.Events[i].Portal = p
		case dead:
			v.Events[i].Portal = newEventPortal("held")
		case e.Attempts > 0:
			p := newEventPortal("retrying")
			p.Attempts, p.LastError, p.RetryAt = e.Attempts, e.LastError, stamp(e.RetryAt)
			v.Events[i].Portal = p
		default:
			v.Events[i].Portal = newEventPortal("pending")
		}
	}
	return nil
}

// getDossier answers GET /api/v1/dossiers/{code}: the officer's dossier,
// with its version as ETag and, on each event, where it stands with the
// national portal.
func (s *server) getDossier(w http.ResponseWriter, r *http.Request) {
	d, ok := s.officerDossier(w, r)
	if !ok {
		return
	}
	v := s.viewDossier(d)
	if err := s.portalView(r.Context(), d, &v); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(d.Version))
	writeJSON(w, http.StatusOK, v)
}

// portalSynced counts the dossiers received in a period (Received) and
// those of them whose every change the portal has (Count), with their
// share of the period's (Share, in percent).
type portalSynced struct {
	Received int            `json:"received"`
	Count    int            `json:"count"`
	Share    rating.Percent `json:"share"`
}

// countSynced counts the dossiers received in [from, to) and those of them
// that have nothing left in the outbox. It reads the period's facts, and
// each dossier's entries, several at a time.
func (s *server) countSynced(ctx context.Context, st dossier.Store, from, to time.Time) (portalSynced, error) {
	o, err := s.outbox()
	if err != nil {
		return portalSynced{}, err
	}
	var codes []dossier.Code
	received := func(at time.Time) bool { return !at.IsZero() && !at.Before(from) && at.Before(to) }
	if fs, ok := st.(dossier.FactStore); ok {
		for f, err := range fs.ListFacts(ctx, from, to) {
			if err != nil {
				return portalSynced{}, err
			}
			if received(f.ReceivedAt) {
				codes = append(codes, f.Code)
			}
		}
	} else {
		for d, err := range st.List(ctx, dossier.Filter{ReceivedFrom: from, ReceivedTo: to}) {
			if err != nil {
				return portalSynced{}, err
			}
			codes = append(codes, d.Code)
		}
	}
	const readers = 8
	var (
		mu      sync.Mutex
		pending int
		first   error
		wg      sync.WaitGroup
	)
	next := make(chan dossier.Code)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range readers {
		wg.Go(func() {
			for c := range next {
				entries, err := o.Pending(ctx, c)
				mu.Lock()
				if err != nil && first == nil {
					first = err
					cancel()
				}
				if len(entries) > 0 {
					pending++
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, c := range codes {
		select {
		case next <- c:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return portalSynced{}, first
	}
	if err := ctx.Err(); err != nil {
		return portalSynced{}, err
	}
	n := len(codes) - pending
	return portalSynced{Received: len(codes), Count: n, Share: rating.Ratio(n, len(codes))}, nil
}

// withPortalSynced adds to the JSON of the summary report that h writes
// the field portalSynced: of the dossiers received in the period, how many
// the portal has whole (every change acknowledged), and their share. The
// text form is left as h writes it.
func (s *server) withPortalSynced(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if f := r.URL.Query().Get("format"); f != "" && f != "json" {
			h(w, r)
			return
		}
		buf := &bufferedResponse{header: http.Header{}}
		h(buf, r)
		if buf.status != 0 && buf.status != http.StatusOK {
			buf.flush(w)
			return
		}
		p, ok := s.period(&bufferedResponse{header: http.Header{}}, r)
		if !ok {
			buf.flush(w) // h accepted the period: this does not happen
			return
		}
		sc, ok := s.requestScope(w, r)
		if !ok {
			return
		}
		synced, err := s.countSynced(r.Context(), sc.dossiers, p.From, p.To)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		body, err := addField(buf.body.Bytes(), "portalSynced", synced)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		buf.body.Reset()
		buf.body.Write(body)
		buf.flush(w)
	}
}

// addField returns the indented JSON object obj with the member name: v
// added last.
func addField(obj []byte, name string, v any) ([]byte, error) {
	obj = bytes.TrimRight(obj, " \t\r\n")
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' {
		return nil, errors.New("the summary is not a JSON object")
	}
	val, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		return nil, err
	}
	key, _ := json.Marshal(name)
	head := bytes.TrimRight(obj[:len(obj)-1], " \t\r\n")
	var out bytes.Buffer
	out.Write(head)
	if len(bytes.TrimSpace(head)) > 1 {
		out.WriteByte(',')
	}
	fmt.Fprintf(&out, "\n  %s: %s\n}\n", key, val)
	return out.Bytes(), nil
}

// A bufferedResponse keeps what a handler writes, to be changed before it
// is sent.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// flush sends what b kept to w.
func (b *bufferedResponse) flush(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(max(b.status, http.StatusOK))
	_, _ = b.body.WriteTo(w)
}
