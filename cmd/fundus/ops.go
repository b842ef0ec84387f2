package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
)

// writeOutput writes to path ("-" is stdout) with write. The file is
// written under a temporary name and renamed once write succeeds, so a
// failed run leaves no half-written file.
func writeOutput(e *env, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(e.stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(f.Name(), path)
}

func backupCmd(e *env) *cobra.Command {
	var server, token string
	cmd := dirCommand(e, &cobra.Command{
		Use:   "backup [--data DIR | --server URL] FILE",
		Short: "Write a consistent backup of the store (the index is rebuilt on restore)",
		Long: `Backup writes a consistent backup of the Badger store to FILE ("-" for stdout).
While a server holds the data directory, use --server URL to fetch the backup
from its admin endpoint (with --token or FUNDUS_API_TOKEN when it has one).`,
		Args: cobra.ExactArgs(1),
	}, func(cmd *cobra.Command, args []string, dir string) error {
		err := writeOutput(e, args[0], func(w io.Writer) error {
			if server != "" {
				return fetchBackup(cmd.Context(), server, token, w)
			}
			kb, err := openKB(cmd.Context(), e, dir)
			if err != nil {
				return err
			}
			defer kb.Close()
			return kb.Backup(cmd.Context(), w)
		})
		if err != nil {
			return err
		}
		if args[0] != "-" {
			fmt.Fprintf(e.stderr, "fundus: backup written to %s\n", args[0])
		}
		return nil
	})
	cmd.Flags().StringVar(&server, "server", "", "fetch the backup from a running server at this URL")
	cmd.Flags().StringVar(&token, "token", e.getenv("FUNDUS_API_TOKEN"), "the server's API token (env FUNDUS_API_TOKEN)")
	return cmd
}

func fetchBackup(ctx context.Context, server, token string, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(server, "/")+"/api/admin/backup", nil)
	if err != nil {
		return &usageError{fmt.Errorf("--server: %w", err)}
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("backup from %s: %w", server, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("backup from %s: %s: %s", server, resp.Status, strings.TrimSpace(string(msg)))
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("backup from %s: %w", server, err)
	}
	return nil
}

func restoreCmd(e *env) *cobra.Command {
	return dirCommand(e, &cobra.Command{
		Use:   "restore [--data DIR] FILE",
		Short: "Restore a backup into an empty data directory and rebuild the index",
		Args:  cobra.ExactArgs(1),
	}, func(cmd *cobra.Command, args []string, dir string) error {
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		n, err := indexer.Restore(cmd.Context(), indexer.Config{DataDir: dir, Logger: e.log}, f)
		if err != nil {
			return lockedMessage(err, dir)
		}
		fmt.Fprintf(e.stdout, "restored %d documents into %s\n", n, dir)
		return nil
	})
}

func exportCmd(e *env) *cobra.Command {
	return kbCommand(e, &cobra.Command{
		Use:   "export [--data DIR] [FILE]",
		Short: "Write every document as JSON Lines (to stdout, or FILE), readable by ingest",
		Args:  cobra.MaximumNArgs(1),
	}, func(cmd *cobra.Command, args []string, kb *indexer.KB) error {
		out := "-"
		if len(args) == 1 {
			out = args[0]
		}
		var n int
		err := writeOutput(e, out, func(w io.Writer) (err error) {
			n, err = kb.Export(w)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "fundus: exported %d documents\n", n)
		return nil
	})
}

func undeleteCmd(e *env) *cobra.Command {
	return kbCommand(e, &cobra.Command{
		Use:   "undelete [--data DIR] ID...",
		Short: "Restore deleted documents from the trash",
		Args:  cobra.MinimumNArgs(1),
	}, func(cmd *cobra.Command, args []string, kb *indexer.KB) error {
		failed := 0
		for _, id := range args {
			err := kb.Undelete(cmd.Context(), id)
			switch {
			case err == nil:
				fmt.Fprintf(e.stdout, "restored %s\n", id)
			case errors.Is(err, search.ErrNotFound), errors.Is(err, search.ErrConflict):
				failed++
				fmt.Fprintf(e.stderr, "fundus: %v\n", err)
			default:
				return err
			}
		}
		if failed > 0 {
			return &exitError{code: 1}
		}
		return nil
	})
}

// DefaultTrashRetention is how long deleted documents stay restorable.
const DefaultTrashRetention = 30 * 24 * time.Hour

func trashCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trash",
		Short: "List or purge deleted documents",
		Long: `Deleted documents (by the API, the CLI or ingest --prune) go to a trash in the
store. They can be restored with undelete until purged: by 'fundus trash purge',
or by a running server once they are older than its --trash-retention.`,
	}
	var asJSON bool
	list := kbCommand(e, &cobra.Command{
		Use:   "list [--data DIR] [--json]",
		Short: "List the trash",
		Args:  cobra.NoArgs,
	}, func(cmd *cobra.Command, args []string, kb *indexer.KB) error {
		trash, err := kb.TrashList(cmd.Context())
		if err != nil {
			return err
		}
		if asJSON {
			if trash == nil {
				trash = []search.TrashEntry{}
			}
			return printJSON(e.stdout, map[string]any{"trash": trash})
		}
		for _, t := range trash {
			fmt.Fprintf(e.stdout, "%s  %s  %s (%s)\n", t.Deleted.Local().Format("2006-01-02 15:04"), t.ID, t.Title, t.Type)
		}
		fmt.Fprintf(e.stdout, "%d documents in the trash\n", len(trash))
		return nil
	})
	jsonFlag(list, &asJSON, "the trash")
	var olderThan time.Duration
	purge := kbCommand(e, &cobra.Command{
		Use:   "purge [--data DIR] [--older-than DURATION]",
		Short: "Remove trashed documents for good",
		Args:  cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if olderThan < 0 {
				return &usageError{errors.New("--older-than must not be negative")}
			}
			return nil
		},
	}, func(cmd *cobra.Command, args []string, kb *indexer.KB) error {
		n, err := kb.PurgeTrash(cmd.Context(), olderThan)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "purged %d documents\n", n)
		return nil
	})
	purge.Flags().DurationVar(&olderThan, "older-than", 0, "only documents deleted longer ago than this (e.g. 720h); 0 purges all")
	cmd.AddCommand(list, purge)
	return cmd
}
