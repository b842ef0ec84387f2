package indexer

import (
	"context"
	"fmt"

	"github.com/fundus-kb/fundus/search"
)

// RawSource returns a document's raw source bytes (the file, upload or
// record it was parsed from), under the visibility rule of Document: a
// members-only document's source does not exist for a request without
// members access, and an unknown id is an error wrapping
// search.ErrNotFound either way. A document stored without source bytes
// also answers search.ErrNotFound.
func (kb *KB) RawSource(ctx context.Context, id string) ([]byte, error) {
	if _, err := kb.Document(ctx, id); err != nil {
		return nil, err
	}
	raw, err := kb.store.Raw(id)
	if err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("source of %q: %w", id, search.ErrNotFound)
	}
	return raw, nil
}
