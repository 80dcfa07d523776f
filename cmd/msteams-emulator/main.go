// Command msteams-emulator serves the Microsoft Graph + Entra ID emulator
// (package graphtest) for offline development with the msteams driver:
//
//	go run ./cmd/msteams-emulator --addr 127.0.0.1:8089 --seed demo [--tls] [--latency 50ms] [--token-lifetime 1h]
//
// It prints the URLs, the client credentials and a ready-to-paste DSN, and
// stops on SIGINT or SIGTERM. See docs/emulator.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/teamsql/msteams/graphtest"
)

type config struct {
	addr          string
	seed          string
	users         int
	tls           bool
	latency       time.Duration
	tokenLifetime time.Duration
	allowRemote   bool
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "msteams-emulator:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	tenant, err := seedTenant(cfg.seed, cfg.users)
	if err != nil {
		return err
	}
	srv, err := graphtest.NewServer(graphtest.Options{
		TLS: cfg.tls, Addr: cfg.addr, Tenant: tenant, Latency: cfg.latency, TokenLifetime: cfg.tokenLifetime,
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	printBanner(out, srv)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(out, "shutting down")
	return nil
}

func parseFlags(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("msteams-emulator", flag.ContinueOnError)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8089", "listen address (loopback only unless --allow-remote)")
	fs.StringVar(&cfg.seed, "seed", "demo", `initial data: "demo" (the Contoso demo tenant) or "empty"`)
	fs.IntVar(&cfg.users, "users", 0, "number of extra generated users (user00001@...), e.g. to try paging")
	fs.BoolVar(&cfg.tls, "tls", false, "serve HTTPS with a self-signed certificate (required by azidentity)")
	fs.DurationVar(&cfg.latency, "latency", 0, "delay added to every Graph request, e.g. 50ms")
	fs.DurationVar(&cfg.tokenLifetime, "token-lifetime", time.Hour, "lifetime of issued access tokens")
	fs.BoolVar(&cfg.allowRemote, "allow-remote", false, "allow listening on a non-loopback address (the emulator has no real security)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if cfg.users < 0 {
		return cfg, errors.New("--users must not be negative")
	}
	if !cfg.allowRemote && !isLoopback(cfg.addr) {
		return cfg, fmt.Errorf("refusing to listen on non-loopback address %q; pass --allow-remote to do it anyway", cfg.addr)
	}
	return cfg, nil
}

// isLoopback reports whether a listen address only accepts local
// connections. An empty host means every interface, so it is not loopback.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func seedTenant(seed string, extraUsers int) (*graphtest.Tenant, error) {
	var tenant *graphtest.Tenant
	switch seed {
	case "demo":
		tenant = graphtest.DemoTenant()
	case "empty":
		tenant = graphtest.NewTenant("", graphtest.DemoDomain)
	default:
		return nil, fmt.Errorf(`unknown --seed %q (want "demo" or "empty")`, seed)
	}
	if extraUsers > 0 {
		graphtest.GenerateUsers(tenant, extraUsers)
	}
	return tenant, nil
}

func printBanner(out io.Writer, srv *graphtest.Server) {
	fmt.Fprintln(out, "Microsoft Graph + Entra ID emulator (offline; never contacts Microsoft)")
	fmt.Fprintf(out, "  Graph URL:     %s\n", srv.GraphURL())
	fmt.Fprintf(out, "  Authority URL: %s\n", srv.AuthorityURL())
	fmt.Fprintf(out, "  Tenant ID:     %s\n", srv.TenantID())
	fmt.Fprintf(out, "  Client ID:     %s\n", srv.ClientID())
	fmt.Fprintf(out, "  Client secret: %s\n", srv.ClientSecret())
	if srv.CertFile() != "" {
		fmt.Fprintf(out, "  Cert file:     %s\n", srv.CertFile())
	}
	fmt.Fprintf(out, "DSN:\n%s\n", srv.DSN())
	fmt.Fprintln(out, "Press Ctrl+C to stop.")
}
