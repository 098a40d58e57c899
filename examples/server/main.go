package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// Defaults of the flags.
const (
	defaultAddr = ":8080"
	defaultDB   = "sqlite:motcua.db"
)

// shutdownGrace is how long in-flight requests get to finish after SIGINT or
// SIGTERM before the server closes their connections.
const shutdownGrace = 30 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == "officer" {
		err := officerCommand(ctx, os.Args[2:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			if !errors.Is(err, flag.ErrHelp) {
				fmt.Fprintln(os.Stderr, "server officer:", err)
			}
			os.Exit(2)
		}
		return
	}
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// options are the command line's settings.
type options struct {
	addr, db, catalog, agency, agencyName, agenciesFile string
	publicURL, place                                    string
	behindTLS                                           bool
	trusted                                             []netip.Prefix
	maxConns                                            int
	sync                                                syncOptions
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", defaultAddr, "address to listen on")
	fs.StringVar(&o.db, "db", defaultDB, "database: sqlite:PATH, postgres://user:pass@host/db, or memory")
	fs.StringVar(&o.catalog, "catalog", "", "procedure catalogue file (JSON); defaults to the shipped sample")
	fs.StringVar(&o.agency, "agency", defaultAgency, "the desk's agency e-ID, which dossier codes are issued under (one agency; see -agencies)")
	fs.StringVar(&o.agencyName, "agency-name", defaultAgencyName, "the desk's name, printed on receipts (one agency; see -agencies)")
	fs.StringVar(&o.agenciesFile, "agencies", "", "a JSON file of the agencies the centre hosts, [{\"id\": e-ID, \"name\": name}, …], instead of -agency and -agency-name")
	fs.BoolVar(&o.behindTLS, "behind-tls", false, "a proxy in front serves the pages over TLS: make session cookies Secure")
	fs.StringVar(&o.publicURL, "public-url", defaultPublicURL, "the absolute address citizens reach the lookup at, for the receipt's QR code")
	fs.StringVar(&o.place, "place", "", "the place name the printed forms are dated at, such as Hà Nội")
	trusted := fs.String("trusted-proxy", "", "addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For or X-Real-IP name the client")
	fs.IntVar(&o.maxConns, "max-conns", defaultMaxConns, "the most connections open at once")
	o.sync.register(fs)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var err error
	if o.trusted, err = parseTrusted(*trusted); err != nil {
		return o, err
	}
	if err := checkPublicURL(o.publicURL); err != nil {
		return o, err
	}
	if o.maxConns < 1 {
		return o, fmt.Errorf("-max-conns %d: want at least 1", o.maxConns)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (the account commands are: server officer add|passwd|disable|enable|token|revoke|list)", fs.Arg(0))
	}
	if !dossier.ValidAgency(o.agency) {
		return o, fmt.Errorf("-agency %q is not an agency e-ID such as 000.00.01.H26", o.agency)
	}
	if o.agenciesFile != "" {
		var both bool
		fs.Visit(func(f *flag.Flag) { both = both || f.Name == "agency" || f.Name == "agency-name" })
		if both {
			return o, errors.New("-agencies lists the agencies: use it or -agency and -agency-name, not both")
		}
	}
	return o, nil
}

// agencies returns the agencies the options name: the file of -agencies, or
// the one agency of -agency and -agency-name.
func (o options) agencies() (*agencyList, error) {
	if o.agenciesFile != "" {
		return loadAgencies(o.agenciesFile)
	}
	return newAgencyList([]agency{{ID: o.agency, Name: o.agencyName}})
}

// run serves until ctx is done, then shuts down: the listener closes, the
// requests in flight finish, and only then does the store close.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))

	cat := procedure.Sample()
	if o.catalog != "" {
		if cat, err = loadCatalog(o.catalog); err != nil {
			return err
		}
	}

	agencies, err := o.agencies()
	if err != nil {
		return err
	}
	token := strings.TrimSpace(getenv("MOTCUA_OFFICER_TOKEN"))
	if token != "" && len(token) < minTokenLen {
		return fmt.Errorf("MOTCUA_OFFICER_TOKEN is too short: use at least %d characters", minTokenLen)
	}

	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	store, err := openBackend(openCtx, o.db)
	cancel()
	if err != nil {
		return err
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("closing the store", "err", err)
		} else {
			log.Info("store closed")
		}
	}()
	stopSync, err := startSync(o.sync, getenv, store, cat, log)
	if err != nil {
		return err
	}
	defer stopSync() // before the store closes

	srv, err := newServer(config{
		Backend: store, Catalog: cat, Calendar: sla.Default(), Agencies: agencies.all(), BehindTLS: o.behindTLS,
		Logger: log, WriteTimeout: writeTimeout,
		Public: publicConfig{URL: o.publicURL, TrustedProxies: o.trusted}, Place: o.place,
	})
	if err != nil {
		return err
	}
	if err := srv.start(ctx, token, stderr); err != nil {
		return err
	}
	hs := httpServer(srv, log)
	tcp, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	ln := limitConns(tcp, o.maxConns)
	hs.ConnState = ln.ConnState
	log.Info("listening", "addr", ln.Addr().String(), "db", sqlstore.Redact(o.db), "agencies", len(agencies.all()), "procedures", cat.Len())

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing the requests in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil {
		log.Error("shutdown", "err", err)
		hs.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("server stopped")
	return nil
}

// writeTimeout is how long a request has to be answered: 60 s, enough for
// a year's report on a large database.
const writeTimeout = 60 * time.Second

// httpServer sets the timeouts that keep slow or idle clients from holding
// connections: headers within 5 s, the whole request within 30 s, the answer
// within writeTimeout, and idle keep-alive connections closed after
// idleTimeout (15 s).
func httpServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// minTokenLen is the shortest MOTCUA_OFFICER_TOKEN the server takes.
const minTokenLen = 16

func loadCatalog(path string) (*procedure.Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cat, err := procedure.Load(f)
	if err != nil {
		return nil, fmt.Errorf("-catalog %s: %w", path, err)
	}
	return cat, nil
}
