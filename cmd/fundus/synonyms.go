package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
)

// synonymsCmd groups the glossary commands.
func synonymsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "synonyms",
		Short: "Manage the glossary of synonyms and topic aliases",
		Long: `The glossary (glossary.yaml in the data directory, written from the built-in
defaults when missing) lists groups of synonyms — German and English words
and phrases that mean the same — and aliases of topic names. Edit it, then
run "fundus synonyms reload".`,
	}
	cmd.AddCommand(synonymsReloadCmd(e))
	return cmd
}

func synonymsReloadCmd(e *env) *cobra.Command {
	return dirCommand(e, &cobra.Command{
		Use:   "reload [--data DIR]",
		Short: "Apply the edited glossary without a restart",
		Long: `Reload checks DIR/glossary.yaml and applies it: its synonyms replace the
index's in one step, and its topic aliases apply to topic filters at once
and to documents written from then on. When "fundus serve" has the data
directory open, reload sends it SIGHUP, which makes it reload the glossary.
A glossary that does not parse changes nothing; the error names the line.`,
		Args: cobra.NoArgs,
	}, func(cmd *cobra.Command, _ []string, dir string) error {
		path := filepath.Join(dir, indexer.GlossaryFile)
		if data, err := os.ReadFile(path); err == nil {
			if _, err := search.ParseGlossary(data); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		kb, err := indexer.Open(cmd.Context(), indexer.Config{DataDir: dir, Logger: e.log})
		if errors.Is(err, indexer.ErrLocked) {
			pid, perr := serverPID(dir)
			if perr != nil {
				return lockedMessage(err, dir)
			}
			if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
				return fmt.Errorf("signal fundus serve (pid %d): %w", pid, err)
			}
			fmt.Fprintf(e.stdout, "sent SIGHUP to the fundus process (pid %d) that has %s open; it reloads %s\n", pid, dir, path)
			return nil
		}
		if err != nil {
			return lockedMessage(err, dir)
		}
		defer kb.Close()
		g, err := kb.ReloadGlossary()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "glossary %s: %d synonym groups, %d topic aliases applied\n", kb.GlossaryPath(), g.Groups(), g.TopicAliases())
		return nil
	})
}

// serverPID returns the process id that the store's lock file of the data
// directory names (Badger writes it there).
func serverPID(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "store", "LOCK"))
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 || pid == os.Getpid() {
		return 0, fmt.Errorf("no process id in the lock file")
	}
	return pid, nil
}
