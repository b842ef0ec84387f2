// Package text parses plain text files: the first non-empty line is the
// title, the rest the body.
package text

import (
	"context"
	"strings"

	"github.com/fundus-kb/fundus/indexer/parse/record"
)

// Parse parses a plain text file: its first non-empty line is the title and
// the rest is the body. The file yields one record with Raw set to data.
func Parse(ctx context.Context, path string, data []byte) ([]record.Record, []error) {
	text, line, err := record.CheckText(data)
	if err != nil {
		return record.Fail(path, line, err)
	}
	s := strings.ReplaceAll(string(text), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var title, body string
	rest := s
	for rest != "" {
		var first string
		first, rest, _ = strings.Cut(rest, "\n")
		if first = strings.TrimSpace(first); first != "" {
			title = first
			break
		}
	}
	body = strings.TrimSpace(rest)
	rec := record.Record{Raw: data}
	rec.Doc.Title = title
	rec.Doc.Body = body
	return []record.Record{rec}, nil
}
