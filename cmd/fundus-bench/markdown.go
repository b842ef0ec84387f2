package main

// What every Markdown summary shares: its opening lines and verdicts.

import (
	"debug/buildinfo"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// writeHeader writes the lines every summary starts with under its title:
// the command, the date, the Go version and the machine.
func writeHeader(w io.Writer, args []string, fundus, machine string) {
	fmt.Fprintf(w, "- Command: `%s`\n", commandLine(args))
	fmt.Fprintf(w, "- Date: %s\n", time.Now().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- Go: %s %s/%s%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, fundusGoVersion(fundus))
	fmt.Fprintf(w, "- Machine: %s\n", machine)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

// commandLine reconstructs the command that ran this benchmark, as
// `go run ./cmd/fundus-bench …` when it was started by go run.
func commandLine(args []string) string {
	prog := "fundus-bench"
	if len(os.Args) > 0 {
		prog = os.Args[0]
	}
	if exe, err := os.Executable(); err == nil && strings.Contains(exe, "go-build") {
		prog = "go run ./cmd/fundus-bench"
	}
	q := make([]string, 0, len(args)+1)
	q = append(q, prog)
	for _, a := range args {
		q = append(q, shellQuote(a))
	}
	return strings.Join(q, " ")
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fundusGoVersion names the Go version the fundus binary was built with,
// when it differs from this program's.
func fundusGoVersion(bin string) string {
	bi, err := buildinfo.ReadFile(bin)
	if err != nil || bi.GoVersion == runtime.Version() {
		return ""
	}
	return fmt.Sprintf(" (fundus binary built with %s)", bi.GoVersion)
}
