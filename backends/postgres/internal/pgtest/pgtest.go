// Package pgtest runs a throwaway PostgreSQL server for tests: initdb into a
// temporary directory, postgres on a free loopback port with its socket in
// that directory, and, on Stop, a fast shutdown and the directory removed.
//
// PostgreSQL refuses to run as root. When the process runs as root, the
// server runs as the "postgres" system user if it exists, else as
// "nobody", and the directory is handed to that user.
//
// The binaries are looked up in $PG_BINDIR, /usr/lib/postgresql/15/bin,
// the directory `pg_config --bindir` prints, and $PATH, in that order.
// When none has them, Start fails with an error saying to install
// postgresql-15; tests report it as a failure, not a skip.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options configure a server. The zero value is usable.
type Options struct {
	// MaxConnections is the server's max_connections (default 300, for
	// tests that keep many pools of up to 64 connections open at once).
	MaxConnections int
	// Settings are further -c settings, name to value.
	Settings map[string]string
}

// Server is a running PostgreSQL server.
type Server struct {
	// Version is what `postgres --version` printed.
	Version string
	// Port is the TCP port on 127.0.0.1.
	Port int

	dir  string
	cmd  *exec.Cmd
	exit chan error
	cred *syscall.Credential
}

// ErrNotInstalled means the PostgreSQL binaries were not found.
var ErrNotInstalled = errors.New("pgtest: PostgreSQL server binaries not found; install them (Debian, Ubuntu: apt-get install -y postgresql-15) or set PG_BINDIR to the directory holding initdb and postgres")

// BinDir returns the directory holding initdb and postgres.
func BinDir() (string, error) {
	var dirs []string
	if d := os.Getenv("PG_BINDIR"); d != "" {
		dirs = append(dirs, d)
	}
	dirs = append(dirs, "/usr/lib/postgresql/15/bin")
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		if executable(filepath.Join(d, "postgres")) && executable(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	return "", fmt.Errorf("%w (looked in %s)", ErrNotInstalled, strings.Join(dirs, ", "))
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// Start initializes a cluster in a new temporary directory and starts a
// server on it, waiting until it accepts connections. The caller must
// Stop it.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	s := &Server{}
	if os.Geteuid() == 0 {
		if s.cred, err = unprivileged(); err != nil {
			return nil, err
		}
	}
	out, err := exec.Command(filepath.Join(bin, "postgres"), "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("pgtest: postgres --version: %w", err)
	}
	s.Version = strings.TrimSpace(string(out))
	base := os.TempDir()
	if s.cred != nil && !searchable(base) {
		// The server's user must reach its directory.
		base = "/tmp"
	}
	removeStale(base)
	if s.dir, err = os.MkdirTemp(base, dirPrefix); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = os.RemoveAll(s.dir)
		}
	}()
	data, sock := filepath.Join(s.dir, "data"), filepath.Join(s.dir, "sock")
	if err := os.Mkdir(sock, 0o700); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if s.cred != nil {
		for _, p := range []string{s.dir, sock} {
			if err := os.Chown(p, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
				return nil, fmt.Errorf("pgtest: handing %s to the server's user: %w", p, err)
			}
		}
	}
	initdb := s.command(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
		"--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	maxConn := opts.MaxConnections
	if maxConn == 0 {
		maxConn = 300
	}
	settings := map[string]string{
		"listen_addresses":        "127.0.0.1",
		"unix_socket_directories": sock,
		"max_connections":         strconv.Itoa(maxConn),
		"fsync":                   "off",
		"synchronous_commit":      "off",
		"full_page_writes":        "off",
		"deadlock_timeout":        "1s",
		"log_min_messages":        "warning",
		"logging_collector":       "off",
	}
	for k, v := range opts.Settings {
		settings[k] = v
	}
	// The port is free when chosen; another process may take it before
	// the server binds it, so a failed start is tried again on another.
	for range 3 {
		if s.Port, err = freePort(); err != nil {
			return nil, err
		}
		args := []string{"-D", data, "-p", strconv.Itoa(s.Port)}
		for k, v := range settings {
			args = append(args, "-c", k+"="+v)
		}
		if err = s.start(ctx, filepath.Join(bin, "postgres"), args); err == nil {
			ok = true
			return s, nil
		}
	}
	return nil, err
}

