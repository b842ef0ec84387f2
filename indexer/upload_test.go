package indexer

import (
	"testing"

	"github.com/fundus-kb/fundus/internal/tabletest"
)

func TestUploadPath(t *testing.T) {
	tabletest.Map(t, "uploadPath", uploadPath, map[string]string{
		"note.md":           "note.md",
		"sub/note.md":       "sub/note.md",
		`sub\note.md`:       "sub/note.md",
		"../../etc/evil.md": "evil.md",
		"/etc/evil.md":      "evil.md",
		"a/../b.md":         "b.md",
		"./note.md":         "note.md",
		"a//b.md":           "b.md",
		`C:\Users\x\a.md`:   "a.md",
	})
}
