// Command fundus is the Fundus knowledge base: it ingests notes, case
// write-ups and recommendations into a Badger store and a Bleve index, and
// searches and serves them.
//
// Run `fundus --help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err))
}
