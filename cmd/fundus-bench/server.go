package main

// The `fundus serve` child every HTTP benchmark (search, load, abuse) runs
// against: started on a free loopback port, ready when /readyz answers
// 200, stopped with SIGTERM.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// serverReadyTimeout bounds how long startServer waits for /readyz (a
// large data directory is opened and checked first).
const serverReadyTimeout = 10 * time.Minute

// server is a running `fundus serve` child.
type server struct {
	cmd     *exec.Cmd
	base    string      // http://127.0.0.1:PORT
	logPath string      // its output, when written to a file
	output  *tailBuffer // its output, when kept in memory
	done    chan struct{}
	err     error // Wait's result, once done is closed

	once     sync.Once
	stopTook time.Duration
	stopErr  error
}

// startServer starts `fundus serve --data dir --addr 127.0.0.1:PORT` with
// extra flags on a free port and waits until /readyz (or, for a binary
// without it, /healthz) answers 200. The child's output goes to logPath,
// or, when logPath is "", its last 64 KiB are kept in memory for error
// messages.
func startServer(ctx context.Context, bin, dir, logPath string, extra ...string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &server{base: "http://" + addr, logPath: logPath, done: make(chan struct{})}
	s.cmd = exec.Command(bin, append([]string{"serve", "--data", dir, "--addr", addr}, extra...)...)
	if logPath != "" {
		logf, err := os.Create(logPath)
		if err != nil {
			return nil, fmt.Errorf("server log: %w", err)
		}
		defer logf.Close() // the child has its own copy
		s.cmd.Stdout, s.cmd.Stderr = logf, logf
	} else {
		s.output = &tailBuffer{}
		s.cmd.Stdout, s.cmd.Stderr = io.Discard, s.output
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start fundus serve: %w", err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.done) }()

	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(serverReadyTimeout)
	path := "/readyz"
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("fundus serve exited before it was ready: %v\n%s", s.err, s.logTail())
		case <-ctx.Done():
			s.stop(5 * time.Second)
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		status, _, err := get(ctx, client, s.base+path)
		switch {
		case err == nil && status == http.StatusOK:
			return s, nil
		case err == nil && status == http.StatusNotFound && path == "/readyz":
			path = "/healthz" // a binary without /readyz
		}
		if time.Now().After(deadline) {
			s.stop(5 * time.Second)
			return nil, fmt.Errorf("fundus serve was not ready after %s\n%s", serverReadyTimeout, s.logTail())
		}
	}
}

// stop sends SIGTERM and waits up to grace for the exit (then kills). It
// returns how long the exit took and the exit error (nil for exit 0);
// later calls return what the first one did.
func (s *server) stop(grace time.Duration) (time.Duration, error) {
	s.once.Do(func() {
		select {
		case <-s.done:
			s.stopErr = s.err // exited by itself
			return
		default:
		}
		start := time.Now()
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
			s.cmd.Process.Kill()
		}
		select {
		case <-s.done:
			s.stopTook, s.stopErr = time.Since(start), s.err
		case <-time.After(grace):
			s.cmd.Process.Kill()
			<-s.done
			s.stopTook, s.stopErr = time.Since(start), fmt.Errorf("did not exit within %s of SIGTERM; killed", grace)
		}
	})
	return s.stopTook, s.stopErr
}

// pid is the server's process id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// cpu returns the CPU time the server has used so far.
func (s *server) cpu() (time.Duration, bool) {
	if s == nil || s.cmd.Process == nil {
		return 0, false
	}
	return processCPU(s.cmd.Process.Pid)
}

// peakRSS returns the server's peak RSS once it has exited (0 before, or
// when unknown).
func (s *server) peakRSS() int64 {
	select {
	case <-s.done:
		return maxRSS(s.cmd.ProcessState)
	default:
		return 0
	}
}

// logTail returns the last 20 lines of the server's output.
func (s *server) logTail() string {
	if s.output != nil {
		return string(tail(s.output.Bytes(), 20))
	}
	b, _ := os.ReadFile(s.logPath)
	return string(tail(b, 20))
}

// tailBuffer keeps the last bytes written to it (up to 64 KiB); it is
// safe for a writer and a reader.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

const tailBufferSize = 64 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 2*tailBufferSize {
		t.b = append(t.b[:0], t.b[len(t.b)-tailBufferSize:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.b[max(0, len(t.b)-tailBufferSize):])
}