// command returns a command running as the server's user.
func (s *Server) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	cmd.Dir = s.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	return cmd
}

// start starts postgres and waits until it accepts connections or exits.
func (s *Server) start(ctx context.Context, path string, args []string) error {
	logPath := filepath.Join(s.dir, "postgres.log")
	log, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer log.Close()
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = log, log
	// SIGQUIT, PostgreSQL's immediate shutdown, if the test process dies
	// without stopping the server.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: starting postgres: %w", err)
	}
	s.cmd, s.exit = cmd, make(chan error, 1)
	go func() { s.exit <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, s.ConnString("postgres"))
		if err == nil {
			_ = conn.Close(ctx)
			return nil
		}
		select {
		case werr := <-s.exit:
			s.exit <- werr
			b, _ := os.ReadFile(logPath)
			return fmt.Errorf("pgtest: postgres exited: %v\n%s", werr, tail(b))
		case <-ctx.Done():
			s.kill()
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.kill()
			b, _ := os.ReadFile(logPath)
			return fmt.Errorf("pgtest: postgres did not accept connections within a minute: %v\n%s", err, tail(b))
		}
	}
}

func tail(b []byte) []byte {
	if i := len(b) - 4096; i > 0 {
		b = b[i:]
	}
	return bytes.TrimSpace(b)
}

func (s *Server) kill() {
	_ = s.cmd.Process.Kill()
	<-s.exit
}

// ConnString returns a connection string for database db as the superuser
// "postgres", over TCP on the loopback.
func (s *Server) ConnString(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, db)
}

// CreateDatabase creates database db.
func (s *Server) CreateDatabase(ctx context.Context, db string) error {
	conn, err := pgx.Connect(ctx, s.ConnString("postgres"))
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{db}.Sanitize()); err != nil {
		return fmt.Errorf("pgtest: creating database %q: %w", db, err)
	}
	return nil
}

// Stop shuts the server down (fast shutdown, then a kill after ten
// seconds) and removes its directory. It may be called on a nil Server.
func (s *Server) Stop() error {
	if s == nil || s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exit:
	case <-time.After(10 * time.Second):
		s.kill()
	}
	s.cmd = nil
	return os.RemoveAll(s.dir)
}

// unprivileged returns the credential of the user the server runs as when
// this process is root: "postgres" if it exists, else "nobody".
func unprivileged() (*syscall.Credential, error) {
	var errs []error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err := errors.Join(err1, err2); err != nil {
			errs = append(errs, err)
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, fmt.Errorf("pgtest: running as root, and no unprivileged user to run PostgreSQL as: %w", errors.Join(errs...))
}

const dirPrefix = "cbets-pgtest-"

// removeStale removes the directories of servers whose test process died
// without stopping them (the server itself gets SIGQUIT when that
// happens): those whose postmaster is gone, and those without a
// postmaster.pid that are more than ten minutes old. A directory of a
// server still running, or still being made, is left alone.
func removeStale(base string) {
	dirs, _ := filepath.Glob(filepath.Join(base, dirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
		if err != nil {
			if fi, err := os.Stat(dir); err == nil && time.Since(fi.ModTime()) > 10*time.Minute {
				_ = os.RemoveAll(dir)
			}
			continue
		}
		line, _, _ := strings.Cut(string(b), "\n")
		pid, err := strconv.Atoi(strings.TrimSpace(line))
		if err == nil && pid > 0 && errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			_ = os.RemoveAll(dir)
		}
	}
}

// searchable reports whether every user may pass through dir and each of
// its parents.
func searchable(dir string) bool {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		fi, err := os.Stat(dir)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return true
		}
		dir = parent
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
