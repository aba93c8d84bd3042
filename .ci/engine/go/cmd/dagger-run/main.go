// Command dagger-run opens a session on a Dagger engine and runs a command inside it, like
// `dagger run`: the command gets DAGGER_SESSION_PORT and DAGGER_SESSION_TOKEN, so a Dagger SDK
// client connects to this session instead of starting its own. `dagger-run session` speaks the
// protocol SDKs use when they spawn a CLI themselves (_EXPERIMENTAL_DAGGER_CLI_BIN).
//
// It exists because dagger's own CLI (cmd/dagger) needs a terminal-UI library that the Go module
// proxy reachable here does not serve; the session logic is dagger's engine/client package.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/dagger/dagger/engine"
	"github.com/dagger/dagger/engine/client"
)

const runnerHostEnv = "_EXPERIMENTAL_DAGGER_RUNNER_HOST"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dagger-run <command> [args...] | dagger-run session | dagger-run version")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "version", "--version":
		fmt.Printf("dagger-run %s (engine/client of github.com/dagger/dagger)\n", engine.Version)
		return
	case "session":
		err = serveSession()
	default:
		var code int
		code, err = runCommand(os.Args[1:])
		if err == nil {
			os.Exit(code)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dagger-run:", err)
		os.Exit(1)
	}
}

// withSession connects to the engine named by _EXPERIMENTAL_DAGGER_RUNNER_HOST, serves the
// session's GraphQL API on a loopback port and calls fn with that port and the session token.
func withSession(ctx context.Context, fn func(port int, token string) error) error {
	runnerHost := os.Getenv(runnerHostEnv)
	if runnerHost == "" {
		return fmt.Errorf("%s is not set (e.g. docker-container://aichat-dagger-engine)", runnerHostEnv)
	}
	token, err := uuid.NewRandom()
	if err != nil {
		return err
	}
	sess, err := client.Connect(ctx, client.Params{
		RunnerHost:  runnerHost,
		SecretToken: token.String(),
		Version:     engine.Version,
		Stdout:      os.Stderr,
	})
	if err != nil {
		return fmt.Errorf("connect to engine: %w", err)
	}
	defer sess.Close()

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sess, ReadHeaderTimeout: 30 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(l) }()

	fnErr := fn(l.Addr().(*net.TCPAddr).Port, token.String())
	_ = srv.Close()
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return errors.Join(fnErr, err)
	}
	return fnErr
}

// runCommand runs argv inside a session and returns its exit code.
func runCommand(argv []string) (int, error) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	code := 0
	err := withSession(ctx, func(port int, token string) error {
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		cmd.Env = append(os.Environ(),
			fmt.Sprintf("DAGGER_SESSION_PORT=%d", port),
			"DAGGER_SESSION_TOKEN="+token)
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
		cmd.WaitDelay = 10 * time.Second
		err := cmd.Run()
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code = exitErr.ExitCode()
			return nil
		}
		return err
	})
	return code, err
}

// serveSession prints {"port":…,"session_token":…} on stdout, as SDKs expect from
// `dagger session`, and serves until stdin closes.
func serveSession() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return withSession(ctx, func(port int, token string) error {
		params, err := json.Marshal(map[string]any{"port": port, "session_token": token})
		if err != nil {
			return err
		}
		if _, err := os.Stdout.Write(append(params, '\n')); err != nil {
			return err
		}
		done := make(chan struct{})
		go func() {
			_, _ = os.Stdin.Read(make([]byte, 1))
			close(done)
		}()
		select {
		case <-done:
		case <-ctx.Done():
		}
		return nil
	})
}
